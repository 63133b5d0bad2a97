// Bench 5, downtime accuracy: outages of known length under open-loop search load; downtime from
// computeFaultImpact over the load's outcome runs vs the outage's true length, error in ms, split into detection
// lag (first failure − outage start) and recovery lag (recovered − outage end).
//  A. the trivial bench server refuses every Search (gRPC UNAVAILABLE) for exactly 0.5 s, 2 s, 5 s at 1,000/s:
//     the ground truth is the server's own window, so this isolates the tool's measurement.
//  B. the local Milvus-compatible test cluster (not Milvus): the only proxy / the only querynode is paused
//     (SIGSTOP) for 0.5 s, 2 s, 5 s, then resumed (SIGCONT). A paused process does not refuse requests, they hang;
//     the cluster (balancer health checks, proxy → querynode calls) or the request deadline turns that into
//     failures, and the cluster takes its own time to take traffic again — both show up as lags, by design.
//     The rate is 1,000/s capped at half the cluster's measured capacity (above it, overload itself looks like
//     downtime); the timeout is set from the p99 at that rate.
// Run: node bench/downtime.mjs [--quick]   (build first: npx tsc -p tsconfig.build.json)
import { closedPhase, cliFlags, fromDist, loadPlan, openPhase, printMachine, printTable, sleep, verdict } from './lib/fixture.mjs';
import { local, prepareBenchCollection, target, withLocalCluster } from './lib/local.mjs';
import { startBenchServer } from './lib/server.mjs';

const load = await fromDist('load/index.js');
const metrics = await fromDist('metrics/index.js');
const PORT = 19901;
const DIM = 16;
const ROWS = 2000;
const GOAL_RATE = 1000;
const LEAD_MS = 2000;
/** after each outage: long enough for the recovery streak, and for the next outage to start from a steady state */
const SETTLE_MS = 5000;
const RECOVERY_SUCCESSES = 5;

/** runs `plan` (one open-loop phase) and injects each outage in turn once the load started; → one row per outage */
async function measureOutages({ plan, outagesMs, inject, label }) {
  let markStarted;
  const loadStarted = new Promise((resolve) => (markStarted = resolve));
  const schedule = async () => {
    await loadStarted;
    await sleep(LEAD_MS);
    const windows = [];
    for (const ms of outagesMs) {
      windows.push(await inject(ms));
      await sleep(SETTLE_MS);
    }
    return windows;
  };
  const [outcome, windows] = await Promise.all([load.runLoad(plan, { onLoadStart: (epochMs) => markStarted(epochMs) }), schedule()]);
  const loadEndMs = outcome.loadStartEpochMs + outcome.total.startMs + outcome.total.durationMs;
  return windows.map((window, i) => {
    const truthMs = window.toMs - window.fromMs;
    const impact = metrics.computeFaultImpact({
      runs: outcome.runs,
      timeSeries: outcome.timeSeries,
      loadStartEpochMs: outcome.loadStartEpochMs,
      injectedMs: window.fromMs,
      windowEndMs: windows[i + 1]?.fromMs ?? loadEndMs,
      recoverySuccesses: RECOVERY_SUCCESSES,
    });
    const errorMs = impact.downtimeMs - truthMs;
    return {
      ...label,
      'rate /s': plan.phases[0].rate,
      'timeout ms': plan.phases[0].timeoutMs,
      'outage ms (truth)': truthMs,
      'downtime ms': impact.downtimeMs,
      'error ms': errorMs,
      'detection lag ms': impact.firstFailureMs === null ? null : impact.firstFailureMs - window.fromMs,
      'recovery lag ms': impact.recoveredMs === null ? null : impact.recoveredMs - window.toMs,
      failures: impact.during.errors + impact.during.timeouts,
      'goal ±100 ms': verdict(Math.abs(errorMs) <= 100),
    };
  });
}

const loadMs = (outagesMs) => LEAD_MS + outagesMs.reduce((sum, ms) => sum + ms + SETTLE_MS, 0) + 500;

