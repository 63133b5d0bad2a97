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

/**
 * A run of consecutive requests of one worker that were all good (ok within `availability.slowMs`) or all bad
 * (error, timeout, dropped, or ok but slower than slowMs): the raw material for disruptions. Bounded: a bad run
 * grows while each new bad interval starts within RUN_SPLIT_GAP_MS of the run's end, a good run while completions
 * are closer than that, so a long run is one record and a sparse one a few.
 */
export interface OutcomeRun {
  /** true: every request of the run was good; false: every one was bad */
  ok: boolean;
  /**
   * epoch ms (sub-ms precision). Good runs: first / last completion. Bad runs: the union of the requests'
   * [start, end] intervals — earliest start (intended start in open loop, send in closed loop; a dropped request
   * its intended start) to latest end (a timeout its deadline).
   */
  firstMs: number;
  lastMs: number;
  count: number;
  /** bad runs: the earliest moment a request of the run proved the service bad: an error's arrival, or a slow or
   *  timed-out request's start + slowMs (its end, if sooner) */
  provenBadMs?: number;
  /** bad runs: how the requests were bad (absent counts are 0) */
  errors?: number;
  timeouts?: number;
  dropped?: number;
  slow?: number;
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

/** A cluster of bad request intervals merged while closer than `recovery.windowMs` (times are epoch ms). */
export interface Disruption {
  startMs: number;
  endMs: number;
  /** end − start */
  durationMs: number;
  /** bad requests in it, and how they were bad */
  bad: number;
  failed: number;
  timedOut: number;
  dropped: number;
  slow: number;
  /** good requests that completed inside it (estimated from the good runs around it) */
  good: number;
  /** (failed + timedOut + dropped) / (bad + good) */
  errorRate: number;
  /** a full recovery window of only good requests (and at least a few) followed it */
  recovered: boolean;
}

export type FaultStatus = 'recovered' | 'unrecovered' | 'no-effect' | 'failed' | 'skipped';

/** What one fault did to the service, by MEASUREMENT.md "Failover downtime" (times are epoch ms). */
export interface FaultDowntime {
  status: FaultStatus;
  /** the first disruption's span; a lower bound when `recovered` is false; 0 for no effect; null when not injected */
  downtimeMs: number | null;
  recovered: boolean;
  /** call start → the disruption's start (negative when a request already in flight at the call failed) */
  effectLagMs: number | null;
  disruption: Disruption | null;
  /** later disruptions in the fault's window; they do not stretch the first */
  relapses: Disruption[];
  /** a disruption of this fault also belongs to another fault (it began before that one had recovered) */
  overlapping: boolean;
  /** ± ms the edges are known to: the spacing of requests before the fault; null when there was no traffic */
  resolutionMs: number | null;
  /** 'no effect observed', 'not recovered: …' */
  note: string | null;
}

/** How latency and errors looked during the fault compared with the same span before it (times are epoch ms). */
export interface FaultImpact {
  /** the span compared: call start → end of the last disruption (or the fault's window end) */
  fromMs: number;
  toMs: number;
  before: { p50: number | null; p99: number | null; ok: number; errors: number };
  during: { p50: number | null; p99: number | null; ok: number; errors: number; timeouts: number; dropped: number };
  errorsByKind: Partial<Record<ErrorKind, number>>;
  shortResults: number;
}
