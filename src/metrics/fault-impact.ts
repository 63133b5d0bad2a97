// Failover downtime from outcome runs: when requests started failing, when they came back for good,
// and how latency and errors looked during the fault compared with the same span before it.
import { addErrorKinds } from './counters.js';
import { mergeEncoded, percentilesOf } from './histogram.js';
import type { ErrorKind, FaultImpact, IntervalPoint, OutageWindow, OutcomeRun } from './types.js';

export interface FaultImpactInput {
  /** merged outcome runs of every worker (any order) */
  runs: OutcomeRun[];
  timeSeries: IntervalPoint[];
  loadStartEpochMs: number;
  /** epoch ms the fault was injected */
  injectedMs: number;
  /** epoch ms the fault's window ends: its revert, the next fault or the load end */
  windowEndMs: number;
  /** consecutive successes that mark recovery */
  recoverySuccesses: number;
}

interface RequestEvent {
  t: number;
  ok: boolean;
}

/** Runs carry only first/last/count: the requests between are spread evenly, which keeps edges exact. */
export function eventsInWindow(runs: OutcomeRun[], fromMs: number, toMs: number): RequestEvent[] {
  const events: RequestEvent[] = [];
  for (const run of runs) {
    if (run.lastMs < fromMs || run.firstMs > toMs) continue;
    const step = run.count > 1 ? (run.lastMs - run.firstMs) / (run.count - 1) : 0;
    for (let i = 0; i < run.count; i++) {
      const t = run.firstMs + i * step;
      if (t >= fromMs && t <= toMs) events.push({ t, ok: run.ok });
    }
  }
  return events.sort((a, b) => a.t - b.t);
}

interface OutageScan {
  windows: OutageWindow[];
  firstFailureMs: number | null;
  lastFailureMs: number | null;
  firstSuccessAfterLastFailureMs: number | null;
  recoveredMs: number | null;
}

/** An outage ends at the first of `n` consecutive successes; a failure inside the streak continues it. */
export function scanOutages(events: RequestEvent[], n: number, windowEndMs: number): OutageScan {
  const needed = Math.max(1, Math.floor(n));
  const windows: OutageWindow[] = [];
  let open: OutageWindow | null = null;
  let streak = 0;
  let streakStart = 0;
  let firstFailureMs: number | null = null;
  let lastFailureMs: number | null = null;
  let firstSuccessAfterLastFailureMs: number | null = null;
  let recoveredMs: number | null = null;
  for (const event of events) {
    if (!event.ok) {
      firstFailureMs ??= event.t;
      lastFailureMs = event.t;
      firstSuccessAfterLastFailureMs = null;
      recoveredMs = null;
      if (!open) open = { startMs: event.t, endMs: event.t, durationMs: 0, failures: 0 };
      open.failures++;
      streak = 0;
      continue;
    }
    if (lastFailureMs !== null) firstSuccessAfterLastFailureMs ??= event.t;
    if (!open) continue;
    if (streak === 0) streakStart = event.t;
    streak++;
    if (streak >= needed) {
      open.endMs = streakStart;
      open.durationMs = streakStart - open.startMs;
      windows.push(open);
      recoveredMs = streakStart;
      open = null;
      streak = 0;
    }
  }
  if (open) {
    open.endMs = windowEndMs;
    open.durationMs = windowEndMs - open.startMs;
    windows.push(open);
    recoveredMs = null;
  }
  return { windows, firstFailureMs, lastFailureMs, firstSuccessAfterLastFailureMs, recoveredMs };
}

function bucketWidthMs(series: IntervalPoint[]): number {
  const starts = [...new Set(series.map((p) => p.tMs))].sort((a, b) => a - b);
  let width = Infinity;
  for (let i = 1; i < starts.length; i++) width = Math.min(width, starts[i] - starts[i - 1]);
  return Number.isFinite(width) && width > 0 ? width : 1000;
}

/** buckets whose centre falls in [fromMs, toMs) */
function bucketsIn(series: IntervalPoint[], loadStartEpochMs: number, fromMs: number, toMs: number): IntervalPoint[] {
  const half = bucketWidthMs(series) / 2;
  return series.filter((p) => {
    const centre = loadStartEpochMs + p.tMs + half;
    return centre >= fromMs && centre < toMs;
  });
}

function windowLatency(points: IntervalPoint[]): { p50: number | null; p99: number | null } {
  if (points.length === 0) return { p50: null, p99: null };
  if (points.every((p) => p.histogram)) {
    const merged = mergeEncoded(points.map((p) => p.histogram));
    const result = percentilesOf(merged);
    merged.destroy();
    return { p50: result?.p50 ?? null, p99: result?.p99 ?? null };
  }
  // without bucket histograms: the worst bucket is the honest upper bound
  const p50s = points.map((p) => p.p50).filter((v): v is number => v !== null);
  const p99s = points.map((p) => p.p99).filter((v): v is number => v !== null);
  return { p50: p50s.length ? Math.max(...p50s) : null, p99: p99s.length ? Math.max(...p99s) : null };
}

export function computeFaultImpact(input: FaultImpactInput): FaultImpact {
  const { runs, timeSeries, loadStartEpochMs, injectedMs, windowEndMs, recoverySuccesses } = input;
  const scan = scanOutages(eventsInWindow(runs, injectedMs, windowEndMs), recoverySuccesses, windowEndMs);
  const span = Math.max(0, windowEndMs - injectedMs);
  const during = bucketsIn(timeSeries, loadStartEpochMs, injectedMs, windowEndMs);
  const before = bucketsIn(timeSeries, loadStartEpochMs, injectedMs - span, injectedMs);
  const errorsByKind: Partial<Record<ErrorKind, number>> = {};
  for (const p of during) addErrorKinds(errorsByKind, p.errorsByKind);
  const sum = (points: IntervalPoint[], key: 'ok' | 'errors' | 'timeouts' | 'dropped') => points.reduce((a, p) => a + p[key], 0);
  const downtimeMs = scan.firstFailureMs === null ? 0 : (scan.recoveredMs ?? windowEndMs) - scan.firstFailureMs;
  return {
    firstFailureMs: scan.firstFailureMs,
    lastFailureMs: scan.lastFailureMs,
    firstSuccessAfterLastFailureMs: scan.firstSuccessAfterLastFailureMs,
    recoveredMs: scan.recoveredMs,
    downtimeMs,
    outageWindows: scan.windows,
    before: { ...windowLatency(before), ok: sum(before, 'ok'), errors: sum(before, 'errors') },
    during: {
      ...windowLatency(during),
      ok: sum(during, 'ok'),
      errors: sum(during, 'errors'),
      timeouts: sum(during, 'timeouts'),
      dropped: sum(during, 'dropped'),
    },
    errorsByKind,
    shortResults: errorsByKind.short_result ?? 0,
  };
}
