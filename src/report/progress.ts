// Live progress while a run is going: a redrawn ingest bar on a terminal, plain throttled lines in CI logs,
// one line per time-series interval, setup steps, phases and fault events.
import type { FaultEvent, FaultRecord } from '../model/index.js';
import type { IntervalPoint } from '../model/index.js';
import type { StepTiming } from '../model/index.js';
import { formatCount, formatMs, formatRate, formatSeconds } from './format.js';

export interface IngestProgressUpdate {
  rows: number;
  total: number;
  rowsPerSec: number;
  /** null until a rate is known */
  etaMs: number | null;
}

export interface ProgressReporterOptions {
  stream: NodeJS.WritableStream;
  /** redraw a bar in place; false → plain lines */
  tty: boolean;
  /** only log lines and fault problems */
  quiet: boolean;
  /** CI=true forces plain lines even on a TTY; process.env by default */
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** plain mode: at most one ingest line per this many ms (default 5000) */
  plainEveryMs?: number;
}

export interface ProgressReporter {
  log(line: string): void;
  ingest(progress: IngestProgressUpdate): void;
  stepStart(step: string): void;
  step(step: StepTiming): void;
  phase(name: string, event: 'start' | 'end'): void;
  interval(point: IntervalPoint): void;
  fault(event: FaultEvent): void;
  close(): void;
}

const BAR_WIDTH = 28;
const PROBLEM_EVENTS = new Set<FaultEvent['kind']>(['failed', 'revert-failed', 'not-recovered']);

export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const { stream, quiet } = options;
  const tty = options.tty && (options.env ?? process.env).CI !== 'true';
  const now = options.now ?? Date.now;
  const plainEveryMs = options.plainEveryMs ?? 5000;
  const activeFaults = new Map<string, string>();
  let barShown = false;
  let lastPlainIngest = -Infinity;

  const clearBar = () => {
    if (barShown) stream.write('\r\x1b[K');
    barShown = false;
  };
  const line = (text: string) => {
    clearBar();
    stream.write(`${text}\n`);
  };

  return {
    log: line,
    ingest(progress) {
      if (quiet) return;
      const done = progress.total > 0 && progress.rows >= progress.total;
      if (tty) {
        stream.write(`\r${ingestBar(progress)}\x1b[K${done ? '\n' : ''}`);
        barShown = !done;
        return;
      }
      if (!done && now() - lastPlainIngest < plainEveryMs) return;
      lastPlainIngest = now();
      line(`ingest ${ingestFigures(progress)}`);
    },
    stepStart(step) {
      if (!quiet) line(`… ${step}`);
    },
    step(step) {
      if (!quiet) line(`✓ ${step.step} ${formatMs(step.durationMs)}${step.detail ? ` — ${step.detail}` : ''}`);
    },
    phase(name, event) {
      if (!quiet) line(event === 'start' ? `▶ phase ${name}` : `■ phase ${name} done`);
    },
    interval(point) {
      if (quiet) return;
      const failed = point.errors + point.timeouts;
      const faults = activeFaults.size > 0 ? `  faults: ${[...activeFaults.values()].join(', ')}` : '';
      const dropped = point.dropped > 0 ? `  dropped ${formatCount(point.dropped)}` : '';
      line(`[${formatSeconds(point.tMs).padStart(7)}] ${point.phase.padEnd(10)} QPS ${formatRate(point.qps).padStart(7)}  p99 ${formatMs(point.p99).padStart(9)}  errors ${formatCount(failed)}${dropped}${faults}`);
    },
    fault(event) {
      const key = faultKey(event.record);
      if (event.kind === 'injected') activeFaults.set(key, faultLabel(event.record));
      if (event.kind === 'recovered' || event.kind === 'not-recovered' || event.kind === 'failed') activeFaults.delete(key);
      if (!quiet || PROBLEM_EVENTS.has(event.kind)) line(`⚡ fault ${event.kind}: ${faultLabel(event.record)} — ${event.message}`);
    },
    close() {
      if (barShown) stream.write('\n');
      barShown = false;
    },
  };
}

function ingestBar(progress: IngestProgressUpdate): string {
  const fraction = progress.total > 0 ? Math.min(1, progress.rows / progress.total) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  return `ingest [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${ingestFigures(progress)}`;
}

function ingestFigures(progress: IngestProgressUpdate): string {
  const percent = progress.total > 0 ? ` (${Math.floor((progress.rows / progress.total) * 100)}%)` : '';
  const eta = progress.etaMs === null ? '' : `, ETA ${formatSeconds(progress.etaMs)}`;
  return `${formatCount(progress.rows)}/${formatCount(progress.total)} rows${percent}, ${formatRate(progress.rowsPerSec)} rows/s${eta}`;
}

function faultKey(record: FaultRecord): string {
  return `${record.index}:${record.occurrence}`;
}

function faultLabel(record: FaultRecord): string {
  return `${record.action} ${record.targets.length > 0 ? record.targets.join(', ') : record.role}`;
}
