// Worker-side bookkeeping for one phase: counters, HDR histograms per operation, outcome runs and the
// time-series bucket that is streamed to the main thread whenever it closes.
import type { MessagePort } from 'node:worker_threads';
import type { Counters, ErrorKind, Histogram, IntervalSnapshot, OutcomeRun, WorkerPhaseResult } from '../metrics/index.js';
import { createHistogram, emptyCounters, encodeHistogram, recordMs } from '../metrics/index.js';

export type RequestOutcome = { outcome: 'ok' } | { outcome: 'timeout' } | { outcome: 'error'; kind: ErrorKind };

interface OperationStats {
  counters: Counters;
  latency: Histogram;
  service: Histogram;
}

export interface RecorderOptions {
  phase: string;
  workerId: number;
  loadStartEpochMs: number;
  intervalMs: number;
  port: MessagePort;
  /** an ok request slower than this (from its start) is bad for downtime (`availability.slowMs`); default 1000 */
  slowMs?: number;
}

/** a bad run grows while the next bad interval starts within this of its end; far below any recovery window */
const BAD_RUN_GAP_MS = 50;
/** a good run grows while completions are closer than this (good requests inside a run are spread evenly) */
const GOOD_RUN_GAP_MS = 250;
type BadKind = 'errors' | 'timeouts' | 'dropped' | 'slow';

function count(counters: Counters, result: RequestOutcome): void {
  counters.sent++;
  if (result.outcome === 'ok') counters.ok++;
  else if (result.outcome === 'timeout') counters.timeouts++;
  else {
    counters.errors++;
    counters.errorsByKind[result.kind] = (counters.errorsByKind[result.kind] ?? 0) + 1;
  }
}

export class PhaseRecorder {
  private readonly totals = emptyCounters();
  private readonly operations = new Map<string, OperationStats>();
  private bucketIndex: number;
  private bucketCounters = emptyCounters();
  private readonly bucketHistogram = createHistogram();
  private bucketInFlightMax = 0;
  private closedRuns: OutcomeRun[] = [];
  private run: OutcomeRun | null = null;
  private recall = { sum: 0, count: 0 };
  private snapshotsPosted = 0;
  inFlight = 0;

  constructor(private readonly options: RecorderOptions, private readonly startMs: number) {
    this.bucketIndex = this.bucketOf(startMs);
  }

  private bucketOf(epochMs: number): number {
    return Math.floor((epochMs - this.options.loadStartEpochMs) / this.options.intervalMs);
  }

  private operation(name: string): OperationStats {
    let stats = this.operations.get(name);
    if (!stats) {
      stats = { counters: emptyCounters(), latency: createHistogram(), service: createHistogram() };
      this.operations.set(name, stats);
    }
    return stats;
  }

  requestSent(): void {
    this.inFlight++;
    if (this.inFlight > this.bucketInFlightMax) this.bucketInFlightMax = this.inFlight;
  }

  /** one sent request ended; times are epoch ms */
  requestEnded(op: string, result: RequestOutcome, intendedMs: number, sentMs: number, endMs: number): void {
    this.inFlight--;
    this.advance(endMs);
    const stats = this.operation(op);
    count(this.totals, result);
    count(stats.counters, result);
    count(this.bucketCounters, result);
    recordMs(this.bucketHistogram, endMs - intendedMs);
    if (result.outcome === 'ok') {
      recordMs(stats.latency, endMs - intendedMs);
      recordMs(stats.service, endMs - sentMs);
    }
    // a bad request covers [its start, its end]: a timeout from its start to its deadline; a good one proves the
    // service at its completion
    if (result.outcome === 'ok' && endMs - intendedMs <= (this.options.slowMs ?? 1000)) this.recordGood(endMs);
    else this.recordBad(result.outcome === 'ok' ? 'slow' : result.outcome === 'timeout' ? 'timeouts' : 'errors', intendedMs, endMs);
  }

  /** open loop: a request never sent; it covers its intended start */
  dropped(op: string, atMs: number, intendedMs = atMs): void {
    this.recordBad('dropped', intendedMs, intendedMs);
    this.advance(atMs);
    this.totals.dropped++;
    this.operation(op).counters.dropped++;
    this.bucketCounters.dropped++;
  }

  recallOf(hits: number, k: number): void {
    this.recall.sum += k > 0 ? hits / k : 0;
    this.recall.count++;
  }

  private recordGood(endMs: number): void {
    const run = this.run;
    if (run?.ok && endMs - run.lastMs <= GOOD_RUN_GAP_MS) {
      run.lastMs = Math.max(run.lastMs, endMs);
      run.count++;
      return;
    }
    this.openRun({ ok: true, firstMs: endMs, lastMs: endMs, count: 1 });
  }

  private recordBad(kind: BadKind, startMs: number, endMs: number): void {
    const run = this.run;
    if (run && !run.ok && startMs - run.lastMs <= BAD_RUN_GAP_MS) {
      run.firstMs = Math.min(run.firstMs, startMs);
      run.lastMs = Math.max(run.lastMs, endMs);
      run.count++;
      run[kind] = (run[kind] ?? 0) + 1;
      return;
    }
    this.openRun({ ok: false, firstMs: startMs, lastMs: endMs, firstEndMs: endMs, count: 1, [kind]: 1 });
  }

  private openRun(run: OutcomeRun): void {
    if (this.run) this.closedRuns.push(this.run);
    this.run = run;
  }

  /** closes every bucket that ended before `nowMs` (called on each event and by a boundary timer) */
  advance(nowMs: number): void {
    const current = this.bucketOf(nowMs);
    while (this.bucketIndex < current) {
      this.flushBucket();
      this.bucketIndex++;
    }
  }

  /** ms until the current bucket closes */
  msToBucketEnd(nowMs: number): number {
    const end = this.options.loadStartEpochMs + (this.bucketIndex + 1) * this.options.intervalMs;
    return Math.max(1, end - nowMs);
  }

  private flushBucket(): void {
    const runs = this.closedRuns;
    if (this.run) runs.push(this.run);
    this.closedRuns = [];
    this.run = null;
    const snapshot: IntervalSnapshot = {
      phase: this.options.phase,
      workerId: this.options.workerId,
      startMs: this.options.loadStartEpochMs + this.bucketIndex * this.options.intervalMs,
      counters: this.bucketCounters,
      histogram: encodeHistogram(this.bucketHistogram),
      inFlightMax: this.bucketInFlightMax,
      runs,
    };
    this.options.port.postMessage(snapshot);
    this.snapshotsPosted++;
    this.bucketCounters = emptyCounters();
    this.bucketHistogram.reset();
    this.bucketInFlightMax = this.inFlight;
  }

  finish(endMs: number): WorkerPhaseResult {
    this.advance(endMs);
    this.flushBucket();
    const latency: Record<string, string> = {};
    const service: Record<string, string> = {};
    const perOpCounters: Record<string, Counters> = {};
    for (const [name, stats] of this.operations) {
      latency[name] = encodeHistogram(stats.latency);
      service[name] = encodeHistogram(stats.service);
      perOpCounters[name] = stats.counters;
    }
    return {
      phase: this.options.phase,
      workerId: this.options.workerId,
      startMs: this.startMs,
      endMs,
      counters: this.totals,
      latency,
      service,
      perOpCounters,
      snapshots: this.snapshotsPosted,
      ...(this.recall.count > 0 ? { recall: this.recall } : {}),
    };
  }
}
