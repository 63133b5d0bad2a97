// Bench 1, load-generator capacity: milvus-bench's worker path vs a raw grpc-js client vs the naive SDK loop,
// all against the same trivial Milvus-protocol server (its own process), same duration and in-flight levels.
// Then open loop at 80 % of the measured maximum: achieved rate vs target, drops.
// Run: node bench/capacity.mjs [--quick] [--seconds N]   (build first: npx tsc -p tsconfig.build.json)
import * as grpc from '@grpc/grpc-js';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { cliFlags, closedPhase, COLLECTION, DIM, fromDist, loadPlan, openPhase, printMachine, printTable, searchRequestBytes, TOP_K, verdict } from './lib/fixture.mjs';
import { startBenchServer } from './lib/server.mjs';

const LEVELS = [1, 16, 64, 256];
const load = await fromDist('load/index.js');

/** CPU ms this process (all threads) and the server (anything with cpuMs()) used while `run` ran */
export async function measured(server, run) {
  const serverBefore = await server.cpuMs();
  const before = process.cpuUsage();
  const startMs = performance.now();
  const calls = await run();
  const wallMs = performance.now() - startMs;
  const cpu = process.cpuUsage(before);
  const clientCpuMs = calls.cpuMs ?? (cpu.user + cpu.system) / 1000;
  return { calls, clientCpuMs, serverCpuMs: (await server.cpuMs()) - serverBefore, wallMs: calls.wallMs ?? wallMs };
}

/** (a) runLoad, one worker, closed loop; CPU and wall time from phase start to end (thread start-up and module loading excluded).
 * `shape`: { collection, dim, rows, params } of the searched collection (default: the bench server's) */
export async function toolClosedLoop(address, concurrency, durationMs, shape = {}) {
  let cpuAtStart = null;
  let cpuMs = 0;
  let startMs = 0;
  let wallMs = 0;
  const onPhase = (_name, event) => {
    if (event === 'start') (cpuAtStart = process.cpuUsage()), (startMs = performance.now());
    else {
      const cpu = process.cpuUsage(cpuAtStart);
      cpuMs = (cpu.user + cpu.system) / 1000;
      wallMs = performance.now() - startMs;
    }
  };
  const { collection = COLLECTION, dim = DIM, rows = TOP_K, params = {} } = shape;
  const plan = loadPlan(address, [closedPhase('closed', concurrency, durationMs, 10_000, params)], { workers: 1, collection, dim, rows });
  const outcome = await load.runLoad(plan, { onPhase });
  const phase = outcome.phases[0];
  if (phase.counters.errors + phase.counters.timeouts > 0) throw new Error(`worker path had failures: ${JSON.stringify(phase.counters)}`);
  return { ok: phase.counters.ok, seconds: phase.durationMs / 1000, cpuMs, wallMs, p50: phase.latency?.p50, p99: phase.latency?.p99 };
}

/** p50 and p99 in ms of a list of latencies */
function percentiles(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q) => (sorted.length > 0 ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : undefined);
  return { p50: at(0.5), p99: at(0.99) };
}

/** (b) a raw grpc-js client sending pre-encoded requests (one Buffer, or several used in turn): what a hand-tuned
 * client can do. `check(reply)`, when given, returns an error message for a reply that is not a full answer. */
export async function rawGrpc(address, requests, concurrency, durationMs, check) {
  const list = Buffer.isBuffer(requests) ? [requests] : requests;
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const passthrough = (b) => b;
  const metadata = new grpc.Metadata();
  await new Promise((resolve, reject) => client.waitForReady(Date.now() + 5_000, (e) => (e ? reject(e) : resolve())));
  const endMs = performance.now() + durationMs;
  let ok = 0;
  const latencies = [];
  const startMs = performance.now();
  const loop = () =>
    new Promise((resolve, reject) => {
      const next = () => {
        const sentMs = performance.now();
        if (sentMs >= endMs) return resolve();
        client.makeUnaryRequest('/milvus.proto.milvus.MilvusService/Search', passthrough, passthrough, list[ok % list.length], metadata, { deadline: Date.now() + 10_000 }, (error, reply) => {
          if (error) return reject(error);
          const problem = check?.(reply);
          if (problem) return reject(new Error(`raw grpc-js search failed: ${problem}`));
          latencies.push(performance.now() - sentMs);
          ok++;
          next();
        });
      };
      next();
    });
  try {
    await Promise.all(Array.from({ length: concurrency }, loop));
  } finally {
    client.close();
  }
  return { ok, seconds: (performance.now() - startMs) / 1000, ...percentiles(latencies) };
}

/** (c) the loop a user writes with the official SDK: `concurrency` async loops of `await client.search()`.
 * `shape`: { collection, params, outputFields (unset: the SDK's default ['*']), vectors (used in turn), expectHits
 * (fewer hits fail the bench) } */
