// The resolved shapes of a scenario and of bench.config.ts, shared by every stage.
// `ScenarioInput` / `ConfigInput` (what users write) live beside the schemas in schema.ts;
// these are what validation returns, with every default filled in.

export type MetricType = 'L2' | 'IP' | 'COSINE';
export type IndexType = 'FLAT' | 'IVF_FLAT' | 'HNSW' | 'AUTOINDEX';
export type ScalarType = 'int64' | 'float' | 'bool' | 'varchar';

export interface ScalarField {
  name: string;
  type: ScalarType;
  /** varchar only */
  maxLength?: number;
  /** how generated rows fill it: int64/float uniform in [min, max), bool 50/50, varchar from `values` */
  min?: number;
  max?: number;
  values?: string[];
}

export interface CollectionSpec {
  name: string;
  dim: number;
  metric: MetricType;
  index: { type: IndexType; params: Record<string, number | string> };
  shards: number;
  replicas: number;
  scalars: ScalarField[];
  /** drop and create again when it exists (otherwise reuse it and skip ingest when the row count already matches) */
  recreate: boolean;
  autoId: boolean;
}

export type VectorSource =
  | { kind: 'random'; seed: number; distribution: 'uniform' | 'normal' | 'clustered' }
  | { kind: 'file'; path: string; format: 'npy' | 'fvecs' };

export interface IngestSpec {
  rows: number;
  batchSize: number;
  parallelBatches: number;
  vectors: VectorSource;
  /** skip ingest entirely (use an existing collection as is) */
  skip: boolean;
}

export interface SearchOp {
  kind: 'search';
  weight: number;
  nq: number;
  topK: number;
  params: Record<string, number | string>;
  filter?: string;
  outputFields: string[];
}

export interface QueryOp {
  kind: 'query';
  weight: number;
  /** a boolean expression, or 'count' for count(*), or 'ids' for an `id in [...]` lookup of random known ids */
  expr: string;
  limit: number;
  outputFields: string[];
}

export type Operation = SearchOp | QueryOp;

interface PhaseBase {
  name: string;
  durationMs: number;
  /** stop after this many requests in total (across workers) even if the duration has not elapsed */
  maxRequests?: number;
  operations: Operation[];
  /** per-request deadline */
  timeoutMs: number;
  /** the scenario's `availability.slowMs`: an ok reply slower than this is a bad request for downtime */
  slowMs?: number;
}

export interface ClosedLoopPhase extends PhaseBase {
  mode: 'closed';
  concurrency: number;
}

export interface OpenLoopPhase extends PhaseBase {
  mode: 'open';
  /** requests/s at the phase start */
  rate: number;
  /** when set, the rate ramps linearly from `rate` to `rampTo` over the phase */
  rampTo?: number;
  /** requests that would exceed this many in flight (across the phase) are counted as dropped */
  maxInFlight: number;
}

export type Phase = ClosedLoopPhase | OpenLoopPhase;

export type FaultAction = 'kill' | 'stop' | 'start' | 'restart' | 'pause' | 'partition' | 'delay' | 'exec';

export type MilvusRole =
  | 'proxy'
  | 'querynode'
  | 'datanode'
  | 'indexnode'
  | 'streamingnode'
  | 'coordinator'
  | 'standalone'
  | 'etcd'
  | 'minio'
  | 'pulsar';

/** 'one' | 'all' | a count | a percent ('50%') | an exact name ('querynode-1') */
export type FaultPick = 'one' | 'all' | number | `${number}%` | string;

export interface FaultSpec {
  /** milliseconds from the start of the load (first phase start) */
  atMs: number;
  action: FaultAction;
  target: { role: MilvusRole; pick: FaultPick };
  revertAfterMs?: number;
  repeat?: { everyMs: number; times: number };
  /** action-specific: delay latency, exec command, chaos-mesh mode, signal … */
  options: {
    signal?: string;
    latencyMs?: number;
    jitterMs?: number;
    lossPercent?: number;
    command?: string;
    revertCommand?: string;
  };
}

/** metric key → threshold string, e.g. { 'search.p99': '<100ms', 'downtime': '<5s', count: 'exact' } */
export type SloSpec = Record<string, string>;

