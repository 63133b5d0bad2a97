// Merges the workers' interval snapshots into one IntervalPoint per (phase, bucket), emitting a bucket as
// soon as every worker of the phase has reported it so the console can print a live line. A snapshot that
// arrives after its bucket was emitted is merged into that point (never dropped).
import { addCounters, emptyCounters } from './counters.js';
import { mergeEncoded, encodeHistogram, percentilesOf } from '../model/index.js';
import type { Counters, IntervalPoint, IntervalSnapshot, OutcomeRun } from '../model/index.js';

export function mergeSnapshots(snapshots: IntervalSnapshot[], loadStartEpochMs: number, intervalMs: number): IntervalPoint {
  const first = snapshots[0];
  const counters = snapshots.reduce((acc, s) => addCounters(acc, s.counters), emptyCounters());
  const histogram = mergeEncoded(snapshots.map((s) => s.histogram));
  const okHistogram = mergeEncoded(snapshots.map((s) => s.okHistogram));
  const p = percentilesOf(histogram);
  const encode = (h: typeof histogram) => (h.totalCount > 0 ? encodeHistogram(h) : null);
  const encoded = encode(histogram);
  const okEncoded = encode(okHistogram);
  histogram.destroy();
  okHistogram.destroy();
  // the part of the bucket the phase covered: a phase's first and last buckets are partial
  const spanStart = Math.min(...snapshots.map((s) => s.spanStartMs ?? s.startMs));
  const spanEnd = Math.max(...snapshots.map((s) => s.spanEndMs ?? s.startMs + intervalMs));
  const spanMs = Math.max(0, Math.min(intervalMs, spanEnd - spanStart));
  const seconds = spanMs / 1000;
  const recall = snapshots.reduce((acc, s) => ({ sum: acc.sum + (s.recall?.sum ?? 0), count: acc.count + (s.recall?.count ?? 0) }), { sum: 0, count: 0 });
  const ended = counters.ok + counters.errors + counters.timeouts;
  return {
    phase: first.phase,
    tMs: Math.round(first.startMs - loadStartEpochMs),
    spanMs,
    partial: spanMs < intervalMs,
    scheduled: counters.scheduled,
    sent: counters.sent,
    abandoned: counters.abandoned,
    ok: counters.ok,
    errors: counters.errors,
    timeouts: counters.timeouts,
    dropped: counters.dropped,
    errorsByKind: counters.errorsByKind,
    qps: seconds > 0 ? ended / seconds : 0,
    goodput: seconds > 0 ? counters.ok / seconds : 0,
    ...(recall.count > 0 ? { recall } : {}),
    p50: p?.p50 ?? null,
    p95: p?.p95 ?? null,
    p99: p?.p99 ?? null,
    max: p?.max ?? null,
    inFlight: snapshots.reduce((sum, s) => sum + s.inFlightMax, 0),
    histogram: encoded,
    okHistogram: okEncoded,
  };
}

/** the counters of a phase's points added up (to check them against the phase totals) */
export function seriesCounters(points: IntervalPoint[], phase: string): Counters {
  const sum = emptyCounters();
  for (const p of points) {
    if (p.phase !== phase) continue;
    addCounters(sum, { scheduled: p.scheduled ?? 0, sent: p.sent ?? 0, ok: p.ok, errors: p.errors, timeouts: p.timeouts, dropped: p.dropped, abandoned: p.abandoned ?? 0, errorsByKind: p.errorsByKind });
  }
  return sum;
}

export class IntervalMerger {
  private readonly pending = new Map<string, IntervalSnapshot[]>();
  /** emitted buckets: their snapshots and where their point sits in `points` */
  private readonly emitted = new Map<string, { snapshots: IntervalSnapshot[]; index: number }>();
  readonly points: IntervalPoint[] = [];
  readonly runs: OutcomeRun[] = [];
  /** snapshots merged into a bucket after it had been emitted */
  late = 0;

  constructor(
    private readonly loadStartEpochMs: number,
    private readonly intervalMs: number,
    private readonly onPoint: (point: IntervalPoint) => void = () => {},
  ) {}

  /** `expected` = how many workers report this phase's buckets */
  add(snapshot: IntervalSnapshot, expected: number): void {
    for (const run of snapshot.runs) this.runs.push(run);
    const key = `${snapshot.phase}\u0000${snapshot.startMs}`;
    const done = this.emitted.get(key);
    if (done) {
      done.snapshots.push(snapshot);
      this.points[done.index] = mergeSnapshots(done.snapshots, this.loadStartEpochMs, this.intervalMs);
      this.late++;
      return;
    }
    const bucket = this.pending.get(key) ?? [];
    bucket.push(snapshot);
    this.pending.set(key, bucket);
    if (bucket.length >= expected) this.emit(key);
  }

  /** emit every bucket still waiting (a phase ended, or a worker never reported) */
  flush(phase?: string): void {
    const keys = [...this.pending.keys()].filter((key) => phase === undefined || key.startsWith(`${phase}\u0000`));
    keys.sort((a, b) => Number(a.split('\u0000')[1]) - Number(b.split('\u0000')[1]));
    for (const key of keys) this.emit(key);
  }

  private emit(key: string): void {
    const snapshots = this.pending.get(key);
    if (!snapshots) return;
    this.pending.delete(key);
    const point = mergeSnapshots(snapshots, this.loadStartEpochMs, this.intervalMs);
    this.emitted.set(key, { snapshots, index: this.points.length });
    this.points.push(point);
    this.onPoint(point);
  }

  /** forget a finished phase's snapshots (its points stay); every snapshot of it has arrived */
  release(phase: string): void {
    for (const key of [...this.emitted.keys()]) if (key.startsWith(`${phase}\u0000`)) this.emitted.delete(key);
  }

  sortedRuns(): OutcomeRun[] {
    return [...this.runs].sort((a, b) => a.firstMs - b.firstMs || a.lastMs - b.lastMs);
  }
}
