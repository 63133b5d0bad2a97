// Capacity of the local Milvus-compatible test cluster (real processes; not Milvus) on this machine.
// Run (after `npx tsc -p tsconfig.build.json`):
//   node --import jiti/register bench/local-capacity.ts [--rows 100000] [--dim 128] [--rate 300] [--seconds 20]
//        [--replicas 2] [--proxies 2] [--querynodes 2] [--port 19690] [--nprobe 4] [--nlist 128] [--keep 1 (leave the cluster up)]
// Starts a cluster from dist/, ingests clustered Gaussian vectors through the SDK, builds IVF_FLAT, loads, then a
// separate load-generator process (raw @grpc/grpc-js, pre-encoded SearchRequests, nq 1, topK 10) drives an open-loop
// search rate; latency counts from each request's intended start (no coordinated omission). Prints achieved rate,
// p50/p95/p99, errors and recall@10 against exact search, next to the targets (≥ 300/s, p99 < 50 ms).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { bruteForceSearch, seededRandom } from '../src/local/engine/index.js';
import { milvusServiceDefinition, encodePlaceholderGroup } from '../src/local/milvus-proto.js';

type LocalApi = typeof import('../src/local/index.js');
const args = new Map<string, string>();
for (let i = 2; i + 1 < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const num = (name: string, fallback: number): number => Number(args.get(name) ?? fallback);

if (args.has('generator')) await generate(args.get('generator')!);
else await main();

async function main(): Promise<void> {
  const rows = num('rows', 100_000);
  const dim = num('dim', 128);
  const rate = num('rate', 300);
  const seconds = num('seconds', 20);
  const port = num('port', 19690);
  const api = (await import(new URL('../dist/local/index.js', import.meta.url).href)) as LocalApi;
  const dataDir = mkdtempSync(join(tmpdir(), 'mb-local-capacity-'));
  const cluster = await api.startLocalCluster({ dataDir, port, proxies: num('proxies', 2), querynodes: num('querynodes', 2), readyTimeoutMs: 60_000 });
  try {
    const client = new MilvusClient({ address: cluster.address, timeout: 120_000, logLevel: 'error' });
    const base = clusteredVectors(rows, dim, 7);
    let started = Date.now();
    await ingest(client, base, dim);
    console.log(`ingest ${rows} × ${dim}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    started = Date.now();
    await client.createIndex({ collection_name: 'capacity', field_name: 'vec', index_type: 'IVF_FLAT', metric_type: 'L2', params: { nlist: num('nlist', 128) } });
    await client.loadCollectionSync({ collection_name: 'capacity', replica_number: num('replicas', 2) });
    console.log(`index + load: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await client.closeConnection();
    const queries = clusteredVectors(200, dim, 99);
    const file = join(dataDir, 'queries.bin');
    writeFileSync(file, Buffer.from(queries.buffer));
    const report = await runGenerator({ address: cluster.address, file, dim, rate, seconds, nprobe: num('nprobe', 4) });
    const exact = bruteForceSearch(base, dim, queries, 10, 'L2');
    let found = 0;
    const answered = report.firstIds.filter((ids) => ids !== null).length;
    report.firstIds.forEach((ids, q) => {
      if (!ids) return;
      const truth = new Set(exact[q]!.map((h) => String(h.row)));
      found += ids.filter((id) => truth.has(id)).length;
    });
    const recall = found / (answered * 10);
    console.log(`\n${api.LOCAL_CLUSTER_DESCRIPTION}`);
    console.log(`offered ${rate}/s for ${seconds} s → achieved ${report.achieved.toFixed(1)}/s (target ≥ 300/s, ratio ${(report.achieved / 300).toFixed(2)})`);
    console.log(`latency p50 ${report.p50.toFixed(1)} ms, p95 ${report.p95.toFixed(1)} ms, p99 ${report.p99.toFixed(1)} ms (target p99 < 50 ms, ratio ${(report.p99 / 50).toFixed(2)})`);
    console.log(`errors ${report.errors} of ${report.sent}; recall@10 vs exact ${recall.toFixed(3)}`);
    for (const [reason, count] of Object.entries(report.reasons)) console.log(`  ${count} × ${reason}`);
  } finally {
    if (num('keep', 0) === 1) console.log(`cluster left running: milvus-bench local down --data-dir ${dataDir}`);
    else {
      await cluster.down();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

function clusteredVectors(rows: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const centreRandom = seededRandom(1);
  const centres = Float32Array.from({ length: 128 * dim }, () => centreRandom());
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(random() * 128);
    for (let d = 0; d < dim; d++) {
      const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      out[r * dim + d] = centres[c * dim + d]! + 0.05 * gaussian;
    }
  }
  return out;
}

async function ingest(client: MilvusClient, base: Float32Array, dim: number): Promise<void> {
  await client.dropCollection({ collection_name: 'capacity' });
  await client.createCollection({
    collection_name: 'capacity',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
      { name: 'vec', data_type: DataType.FloatVector, dim },
    ],
  });
  const rows = base.length / dim;
  for (let start = 0; start < rows; start += 5000) {
    const data = [];
    for (let r = start; r < Math.min(rows, start + 5000); r++) data.push({ id: r, vec: Array.from(base.subarray(r * dim, (r + 1) * dim)) });
    const result = await client.insert({ collection_name: 'capacity', data });
    if (result.status.error_code !== 'Success') throw new Error(result.status.reason);
  }
  await client.flushSync({ collection_names: ['capacity'] });
}

interface GeneratorReport {
  sent: number;
  errors: number;
  achieved: number;
  p50: number;
  p95: number;
  p99: number;
  firstIds: (string[] | null)[];
  /** Error reason (first 100 characters) → count. */
  reasons: Record<string, number>;
}

async function runGenerator(options: Record<string, string | number>): Promise<GeneratorReport> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'jiti/register', self, '--generator', JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise((resolve) => child.on('exit', resolve));
  return JSON.parse(output.trim().split('\n').at(-1)!) as GeneratorReport;
}

/** The separate load-generator process: open loop at `rate`/s over two channels (the balancer spreads them). */
async function generate(json: string): Promise<void> {
  const o = JSON.parse(json) as { address: string; file: string; dim: number; rate: number; seconds: number; nprobe: number };
  const queries = new Float32Array(new Uint8Array(readFileSync(o.file)).buffer);
  const nq = queries.length / o.dim;
  const Client = grpc.makeGenericClientConstructor(milvusServiceDefinition(), 'MilvusService');
  const channels = [0, 1].map((i) => new Client(o.address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1, 'channel-id': i }) as unknown as Record<string, Function>);
  const requests = Array.from({ length: nq }, (_, q) => ({
    collection_name: 'capacity',
    dsl: '',
    dsl_type: 'BoolExprV1',
    nq: '1',
    output_fields: [],
    placeholder_group: encodePlaceholderGroup(queries.subarray(q * o.dim, (q + 1) * o.dim)),
    search_params: [
      { key: 'anns_field', value: 'vec' },
      { key: 'topk', value: '10' },
      { key: 'metric_type', value: 'L2' },
      { key: 'params', value: JSON.stringify({ nprobe: o.nprobe }) },
    ],
  }));
  const total = Math.round(o.rate * o.seconds);
  const latencies: number[] = [];
  const firstIds: (string[] | null)[] = new Array<string[] | null>(nq).fill(null);
  let errors = 0;
  let done = 0;
  const reasons: Record<string, number> = {};
  const t0 = performance.now() + 200;
  const finished = new Promise<void>((resolve) => {
    const send = (i: number): void => {
      const intended = t0 + (i * 1000) / o.rate;
      channels[i % 2]!.Search!(requests[i % nq], { deadline: Date.now() + 5000 }, (error: Error | null, reply: { status: { code: number }; results: { ids: { int_id: { data: string[] } } } }) => {
        latencies.push(performance.now() - intended);
        if (error || reply.status.code !== 0) {
          errors++;
          const reason = (error?.message ?? (reply.status as { reason?: string }).reason ?? '').slice(0, 100);
          reasons[reason] = (reasons[reason] ?? 0) + 1;
        }
        else if (!firstIds[i % nq]) firstIds[i % nq] = reply.results.ids.int_id.data;
        if (++done === total) resolve();
      });
    };
    let next = 0;
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * o.rate) / 1000) + 1);
      while (next < due) send(next++);
      if (next < total) setTimeout(tick, 1);
    };
    setTimeout(tick, 200);
  });
  await finished;
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  const report: GeneratorReport = { sent: total, errors, achieved: (total - errors) / elapsed, p50: pct(50), p95: pct(95), p99: pct(99), firstIds, reasons };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exit(0);
}
