// Bench 2, recording cost: ns per sample recorded through the worker's PhaseRecorder (3 HDR records, counters,
// outcome runs, interval bookkeeping and snapshot posting) vs the same loop with the recorder call left out.
// Run: node bench/recording-cost.mjs [--quick]   (build first: npx tsc -p tsconfig.build.json)
import { MessageChannel } from 'node:worker_threads';
import { sampler } from './lib/distributions.mjs';
import { fromDist, cliFlags, printMachine, printTable, verdict } from './lib/fixture.mjs';

const { PhaseRecorder } = await fromDist('load/recorder.js');
const metrics = await fromDist('metrics/index.js');
const OK = { outcome: 'ok' };
const LATENCIES = 1 << 16;

/** the simulated clock: `rate` completions per second of load time, latencies from a lognormal */
function workload(rate) {
  const draw = sampler('lognormal', 7);
  const latencies = Float64Array.from({ length: LATENCIES }, draw);
  return { stepMs: 1000 / rate, latencies };
}

function timeLoop(samples, body) {
  const start = process.hrtime.bigint();
  body(samples);
  return Number(process.hrtime.bigint() - start);
}

function emptyLoop({ stepMs, latencies }, loadStartMs) {
  let sink = 0;
  return (samples) => {
    for (let i = 0; i < samples; i++) {
      const endMs = loadStartMs + i * stepMs;
      sink += endMs - latencies[i & (LATENCIES - 1)];
    }
    if (sink === -1) console.log(sink);
  };
}

function recorderLoop({ stepMs, latencies }, loadStartMs, port) {
  return (samples) => {
    const recorder = new PhaseRecorder({ phase: 'bench', workerId: 0, loadStartEpochMs: loadStartMs, intervalMs: 1000, port }, loadStartMs);
    for (let i = 0; i < samples; i++) {
      const endMs = loadStartMs + i * stepMs;
      const intendedMs = endMs - latencies[i & (LATENCIES - 1)];
      recorder.requestSent('search', intendedMs);
      recorder.requestEnded('search', OK, intendedMs, intendedMs, endMs);
    }
    recorder.finish(loadStartMs + samples * stepMs);
  };
}

function histogramOnlyLoop({ latencies }) {
  return (samples) => {
    const histogram = metrics.createHistogram();
    for (let i = 0; i < samples; i++) metrics.recordMs(histogram, latencies[i & (LATENCIES - 1)]);
  };
}

export async function runRecordingCost(flags) {
  const samples = flags.quick ? 500_000 : 3_000_000;
  const rate = 10_000;
  printMachine(`recording cost: ${samples.toLocaleString('en')} samples at a simulated ${rate}/s (snapshot every 1 s of load time)`);
  const { port1, port2 } = new MessageChannel();
  let snapshots = 0;
  port2.on('message', () => snapshots++);
  const work = workload(rate);
  const loadStartMs = Date.now();
  const loops = { empty: emptyLoop(work, loadStartMs), recorder: recorderLoop(work, loadStartMs, port1), histogram: histogramOnlyLoop(work) };
  for (const loop of Object.values(loops)) loop(Math.min(samples, 200_000)); // JIT warm-up
  const best = { empty: Infinity, recorder: Infinity, histogram: Infinity };
  for (let rep = 0; rep < 5; rep++) for (const [name, loop] of Object.entries(loops)) best[name] = Math.min(best[name], timeLoop(samples, loop));
  await new Promise((resolve) => setTimeout(resolve, 50));
  port1.close();
  const perSample = (ns) => ns / samples;
  const result = {
    'empty loop ns/sample': perSample(best.empty),
    'one recordMs ns': perSample(best.histogram),
    'PhaseRecorder ns/sample': perSample(best.recorder),
    'recorder − empty ns': perSample(best.recorder - best.empty),
    'ratio recorder/empty': best.recorder / best.empty,
    'goal < 1000 ns': verdict(perSample(best.recorder - best.empty) < 1000),
  };
  printTable([result]);
  console.log(`(best of 5 repetitions; ${snapshots} interval snapshots posted during the timed loops)`);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runRecordingCost(cliFlags());
  process.exit(0);
}
