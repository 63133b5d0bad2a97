// Which SLO keys exist and where each reads its value in a RunResult.
import type { OperationSummary, PhaseResult, RunResult } from '../model/index.js';
import { didYouMean } from '../suggest.js';
import type { MetricKind } from './threshold.js';

const LATENCY_STATS = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;
type LatencyStat = (typeof LATENCY_STATS)[number];
const LOAD_STATS: Record<string, MetricKind> = {
  ...Object.fromEntries(LATENCY_STATS.map((stat) => [stat, 'time' as const])),
  qps: 'rate',
  goodput: 'rate',
  errorRate: 'ratio',
  errors: 'count',
  timeouts: 'count',
  dropped: 'count',
  shortResults: 'count',
};
/** Stats that belong to a whole phase, not to one operation kind. */
const PHASE_ONLY_STATS = new Set(['dropped', 'shortResults']);
const GLOBAL_METRICS: Record<string, MetricKind> = { 'ingest.rowsPerSec': 'rate', recall: 'ratio', count: 'exact' };
const FAULT_STATS: Record<string, MetricKind> = { downtime: 'time', recovery: 'time', p50: 'time', p99: 'time' };
export const OPERATION_KINDS = ['search', 'query'] as const;

/** Where a key reads from. */
export type MetricRef =
  | { source: 'load'; phase?: string; operation?: string; stat: string; okOnly?: boolean }
  | { source: 'global'; name: string }
  | { source: 'fault'; index?: number; stat: string };

export interface SloContext {
  phases: ReadonlyArray<{ name: string; operations: ReadonlyArray<{ kind: string }> }>;
  /** when given, `fault.<i>.…` keys are checked against it */
  faults?: ReadonlyArray<unknown>;
}

/** Resolves a key against the scenario, or explains why it names nothing. */
export function resolveKey(key: string, context: SloContext): { ref: MetricRef; kind: MetricKind } | string {
  if (key in GLOBAL_METRICS) return { ref: { source: 'global', name: key }, kind: GLOBAL_METRICS[key] };
  if (key === 'downtime' || key === 'recovery') return { ref: { source: 'fault', stat: key }, kind: 'time' };
  const segments = key.split('.');
  if (segments[0] === 'fault') return resolveFaultKey(segments, context);
  let phase: string | undefined;
  if (segments.length > 1 && !(OPERATION_KINDS as readonly string[]).includes(segments[0])) {
    phase = segments.shift();
    if (!context.phases.some((p) => p.name === phase)) {
      const names = context.phases.map((p) => p.name);
      const near = didYouMean(key, knownKeys(context)) || didYouMean(phase!, names);
      return `no phase named "${phase}"${near} (allowed: phase names ${names.join(', ')}, or no phase prefix)`;
    }
  }
  const operation = segments.length > 1 && segments[0] !== 'ok' ? segments.shift() : undefined;
  // `ok.` narrows a latency figure to successes: search.p99 gates every ended request, search.ok.p99 successes only
  const okOnly = segments.length > 1 && segments[0] === 'ok';
  if (okOnly) segments.shift();
  const stat = segments.join('.');
  if (segments.length !== 1 || !(stat in LOAD_STATS)) return unknownMetric(key, context);
  if (okOnly && !(LATENCY_STATS as readonly string[]).includes(stat)) return `"ok." applies to latency figures only (allowed: ${LATENCY_STATS.join(', ')})`;
  if (operation !== undefined) {
    if (!(OPERATION_KINDS as readonly string[]).includes(operation)) return unknownMetric(key, context);
    if (PHASE_ONLY_STATS.has(stat)) return `"${stat}" is counted per phase, not per operation (allowed: "${phase ? `${phase}.` : ''}${stat}")`;
    const phases = context.phases.filter((p) => phase === undefined || p.name === phase);
    if (!phases.some((p) => p.operations.some((op) => op.kind === operation))) {
      const measured = OPERATION_KINDS.filter((kind) => phases.some((p) => p.operations.some((op) => op.kind === kind)));
      return `no ${operation} operations run${phase ? ` in phase "${phase}"` : ''}, so this is never measured (allowed: ${measured.map((kind) => `${phase ? `${phase}.` : ''}${kind}.${stat}`).join(', ') || `${stat} without an operation`})`;
    }
  }
  return { ref: { source: 'load', stat, ...(phase ? { phase } : {}), ...(operation ? { operation } : {}), ...(okOnly ? { okOnly } : {}) }, kind: LOAD_STATS[stat] };
}

function resolveFaultKey(segments: string[], context: SloContext): { ref: MetricRef; kind: MetricKind } | string {
  const stat = segments[segments.length - 1];
  if (segments.length === 2 && stat in FAULT_STATS) return { ref: { source: 'fault', stat }, kind: FAULT_STATS[stat] };
  if (segments.length === 3 && /^\d+$/.test(segments[1]) && stat in FAULT_STATS) {
    const index = Number(segments[1]);
    if (context.faults && index >= context.faults.length) {
      const existing = context.faults.map((_, i) => `fault.${i}`).join(', ');
      return `no fault ${index} in the scenario (allowed: ${existing ? `fault indexes ${existing}` : 'no fault keys: the scenario has no faults'})`;
    }
    return { ref: { source: 'fault', index, stat }, kind: FAULT_STATS[stat] };
  }
  const stats = Object.keys(FAULT_STATS).join('|');
  return `unknown fault metric${didYouMean(segments.join('.'), Object.keys(FAULT_STATS).map((s) => `fault.${s}`))} (allowed: fault.<${stats}> or fault.<index>.<${stats}>)`;
}

