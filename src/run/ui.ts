// What the pipeline tells the person watching: live progress on a TTY, plain lines in CI, nothing but
// the JSON summary on stdout with --json (human output then goes to stderr).
import type { FaultEvent } from '../faults/index.js';
import type { IntervalPoint } from '../metrics/index.js';
import type { IngestProgress } from '../target/index.js';
import type { StepTiming } from '../report/index.js';
import { createProgressReporter } from '../report/index.js';

export interface RunUi {
  log(line: string): void;
  ingestProgress(progress: IngestProgress): void;
  step(step: StepTiming): void;
  interval(point: IntervalPoint): void;
  phase(name: string, event: 'start' | 'end'): void;
  faultEvent(event: FaultEvent): void;
  close(): void;
}

export function createRunUi(options: { json: boolean; quiet: boolean }): RunUi {
  const stream = options.json ? process.stderr : process.stdout;
  const tty = Boolean(stream.isTTY) && process.env.CI !== 'true';
  const progress = createProgressReporter({ stream, tty, quiet: options.quiet });
  return {
    log: (line) => progress.log(line),
    ingestProgress: (p) => progress.ingest(p),
    step: (s) => progress.step(s),
    interval: (point) => progress.interval(point),
    phase: (name, event) => progress.phase(name, event),
    faultEvent: (event) => progress.fault(event),
    close: () => progress.close(),
  };
}
