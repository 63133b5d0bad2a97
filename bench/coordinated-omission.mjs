// Bench 4, coordinated omission. The server stalls once for 2 s (every Search arriving in the stall is answered at
// its end) during an open-loop run at a fixed rate. Side by side, against the same server at the same time:
//  - milvus-bench (runLoad, 1 worker): latency from each request's intended start (corrected) and its service time;
//  - a naive paced client (one request in flight, next send at max(schedule, previous reply), latency from its
//    actual send): the uncorrected figures most load tools print;
//  - the values expected analytically for a stall of S ms in a run of T ms at R/s.
// Run: node bench/coordinated-omission.mjs [--quick] [--seconds N]   (build first: npx tsc -p tsconfig.build.json)
import * as grpc from '@grpc/grpc-js';
import { exactPercentile } from './lib/distributions.mjs';
import { cliFlags, fromDist, loadPlan, openPhase, printMachine, printTable, searchRequestBytes, verdict } from './lib/fixture.mjs';
import { startBenchServer } from './lib/server.mjs';

const load = await fromDist('load/index.js');
const STALL_MS = 2000;
const RATE = 200;
const ROWS = [
  ['p50', 50],
  ['p90', 90],
  ['p95', 95],
  ['p99', 99],
  ['p999', 99.9],
  ['max', 100],
];

/** corrected latency at quantile q: the R·S requests due in the stall wait S … 0 ms, the rest only the base latency */
function expectedCorrected(q, durationMs, baseMs) {
  return Math.max(0, STALL_MS - durationMs * (1 - q / 100)) + baseMs;
}

/** the naive client has one request in flight when the stall begins: one sample of ≈ S, every other at base */
function expectedUncorrected(q, durationMs, baseMs) {
  const samples = (RATE * durationMs) / 1000;
  return q / 100 > 1 - 1 / samples ? STALL_MS + baseMs : baseMs;
}

/** paced, one in flight, latency measured from the actual send: coordinated omission included */
async function naivePacedClient(address, bytes, durationMs, startedAt) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const passthrough = (b) => b;
  const metadata = new grpc.Metadata();
  await new Promise((resolve, reject) => client.waitForReady(Date.now() + 5_000, (e) => (e ? reject(e) : resolve())));
  const startMs = await startedAt;
  const latencies = [];
  for (let n = 0; ; n++) {
    const scheduledMs = startMs + (n * 1000) / RATE;
    if (scheduledMs >= startMs + durationMs) break;
    const waitMs = scheduledMs - Date.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    const sentMs = performance.now();
    await new Promise((resolve, reject) =>
      client.makeUnaryRequest('/milvus.proto.milvus.MilvusService/Search', passthrough, passthrough, bytes, metadata, { deadline: Date.now() + 10_000 }, (e) => (e ? reject(e) : resolve())),
    );
    latencies.push(performance.now() - sentMs);
  }
  client.close();
  return Float64Array.from(latencies).sort();
}

export async function runCoordinatedOmission(flags) {
  const durationMs = (flags.seconds ?? (flags.quick ? 10 : 20)) * 1000;
  const stallAtMs = durationMs * 0.4;
  printMachine(`coordinated omission: one ${STALL_MS} ms stall at ${stallAtMs / 1000} s of a ${durationMs / 1000} s open-loop run at ${RATE}/s`);
  const server = await startBenchServer();
  try {
    const bytes = await searchRequestBytes(server.address);
    let markStart;
    const startedAt = new Promise((resolve) => (markStart = resolve));
    let stall = null;
    let stallTimer;
    const onLoadStart = (epochMs) => {
      markStart(epochMs);
      stallTimer = setTimeout(async () => (stall = await server.stall(STALL_MS)), stallAtMs);
    };
    const [outcome, naive] = await Promise.all([
      load.runLoad(loadPlan(server.address, [openPhase('open', RATE, durationMs, { timeoutMs: 10_000 })], { workers: 1 }), { onLoadStart }),
      naivePacedClient(server.address, bytes, durationMs, startedAt),
    ]);
    clearTimeout(stallTimer);
    const phase = outcome.phases[0];
    const baseMs = phase.latency.p50;
    const rows = ROWS.map(([key, q]) => ({
      figure: key,
      'expected corrected ms': expectedCorrected(q, durationMs, baseMs),
      'milvus-bench corrected ms': phase.latency[key],
      'milvus-bench service ms': phase.service[key],
      'expected uncorrected ms': expectedUncorrected(q, durationMs, exactPercentile(naive, 50)),
      'naive client ms': exactPercentile(naive, q),
    }));
    printTable(rows);
    const p99 = rows.find((r) => r.figure === 'p99');
    const max = rows.find((r) => r.figure === 'max');
    const checks = {
      'stall measured by the server ms': stall ? stall.toMs - stall.fromMs : null,
      'requests (tool / naive)': `${phase.counters.ok} / ${naive.length}`,
      dropped: phase.counters.dropped,
      'corrected p99 within 5 % of expected': verdict(Math.abs(p99['milvus-bench corrected ms'] / p99['expected corrected ms'] - 1) <= 0.05),
      'corrected max ≈ stall (±10 %)': verdict(Math.abs(max['milvus-bench corrected ms'] / STALL_MS - 1) <= 0.1),
      'naive p99 misses the stall (< 10 % of it)': verdict(p99['naive client ms'] < STALL_MS * 0.1),
    };
    printTable([checks]);
    return { rows, checks };
  } finally {
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runCoordinatedOmission(cliFlags());
  process.exit(0);
}
