// Bench 3, percentile accuracy. Known latency distributions (uniform, lognormal, bimodal with a 1 % tail at 1 s):
//  A. recorder + merge path: 4 PhaseRecorders (one per simulated worker, samples dealt round-robin) → encoded HDR
//     → summarizePhase's merge, vs exact percentiles of the raw samples; and the max of per-worker p99s
//     (what VectorDBBench reports) vs the true p99.
//  B. full worker path: runLoad with 4 workers, open loop, against a server that delays each Search by a sampled
//     latency; merged percentiles vs exact percentiles of the delays the server sampled (the difference is the
//     round trip and timer lateness, not HDR error).
// Run: node bench/percentiles.mjs [--quick] [--seconds N]   (build first: npx tsc -p tsconfig.build.json)
import { MessageChannel } from 'node:worker_threads';
import { DISTRIBUTIONS, exactPercentile, sampler } from './lib/distributions.mjs';
import { fromDist, loadPlan, openPhase, cliFlags, printMachine, printTable, verdict } from './lib/fixture.mjs';
import { startBenchServer } from './lib/server.mjs';

const { PhaseRecorder } = await fromDist('load/recorder.js');
const { summarizePhase } = await fromDist('load/summary.js');
const metrics = await fromDist('metrics/index.js');
const load = await fromDist('load/index.js');

const PERCENTILES = [
  ['p50', 50],
  ['p95', 95],
  ['p99', 99],
  ['p999', 99.9],
];
const WORKERS = 4;
const RATE = 200;
/** HdrHistogram with 3 significant digits: ≤ 0.1 % relative, plus ≤ 0.5 µs from recording in whole µs */
const withinHdrPrecision = (measured, exact) => Math.abs(measured - exact) <= exact * 0.001 + 0.0005;

function recordThroughWorkers(samples) {
  const { port1, port2 } = new MessageChannel();
  port2.on('message', () => {});
  const loadStartMs = 1_700_000_000_000;
  const recorders = Array.from({ length: WORKERS }, (_, workerId) => new PhaseRecorder({ phase: 'p', workerId, loadStartEpochMs: loadStartMs, intervalMs: 1000, port: port1 }, loadStartMs));
  samples.forEach((latencyMs, i) => {
    const endMs = loadStartMs + i; // one completion per ms of load time: buckets close and snapshots go out as in a run
    const recorder = recorders[i % WORKERS];
    recorder.requestSent('search', endMs - latencyMs);
    recorder.requestEnded('search', { outcome: 'ok' }, endMs - latencyMs, endMs - latencyMs, endMs);
  });
  const results = recorders.map((r) => r.finish(loadStartMs + samples.length));
  port1.close();
  port2.close();
  return { results, loadStartMs };
}

function accuracyRows(name, samples) {
  const sorted = Float64Array.from(samples).sort();
  const { results, loadStartMs } = recordThroughWorkers(samples);
  const phase = { name: 'p', mode: 'open', rate: 1000, maxInFlight: 1, durationMs: samples.length, timeoutMs: 1, operations: [] };
  const merged = summarizePhase(phase, results, loadStartMs, loadStartMs).latency;
  const perWorkerP99 = results.map((r) => metrics.percentilesFromEncoded(r.latency.search).p99);
  const rows = PERCENTILES.map(([key, p]) => {
    const exact = exactPercentile(sorted, p);
    const measured = merged[key];
    return { distribution: name, percentile: key, 'exact ms': exact, 'merged HDR ms': measured, 'error µs': (measured - exact) * 1000, 'within HDR precision': verdict(withinHdrPrecision(measured, exact)) };
  });
  const trueP99 = exactPercentile(sorted, 99);
  const vdb = { distribution: name, 'true p99 ms': trueP99, 'max of worker p99s ms': Math.max(...perWorkerP99), 'min of worker p99s ms': Math.min(...perWorkerP99), 'max/true': Math.max(...perWorkerP99) / trueP99 };
  return { rows, vdb };
}

function skewedSamples(count) {
  // one of four workers talks to a slow replica (3× the latency): the worst-worker p99 is not the p99 of the traffic
  const draw = sampler('lognormal', 11);
  return Array.from({ length: count }, (_, i) => (i % WORKERS === 0 ? 3 : 1) * draw());
}

async function fullWorkerPath(name, seconds) {
  const server = await startBenchServer({ delay: { dist: name, seed: 5 } });
  try {
    // a short warm-up phase first (threads, JIT, connections); only the measured phase's requests are compared
    const phases = [openPhase('warm-up', RATE, 1000, { timeoutMs: 5000 }), openPhase('measured', RATE, seconds * 1000, { timeoutMs: 5000 })];
    const outcome = await load.runLoad(loadPlan(server.address, phases, { workers: WORKERS }));
    const measured = outcome.phases[1];
    const fromMs = outcome.loadStartEpochMs + measured.startMs;
    const delays = Float64Array.from((await server.samples()).filter(([arrivedMs]) => arrivedMs >= fromMs).map(([, delay]) => delay)).sort();
    const latency = measured.latency;
    const counters = measured.counters;
    return PERCENTILES.map(([key, p]) => ({
      distribution: name,
      percentile: key,
      'server delay ms': exactPercentile(delays, p),
      'measured ms': latency[key],
      'difference ms': latency[key] - exactPercentile(delays, p),
      requests: counters.ok,
      'server samples': delays.length,
    }));
  } finally {
    await server.close();
  }
}

export async function runPercentiles(flags) {
  const count = flags.quick ? 100_000 : 1_000_000;
  const seconds = flags.seconds ?? (flags.quick ? 4 : 15);
  printMachine(`percentile accuracy: ${count.toLocaleString('en')} samples per distribution, ${WORKERS} workers`);
  const rows = [];
  const vdb = [];
  for (const name of Object.keys(DISTRIBUTIONS)) {
    const draw = sampler(name, 3);
    const result = accuracyRows(name, Array.from({ length: count }, draw));
    rows.push(...result.rows);
    vdb.push(result.vdb);
  }
  const skewed = accuracyRows('lognormal, 1 slow worker', skewedSamples(count));
  rows.push(...skewed.rows);
  vdb.push(skewed.vdb);
  console.log('A. recorder + merge path (PhaseRecorder → encoded HDR → summarizePhase) vs exact percentiles of the raw samples:');
  printTable(rows);
  console.log('\nmax of per-worker p99s (VectorDBBench) vs the true p99 of all requests:');
  printTable(vdb);
  const endToEnd = [];
  for (const name of Object.keys(DISTRIBUTIONS)) endToEnd.push(...(await fullWorkerPath(name, seconds)));
  console.log(`\nB. full worker path (runLoad, ${WORKERS} workers, open loop ${RATE}/s for ${seconds} s) vs the delays the server sampled:`);
  printTable(endToEnd);
  return { rows, vdb, endToEnd };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runPercentiles(cliFlags());
  process.exit(0);
}
