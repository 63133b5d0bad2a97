// Merges the workers' interval snapshots into one IntervalPoint per (phase, bucket), emitting a bucket as
// soon as every worker of the phase has reported it so the console can print a live line.
import { addCounters, emptyCounters } from './counters.js';
import { mergeEncoded, encodeHistogram, percentilesOf } from './histogram.js';
import type { IntervalPoint, IntervalSnapshot, OutcomeRun } from './types.js';

interface PendingBucket {
  snapshots: IntervalSnapshot[];
}

export function mergeSnapshots(snapshots: IntervalSnapshot[], loadStartEpochMs: number, intervalMs: number): IntervalPoint {
  const first = snapshots[0];
  const counters = snapshots.reduce((acc, s) => addCounters(acc, s.counters), emptyCounters());
  const histogram = mergeEncoded(snapshots.map((s) => s.histogram));
  const p = percentilesOf(histogram);
  const encoded = histogram.totalCount > 0 ? encodeHistogram(histogram) : null;
  histogram.destroy();
  return {
    phase: first.phase,
    tMs: Math.round(first.startMs - loadStartEpochMs),
    ok: counters.ok,
    errors: counters.errors,
    timeouts: counters.timeouts,
    dropped: counters.dropped,
    errorsByKind: counters.errorsByKind,
    qps: counters.ok / (intervalMs / 1000),
    p50: p?.p50 ?? null,
    p95: p?.p95 ?? null,
    p99: p?.p99 ?? null,
    max: p?.max ?? null,
    inFlight: snapshots.reduce((sum, s) => sum + s.inFlightMax, 0),
    histogram: encoded,
  };
}

export class IntervalMerger {
  private readonly pending = new Map<string, PendingBucket>();
  readonly points: IntervalPoint[] = [];
  readonly runs: OutcomeRun[] = [];

  constructor(
    private readonly loadStartEpochMs: number,
    private readonly intervalMs: number,
    private readonly onPoint: (point: IntervalPoint) => void = () => {},
  ) {}

  /** `expected` = how many workers report this phase's buckets */
  add(snapshot: IntervalSnapshot, expected: number): void {
    for (const run of snapshot.runs) this.runs.push(run);
    const key = `${snapshot.phase}\u0000${snapshot.startMs}`;
    const bucket = this.pending.get(key) ?? { snapshots: [] };
    bucket.snapshots.push(snapshot);
    this.pending.set(key, bucket);
    if (bucket.snapshots.length >= expected) this.emit(key);
  }

  /** emit every bucket still waiting (a phase ended, or a worker never reported) */
  flush(phase?: string): void {
    const keys = [...this.pending.keys()].filter((key) => phase === undefined || key.startsWith(`${phase}\u0000`));
    keys.sort((a, b) => Number(a.split('\u0000')[1]) - Number(b.split('\u0000')[1]));
    for (const key of keys) this.emit(key);
  }

  private emit(key: string): void {
    const bucket = this.pending.get(key);
    if (!bucket) return;
    this.pending.delete(key);
    const point = mergeSnapshots(bucket.snapshots, this.loadStartEpochMs, this.intervalMs);
    this.points.push(point);
    this.onPoint(point);
  }

  sortedRuns(): OutcomeRun[] {
    return [...this.runs].sort((a, b) => a.firstMs - b.firstMs || a.lastMs - b.lastMs);
  }
}
