// Runs every bench of bench/ one by one, each in its own process (no state leaks from one into the next).
// Run: node bench/run-all.mjs [--quick] [--only capacity,memory] [--log file]      (npm run bench -- --quick)
// Full mode takes about 28 minutes (the memory soak alone is 10; real-capacity 3); --quick about 5.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { machine } from './lib/fixture.mjs';

const BENCHES = [
  { name: 'recording-cost', file: 'recording-cost.mjs', goal: 'recording < 1 µs per sample' },
  { name: 'percentiles', file: 'percentiles.mjs', goal: 'merged p50/p95/p99/p99.9 within HDR precision' },
  { name: 'capacity', file: 'capacity.mjs', goal: 'a/b ≥ 0.9, a/c ≥ 1.5 per core, open loop ±1 %, 0 dropped' },
  { name: 'coordinated-omission', file: 'coordinated-omission.mjs', goal: 'corrected p99/max show the 2 s stall, naive p99 does not' },
  { name: 'memory', file: 'memory.mjs', goal: 'RSS growth < 10 % at 1,000/s' },
  { name: 'downtime', file: 'downtime.mjs', goal: 'downtime within ±100 ms of the pause' },
  { name: 'ingest', file: 'ingest.mjs', goal: 'tool rows/s ≥ plain SDK loop' },
  // skipped (not failed) where real Milvus is not installed
  { name: 'real-capacity', file: 'real-capacity.mjs', goal: 'search calls/s on real Milvus 2.3.5: a/b, a/c at 10 and 64 in flight', missing: async () => (await import('./lib/real-milvus.mjs')).realMilvusMissing() },
];
const BENCH_TIMEOUT_MS = { quick: 5 * 60_000, full: 20 * 60_000 };

function parseArgs(argv) {
  const args = { quick: false, only: null, log: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') args.quick = true;
    else if (argv[i] === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (argv[i] === '--log') args.log = argv[++i];
    else throw new Error(`unknown flag ${argv[i]} (known: --quick, --only name[,name], --log file)`);
  }
  const unknown = (args.only ?? []).filter((name) => !BENCHES.some((b) => b.name === name));
  if (unknown.length > 0) throw new Error(`--only: unknown bench ${unknown.join(', ')} (known: ${BENCHES.map((b) => b.name).join(', ')})`);
  return args;
}

function runBench(bench, args, log) {
  return new Promise((resolve) => {
    const startMs = Date.now();
    const child = spawn(process.execPath, [new URL(bench.file, import.meta.url).pathname, ...(args.quick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    const write = (chunk) => {
      process.stdout.write(chunk);
      log?.write(chunk);
    };
    child.stdout.on('data', write);
    child.stderr.on('data', write);
    const timer = setTimeout(() => child.kill('SIGTERM'), args.quick ? BENCH_TIMEOUT_MS.quick : BENCH_TIMEOUT_MS.full);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ bench: bench.name, exit: signal ?? code, seconds: Math.round((Date.now() - startMs) / 1000), goal: bench.goal });
    });
  });
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exit(2);
}
if (!existsSync(new URL('../dist/load/index.js', import.meta.url))) {
  console.error('bench: dist/ is missing; build first with `npx tsc -p tsconfig.build.json`');
  process.exit(2);
}
const log = args.log ? createWriteStream(args.log) : null;
const m = machine();
const header = `milvus-bench benches (${args.quick ? 'quick' : 'full'}) — ${new Date().toISOString()}\nmachine: ${m.nproc} cpu (${m.cpu}), node ${m.node}, load average ${m.loadavg}\n`;
process.stdout.write(header);
log?.write(header);
const outcomes = [];
for (const bench of BENCHES.filter((b) => !args.only || args.only.includes(b.name))) {
  const missing = await bench.missing?.();
  if (missing) {
    const line = `${bench.name}: skipped: real Milvus not installed: ${missing}\n`;
    process.stdout.write(line);
    log?.write(line);
    outcomes.push({ bench: bench.name, exit: 'skipped', seconds: 0, goal: bench.goal });
  } else outcomes.push(await runBench(bench, args, log));
}
const summary = ['\n== summary ==', ...outcomes.map((o) => `${o.bench.padEnd(22)} exit ${String(o.exit).padEnd(7)} ${String(o.seconds).padStart(5)} s   goal: ${o.goal}`)].join('\n') + '\n';
process.stdout.write(summary);
log?.write(summary);
log?.end();
process.exit(outcomes.every((o) => o.exit === 0 || o.exit === 'skipped') ? 0 : 1);
