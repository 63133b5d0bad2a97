// Server-side view: the Prometheus text parser, histogram_quantile, and the scraper against real HTTP servers and a real local cluster.
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { histogramQuantile, parsePrometheusText } from '../../src/target/prometheus-text.js';
import { createServerMetricsScraper, intervalCounts, serverMetricsEndpoints, snapshotOf } from '../../src/target/server-metrics.js';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { eventually, localApi, prepareCollection, tempDataDir } from '../local/fixture.js';

describe('parsePrometheusText', () => {
  it('reads HELP, TYPE, labels with escapes, special values and timestamps', () => {
    const text = [
      '# HELP milvus_proxy_req_count count of operation executed\\nsecond line \\\\ done',
      '# TYPE milvus_proxy_req_count counter',
      '# a free-form comment',
      'milvus_proxy_req_count{node_id="7",function_name="Search",status="success"} 42',
      'weird{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb",}   1.5e3 1700000000000',
      'spaced { a = "1" , b="2" } +Inf',
      'nan_metric NaN',
      'neg -Inf',
      'bare 7\r',
    ].join('\n');
    const parsed = parsePrometheusText(text);
    expect(parsed.skippedLines).toBe(0);
    expect(parsed.help.get('milvus_proxy_req_count')).toBe('count of operation executed\nsecond line \\ done');
    expect(parsed.types.get('milvus_proxy_req_count')).toBe('counter');
    expect(parsed.samples[0]).toEqual({ name: 'milvus_proxy_req_count', labels: { node_id: '7', function_name: 'Search', status: 'success' }, value: 42 });
    expect(parsed.samples[1]).toEqual({ name: 'weird', labels: { path: 'C:\\dir', quote: 'say "hi"', nl: 'a\nb' }, value: 1500, timestampMs: 1700000000000 });
    expect(parsed.samples[2]).toMatchObject({ name: 'spaced', labels: { a: '1', b: '2' }, value: Infinity });
    expect(parsed.samples[3]!.value).toBeNaN();
    expect(parsed.samples[4]!.value).toBe(-Infinity);
    expect(parsed.samples[5]).toEqual({ name: 'bare', labels: {}, value: 7 });
  });

  it('skips malformed lines without throwing and keeps the good ones', () => {
    const bad = [
      'unterminated{a="b" 1',
      'too_many 1 2 3',
      '{a="b"} 1',
      'unquoted{a=b} 1',
      'not_a_number abc',
      'bad_escape{a="\\q"} 1',
      'no_value',
      'glued{a="b"}1',
      'bad_timestamp 1 12.5',
      '# TYPE typed bogus',
      '# HELP 9bad help',
      '9starts_with_digit 1',
    ];
    const parsed = parsePrometheusText(['good 1', ...bad, 'also_good{x="y"} 2'].join('\n'));
    expect(parsed.skippedLines).toBe(bad.length);
    expect(parsed.samples.map((s) => s.name)).toEqual(['good', 'also_good']);
    expect(parsed.types.size).toBe(0);
  });
});

describe('histogramQuantile', () => {
  const buckets = (pairs: Array<[number, number]>) => pairs.map(([le, count]) => ({ le, count }));

  it('interpolates linearly inside the bucket that holds the rank, like PromQL', () => {
    expect(histogramQuantile(0.99, buckets([[4, 50], [8, 100], [Infinity, 100]]))).toBeCloseTo(7.92, 6);
    expect(histogramQuantile(0.5, buckets([[10, 100], [Infinity, 100]]))).toBeCloseTo(5, 6); // lowest bucket starts at 0
    expect(histogramQuantile(0.99, buckets([[Infinity, 10], [1, 0], [2, 10]]))).toBeCloseTo(1.99, 6); // unsorted input
  });

  it('returns the highest finite bound for a rank in +Inf, and null without observations or +Inf', () => {
    expect(histogramQuantile(0.99, buckets([[1, 10], [2, 10], [Infinity, 100]]))).toBe(2);
    expect(histogramQuantile(0.99, buckets([[1, 0], [Infinity, 0]]))).toBeNull();
    expect(histogramQuantile(0.99, buckets([[1, 5], [2, 10]]))).toBeNull();
  });
});

