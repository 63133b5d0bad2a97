// Bench 6, memory on long runs: open loop at 1,000/s against the trivial bench server for --minutes (default 10).
// Every 10 s: RSS of the whole process (main + worker threads: they share it) and the main thread's heap; growth
// after warm-up must stay < 10 %. At the end: what the outcome holds (time-series points, outcome runs, encoded
// histogram size), each of which must be bounded by the run's length, not by its request count.
// Run: node bench/memory.mjs [--quick] [--minutes N]   (build first: npx tsc -p tsconfig.build.json)
import { fromDist, loadPlan, openPhase, cliFlags, printMachine, printTable, verdict } from './lib/fixture.mjs';
import { startBenchServer } from './lib/server.mjs';

const load = await fromDist('load/index.js');
const RATE = 1000;
const SAMPLE_EVERY_MS = 10_000;
const WARM_UP_MS = 20_000;
const INTERVAL_MS = 1000;
const mb = (bytes) => bytes / 1024 / 1024;

export async function runMemory(flags) {
  const minutes = flags.minutes ?? (flags.quick ? 1 : 10);
  const durationMs = minutes * 60_000;
  printMachine(`memory: open loop ${RATE}/s for ${minutes} min, 2 workers, sampled every ${SAMPLE_EVERY_MS / 1000} s`);
  const server = await startBenchServer();
  const samples = [];
  let points = 0;
  let loadStartMs = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    samples.push({ 't s': Math.round((Date.now() - loadStartMs) / 1000), 'rss MB': mb(usage.rss), 'main heap MB': mb(usage.heapUsed), 'external MB': mb(usage.external), 'time-series points': points });
  };
  let timer;
  try {
    const outcome = await load.runLoad(loadPlan(server.address, [openPhase('soak', RATE, durationMs, { timeoutMs: 5000 })], { workers: 2, intervalMs: INTERVAL_MS }), {
      onLoadStart: (epochMs) => {
        loadStartMs = epochMs;
        sample();
        timer = setInterval(sample, SAMPLE_EVERY_MS);
      },
      onInterval: () => points++,
    });
    clearInterval(timer);
    printTable(samples);
    const after = process.memoryUsage();
    console.log(`after the run (worker threads stopped): rss ${mb(after.rss).toFixed(0)} MB, main heap ${mb(after.heapUsed).toFixed(1)} MB`);
    // growth: mean RSS of the second half of the post-warm-up samples vs the first half (one noisy sample cannot decide it)
    const steady = samples.filter((s) => s['t s'] * 1000 >= Math.min(WARM_UP_MS, durationMs / 3));
    const half = Math.max(1, Math.floor(steady.length / 2));
    const meanRss = (list) => list.reduce((sum, s) => sum + s['rss MB'], 0) / list.length;
    const early = meanRss(steady.slice(0, half));
    const late = meanRss(steady.slice(half));
    const peak = Math.max(...steady.map((s) => s['rss MB']));
    const phase = outcome.phases[0];
    const summary = {
      requests: phase.counters.sent,
      'errors+timeouts': phase.counters.errors + phase.counters.timeouts,
      dropped: phase.counters.dropped,
      'rss early half MB': early,
      'rss late half MB': late,
      'rss peak MB': peak,
      'rss growth %': (100 * (late - early)) / early,
      'time-series points': outcome.timeSeries.length,
      'outcome runs': outcome.runs.length,
      'histogram bytes': phase.histogram?.length ?? 0,
      'goal growth < 10 %': verdict((late - early) / early < 0.1),
    };
    console.log(`\ntime-series points expected ≈ ${Math.ceil(durationMs / INTERVAL_MS)} (one per ${INTERVAL_MS} ms bucket), outcome runs ≈ buckets × workers while nothing fails`);
    printTable([summary]);
    return { samples, summary };
  } finally {
    clearInterval(timer);
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runMemory(cliFlags());
  process.exit(0);
}
