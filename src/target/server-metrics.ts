// Server-side view: scrape Prometheus /metrics of proxies/querynodes during a run and turn scrapes into per-interval samples.
import { UsageError } from '../errors.js';
import { findLocalCluster } from '../local/index.js';
import type { ServerMetricsSample } from '../model/index.js';
import { bucketBound, histogramQuantile, parsePrometheusText, type PromBucket, type PromExposition } from './prometheus-text.js';

export interface ServerMetricsEndpoint {
  component: string;
  url: string;
}

/** The metric names one kind of server exposes; picked per endpoint by which names are present. */
export interface ServerMetricNames {
  id: string;
  requestCounter: string;
  methodLabel: string;
  statusLabel: string;
  /** status value counted on every request (Milvus counts `total` besides the outcome) */
  totalStatus: string | null;
  successStatuses: string[];
  /** lower-case method values that are searches */
  searchMethods: string[];
  /** histogram family (without `_bucket`) */
  latencyHistogram: string;
  latencyFilter: { label: string; values: string[] } | null;
  /** multiply a bucket bound by this to get ms */
  latencyUnitMs: number;
  /** counter and histogram series must carry this label value when they carry the label at all (a querynode counts a
   *  search once as the shard leader and again per worker sub-request: counting every scope counts it twice) */
  onlyWhenLabelled: { label: string; value: string } | null;
}

export const KNOWN_SERVER_METRICS: readonly ServerMetricNames[] = [
  {
    id: 'milvus-proxy',
    requestCounter: 'milvus_proxy_req_count',
    methodLabel: 'function_name',
    statusLabel: 'status',
    totalStatus: 'total',
    successStatuses: ['success'],
    searchMethods: ['search', 'hybridsearch'],
    latencyHistogram: 'milvus_proxy_sq_latency',
    latencyFilter: { label: 'query_type', values: ['search', 'hybrid_search'] },
    latencyUnitMs: 1,
    onlyWhenLabelled: null,
  },
  {
    id: 'milvus-querynode',
    requestCounter: 'milvus_querynode_sq_req_count',
    methodLabel: 'query_type',
    statusLabel: 'status',
    totalStatus: 'total',
    successStatuses: ['success'],
    searchMethods: ['search'],
    latencyHistogram: 'milvus_querynode_sq_req_latency',
    latencyFilter: { label: 'query_type', values: ['search'] },
    latencyUnitMs: 1,
    onlyWhenLabelled: { label: 'scope', value: 'OnLeader' },
  },
];

type Outcome = 'total' | 'success' | 'error';

/** One scrape reduced to the series we need, keyed by series identity so deltas are taken per series. */
export interface ComponentSnapshot {
  names: ServerMetricNames | null;
  requests: Map<string, { value: number; search: boolean; outcome: Outcome }>;
  latency: Map<string, PromBucket[]>;
}

export interface IntervalCounts {
  requests: number;
  searchRequests: number;
  errors: number | null;
  searchP99Ms: number | null;
}

export function pickMetricNames(exposition: PromExposition): ServerMetricNames | null {
  const present = new Set([...exposition.types.keys(), ...exposition.samples.map((s) => s.name)]);
  return KNOWN_SERVER_METRICS.find((n) => present.has(n.requestCounter) || present.has(n.latencyHistogram) || present.has(`${n.latencyHistogram}_bucket`)) ?? null;
}

export function snapshotOf(exposition: PromExposition): ComponentSnapshot {
  const names = pickMetricNames(exposition);
  const snapshot: ComponentSnapshot = { names, requests: new Map(), latency: new Map() };
  if (!names) return snapshot;
  for (const s of exposition.samples) {
    const only = names.onlyWhenLabelled;
    if (only && s.labels[only.label] !== undefined && s.labels[only.label] !== only.value) continue;
    if (s.name === names.requestCounter && Number.isFinite(s.value)) {
      const status = s.labels[names.statusLabel] ?? '';
      const outcome: Outcome = status === names.totalStatus ? 'total' : names.successStatuses.includes(status) ? 'success' : 'error';
      const search = names.searchMethods.includes((s.labels[names.methodLabel] ?? '').toLowerCase());
      snapshot.requests.set(seriesKey(s.labels), { value: s.value, search, outcome });
    } else if (s.name === `${names.latencyHistogram}_bucket` && matchesFilter(s.labels, names.latencyFilter)) {
      const le = bucketBound(s.labels);
      if (le === null || Number.isNaN(le)) continue;
      const key = seriesKey(s.labels, 'le');
      const buckets = snapshot.latency.get(key) ?? [];
      buckets.push({ le, count: s.value });
      snapshot.latency.set(key, buckets);
    }
  }
  return snapshot;
}

