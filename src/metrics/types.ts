// Shapes that cross the worker → main thread boundary and end up in result.json.
// Latencies inside histograms are microseconds; summary figures are milliseconds.

/** How one request the schedule asked for ended. Exactly one per scheduled request (see MEASUREMENT.md). */
export type Outcome = 'ok' | 'error' | 'timeout' | 'dropped' | 'abandoned';

/** Error kinds a load worker classifies failures into. `short_result` is a search that succeeded
 * with fewer hits than min(topK, rows) — counted as an error, not as ok. */
export type ErrorKind = 'unavailable' | 'server_error' | 'short_result' | 'cancelled' | 'other';

export interface Counters {
  /** requests the schedule asked for: sent + dropped */
  scheduled: number;
  /** requests actually sent: ok + errors + timeouts + abandoned */
  sent: number;
  ok: number;
  errors: number;
  timeouts: number;
  errorsByKind: Partial<Record<ErrorKind, number>>;
  /** open loop: requests whose intended start came while maxInFlight was reached; never sent */
  dropped: number;
  /** still in flight when the run was stopped (cancelled by the tool, not answered by the server) */
  abandoned: number;
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
  /** the same, successes only */
  okHistogram: string;
  inFlightMax: number;
  runs: OutcomeRun[];
  /** the part of the bucket the phase covered on this worker (epoch ms): shorter than intervalMs at a phase's edges */
  spanStartMs: number;
  spanEndMs: number;
  /** recall@k of the recall-sampled searches that completed in this bucket */
  recall?: { sum: number; count: number };
}

/** One worker's totals for one phase, returned when its phase task ends. */
export interface WorkerPhaseResult {
  phase: string;
  workerId: number;
  startMs: number;
  endMs: number;
  counters: Counters;
  /** per operation kind ('search', 'query'): corrected latency of every ended request (ok, error, timeout), encoded HDR */
  latency: Record<string, string>;
  /** per operation kind: corrected latency of ok requests */
  okLatency: Record<string, string>;
  /** per operation kind: service time (send → reply) of every ended request, encoded HDR */
  service: Record<string, string>;
  perOpCounters: Record<string, Counters>;
  /** recall@k of the sampled queries with known neighbours, when any were sent */
  recall?: { sum: number; count: number };
  /** interval snapshots the worker posted for this phase (the main thread waits for all of them) */
  snapshots?: number;
  /** when scheduling ended (duration over, maxRequests reached or stopped), epoch ms: completions after it are the drain */
  schedulingEndMs: number;
  /** completions (ok, error, timeout) inside the measured window / after it (the drain) */
  measured: { completions: number; ok: number };
  drain: { completions: number; ok: number };
  /** violated sums found by the worker itself; non-empty means its figures cannot be trusted */
  accountingErrors: string[];
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
  /** ms of the bucket the phase really covered; shorter than the interval (and `partial`) at a phase's edges */
  spanMs?: number;
  partial?: boolean;
  scheduled?: number;
  sent?: number;
  abandoned?: number;
  ok: number;
  errors: number;
  timeouts: number;
  dropped: number;
  errorsByKind: Partial<Record<ErrorKind, number>>;
  /** completions (ok, error, timeout) per second of `spanMs` */
  qps: number;
  /** ok completions per second of `spanMs` */
  goodput?: number;
  /** mean recall@k of the recall-sampled searches completed in the bucket */
  recall?: { sum: number; count: number };
  /** ms, every ended request; null when nothing completed in the bucket */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  inFlight: number;
  /** corrected latency of the bucket's completed requests, encoded HDR (µs); lets fault windows get exact percentiles */
  histogram?: string | null;
  /** the same, successes only */
  okHistogram?: string | null;
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
