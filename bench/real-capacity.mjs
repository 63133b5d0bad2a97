// Bench: max search QPS against a REAL Milvus 2.3.5 (started here on free ports through our launcher, taken down at
// the end, also on error and SIGINT/SIGTERM): (a) milvus-bench's worker path closed loop, (b) raw grpc-js with
// pre-encoded requests, (c) the SDK loop with a default client (10 pooled channels), (c') the SDK loop with the
// documented `pool.max` raised to the in-flight level, all sending the same request (output_fields []), and (c") the
// SDK call a user writes without output_fields: the SDK then asks for ['*'], and Milvus returns every hit's vector.
// Same duration, interleaved repetitions, median of each.
// Run: node bench/real-capacity.mjs [--quick] [--seconds N] [--in-flight 10,64] [--rows N] [--dim N] [--topology standalone|cluster]
// (build first: npm run build). Without real Milvus it prints "real Milvus not installed: <install command>", exit 2.
import { readFileSync } from 'node:fs';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { measured, median, rawGrpc, row, sdkLoop, toolClosedLoop } from './capacity.mjs';
import { cliFlags, COLLECTION, fromDist, machine, printMachine, printTable, queryRows, searchRequests, TOP_K } from './lib/fixture.mjs';
import { machineTicks, processCpuMs, processesCpu, realMilvusMissing } from './lib/real-milvus.mjs';

const SDK_DEFAULT_POOL_MAX = 10; // @zilliz/milvus2-sdk-node DEFAULT_POOL_MAX (dist/milvus/const/defaults.js)
const NLIST = 128;
const NPROBE = 16;
const QUERIES = 64;

const integer = (name, min, max) => (value) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  return n;
};
const flags = cliFlags({
  '--in-flight': (value) => value.split(',').map(integer('--in-flight (comma-separated)', 1, 1024)),
  '--rows': integer('--rows', 1_000, 1_000_000),
  '--dim': integer('--dim', 2, 4096),
  '--topology': (value) => {
    if (value !== 'standalone' && value !== 'cluster') throw new Error(`--topology must be standalone or cluster, got ${value}`);
    return value;
  },
});
const topology = flags.topology ?? 'standalone';
const missing = await realMilvusMissing(topology);
if (missing) {
  console.error(`real Milvus not installed: ${missing}`);
  process.exit(2);
}
const { local, prepareBenchCollection, withLocalCluster } = await import('./lib/local.mjs');
const { PortAllocator } = await fromDist('local/milvus/cluster-plan.js');
const { scanSearchReply } = await fromDist('load/reply-scan.js');

const shape = { collection: COLLECTION, rows: flags.rows ?? 10_000, dim: flags.dim ?? 128, params: { nprobe: NPROBE } };
shape.vectors = queryRows(QUERIES, shape.dim); // the tool's workers search the same 64 vectors (loadPlan → queryVectors)
shape.expectHits = TOP_K;
shape.outputFields = []; // what the worker path sends
const naiveShape = { ...shape, outputFields: undefined };
const levels = flags.inFlight ?? [10, 64];
const durationMs = (flags.seconds ?? (flags.quick ? 2 : 5)) * 1000;
const repetitions = flags.quick ? 1 : 3;
const replicas = topology === 'cluster' ? 2 : 1;

/** a reply that is not a full answer fails the bench */
const fullAnswer = (reply) => {
  const gist = scanSearchReply(reply);
  if (!gist.success) return 'the server answered with an error status';
  if (gist.topks[0] < TOP_K) return `${gist.topks[0]} hits, expected ${TOP_K}`;
  return null;
};

async function seed(address) {
  const startMs = performance.now();
  const { prepared } = await prepareBenchCollection(address, { ...shape, index: { type: 'IVF_FLAT', params: { nlist: NLIST } }, replicas });
  return { rows: prepared.rows, seconds: (performance.now() - startMs) / 1000 };
}

/** the server's own row count (strong consistency) and one search with topK hits, before anything is measured */
async function checkCollection(sdk) {
  const counted = await sdk.count({ collection_name: COLLECTION, consistency_level: 'Strong' });
  if (counted.status.error_code !== 'Success') throw new Error(`check count failed: ${counted.status.reason}`);
  if (Number(counted.data) !== shape.rows) throw new Error(`the server counts ${counted.data} rows, ${shape.rows} were inserted`);
  const reply = await sdk.search({ collection_name: COLLECTION, data: shape.vectors[0], limit: TOP_K, anns_field: 'vector', params: shape.params });
  if (reply.status.error_code !== 'Success') throw new Error(`check search failed: ${reply.status.reason}`);
  if (reply.results.length !== TOP_K) throw new Error(`check search returned ${reply.results.length} hits, expected ${TOP_K}`);
}

async function idleCpuPercent(server, ms = 2_000) {
  const before = await server.cpuMs();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (100 * ((await server.cpuMs()) - before)) / ms;
}

/** one measured run as a table row, with how busy the whole machine was meanwhile (all cores, every process) */
async function measuredRow(label, concurrency, server, run) {
  const before = machineTicks();
  const m = await measured(server, run);
  const after = machineTicks();
  return { ...row(label, concurrency, m), 'machine busy %': (100 * (after.busy - before.busy)) / (after.total - before.total) };
}