async function benchServerOutages(outagesMs) {
  const server = await startBenchServer();
  try {
    const phase = openPhase('load', GOAL_RATE, loadMs(outagesMs), { timeoutMs: 1000, maxInFlight: 20_000 });
    const inject = async (ms) => {
      const { fromMs, toMs } = await server.outage(ms);
      return { fromMs, toMs };
    };
    return await measureOutages({ plan: loadPlan(server.address, [phase], { workers: 2, intervalMs: 250 }), outagesMs, inject, label: { target: 'bench server', outage: 'UNAVAILABLE' } });
  } finally {
    await server.close();
  }
}

async function pidOf(dataDir, name) {
  const status = await local.findLocalCluster(dataDir);
  const component = status?.components.find((c) => c.name === name);
  if (!component?.pid) throw new Error(`bench: component ${name} is not running`);
  return component.pid;
}

function clusterPlan(address, collection, phase) {
  return loadPlan(address, [phase], { workers: 2, intervalMs: 250, rows: ROWS, collection, dim: DIM, pkField: target.PK_FIELD, vectorField: target.VECTOR_FIELD });
}

async function calibrate(address, collection) {
  const closed = await load.runLoad(clusterPlan(address, collection, closedPhase('capacity', 16, 3000, 5000)));
  const capacity = closed.phases[0].qps;
  const rate = Math.min(GOAL_RATE, Math.floor(capacity / 2));
  const open = await load.runLoad(clusterPlan(address, collection, openPhase('baseline', rate, 3000, { timeoutMs: 5000 })));
  const p99 = open.phases[0].latency?.p99 ?? 100;
  return { capacity, rate, p99, timeoutMs: Math.max(100, Math.ceil((3 * p99) / 50) * 50) };
}

/** SIGSTOP … SIGCONT sent directly to the component's pid, so their times are exact */
function pauseOf(pid) {
  return async (ms) => {
    process.kill(pid, 'SIGSTOP');
    const fromMs = Date.now();
    try {
      await sleep(ms);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    return { fromMs, toMs: Date.now() };
  };
}

async function clusterPauses(outagesMs, quick) {
  const rows = [];
  let calibration = null;
  await withLocalCluster({ port: PORT, proxies: 1, querynodes: 1 }, async ({ address, dataDir }) => {
    const collection = 'bench_downtime';
    await prepareBenchCollection(address, { collection, rows: ROWS, dim: DIM });
    calibration = await calibrate(address, collection);
    console.log(
      `B. local cluster capacity ${calibration.capacity.toFixed(0)} searches/s (closed loop, 16 in flight) → open-loop rate ${calibration.rate}/s, ` +
        `p99 there ${calibration.p99.toFixed(1)} ms → timeout ${calibration.timeoutMs} ms`,
    );
    const timeouts = quick ? [calibration.timeoutMs] : [calibration.timeoutMs, Math.max(1000, calibration.timeoutMs * 4)];
    for (const timeoutMs of timeouts) {
      for (const component of ['proxy-1', 'querynode-1']) {
        const phase = openPhase('load', calibration.rate, loadMs(outagesMs), { timeoutMs, maxInFlight: 20_000 });
        const inject = pauseOf(await pidOf(dataDir, component));
        rows.push(...(await measureOutages({ plan: clusterPlan(address, collection, phase), outagesMs, inject, label: { target: 'local cluster', outage: `SIGSTOP ${component}` } })));
      }
    }
  });
  return { rows, calibration };
}

export async function runDowntime(flags) {
  const outagesMs = flags.quick ? [500, 2000] : [500, 2000, 5000];
  printMachine('downtime accuracy: outages of known length under open-loop search');
  const server = await benchServerOutages(outagesMs);
  console.log(`A. bench server refusing Search (UNAVAILABLE) for a known window, ${GOAL_RATE}/s:`);
  printTable(server);
  const cluster = await clusterPauses(outagesMs, flags.quick);
  printTable(cluster.rows);
  return { server, cluster };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runDowntime(cliFlags());
  process.exit(0);
}
