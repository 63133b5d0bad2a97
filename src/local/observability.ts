// /healthz and Prometheus /metrics for one component of the local cluster, on its own HTTP port on 127.0.0.1.
// The metric names, labels, units (ms) and buckets are Milvus 2.3's own (checked on a real 2.3.5 standalone), so the
// tool reads the look-alike exactly as it reads Milvus.
import { createServer, type Server } from 'node:http';

/** Milvus's buckets for its latency histograms: prometheus.ExponentialBuckets(1, 2, 18), in ms. */
const BUCKETS_MS = Array.from({ length: 18 }, (_, i) => 2 ** i);
/** Proxy methods a real 2.3.5 proxy does not count in milvus_proxy_req_count. */
const UNCOUNTED_PROXY_METHODS = new Set(['Connect', 'GetVersion', 'CheckHealth', 'HasCollection', 'GetFlushState', 'GetFlushAllState', 'GetReplicas', 'AllocTimestamp']);

type QueryType = 'search' | 'query';

class Histogram {
  readonly buckets = new Array<number>(BUCKETS_MS.length).fill(0);
  count = 0;
  sumMs = 0;

  observe(ms: number): void {
    this.count++;
    this.sumMs += ms;
    for (let i = 0; i < BUCKETS_MS.length; i++) if (ms <= BUCKETS_MS[i]!) this.buckets[i]!++;
  }

  render(name: string, labels: string, lines: string[]): void {
    BUCKETS_MS.forEach((le, i) => lines.push(`${name}_bucket{${labels},le="${le}"} ${this.buckets[i]}`));
    lines.push(`${name}_bucket{${labels},le="+Inf"} ${this.count}`, `${name}_sum{${labels}} ${this.sumMs}`, `${name}_count{${labels}} ${this.count}`);
  }
}

export class ComponentMetrics {
  /** request counter label set (without node_id) → count */
  private readonly counts = new Map<string, number>();
  private readonly latencies = new Map<QueryType, Histogram>();
  private readonly nodeId: string;

  /** `component` is the component's name (`proxy-2` → node_id "2"). */
  constructor(
    readonly component: string,
    /** proxy, querynode or coordinator export Milvus's series for that role; any other role only process metrics */
    readonly role: string = 'proxy',
  ) {
    this.nodeId = /-(\d+)$/.exec(component)?.[1] ?? '1';
  }

  /** One finished request: Milvus counts it under status "total" and under its outcome ("success" / "fail"). */
  countRequest(method: string, ok: boolean): void {
    if (this.role === 'proxy' && UNCOUNTED_PROXY_METHODS.has(method)) return;
    let labels: string;
    if (this.role === 'proxy') labels = `function_name="${method}"`;
    else if (this.role === 'querynode') {
      if (method !== 'search' && method !== 'query' && method !== 'count') return;
      labels = `query_type="${method === 'search' ? 'search' : 'query'}",scope="OnLeader"`;
    } else labels = `function_name="${method}"`;
    for (const status of ['total', ok ? 'success' : 'fail']) {
      const key = `${labels},status="${status}"`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }

  /** A successful search or query (count(*) is a query), in ms; Milvus observes successes only. */
  observe(type: QueryType, ms: number): void {
    let histogram = this.latencies.get(type);
    if (!histogram) this.latencies.set(type, (histogram = new Histogram()));
    histogram.observe(ms);
  }

  observeSearch(ms: number): void {
    this.observe('search', ms);
  }

  render(): string {
    const node = `node_id="${this.nodeId}"`;
    const lines: string[] = [];
    const counter = this.role === 'proxy' ? 'milvus_proxy_req_count' : this.role === 'querynode' ? 'milvus_querynode_sq_req_count' : this.role === 'coordinator' ? 'milvus_rootcoord_ddl_req_count' : null;
    if (counter) {
      lines.push(`# HELP ${counter} count of operation executed`, `# TYPE ${counter} counter`);
      for (const [labels, n] of [...this.counts].sort()) lines.push(`${counter}{${node},${labels}} ${n}`);
    }
    const histogram = this.role === 'proxy' ? 'milvus_proxy_sq_latency' : this.role === 'querynode' ? 'milvus_querynode_sq_req_latency' : null;
    if (histogram) {
      lines.push(`# HELP ${histogram} latency of search or query successfully`, `# TYPE ${histogram} histogram`);
      const scope = this.role === 'querynode' ? ',scope="OnLeader"' : '';
      for (const [type, h] of [...this.latencies].sort(([a], [b]) => a.localeCompare(b))) h.render(histogram, `${node},query_type="${type}"${scope}`, lines);
    }
    const cpu = process.cpuUsage();
    lines.push('# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${process.memoryUsage().rss}`);
    lines.push('# TYPE process_cpu_seconds_total counter', `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`);
    return lines.join('\n') + '\n';
  }
}

/** `ready()` decides /healthz: 200 "OK" when serving (Milvus's body), 503 otherwise. */
export function serveObservability(metrics: ComponentMetrics, port: number, ready: () => boolean): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(metrics.render());
    } else if (req.url === '/healthz') {
      const ok = ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'OK' : 'not ready');
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}
