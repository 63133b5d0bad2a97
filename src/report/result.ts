// The shape of result.json: everything a run measured, the input to every report and to `compare`.
import type { FaultRecord } from '../faults/types.js';
import type { Counters, FaultImpact, IntervalPoint, Percentiles } from '../metrics/types.js';

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

export interface FaultResult extends FaultRecord {
  /** ms since load start (fault injection) */
  injectedAtMs: number | null;
  impact: FaultImpact | null;
  /** backend recovery time: backendRecoveredMs − injectedMs */
  recoveryMs: number | null;
}

export interface SloResult {
  key: string;
  threshold: string;
  /** the measured value, in the threshold's unit, or null when it could not be measured */
  actual: number | string | null;
  display: string;
  pass: boolean;
  message?: string;
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
  integrity: IntegrityResult | null;
  serverMetrics: ServerMetricsSample[];
  slo: SloResult[];
  pass: boolean;
  interrupted: boolean;
  /** setup/unexpected error that ended the run early */
  error: string | null;
  exitCode: number;
}