async function measureLevel(address, server, requests, concurrency) {
  const sdkDefault = new MilvusClient({ address, logLevel: 'error' });
  const raised = concurrency > SDK_DEFAULT_POOL_MAX;
  const sdkRaised = raised ? new MilvusClient({ address, logLevel: 'error', pool: { min: 2, max: concurrency } }) : null;
  try {
    await sdkDefault.connectPromise;
    await sdkRaised?.connectPromise;
    const runs = { a: [], b: [], c: [], d: [], e: [] };
    for (let rep = 0; rep < repetitions; rep++) {
      runs.a.push(await measuredRow('a worker path', concurrency, server, () => toolClosedLoop(address, concurrency, durationMs, shape)));
      runs.b.push(await measuredRow('b raw grpc-js', concurrency, server, () => rawGrpc(address, requests, concurrency, durationMs, fullAnswer)));
      runs.c.push(await measuredRow('c SDK default client', concurrency, server, () => sdkLoop(sdkDefault, concurrency, durationMs, shape)));
      if (sdkRaised) runs.d.push(await measuredRow(`c' SDK pool.max ${concurrency}`, concurrency, server, () => sdkLoop(sdkRaised, concurrency, durationMs, shape)));
      runs.e.push(await measuredRow('c" SDK default, output unset', concurrency, server, () => sdkLoop(sdkDefault, concurrency, durationMs, naiveShape)));
    }
    return [median(runs.a), median(runs.b), median(runs.c), raised ? median(runs.d) : null, median(runs.e)];
  } finally {
    await sdkDefault.closeConnection().catch(() => undefined);
    await sdkRaised?.closeConnection().catch(() => undefined);
  }
}

function ratiosOf(concurrency, [a, b, c, d, e]) {
  return {
    inFlight: concurrency,
    'a/b calls/s': a['calls/s'] / b['calls/s'],
    'a/c calls/s': a['calls/s'] / c['calls/s'],
    "a/c' calls/s": d ? a['calls/s'] / d['calls/s'] : undefined,
    'a/c" calls/s': a['calls/s'] / e['calls/s'],
    'a/b per client cpu': a['calls/client-cpu-s'] / b['calls/client-cpu-s'],
    'a/c per client cpu': a['calls/client-cpu-s'] / c['calls/client-cpu-s'],
    'server cpu % a|b|c': [a, b, c].map((r) => r['server cpu %'].toFixed(0)).join('|'),
  };
}

async function runRealCapacity() {
  const port = await new PortAllocator().take();
  const title = `real Milvus ${topology}: search capacity, worker path vs raw grpc-js vs SDK loop (${durationMs / 1000} s per run, median of ${repetitions})`;
  printMachine(title);
  const cluster = { port, proxies: topology === 'cluster' ? 2 : 1, querynodes: topology === 'cluster' ? 2 : 1, engine: 'milvus', topology, readyTimeoutMs: 240_000 };
  await withLocalCluster(cluster, async ({ address, dataDir }) => {
    const status = await local.findLocalCluster(dataDir, { version: true });
    const pids = status.components.map((c) => c.pid);
    if (pids.some((pid) => !pid)) throw new Error(`a component is not running: ${status.components.map((c) => `${c.name} ${c.pid}`).join(', ')}`);
    console.log(`server: ${status.description}, GetVersion ${status.version}, at ${address}`);
    for (const c of status.components) console.log(`  ${c.name} pid ${c.pid}: ${readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').split('\0').slice(0, 3).join(' ')}`);
    const seeded = await seed(address);
    const params = `nq 1, topK ${TOP_K}, nprobe ${NPROBE}, ${QUERIES} query vectors in turn`;
    console.log(`collection: ${COLLECTION}, ${seeded.rows} rows × dim ${shape.dim} float vectors, L2, IVF_FLAT nlist ${NLIST}, ${replicas} replica(s); created, ingested, flushed, indexed, loaded in ${seeded.seconds.toFixed(1)} s; search: ${params}`);
    const checker = new MilvusClient({ address, logLevel: 'error' });
    try {
      await checker.connectPromise;
      await checkCollection(checker);
    } finally {
      await checker.closeConnection().catch(() => undefined);
    }
    const server = processesCpu(pids);
    console.log(`server cpu at rest: ${(await idleCpuPercent(server)).toFixed(1)} % of one core (${pids.length} process(es))`);
    const requests = await searchRequests(address, { collection: COLLECTION, params: shape.params, vectors: shape.vectors });
    const rows = [];
    const ratios = [];
    const startMs = performance.now();
    const cpuAtStart = status.components.map((c) => processCpuMs(c.pid));
    for (const concurrency of levels) {
      const level = await measureLevel(address, server, requests, concurrency);
      rows.push(...level.filter(Boolean));
      ratios.push(ratiosOf(concurrency, level));
    }
    printTable(rows);
    console.log('\nratios (same run):');
    printTable(ratios);
    const wallMs = performance.now() - startMs;
    if (status.components.length > 1) {
      console.log('\nserver cpu % (of one core) by process, over all the measured runs:');
      printTable([Object.fromEntries(status.components.map((c, i) => [c.name, (100 * (processCpuMs(c.pid) - cpuAtStart[i])) / wallMs]))]);
    }
    console.log(`\nc' runs only where in flight > ${SDK_DEFAULT_POOL_MAX} (the SDK's default pool.max). a, b, c, c' send output_fields [] (ids and scores back);`);
    console.log(`c" leaves output_fields unset (SDK default ['*']: every hit's vector comes back too). client/server cpu % is of one core;`);
    console.log(`machine busy % is of all ${machine().nproc} cores (client, server and anything else running), over the same run.`);
  });
}

try {
  await runRealCapacity();
} catch (error) {
  console.error(`bench: real-capacity failed: ${error.message}`);
  process.exit(1);
}
process.exit(0);