describe('intervalCounts', () => {
  it('takes deltas per series, so one restarted series does not cancel another that grew', () => {
    const scrape = (a: number, b: number) =>
      snapshotOf(
        parsePrometheusText(
          [`milvus_proxy_req_count{function_name="Search",node_id="1",status="success"} ${a}`, `milvus_proxy_req_count{function_name="Search",node_id="1",status="total"} ${a}`,
            `milvus_proxy_req_count{function_name="Query",node_id="1",status="fail"} ${b}`, `milvus_proxy_req_count{function_name="Query",node_id="1",status="total"} ${b}`].join('\n'),
        ),
      );
    const counts = intervalCounts(scrape(100, 50), scrape(130, 5));
    expect(counts).toMatchObject({ requests: 35, searchRequests: 30, errors: 5, searchP99Ms: null });
  });
});

// A real HTTP server on 127.0.0.1 that answers each scrape with the next step of a script.
type Step = string | 'reset' | 'hang' | 503;
interface MetricsServer {
  url: string;
  hits: () => number;
  close: () => Promise<void>;
  reopen: () => Promise<void>;
  setBody: (body: string) => void;
}

const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

async function metricsServer(script: Step[]): Promise<MetricsServer> {
  let hits = 0;
  let override: string | null = null;
  let port = 0;
  let server: Server;
  const listen = async (): Promise<void> => {
    server = createServer((req, res) => {
      const step = override ?? script[Math.min(hits, script.length - 1)]!;
      hits++;
      if (step === 'reset') req.socket.destroy();
      else if (step === 'hang') return;
      else if (step === 503) res.writeHead(503).end('not ready\n');
      else res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(step);
    });
    servers.push(server);
    await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
    port = (server.address() as { port: number }).port;
  };
  await listen();
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    hits: () => hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
    reopen: listen,
    setBody: (body) => (override = body),
  };
}

