// How latency and errors looked during a fault (call start → end of its disruptions) compared with the same span
// just before it; the downtime itself is downtime.ts.
import { addErrorKinds } from './counters.js';
import { mergeEncoded, percentilesOf } from '../model/index.js';
import type { ErrorKind, FaultImpact, IntervalPoint } from '../model/index.js';

export interface FaultImpactInput {
  timeSeries: IntervalPoint[];
  loadStartEpochMs: number;
  /** epoch ms: the fault's call start … the end of its last disruption (or of its window when nothing broke) */
  fromMs: number;
  toMs: number;
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
  const { timeSeries, loadStartEpochMs, fromMs } = input;
  const toMs = Math.max(fromMs, input.toMs);
  const span = toMs - fromMs;
  const during = bucketsIn(timeSeries, loadStartEpochMs, fromMs, toMs);
  const before = bucketsIn(timeSeries, loadStartEpochMs, fromMs - span, fromMs);
  const errorsByKind: Partial<Record<ErrorKind, number>> = {};
  for (const p of during) addErrorKinds(errorsByKind, p.errorsByKind);
  const sum = (points: IntervalPoint[], key: 'ok' | 'errors' | 'timeouts' | 'dropped') => points.reduce((a, p) => a + p[key], 0);
  return {
    fromMs,
    toMs,
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
