// The shape of result.json: everything a run measured, the input to every report and to `compare`.
import type { FaultRecord } from './faults.js';
import type { Counters, Disruption, FaultImpact, FaultStatus, IntervalPoint, Percentiles } from './measures.js';

export const RESULT_SCHEMA_VERSION = 1;

export interface TargetInfo {
  /** 'local' for the embedded local cluster (a Milvus-protocol test target, not Milvus), 'milvus' otherwise */
  kind: 'local' | 'milvus';
  address: string;
  serverVersion: string | null;
  /** e.g. 'Local Milvus-compatible test cluster (2 proxies, 2 querynodes) — not Milvus' */
  description: string;
}

export interface StepTiming {
  step: 'connect' | 'create' | 'ingest' | 'flush' | 'index' | 'load' | 'verify' | string;
  startMs: number;
  durationMs: number;
  detail?: string;
}

export interface IngestResult {
  rows: number;
  batches: number;
  durationMs: number;
  rowsPerSec: number;
  /** per-batch insert latency, ms */
  batchLatency: Percentiles | null;
  batchHistogram: string | null;
  failedBatches: number;
  skipped: boolean;
}

/** Every request the schedule asked for, by how it ended (MEASUREMENT.md "Request outcomes"):
 * scheduled = sent + dropped, sent = ok + error + timeout + abandoned. */
export interface OutcomeCounts {
  scheduled: number;
  sent: number;
  dropped: number;
  ok: number;
  error: number;
  timeout: number;
  abandoned: number;
}

export interface OperationSummary {
  counters: Counters;
  counts: OutcomeCounts;
  /** corrected latency of every ended request (ok, error, timeout), ms */
  latency: Percentiles | null;
  /** true when timeouts are in `latency`: each counts at its deadline, so the tail is a lower bound */
  latencyLowerBound: boolean;
  /** corrected latency of successes only, ms */
  okLatency: Percentiles | null;
  /** service time (send → end) of every ended request, ms */
  service: Percentiles | null;
  histogram: string | null;
  okHistogram: string | null;
  serviceHistogram: string | null;
}

export interface PhaseResult {
  name: string;
  mode: 'open' | 'closed';
  /** ms since load start */
  startMs: number;
  durationMs: number;
  concurrency?: number;
  targetRate?: number;
  rampTo?: number;
  counters: Counters;
  counts: OutcomeCounts;
  /** the measured window: phase start → end of scheduling (the drain after it is reported apart), ms */
  windowMs: number;
  /** completions (ok, error, timeout) per second of the measured window */
  qps: number;
  /** ok completions per second of the measured window */
  goodput: number;
  /** requests that ended after scheduling stopped, and how long that took */
  drain: { completions: number; ok: number; durationMs: number };
  /** sent requests per second over the window */
  sendRate: number;
  /** (error + timeout + dropped) / scheduled */
  errorRate: number;
  /** every ended request (see OperationSummary) */
  latency: Percentiles | null;
  latencyLowerBound: boolean;
  okLatency: Percentiles | null;
  service: Percentiles | null;
  histogram: string | null;
  okHistogram: string | null;
  serviceHistogram: string | null;
  operations: Record<string, OperationSummary>;
  /** mean recall@k of the recall-sampled searches sent during the phase */
  recall?: { value: number; queries: number };
}

export interface IntegrityResult {
  /** countBefore + acknowledged − deleted */
  expectedRows: number | null;
  countedRows: number | null;
  countMatches: boolean | null;
  /** count(*) before the run (0 for a collection this run created; measured on a reused one) */
  countBefore?: number;
  /** rows whose inserts the server acknowledged in this run */
  acknowledged?: number;
  /** primary keys looked up after the load, and those the server did not return */
  spotChecked?: number;
  spotMissing?: string[];
  /** the verify step's known deletes: how many were asked, acknowledged, and still found afterwards */
  deletes?: { requested: number; acknowledged: number; stillFound: string[] };
  /** how the recall queries were drawn (never base rows) */
  heldOut?: string;
  recall: number | null;
  recallQueries: number;
  topK: number | null;
  error?: string;
}