/** What happened between two scrapes of one component; a counter that went down was reset (restart) and counts from 0. */
export function intervalCounts(previous: ComponentSnapshot, current: ComponentSnapshot): IntervalCounts {
  const totals = { total: 0, success: 0, error: 0 };
  const searches = { total: 0, success: 0, error: 0 };
  let sawTotal = false;
  for (const [key, series] of current.requests) {
    const delta = counterDelta(previous.requests.get(key)?.value, series.value);
    totals[series.outcome] += delta;
    if (series.search) searches[series.outcome] += delta;
    if (series.outcome === 'total') sawTotal = true;
  }
  const count = (c: typeof totals): number => (sawTotal ? c.total : c.success + c.error);
  const buckets = new Map<number, number>();
  for (const [key, series] of current.latency) {
    for (const bucket of bucketDeltas(previous.latency.get(key), series)) buckets.set(bucket.le, (buckets.get(bucket.le) ?? 0) + bucket.count);
  }
  const p99 = histogramQuantile(0.99, [...buckets].map(([le, count]) => ({ le, count })));
  return {
    requests: count(totals),
    searchRequests: count(searches),
    errors: current.names ? totals.error : null,
    searchP99Ms: p99 === null ? null : p99 * (current.names?.latencyUnitMs ?? 1),
  };
}

function counterDelta(previous: number | undefined, current: number): number {
  if (previous === undefined || current < previous) return current;
  return current - previous;
}

function bucketDeltas(previous: PromBucket[] | undefined, current: PromBucket[]): PromBucket[] {
  const observations = (buckets: PromBucket[]): number => buckets.find((b) => b.le === Infinity)?.count ?? Math.max(0, ...buckets.map((b) => b.count));
  if (!previous || observations(current) < observations(previous)) return current;
  const before = new Map(previous.map((b) => [b.le, b.count]));
  return current.map((b) => ({ le: b.le, count: Math.max(0, b.count - (before.get(b.le) ?? 0)) }));
}

function matchesFilter(labels: Record<string, string>, filter: ServerMetricNames['latencyFilter']): boolean {
  return filter === null || filter.values.includes(labels[filter.label] ?? '');
}