function unknownMetric(key: string, context: SloContext): string {
  return (
    `unknown metric${didYouMean(key, knownKeys(context))} (allowed: [<phase>.][search.|query.][ok.]<${Object.keys(LOAD_STATS).join('|')}>, ` +
    `${Object.keys(GLOBAL_METRICS).join(', ')}, downtime, recovery or fault.[<index>.]<${Object.keys(FAULT_STATS).join('|')}>)`
  );
}

/** Every key the scenario could use, for suggestions. */
function knownKeys(context: SloContext): string[] {
  const keys = [...Object.keys(GLOBAL_METRICS), 'downtime', 'recovery', ...Object.keys(FAULT_STATS).map((s) => `fault.${s}`)];
  for (const prefix of ['', ...context.phases.map((p) => `${p.name}.`)]) {
    for (const stat of Object.keys(LOAD_STATS)) {
      keys.push(`${prefix}${stat}`);
      if (!PHASE_ONLY_STATS.has(stat)) for (const kind of OPERATION_KINDS) keys.push(`${prefix}${kind}.${stat}`);
    }
  }
  return keys;
}

/** The measured value in base units (ms, fraction, count), or null when the run did not measure it. */
export function readMetric(result: RunResult, ref: MetricRef): number | null {
  if (ref.source === 'global') return readGlobal(result, ref.name);
  if (ref.source === 'fault') return readFault(result, ref.index, ref.stat);
  const summary = ref.phase === undefined ? result.total : result.phases.find((p) => p.name === ref.phase) ?? null;
  if (!summary) return null;
  if (ref.operation === undefined) return readLoad(summary, summary, ref.stat, ref.okOnly ?? false);
  const operation = summary.operations[ref.operation];
  return operation ? readLoad(summary, operation, ref.stat, ref.okOnly ?? false) : null;
}

/** an operation's share of the phase's measured rate: the window is measured per phase */
function rateShare(phase: PhaseResult, summary: PhaseResult | OperationSummary, rate: number, part: (c: PhaseResult['counters']) => number): number {
  if (summary === phase) return rate;
  const whole = part(phase.counters);
  return whole > 0 ? (rate * part(summary.counters)) / whole : 0;
}

function readLoad(phase: PhaseResult, summary: PhaseResult | OperationSummary, stat: string, okOnly: boolean): number | null {
  const { counters } = summary;
  switch (stat) {
    case 'qps':
      return phase.windowMs > 0 ? rateShare(phase, summary, phase.qps, (c) => c.ok + c.errors + c.timeouts) : null;
    case 'goodput':
      return phase.windowMs > 0 ? rateShare(phase, summary, phase.goodput, (c) => c.ok) : null;
    case 'errorRate':
      return counters.scheduled > 0 ? (counters.errors + counters.timeouts + counters.dropped) / counters.scheduled : null;
    case 'errors':
      return counters.errors;
    case 'timeouts':
      return counters.timeouts;
    case 'dropped':
      return counters.dropped;
    case 'shortResults':
      return counters.errorsByKind.short_result ?? 0;
    default: {
      const latency = okOnly ? summary.okLatency : summary.latency;
      return latency ? latency[stat as LatencyStat] : null;
    }
  }
}

function readGlobal(result: RunResult, name: string): number | null {
  if (name === 'ingest.rowsPerSec') return result.ingest && !result.ingest.skipped ? result.ingest.rowsPerSec : null;
  if (name === 'recall') return result.integrity?.recall ?? null;
  const matches = result.integrity?.countMatches;
  return matches === null || matches === undefined ? null : matches ? 1 : 0;
}

/** What a fault key reads: every fault it names must have a figure; one without makes the whole key unmeasured. */
export interface FaultFigure {
  /** the worst value over the faults, or null when any of them has none */
  value: number | null;
  /** a fault is not recovered: its downtime is a lower bound and every downtime SLO fails */
  unrecovered: boolean;
  /** why there is no value (no faults, a fault not injected, …) */
  missing: string | null;
  /** the coarsest resolution among the faults (± ms) */
  resolutionMs: number | null;
}

export function readFaultFigure(result: RunResult, index: number | undefined, stat: string): FaultFigure {
  const faults = result.faults.filter((fault) => index === undefined || fault.index === index);
  const figure: FaultFigure = { value: null, unrecovered: false, missing: null, resolutionMs: null };
  if (faults.length === 0) return { ...figure, missing: index === undefined ? 'the run injected no fault' : `fault ${index} never ran` };
  const values: number[] = [];
  for (const fault of faults) {
    const label = `fault ${fault.index}${fault.occurrence > 0 ? ` #${fault.occurrence + 1}` : ''}`;
    if (fault.status === 'failed' || fault.status === 'skipped') {
      figure.missing ??= `${label} was ${fault.status === 'failed' ? 'not injected as written' : 'never injected'}`;
      continue;
    }
    if (stat === 'downtime' && fault.status === 'unrecovered') figure.unrecovered = true;
    if (fault.resolutionMs !== null) figure.resolutionMs = Math.max(figure.resolutionMs ?? 0, fault.resolutionMs);
    const value =
      stat === 'downtime' ? fault.downtimeMs : stat === 'recovery' ? fault.recoveryMs : stat === 'p50' ? fault.impact?.during.p50 ?? null : fault.impact?.during.p99 ?? null;
    if (value === null) figure.missing ??= `${label} has no ${stat} figure`;
    else values.push(value);
  }
  if (figure.missing === null) figure.value = Math.max(...values);
  else if (figure.unrecovered && values.length > 0) figure.value = Math.max(...values);
  return figure;
}

function readFault(result: RunResult, index: number | undefined, stat: string): number | null {
  const figure = readFaultFigure(result, index, stat);
  return figure.missing === null ? figure.value : null;
}
