// Worker-side bookkeeping for one phase: counters, HDR histograms per operation, outcome runs and the
// time-series bucket that is streamed to the main thread whenever it closes. At the end the worker checks
// its own books (MEASUREMENT.md "Request outcomes") and reports every sum that does not hold.
import type { MessagePort } from 'node:worker_threads';
import type { Counters, ErrorKind, Histogram, IntervalSnapshot, OutcomeRun, WorkerPhaseResult } from '../metrics/index.js';
import { addCounters, completions, counterViolations, createHistogram, emptyCounters, encodeHistogram, recordMs, sumViolations } from '../metrics/index.js';

export type RequestOutcome = { outcome: 'ok' } | { outcome: 'timeout' } | { outcome: 'error'; kind: ErrorKind } | { outcome: 'abandoned' };

interface OperationStats {
  counters: Counters;
  latency: Histogram;
  okLatency: Histogram;
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

function countEnd(counters: Counters, result: RequestOutcome): void {
  if (result.outcome === 'ok') counters.ok++;
  else if (result.outcome === 'timeout') counters.timeouts++;
  else if (result.outcome === 'abandoned') counters.abandoned++;
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
  private readonly bucketOkHistogram = createHistogram();
  private bucketRecall = { sum: 0, count: 0 };
  private bucketInFlightMax = 0;
  /** what the posted snapshots added up to, checked against the totals at the end */
  private readonly postedSum = emptyCounters();
  private closedRuns: OutcomeRun[] = [];
  private run: OutcomeRun | null = null;
  private recall = { sum: 0, count: 0 };
  private snapshotsPosted = 0;
  private schedulingEndMs: number | null = null;
  private readonly measured = { completions: 0, ok: 0 };
  private readonly drain = { completions: 0, ok: 0 };
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
      stats = { counters: emptyCounters(), latency: createHistogram(), okLatency: createHistogram(), service: createHistogram() };
      this.operations.set(name, stats);
    }
    return stats;
  }

  private countAll(op: string, apply: (counters: Counters) => void): void {
    apply(this.totals);
    apply(this.operation(op).counters);
    apply(this.bucketCounters);
  }

  requestSent(op: string, atMs: number): void {
    this.advance(atMs);
    this.countAll(op, (c) => (c.scheduled++, c.sent++));
    this.inFlight++;
    if (this.inFlight > this.bucketInFlightMax) this.bucketInFlightMax = this.inFlight;
  }

  /** one sent request ended; times are epoch ms */
  requestEnded(op: string, result: RequestOutcome, intendedMs: number, sentMs: number, endMs: number): void {
    this.inFlight--;
    this.advance(endMs);
    this.countAll(op, (c) => countEnd(c, result));
    if (result.outcome === 'abandoned') return; // the tool cut it short: no latency, no evidence about the service
    const stats = this.operation(op);
    const ok = result.outcome === 'ok';
    recordMs(this.bucketHistogram, endMs - intendedMs);
    recordMs(stats.latency, endMs - intendedMs);
    recordMs(stats.service, endMs - sentMs);
    if (ok) {
      recordMs(this.bucketOkHistogram, endMs - intendedMs);
      recordMs(stats.okLatency, endMs - intendedMs);
    }
    const window = this.schedulingEndMs !== null && endMs > this.schedulingEndMs ? this.drain : this.measured;
    window.completions++;
    if (ok) window.ok++;
    // a bad request covers [its start, its end]: a timeout from its start to its deadline; a good one proves the
    // service at its completion
    const slowMs = this.options.slowMs ?? 1000;
    if (result.outcome === 'ok' && endMs - intendedMs <= slowMs) return this.recordGood(endMs);
    const kind = result.outcome === 'ok' ? 'slow' : result.outcome === 'timeout' ? 'timeouts' : 'errors';
    // An error proves the service bad when it arrives; a slow or timed-out request once it has waited slowMs (a hung
    // server's held replies all arrive together at its release, after the good ones sent later in the hang).
    this.recordBad(kind, intendedMs, endMs, kind === 'errors' ? endMs : Math.min(endMs, intendedMs + slowMs));
  }

  /** open loop: a request never sent; it covers its intended start */
  dropped(op: string, atMs: number, intendedMs = atMs): void {
    this.recordBad('dropped', intendedMs, intendedMs, intendedMs);
    this.advance(atMs);
    this.countAll(op, (c) => (c.scheduled++, c.dropped++));
  }

  /** nothing new is scheduled from now on: later completions are the drain */
  schedulingEnded(atMs: number): void {
    this.schedulingEndMs ??= atMs;
  }

  recallOf(hits: number, k: number): void {
    const value = k > 0 ? hits / k : 0;
    this.recall.sum += value;
    this.recall.count++;
    this.bucketRecall.sum += value;
    this.bucketRecall.count++;
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

  /** `provenMs`: the earliest moment this request showed the service bad */
  private recordBad(kind: BadKind, startMs: number, endMs: number, provenMs: number): void {
    const run = this.run;
    if (run && !run.ok && startMs - run.lastMs <= BAD_RUN_GAP_MS) {
      run.firstMs = Math.min(run.firstMs, startMs);
      run.lastMs = Math.max(run.lastMs, endMs);
      run.provenBadMs = Math.min(run.provenBadMs ?? provenMs, provenMs);
      run.count++;
      run[kind] = (run[kind] ?? 0) + 1;
      return;
    }
    this.openRun({ ok: false, firstMs: startMs, lastMs: endMs, provenBadMs: provenMs, count: 1, [kind]: 1 });
  }

  private openRun(run: OutcomeRun): void {
    if (this.run) this.closedRuns.push(this.run);
    this.run = run;
  }

  /** closes every bucket that ended before `nowMs` (called on each event and by a boundary timer) */
  advance(nowMs: number): void {
    const current = this.bucketOf(nowMs);
    while (this.bucketIndex < current) {
      this.flushBucket(this.bucketStartMs(this.bucketIndex + 1));
      this.bucketIndex++;
    }
  }

  /** ms until the current bucket closes */
  msToBucketEnd(nowMs: number): number {
    return Math.max(1, this.bucketStartMs(this.bucketIndex + 1) - nowMs);
  }

  private bucketStartMs(index: number): number {
    return this.options.loadStartEpochMs + index * this.options.intervalMs;
  }

  private flushBucket(spanEndMs: number): void {
    const runs = this.closedRuns;
    if (this.run) runs.push(this.run);
    this.closedRuns = [];
    this.run = null;
    const startMs = this.bucketStartMs(this.bucketIndex);
    const snapshot: IntervalSnapshot = {
      phase: this.options.phase,
      workerId: this.options.workerId,
      startMs,
      spanStartMs: Math.max(startMs, this.startMs),
      spanEndMs,
      counters: this.bucketCounters,
      histogram: encodeHistogram(this.bucketHistogram),
      okHistogram: encodeHistogram(this.bucketOkHistogram),
      inFlightMax: this.bucketInFlightMax,
      runs,
      ...(this.bucketRecall.count > 0 ? { recall: this.bucketRecall } : {}),
    };
    this.options.port.postMessage(snapshot);
    this.snapshotsPosted++;
    addCounters(this.postedSum, this.bucketCounters);
    this.bucketCounters = emptyCounters();
    this.bucketRecall = { sum: 0, count: 0 };
    this.bucketHistogram.reset();
    this.bucketOkHistogram.reset();
    this.bucketInFlightMax = this.inFlight;
  }

  /** every sum this worker's figures must satisfy; strings name the counters that disagree */
  private accountingErrors(): string[] {
    const label = `phase ${this.options.phase}, worker ${this.options.workerId}`;
    const problems = counterViolations(this.totals, label);
    const ops = [...this.operations.entries()];
    for (const [name, stats] of ops) problems.push(...counterViolations(stats.counters, `${label}, ${name}`));
    problems.push(...sumViolations(this.totals, ops.map(([, s]) => s.counters), `${label}: operations vs phase`));
    problems.push(...sumViolations(this.totals, [this.postedSum], `${label}: interval series vs phase`));
    const histogramCount = ops.reduce((sum, [, s]) => sum + s.latency.totalCount, 0);
    const okHistogramCount = ops.reduce((sum, [, s]) => sum + s.okLatency.totalCount, 0);
    if (histogramCount !== completions(this.totals)) problems.push(`${label}: latency histogram count ${histogramCount} ≠ ok + error + timeout ${completions(this.totals)}`);
    if (okHistogramCount !== this.totals.ok) problems.push(`${label}: ok latency histogram count ${okHistogramCount} ≠ ok ${this.totals.ok}`);
    return problems;
  }

  /** `endMs`: the worker is done; a request still in flight now is abandoned (it never ended) */
  finish(endMs: number): WorkerPhaseResult {
    this.schedulingEnded(endMs);
    // a call whose callback never came: close its books as abandoned rather than leave sent unbalanced
    while (this.inFlight > 0) this.requestEnded(this.operations.keys().next().value ?? 'search', { outcome: 'abandoned' }, endMs, endMs, endMs);
    this.advance(endMs);
    this.flushBucket(endMs);
    const encode = (pick: (s: OperationStats) => Histogram) => Object.fromEntries([...this.operations].map(([name, s]) => [name, encodeHistogram(pick(s))]));
    return {
      phase: this.options.phase,
      workerId: this.options.workerId,
      startMs: this.startMs,
      endMs,
      schedulingEndMs: this.schedulingEndMs ?? endMs,
      counters: this.totals,
      latency: encode((s) => s.latency),
      okLatency: encode((s) => s.okLatency),
      service: encode((s) => s.service),
      perOpCounters: Object.fromEntries([...this.operations].map(([name, s]) => [name, s.counters])),
      snapshots: this.snapshotsPosted,
      measured: this.measured,
      drain: this.drain,
      accountingErrors: this.accountingErrors(),
      ...(this.recall.count > 0 ? { recall: this.recall } : {}),
    };
  }
}