function seriesKey(labels: Record<string, string>, without?: string): string {
  return Object.keys(labels)
    .filter((k) => k !== without)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

export interface ServerMetricsScraperOptions {
  endpoints: ServerMetricsEndpoint[];
  intervalMs: number;
  /** sample times are ms since this epoch; defaults to when start() was called */
  loadStartEpochMs?: number;
  /** per-scrape HTTP timeout; a component that does not answer in time is recorded as a gap */
  timeoutMs?: number;
}

export interface ServerMetricsScraper {
  start(): void;
  /** Stops the timer, takes a last scrape, and returns every interval sample, ordered by time then component; safe to call again. */
  stop(options?: { loadStartEpochMs?: number }): Promise<ServerMetricsSample[]>;
}

interface EndpointState {
  endpoint: ServerMetricsEndpoint;
  last: { atMs: number; snapshot: ComponentSnapshot } | null;
  inFlight: Promise<void> | null;
  samples: Array<Omit<ServerMetricsSample, 'tMs'> & { startEpochMs: number }>;
}

export function createServerMetricsScraper(options: ServerMetricsScraperOptions): ServerMetricsScraper {
  validateScraperOptions(options);
  const timeoutMs = options.timeoutMs ?? 1000;
  const states: EndpointState[] = options.endpoints.map((endpoint) => ({ endpoint, last: null, inFlight: null, samples: [] }));
  let timer: NodeJS.Timeout | null = null;
  let startedAtMs: number | null = null;
  let stopped = false;

  const scrapeAll = (): void => {
    for (const state of states) {
      if (state.inFlight) continue; // a slow component must not pile up requests
      state.inFlight = scrapeInto(state, timeoutMs).finally(() => (state.inFlight = null));
    }
  };

  return {
    start() {
      if (timer || stopped) return;
      startedAtMs = Date.now();
      scrapeAll();
      timer = setInterval(scrapeAll, options.intervalMs);
      timer.unref();
    },
    async stop(stopOptions = {}) {
      const finalScrape = startedAtMs !== null && !stopped;
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.all(states.map((s) => s.inFlight));
      if (finalScrape) {
        scrapeAll();
        await Promise.all(states.map((s) => s.inFlight));
      }
      const originMs = stopOptions.loadStartEpochMs ?? options.loadStartEpochMs ?? startedAtMs ?? Date.now();
      return states
        .flatMap((s) => s.samples.map(({ startEpochMs, ...sample }) => ({ tMs: Math.round(startEpochMs - originMs), ...sample })))
        .sort((a, b) => a.tMs - b.tMs || a.component.localeCompare(b.component));
    },
  };
}

async function scrapeInto(state: EndpointState, timeoutMs: number): Promise<void> {
  const startEpochMs = state.last?.atMs ?? Date.now();
  const result = await fetchMetrics(state.endpoint.url, timeoutMs);
  const atMs = Date.now();
  const component = state.endpoint.component;
  if ('error' in result) {
    // The first scrape is only a baseline; after that a failed scrape is a gap in the series, not an exception.
    if (state.last) state.samples.push({ startEpochMs, component, requests: 0, searchP99Ms: null, intervalMs: atMs - startEpochMs, up: false, error: result.error });
    // Keep the last good counters for the next delta but start the next interval now: a killed component restarts
    // with counters from 0 and a paused one serves nothing, so what the next scrape adds belongs to that interval.
    if (state.last) state.last = { atMs, snapshot: state.last.snapshot };
    return;
  }
  const snapshot = snapshotOf(result.exposition);
  if (state.last) {
    const counts = intervalCounts(state.last.snapshot, snapshot);
    const sample: EndpointState['samples'][number] = { startEpochMs, component, ...counts, intervalMs: atMs - startEpochMs, up: true };
    if (!snapshot.names) sample.error = `no known metrics at ${state.endpoint.url} (expected one of ${KNOWN_SERVER_METRICS.map((n) => n.requestCounter).join(', ')})`;
    state.samples.push(sample);
  }
  state.last = { atMs, snapshot };
}

async function fetchMetrics(url: string, timeoutMs: number): Promise<{ exposition: PromExposition } | { error: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/plain;version=0.0.4' } });
    if (!response.ok) {
      await response.body?.cancel();
      return { error: `HTTP ${response.status}` };
    }
    return { exposition: parsePrometheusText(await response.text()) };
  } catch (error) {
    return { error: describeFetchError(error, timeoutMs) };
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no response within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

function validateScraperOptions(options: ServerMetricsScraperOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.intervalMs) || options.intervalMs < 50) problems.push(`server metrics intervalMs must be an integer ≥ 50, got ${options.intervalMs}`);
  if (options.timeoutMs !== undefined && (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0)) problems.push(`server metrics timeoutMs must be a positive number, got ${options.timeoutMs}`);
  options.endpoints.forEach((e, i) => {
    if (!isHttpUrl(e.url)) problems.push(`server metrics endpoint ${i} (${e.component}): url must be an http:// or https:// URL, got ${JSON.stringify(e.url)}`);
  });
  if (problems.length > 0) throw new UsageError(problems[0]!, problems);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Where to scrape: for the local cluster (a Milvus-protocol test target, not Milvus) its proxies' and querynodes'
 * /metrics, none when no cluster runs in `localDataDir`; for Milvus only the URLs the user configured.
 */
export async function serverMetricsEndpoints(source: { localDataDir: string } | { metricsUrls: readonly string[] }): Promise<ServerMetricsEndpoint[]> {
  if ('metricsUrls' in source) {
    const problems = source.metricsUrls.flatMap((url, i) => (isHttpUrl(url) ? [] : [`target.metrics[${i}] must be an http:// or https:// URL such as http://milvus-proxy:9091/metrics, got ${JSON.stringify(url)}`]));
    if (problems.length > 0) throw new UsageError(problems[0]!, problems);
    return source.metricsUrls.map((url) => ({ component: new URL(url).host, url }));
  }
  const cluster = await findLocalCluster(source.localDataDir);
  if (!cluster) return [];
  return cluster.components
    .filter((c) => (c.role === 'proxy' || c.role === 'querynode' || c.role === 'standalone') && c.metricsPort !== null)
    .map((c) => ({ component: c.name, url: `http://127.0.0.1:${c.metricsPort}/metrics` }));
}
