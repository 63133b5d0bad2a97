// /healthz and Prometheus /metrics for one component of the local cluster, on its own HTTP port on 127.0.0.1.
import { createServer, type Server } from 'node:http';

const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

export class ComponentMetrics {
  private readonly requests = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly buckets = new Array<number>(BUCKETS_MS.length).fill(0);
  private searchCount = 0;
  private searchSumMs = 0;

  constructor(private readonly component: string) {}

  countRequest(method: string, ok: boolean): void {
    const map = ok ? this.requests : this.failures;
    map.set(method, (map.get(method) ?? 0) + 1);
  }

  observeSearch(ms: number): void {
    this.searchCount++;
    this.searchSumMs += ms;
    for (let i = 0; i < BUCKETS_MS.length; i++) if (ms <= BUCKETS_MS[i]!) this.buckets[i]!++;
  }

  render(): string {
    const label = `component="${this.component}"`;
    const lines = ['# HELP local_requests_total Requests handled, per method and outcome.', '# TYPE local_requests_total counter'];
    for (const [method, n] of this.requests) lines.push(`local_requests_total{${label},method="${method}",status="ok"} ${n}`);
    for (const [method, n] of this.failures) lines.push(`local_requests_total{${label},method="${method}",status="error"} ${n}`);
    lines.push('# HELP local_search_latency_seconds Search latency inside this component.', '# TYPE local_search_latency_seconds histogram');
    BUCKETS_MS.forEach((le, i) => lines.push(`local_search_latency_seconds_bucket{${label},le="${le / 1000}"} ${this.buckets[i]}`));
    lines.push(`local_search_latency_seconds_bucket{${label},le="+Inf"} ${this.searchCount}`);
    lines.push(`local_search_latency_seconds_sum{${label}} ${this.searchSumMs / 1000}`);
    lines.push(`local_search_latency_seconds_count{${label}} ${this.searchCount}`);
    return lines.join('\n') + '\n';
  }
}

/** `ready()` decides /healthz: 200 when serving, 503 otherwise. */
export function serveObservability(metrics: ComponentMetrics, port: number, ready: () => boolean): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.render());
    } else if (req.url === '/healthz') {
      const ok = ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}
