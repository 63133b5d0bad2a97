// Shapes that cross the worker → main thread boundary and end up in result.json.
// Latencies inside histograms are microseconds; summary figures are milliseconds.

/** How one request that was sent ended. Exactly one per sent request. */
export type Outcome = 'ok' | 'error' | 'timeout';

/** Error kinds a load worker classifies failures into. `short_result` is a search that succeeded
 * with fewer hits than min(topK, rows) — counted as an error, not as ok. */
export type ErrorKind = 'unavailable' | 'server_error' | 'short_result' | 'cancelled' | 'other';

export interface Counters {
  /** requests actually sent (ok + errors + timeouts) */
  sent: number;
  ok: number;
  errors: number;
  timeouts: number;
  errorsByKind: Partial<Record<ErrorKind, number>>;
  /** open loop: requests whose intended start came while maxInFlight was reached; never sent */
  dropped: number;
}

/** A run of consecutive outcomes of one worker: the raw material for outage edges. */
export interface OutcomeRun {
  ok: boolean;
  /** epoch ms (sub-ms precision) of the first / last request of the run: completion time for successes, send time for
   *  failures (when the request met the outage) */
  firstMs: number;
  lastMs: number;
  count: number;
}

/** One worker's view of one time-series bucket, streamed to the main thread when the bucket closes. */
export interface IntervalSnapshot {
  phase: string;
  workerId: number;
  /** bucket start, epoch ms, aligned to the run's load start + k × intervalMs */
  startMs: number;
  counters: Counters;
  /** corrected latency (from intended start) of requests that completed in this bucket, ok or not */
  histogram: string;
  inFlightMax: number;
  runs: OutcomeRun[];
}

/** One worker's totals for one phase, returned when its phase task ends. */
export interface WorkerPhaseResult {
  phase: string;
  workerId: number;
  startMs: number;
  endMs: number;
  counters: Counters;
  /** per operation kind ('search', 'query'): corrected latency of ok requests, encoded HDR */
  latency: Record<string, string>;
  /** per operation kind: service time (send → reply), encoded HDR */
  service: Record<string, string>;
  perOpCounters: Record<string, Counters>;
  /** recall@k of the sampled queries with known neighbours, when any were sent */
  recall?: { sum: number; count: number };
  /** interval snapshots the worker posted for this phase (the main thread waits for all of them) */
  snapshots?: number;
}

export interface Percentiles {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** Merged view of one time-series bucket across workers. */
export interface IntervalPoint {
  phase: string;
  /** ms since load start */
  tMs: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
  errorsByKind: Partial<Record<ErrorKind, number>>;
  qps: number;
  /** ms; null when nothing completed in the bucket */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  inFlight: number;
  /** corrected latency of the bucket's completed requests, encoded HDR (µs); lets fault windows get exact percentiles */
  histogram?: string | null;
}

export interface OutageWindow {
  startMs: number;
  endMs: number;
  durationMs: number;
  failures: number;
}

/** What the metrics stage computes for one fault from the outcome runs (times are epoch ms). */
export interface FaultImpact {
  firstFailureMs: number | null;
  lastFailureMs: number | null;
  firstSuccessAfterLastFailureMs: number | null;
  /** start of the first window of N consecutive successes after the last failure of the fault's outage */
  recoveredMs: number | null;
  /** recovered − first failure; 0 when nothing failed */
  downtimeMs: number;
  outageWindows: OutageWindow[];
  before: { p50: number | null; p99: number | null; ok: number; errors: number };
  during: { p50: number | null; p99: number | null; ok: number; errors: number; timeouts: number; dropped: number };
  errorsByKind: Partial<Record<ErrorKind, number>>;
  shortResults: number;
}
