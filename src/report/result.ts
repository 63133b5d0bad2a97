// The shape of result.json: everything a run measured, the input to every report and to `compare`.
import type { FaultRecord } from '../faults/types.js';
import type { Counters, FaultImpact, FaultStatus, IntervalPoint, Percentiles } from '../metrics/types.js';

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

export interface OperationSummary {
  counters: Counters;
  /** corrected latency, ms */
  latency: Percentiles | null;
  /** service time, ms */
  service: Percentiles | null;
  histogram: string | null;
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
  /** ok requests per second over the phase */
  qps: number;
  /** sent requests per second over the phase */
  sendRate: number;
  errorRate: number;
  latency: Percentiles | null;
  service: Percentiles | null;
  histogram: string | null;
  serviceHistogram: string | null;
  operations: Record<string, OperationSummary>;
}

export interface IntegrityResult {
  expectedRows: number | null;
  countedRows: number | null;
  countMatches: boolean | null;
  recall: number | null;
  recallQueries: number;
  topK: number | null;
  error?: string;
}

/** A disruption as result.json shows it: times in ms since the load start, with the requests inside it. */
export interface DisruptionResult {
  atMs: number;
  endAtMs: number;
  downtimeMs: number;
  recovered: boolean;
  bad: number;
  failed: number;
  timedOut: number;
  dropped: number;
  slow: number;
  good: number;
  errorRate: number;
}

export interface FaultResult extends Omit<FaultRecord, 'status'> {
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