/** mean recall@k of the recall-sampled searches in a window around a fault; null when none completed there */
export interface FaultRecall {
  before: number | null;
  during: number | null;
  after: number | null;
  queries: { before: number; during: number; after: number };
}

/** A disruption as result.json shows it: times in ms since the load start, with the requests inside it. */
export type DisruptionResult = { atMs: number; endAtMs: number; downtimeMs: number } & Omit<Disruption, 'startMs' | 'endMs' | 'durationMs'>;

export interface FaultResult extends Omit<FaultRecord, 'status'> {
  /** recall@k before / during / after the fault, from the sampled searches of the load */
  recall?: FaultRecall;
  /** how the injection went (the runner's record): 'injected' | 'failed' | 'skipped' */
  injection: FaultRecord['status'];
  /** what it did to the service: 'recovered' | 'unrecovered' | 'no-effect' | 'failed' (injection failed) | 'skipped' */
  status: FaultStatus;
  /** the first disruption's span, ms; a lower bound when `recovered` is false; 0 for no effect; null when not injected */
  downtimeMs: number | null;
  recovered: boolean;
  /** call start → the disruption's start, ms */
  effectLagMs: number | null;
  /** ms since load start the inject call began (the fault's clock) */
  calledAtMs: number | null;
  /** ms since load start the inject call returned */
  injectedAtMs: number | null;
  /** ms since load start the revert finished */
  revertedAt: number | null;
  disruption: DisruptionResult | null;
  /** later disruptions in the fault's window, apart from the first */
  relapses: DisruptionResult[];
  overlapping: boolean;
  /** ± ms: the spacing of requests before the fault */
  resolutionMs: number | null;
  note: string | null;
  /** latency and errors during the fault vs the same span before it */
  impact: FaultImpact | null;
  /** backend recovery time: backendRecoveredMs − callStartedMs */
  recoveryMs: number | null;
}

/** Requests outside every fault's disruptions: the steady state. */
export interface SteadyStateResult {
  requests: number;
  failed: number;
  errorRate: number | null;
  /** good requests in the whole load */
  good: number;
  /** the definitions the downtime figures used */
  slowMs: number;
  windowMs: number;
}

export interface SloResult {
  key: string;
  threshold: string;
  /** the measured value, in the threshold's unit, or null when it could not be measured */
  actual: number | string | null;
  display: string;
  pass: boolean;
  message?: string;
  /** a gate that holds without being written (every fault recovered, requests succeeded, steady error rate) */
  default?: boolean;
}

export interface ServerMetricsSample {
  tMs: number;
  component: string;
  requests: number;
  searchP99Ms: number | null;
  /** search requests in the interval (a subset of requests) */
  searchRequests?: number;
  /** requests that did not succeed; null when the server exposes no outcome label */
  errors?: number | null;
  /** ms the counts cover, from tMs (interval start, ms since load start) */
  intervalMs?: number;
  /** false when the scrape failed (component dead or not answering): a gap, counts are 0 */
  up?: boolean;
  /** why the scrape failed or found no known metric names */
  error?: string;
}

export interface RunResult {
  schemaVersion: number;
  tool: { name: 'milvus-bench'; version: string };
  scenario: { name: string; description: string; file: string; spec: unknown };
  target: TargetInfo;
  startedAt: string;
  finishedAt: string;
  /** epoch ms of the load start; every *Ms offset in phases/timeSeries/faults is relative to it */
  loadStartEpochMs: number | null;
  intervalMs: number;
  workers: number;
  steps: StepTiming[];
  ingest: IngestResult | null;
  phases: PhaseResult[];
  /** all phases together */
  total: PhaseResult | null;
  timeSeries: IntervalPoint[];
  faults: FaultResult[];
  /** requests outside the faults' disruptions (absent in results written before it existed) */
  steady?: SteadyStateResult | null;
  integrity: IntegrityResult | null;
  serverMetrics: ServerMetricsSample[];
  slo: SloResult[];
  pass: boolean;
  interrupted: boolean;
  /** setup/unexpected error that ended the run early */
  error: string | null;
  exitCode: number;
}
