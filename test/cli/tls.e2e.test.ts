// `run` through a TLS-terminating proxy (a self-signed cert, h2 over TLS, decrypted bytes piped to the look-alike's
// plaintext port): setup AND the load phase must speak TLS, credentials in the address must reach neither the
// connection string nor any output, and plaintext to the TLS port fails fast with the address.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localApi, tempDataDir } from '../local/fixture.js';
import type { RunResult } from '../../src/report/index.js';
import { runCli, scratchDir, writeFile } from './harness.js';

const dir = scratchDir('tls');
const dataDir = tempDataDir('tls');
const certPath = join(dir, 'cert.pem');
const keyPath = join(dir, 'key.pem');

interface ProxyStats {
  /** TLS sessions that completed a handshake */
  connections: number;
  /** connections that failed before or during the handshake (e.g. plaintext HTTP/2) */
  handshakeFailures: number;
  /** decrypted client→server chunks: [epoch ms, bytes] */
  upstream: Array<[number, number]>;
}

let proxy: Server;
let tlsPort = 0;
let proxyMetricsUrl = '';
const stats: ProxyStats = { connections: 0, handshakeFailures: 0, upstream: [] };

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startTlsProxy(upstreamPort: number): Promise<Server> {
  const server = createTlsServer({ key: readFileSync(keyPath), cert: readFileSync(certPath), ALPNProtocols: ['h2'] }, (socket) => {
    stats.connections++;
    const upstream: Socket = connect(upstreamPort, '127.0.0.1');
    socket.on('data', (chunk: Buffer) => stats.upstream.push([Date.now(), chunk.length]));
    socket.pipe(upstream).pipe(socket);
    const close = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  server.on('tlsClientError', (_error, socket) => {
    stats.handshakeFailures++;
    socket.destroy();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function searchesServed(): Promise<number> {
  const text = await (await fetch(proxyMetricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith('milvus_proxy_req_count{') && l.includes('function_name="Search"') && l.includes('status="success"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const scenario = (name: string) =>
  writeFile(
    dir,
    `${name}.ts`,
    `import { defineScenario } from 'milvus-bench';
export default defineScenario({
  name: '${name}',
  collection: { name: 'e2e_tls_${name}', dim: 16, index: { type: 'FLAT' }, replicas: 1 },
  ingest: { rows: 300, batchSize: 300, vectors: { random: { seed: 3 } } },
  phases: [{ name: 'steady', duration: '2s', concurrency: 4, operations: [{ search: { topK: 5 } }] }],
  slo: { 'steady.search.errorRate': '<1%' },
  verify: { recallQueries: 5 },
  metrics: { interval: '500ms' },
});
`,
  );

function readReport(out: string): { result: RunResult; folder: string } {
  const folder = join(dir, out);
  return { result: JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8')) as RunResult, folder };
}

// grpc-js trusts Node's CA store (which NODE_EXTRA_CA_CERTS extends) unless GRPC_DEFAULT_SSL_ROOTS_FILE_PATH names a
// file, which then REPLACES the store: some machines set it to the system bundle, so the test clears it.
const env = () => ({ NODE_EXTRA_CA_CERTS: certPath, GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: '' });

beforeAll(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyPath, '-out', certPath], { stdio: 'ignore' });
  const clusterPort = await freePort();
  const { startLocalCluster } = await localApi();
  const cluster = await startLocalCluster({ dataDir, port: clusterPort, proxies: 1, querynodes: 1, detach: true });
  const status = await cluster.status();
  const proxyComponent = status.components.find((c) => c.role === 'proxy')!;
  proxyMetricsUrl = `http://127.0.0.1:${proxyComponent.metricsPort}/metrics`;
  proxy = await startTlsProxy(clusterPort);
  tlsPort = (proxy.address() as { port: number }).port;
  writeFile(
    dir,
    'bench.config.ts',
    `import { defineConfig } from 'milvus-bench';
export default defineConfig({ target: { address: '127.0.0.1:1', connectTimeout: '5s' }, workers: 2 });
`,
  );
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await (await localApi()).downLocalCluster(dataDir);
}, 30_000);

describe('run against a TLS endpoint (look-alike behind a TLS-terminating proxy, not Milvus)', () => {
  it('runs setup and the load phase over TLS (https://): exit 0, searches served through the proxy', async () => {
    const before = { connections: stats.connections, searches: await searchesServed() };
    const run = await runCli(['run', scenario('https'), '--target', `https://127.0.0.1:${tlsPort}`, '--out', 'reports/https'], { cwd: dir, env: env(), timeoutMs: 40_000 });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const { result } = readReport('reports/https');
    const phase = result.phases[0]!;
    expect(phase.counters.ok).toBeGreaterThan(20);
    expect(phase.counters.errors).toBe(0);
    expect(phase.counters.timeouts).toBe(0);
    // truth from outside the tool: the look-alike served at least those searches, and every byte of them crossed the proxy
    expect((await searchesServed()) - before.searches).toBeGreaterThanOrEqual(phase.counters.ok);
    const loadStart = result.loadStartEpochMs!;
    const loadEnd = loadStart + phase.startMs + phase.durationMs;
    const loadBytes = stats.upstream.filter(([t]) => t >= loadStart && t <= loadEnd).reduce((sum, [, n]) => sum + n, 0);
    // each search carries at least its 16-float query vector (64 bytes) inside the TLS stream
    expect(loadBytes).toBeGreaterThanOrEqual(phase.counters.ok * 64);
    expect(stats.connections - before.connections).toBeGreaterThanOrEqual(2); // the SDK's and the load's own channels
  }, 45_000);

  it('fails fast with the address (exit 4, one line, no stack) when plaintext meets the TLS port', async () => {
    const failuresBefore = stats.handshakeFailures;
    const run = await runCli(['run', scenario('plain'), '--target', `http://127.0.0.1:${tlsPort}`, '--out', 'reports/plain'], { cwd: dir, env: env(), timeoutMs: 30_000 });
    expect(run.code, run.stderr + run.stdout).toBe(4);
    expect(run.elapsedMs).toBeLessThan(15_000);
    const errorLines = run.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(errorLines, run.stderr).toHaveLength(1);
    expect(errorLines[0]).toContain(`127.0.0.1:${tlsPort}`);
    expect(run.stderr + run.stdout).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(stats.handshakeFailures).toBeGreaterThan(failuresBefore);
  }, 35_000);

  it('keeps the password of https://user:secret@host out of every output', async () => {
    const run = await runCli(['run', scenario('creds'), '--target', `https://bench:secret@127.0.0.1:${tlsPort}`, '--out', 'reports/creds'], { cwd: dir, env: env(), timeoutMs: 40_000 });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const { result, folder } = readReport('reports/creds');
    expect(result.phases[0]!.counters.ok).toBeGreaterThan(0);
    expect(result.phases[0]!.counters.errors).toBe(0);
    const files = readdirSync(folder);
    expect(files).toEqual(expect.arrayContaining(['result.json', 'junit.xml', 'summary.md', 'report.html']));
    const outputs: Record<string, string> = { stdout: run.stdout, stderr: run.stderr };
    for (const name of files) outputs[name] = readFileSync(join(folder, name), 'utf8');
    for (const [name, text] of Object.entries(outputs)) expect(text.includes('secret'), `"secret" in ${name}`).toBe(false);
  }, 45_000);
});