function milvusProxyText(search: { total: number; success: number; fail: number }, queries: number, latency: Array<[string, number]>): string {
  const base = 'node_id="1",db_name="default",collection_name="bench"';
  return [
    '# HELP milvus_proxy_req_count count of operation executed',
    '# TYPE milvus_proxy_req_count counter',
    ...(['total', 'success', 'fail'] as const).map((status) => `milvus_proxy_req_count{${base},function_name="Search",status="${status}"} ${search[status]}`),
    `milvus_proxy_req_count{${base},function_name="Query",status="total"} ${queries}`,
    `milvus_proxy_req_count{${base},function_name="Query",status="success"} ${queries}`,
    '# TYPE milvus_proxy_sq_latency histogram',
    ...latency.map(([le, n]) => `milvus_proxy_sq_latency_bucket{${base},query_type="search",le="${le}"} ${n}`),
    // query latency must not leak into the search p99
    `milvus_proxy_sq_latency_bucket{${base},query_type="query",le="1"} 0`,
    `milvus_proxy_sq_latency_bucket{${base},query_type="query",le="+Inf"} 1000000`,
    `milvus_proxy_sq_latency_sum{${base},query_type="search"} 12345`,
    `milvus_proxy_sq_latency_count{${base},query_type="search"} ${latency.at(-1)![1]}`,
  ].join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createServerMetricsScraper', () => {
  it('turns two Milvus proxy scrapes into one interval: request delta, errors, search p99 from bucket deltas', async () => {
    const before = milvusProxyText({ total: 1000, success: 990, fail: 10 }, 7, [['4', 1000], ['8', 1000], ['+Inf', 1000]]);
    const after = milvusProxyText({ total: 1100, success: 1085, fail: 15 }, 9, [['4', 1050], ['8', 1100], ['+Inf', 1100]]);
    const server = await metricsServer([before]);
    const scraper = createServerMetricsScraper({ endpoints: [{ component: 'proxy-a', url: server.url }], intervalMs: 60_000 });
    scraper.start();
    expect(await eventually(async () => server.hits() >= 1, 5000, 10)).toBe(true);
    server.setBody(after);
    const samples = await scraper.stop();
    expect(samples).toHaveLength(1);
    const [sample] = samples;
    expect(sample).toMatchObject({ component: 'proxy-a', requests: 102, searchRequests: 100, errors: 5, up: true });
    expect(sample!.searchP99Ms).toBeCloseTo(7.92, 6); // cumulative counts would give 7.12
    expect(sample!.tMs).toBeGreaterThanOrEqual(0);
    expect(sample!.intervalMs).toBeGreaterThanOrEqual(0);
    // stopping again scrapes nothing new; times can be re-based on the load start known only later
    const rebased = await scraper.stop({ loadStartEpochMs: Date.now() + 10_000 });
    expect(rebased).toHaveLength(1);
    expect(rebased[0]!.tMs).toBeLessThan(-9000);
    expect(server.hits()).toBe(2);
  });

  it('reads a querynode once per search (the leader scope, not the workers\'), handles a counter reset, a dropped and a hung scrape', async () => {
    // Milvus 2.3.5's querynode series: a search counts under scope OnLeader and again under FromLeader
    const local = (search: number, errors: number, buckets: [number, number, number]) =>
      ['OnLeader', 'FromLeader']
        .flatMap((scope) => [
          `milvus_querynode_sq_req_count{node_id="1",query_type="search",scope="${scope}",status="success"} ${search}`,
          `milvus_querynode_sq_req_count{node_id="1",query_type="search",scope="${scope}",status="fail"} ${errors}`,
          `milvus_querynode_sq_req_count{node_id="1",query_type="search",scope="${scope}",status="total"} ${search + errors}`,
          `milvus_querynode_sq_req_latency_bucket{node_id="1",query_type="search",scope="${scope}",le="5"} ${buckets[0]}`,
          `milvus_querynode_sq_req_latency_bucket{node_id="1",query_type="search",scope="${scope}",le="10"} ${buckets[1]}`,
          `milvus_querynode_sq_req_latency_bucket{node_id="1",query_type="search",scope="${scope}",le="+Inf"} ${buckets[2]}`,
        ])
        .join('\n');
    const script: Step[] = [
      local(10, 0, [10, 10, 10]),
      local(60, 2, [10, 60, 60]), // +50 searches all in (5, 10] ms
      local(4, 0, [4, 4, 4]), // restarted: counts start again from 0
      'reset',
      'hang',
      local(10, 1, [10, 10, 10]),
    ];
    const server = await metricsServer(script);
    const scraper = createServerMetricsScraper({ endpoints: [{ component: 'proxy-1', url: server.url }], intervalMs: 100, timeoutMs: 300 });
    const startedAt = Date.now();
    scraper.start();
    expect(await eventually(async () => server.hits() >= script.length, 15_000, 20)).toBe(true);
    const samples = await scraper.stop();
    expect(Date.now() - startedAt).toBeLessThan(14_000);
    expect(samples.slice(0, 5).map((s) => [s.up, s.requests, s.searchRequests ?? null, s.errors ?? null])).toEqual([
      [true, 52, 52, 2],
      [true, 4, 4, 0],
      [false, 0, null, null],
      [false, 0, null, null],
      [true, 7, 7, 1], // 10 ok + 1 error since the last good scrape (4 ok)
    ]);
    expect(samples[0]!.searchP99Ms).toBeCloseTo(9.95, 6);
    expect(samples[1]!.searchP99Ms).toBeCloseTo(4.95, 6);
    expect(samples[3]!.error).toBe('no response within 300 ms');
    expect(samples.slice(5).every((s) => s.up && s.requests === 0)).toBe(true);
    const times = samples.map((s) => s.tMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('records a gap while an endpoint is gone and resumes when it returns on the same port', async () => {
    let count = 0;
    const text = () => `milvus_querynode_sq_req_count{node_id="1",query_type="search",scope="OnLeader",status="total"} ${count}\n`;
    const server = await metricsServer([text()]);
    const other = await metricsServer(['# TYPE milvus_querynode_sq_req_count counter\n']);
    const scraper = createServerMetricsScraper({
      endpoints: [
        { component: 'querynode-1', url: server.url },
        { component: 'querynode-2', url: other.url },
      ],
      intervalMs: 100,
    });
    scraper.start();
    expect(await eventually(async () => server.hits() >= 2, 5000, 10)).toBe(true);
    count = 5;
    server.setBody(text());
    expect(await eventually(async () => server.hits() >= 3, 5000, 10)).toBe(true);
    await server.close();
    const otherHitsAtClose = other.hits();
    await sleep(400);
    count = 8;
    server.setBody(text());
    await server.reopen();
    const hitsAtReopen = server.hits();
    expect(await eventually(async () => server.hits() >= hitsAtReopen + 2, 5000, 10)).toBe(true);
    const samples = await scraper.stop();
    const first = samples.filter((s) => s.component === 'querynode-1');
    const gaps = first.filter((s) => !s.up);
    expect(gaps.length).toBeGreaterThanOrEqual(1);
    expect(gaps[0]!.error).toMatch(/ECONNREFUSED|ECONNRESET|fetch failed/);
    expect(first.reduce((sum, s) => sum + s.requests, 0)).toBe(8);
    expect(first.at(-1)!.up).toBe(true);
    // the dead endpoint did not hold up the other one
    expect(other.hits()).toBeGreaterThan(otherHitsAtClose + 2);
    expect(samples.filter((s) => s.component === 'querynode-2').every((s) => s.up && s.requests === 0)).toBe(true);
  });

  it('marks a server with no known metric names and a non-200 answer', async () => {
    const unknown = await metricsServer(['some_other_metric 1\n']);
    const failing = await metricsServer(['milvus_proxy_req_count{function_name="Search",status="total"} 1\n', 503]);
    const scraper = createServerMetricsScraper({
      endpoints: [
        { component: 'mystery', url: unknown.url },
        { component: 'proxy', url: failing.url },
      ],
      intervalMs: 60_000,
    });
    scraper.start();
    expect(await eventually(async () => unknown.hits() >= 1 && failing.hits() >= 1, 5000, 10)).toBe(true);
    const samples = await scraper.stop();
    expect(samples.find((s) => s.component === 'mystery')).toMatchObject({ up: true, requests: 0, errors: null, error: expect.stringContaining('no known metrics') });
    expect(samples.find((s) => s.component === 'proxy')).toMatchObject({ up: false, error: 'HTTP 503' });
  });

  it('rejects bad options with one-line messages naming the field', async () => {
    expect(() => createServerMetricsScraper({ endpoints: [], intervalMs: 0 })).toThrow('server metrics intervalMs must be an integer ≥ 50, got 0');
    expect(() => createServerMetricsScraper({ endpoints: [{ component: 'p', url: 'localhost:9091' }], intervalMs: 1000 })).toThrow(/endpoint 0 \(p\): url must be an http/);
    await expect(serverMetricsEndpoints({ metricsUrls: ['http://10.0.0.5:9091/metrics', 'ftp://x'] })).rejects.toThrow('target.metrics[1] must be an http:// or https:// URL');
    expect(await serverMetricsEndpoints({ metricsUrls: ['http://10.0.0.5:9091/metrics'] })).toEqual([{ component: '10.0.0.5:9091', url: 'http://10.0.0.5:9091/metrics' }]);
    expect(await serverMetricsEndpoints({ localDataDir: tempDataDir('no-cluster') })).toEqual([]);
  });
});

describe('scraping a real local cluster (Milvus-protocol test target, not Milvus)', () => {
  const dataDir = tempDataDir('server-metrics');
  afterAll(async () => {
    await (await localApi()).downLocalCluster(dataDir);
  }, 30_000);

  it('sees the searches the SDK sends, on the proxy and the querynode', async () => {
    const { startLocalCluster } = await localApi();
    const { address } = await startLocalCluster({ dataDir, port: 0, proxies: 1, querynodes: 1, detach: true });
    const endpoints = await serverMetricsEndpoints({ localDataDir: dataDir });
    expect(endpoints.map((e) => e.component).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/proxy/), expect.stringMatching(/querynode/)]));
    expect(endpoints.every((e) => /^http:\/\/127\.0\.0\.1:\d+\/metrics$/.test(e.url))).toBe(true);
    const client = new MilvusClient({
      address,
      timeout: 5000,
      logLevel: 'error',
      channelOptions: { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 300 },
    } as ConstructorParameters<typeof MilvusClient>[0]);
    try {
      const vectors = await prepareCollection(client, 'server_metrics', 200, 8, 1);
      const scraper = createServerMetricsScraper({ endpoints, intervalMs: 200 });
      scraper.start();
      const searches = 30;
      for (let i = 0; i < searches; i++) {
        const result = await client.search({ collection_name: 'server_metrics', data: [vectors[i]!], limit: 3 });
        expect(result.status.error_code).toBe('Success');
      }
      // kill the querynode: its /metrics goes dead (a gap), the supervisor restarts it with counters from 0
      const { signalComponent, waitComponentReady } = await localApi();
      const querynodeName = endpoints.find((e) => /querynode/.test(e.component))!.component;
      await signalComponent(dataDir, querynodeName, 'SIGKILL');
      await waitComponentReady(dataDir, querynodeName, 30_000);
      let sent = searches; // the test's own count of searches sent, the truth the scraped counters are held to
      const searchedAfterRestart = await eventually(async () => (sent++, await client.search({ collection_name: 'server_metrics', data: [vectors[0]!], limit: 3 })).status.error_code === 'Success', 20_000, 200);
      expect(searchedAfterRestart).toBe(true);
      const stopping = Date.now();
      const samples = await scraper.stop();
      expect(Date.now() - stopping).toBeLessThan(5000);
      const querynodeSeries = samples.filter((s) => s.component === querynodeName);
      const firstGap = querynodeSeries.findIndex((s) => !s.up);
      expect(firstGap).toBeGreaterThanOrEqual(0);
      expect(querynodeSeries.slice(firstGap).some((s) => s.up && (s.searchRequests ?? 0) > 0)).toBe(true);
      const proxy = samples.filter((s) => /proxy/.test(s.component));
      const querynode = samples.filter((s) => /querynode/.test(s.component));
      expect(proxy.reduce((sum, s) => sum + (s.searchRequests ?? 0), 0)).toBeGreaterThanOrEqual(searches);
      expect(proxy.reduce((sum, s) => sum + s.requests, 0)).toBeGreaterThanOrEqual(searches);
      expect(querynode.reduce((sum, s) => sum + (s.searchRequests ?? 0), 0)).toBeGreaterThan(0);
      // the querynode restarted with counters from 0: a reset read as a negative or a re-counted delta would exceed what was sent
      expect(querynode.reduce((sum, s) => sum + (s.searchRequests ?? 0), 0)).toBeLessThanOrEqual(sent);
      expect(proxy.reduce((sum, s) => sum + (s.searchRequests ?? 0), 0)).toBeLessThanOrEqual(sent);
      expect(proxy.some((s) => s.searchP99Ms !== null && s.searchP99Ms > 0)).toBe(true);
      expect(proxy.every((s) => s.up)).toBe(true);
    } finally {
      await client.closeConnection();
    }
  }, 60_000);
});