export interface Scenario {
  name: string;
  description: string;
  collection: CollectionSpec;
  ingest: IngestSpec;
  phases: Phase[];
  faults: FaultSpec[];
  slo: SloSpec;
  /** unmeasured load before the first measured phase (its shape is the first phase's); 0 = none */
  warmupMs: number;
  verify: {
    /** compare count(*) with rows ingested after the load */
    count: boolean;
    /** how many queries get exact neighbours computed by the tool for recall@topK */
    recallQueries: number;
    /** primary keys looked up by query after the load */
    spotChecks: number;
    /** known rows deleted after the load, then checked gone and subtracted from the expected count */
    deleteRows: number;
  };
  metrics: {
    /** time-series bucket width, 100..60000 ms */
    intervalMs: number;
    /** at least this many good requests inside the recovery window mark a recovery (old key; default 3) */
    recoverySuccesses: number;
  };
  /** good = ok and latency ≤ slowMs (MEASUREMENT.md "A good request") */
  availability: { slowMs: number };
  /** a disruption's bad intervals merge while closer than windowMs; recovery = a full window of only good requests */
  recovery: { windowMs: number };
  /** absolute path of the file the scenario came from */
  file: string;
}

export interface TargetConfig {
  /** 'local' or host:port / http(s)://host:port */
  address: string;
  token?: string;
  username?: string;
  password?: string;
  database?: string;
  tls: boolean;
  /** connect deadline */
  connectTimeoutMs: number;
  /** Prometheus /metrics URLs of Milvus proxies/querynodes (e.g. http://milvus-proxy:9091/metrics), scraped during the load */
  metrics?: string[];
}

export interface LocalClusterConfig {
  proxies: number;
  querynodes: number;
  port: number;
  dataDir: string;
  runtime: 'process' | 'docker';
  engine: 'builtin' | 'milvus';
  topology: 'standalone' | 'cluster';
  /** engine milvus: the milvus-server script of `pip install milvus` (default: the one on PATH) */
  milvusBin?: string;
  /** docker runtime: image with /bin/sh (default milvus-bench-busybox:test) and compose project label */
  image?: string;
  project?: string;
  sessionTtlMs: number;
  restartDelayMs: number;
  autoRestart: boolean;
}

export type FaultBackendName = 'local' | 'docker' | 'kubernetes' | 'chaos-mesh' | 'process' | 'none';

export interface DockerFaultConfig {
  socketPath?: string;
  /** compose project to act on; destructive actions only inside it */
  project?: string;
  /** role → compose service name (defaults follow Milvus's compose files) */
  services: Partial<Record<MilvusRole, string>>;
  /** role → container name pattern (regex source), used when no project is set */
  namePatterns: Partial<Record<MilvusRole, string>>;
  network?: string;
}

export interface KubernetesFaultConfig {
  kubeconfig?: string;
  context?: string;
  namespace: string;
  /** Helm release (or Milvus Operator CR) name: app.kubernetes.io/instance */
  instance: string;
  /** how Milvus was installed: the Helm chart labels pods component=<role>, the Milvus Operator app.kubernetes.io/component=<role>; unset: find both */
  flavor?: 'helm' | 'operator';
  /** role → extra label selector, replacing the flavor's default */
  selectors: Partial<Record<MilvusRole, string>>;
}

export interface ProcessFaultConfig {
  /** role → command line pattern (regex source) matched against /proc/<pid>/cmdline */
  patterns: Partial<Record<MilvusRole, string>>;
}

export interface FaultsConfig {
  backend: FaultBackendName;
  /** safety: names of compose projects / namespaces / kube contexts where destructive actions are allowed */
  allow: string[];
  docker: DockerFaultConfig;
  kubernetes: KubernetesFaultConfig;
  process: ProcessFaultConfig;
}

export interface BenchConfig {
  target: TargetConfig;
  local: LocalClusterConfig;
  workers: number;
  reportDir: string;
  slo: SloSpec;
  faults: FaultsConfig;
  /** absolute path of the file, or undefined when defaults were used */
  file?: string;
}

/** Flags that override the scenario and config (run command). */
export interface RunOverrides {
  target?: string;
  out?: string;
  durationMs?: number;
  rate?: number;
  concurrency?: number;
  workers?: number;
}