export async function sdkLoop(client, concurrency, durationMs, shape = {}) {
  const { collection = COLLECTION, params, outputFields, vectors = [Array.from({ length: DIM }, (_, i) => i / DIM)], expectHits = 0 } = shape;
  const options = { ...(params ? { params } : {}), ...(outputFields ? { output_fields: outputFields } : {}) };
  const endMs = performance.now() + durationMs;
  let ok = 0;
  const latencies = [];
  const startMs = performance.now();
  const loop = async () => {
    for (let sentMs = performance.now(); sentMs < endMs; sentMs = performance.now()) {
      const data = vectors[ok % vectors.length];
      const reply = await client.search({ collection_name: collection, data, limit: TOP_K, anns_field: 'vector', ...options });
      if (reply.status.error_code !== 'Success') throw new Error(`sdk search failed: ${reply.status.reason}`);
      if (reply.results.length < expectHits) throw new Error(`sdk search returned ${reply.results.length} hits, expected ${expectHits}`);
      latencies.push(performance.now() - sentMs);
      ok++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { ok, seconds: (performance.now() - startMs) / 1000, ...percentiles(latencies) };
}

/** the repetition with the median calls/s */
export function median(rows) {
  const sorted = [...rows].sort((x, y) => x['calls/s'] - y['calls/s']);
  return sorted[Math.floor(sorted.length / 2)];
}

export function row(label, concurrency, m) {
  const rate = m.calls.ok / m.calls.seconds;
  return { client: label, inFlight: concurrency, 'calls/s': rate, 'p50 ms': m.calls.p50, 'p99 ms': m.calls.p99, 'client cpu %': (100 * m.clientCpuMs) / m.wallMs, 'calls/client-cpu-s': m.calls.ok / (m.clientCpuMs / 1000), 'server cpu %': (100 * m.serverCpuMs) / m.wallMs };
}

export async function runCapacity(flags) {
  const durationMs = (flags.seconds ?? (flags.quick ? 1.5 : 3)) * 1000;
  const repetitions = flags.quick ? 1 : 3;
  printMachine(`capacity: worker path vs raw grpc-js vs SDK loop (${durationMs / 1000} s per run, median of ${repetitions})`);
  const server = await startBenchServer();
  const sdk = new MilvusClient({ address: server.address, logLevel: 'error' });
  try {
    await sdk.connectPromise;
    const bytes = await searchRequestBytes(server.address);
    const rows = [];
    const ratios = [];
    for (const concurrency of LEVELS) {
      // interleaved repetitions, median of each: the machine's noise hits all three clients alike
      const runs = { a: [], b: [], c: [] };
      for (let rep = 0; rep < repetitions; rep++) {
        runs.a.push(row('a worker path', concurrency, await measured(server, () => toolClosedLoop(server.address, concurrency, durationMs))));
        runs.b.push(row('b raw grpc-js', concurrency, await measured(server, () => rawGrpc(server.address, bytes, concurrency, durationMs))));
        runs.c.push(row('c SDK loop', concurrency, await measured(server, () => sdkLoop(sdk, concurrency, durationMs))));
      }
      const [a, b, c] = [median(runs.a), median(runs.b), median(runs.c)];
      rows.push(a, b, c);
      ratios.push({
        inFlight: concurrency,
        'a/b calls/s': a['calls/s'] / b['calls/s'],
        'a/c calls/s': a['calls/s'] / c['calls/s'],
        'a/b per cpu': a['calls/client-cpu-s'] / b['calls/client-cpu-s'],
        'a/c per cpu': a['calls/client-cpu-s'] / c['calls/client-cpu-s'],
        'goal a/b≥0.9': verdict(a['calls/s'] / b['calls/s'] >= 0.9),
        'goal a/c≥1.5/core': verdict(a['calls/client-cpu-s'] / c['calls/client-cpu-s'] >= 1.5),
      });
    }
    printTable(rows);
    console.log('\nratios (same run):');
    printTable(ratios);
    // the latency an unloaded system shows, to judge whether the open loop kept up (latency stays near it) or queued
    const closedP50 = (await load.runLoad(loadPlan(server.address, [closedPhase('closed', 1, 1000)], { workers: 1 }))).phases[0].latency?.p50;
    const maxRate = Math.max(...rows.filter((r) => r.client.startsWith('a')).map((r) => r['calls/s']));
    const open = await openAtEightyPercent(server.address, maxRate, durationMs, closedP50);
    return { rows, ratios, maxRate, open };
  } finally {
    await sdk.closeConnection().catch(() => undefined);
    await server.close();
  }
}

/** open loop at 80 % of the worker path's maximum: the schedule must be kept and nothing dropped */
async function openAtEightyPercent(address, maxRate, durationMs, closedP50) {
  const target = Math.round(0.8 * maxRate);
  const outcome = await load.runLoad(loadPlan(address, [openPhase('open', target, durationMs)], { workers: 1 }));
  const phase = outcome.phases[0];
  const achieved = phase.counters.sent / (durationMs / 1000);
  const result = {
    'max closed calls/s': maxRate,
    'open target/s': target,
    'achieved/s': achieved,
    'achieved/target': achieved / target,
    dropped: phase.counters.dropped,
    'p50 ms': phase.latency?.p50,
    'p99 ms': phase.latency?.p99,
    'service p50 ms': phase.service?.p50,
    'closed 1-in-flight p50 ms': closedP50,
    'goal ±1% & 0 dropped': verdict(Math.abs(achieved / target - 1) <= 0.01 && phase.counters.dropped === 0),
  };
  console.log('\nopen loop at 80 % of the measured maximum (1 worker):');
  printTable([result]);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runCapacity(cliFlags());
  process.exit(0);
}
