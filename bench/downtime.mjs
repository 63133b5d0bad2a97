// Bench 5, downtime accuracy: outages of known length under open-loop search load; downtime from analyzeDowntime
// (MEASUREMENT.md "Failover downtime") over the load's outcome runs vs the outage's true length, error in ms, with
// the stated resolution (request spacing before the fault).
//  A. the trivial bench server, four shapes at 1,000/s and at 20/s: refusal (Search fails UNAVAILABLE), hang (replies
//     held for the window, deadline beyond it), slow return (the fault call returns 1 s after the outage began) and
//     relapse (a second 300 ms outage 2.5 s after the first, in the same fault's window); the ground truth is the
//     server's own window, so this isolates the tool's measurement.
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
const RECOVERY_SUCCESSES = 3;

/** MEASUREMENT.md defaults: bad intervals closer than this are one disruption; recovery = this long of only good */
const WINDOW_MS = 1000;
const SLOW_MS = 1000;

/**
 * Runs `plan` (one open-loop phase) and injects each outage in turn once the load started; → one row per outage.
 * `inject(ms)` → { callStartedMs, revertedMs, truth: [{ fromMs, toMs }, …] } where truth[0] is the outage and any
 * later entries are relapses inside the same fault's window, all timed by the server (or the signal) itself.
 */
async function measureOutages({ plan, outagesMs, inject, label }) {
  let markStarted;
  const loadStarted = new Promise((resolve) => (markStarted = resolve));
  const schedule = async () => {
    await loadStarted;
    await sleep(LEAD_MS);
    const faults = [];
    for (const ms of outagesMs) {
      faults.push(await inject(ms));
      await sleep(SETTLE_MS);
    }
    return faults;
  };
  const [outcome, faults] = await Promise.all([load.runLoad(plan, { onLoadStart: (epochMs) => markStarted(epochMs) }), schedule()]);
  const loadEndMs = outcome.loadStartEpochMs + outcome.total.startMs + outcome.total.durationMs;
  const analysis = metrics.analyzeDowntime({
    runs: outcome.runs,
    faults: faults.map((f) => ({ callStartedMs: f.callStartedMs, revertedMs: f.revertedMs, failed: false })),
    loadEndMs,
    windowMs: WINDOW_MS,
    minGood: RECOVERY_SUCCESSES,
  });
  return faults.map((fault, i) => {
    const measured = analysis.faults[i];
    const [outage, ...relapses] = fault.truth;
    const truthMs = outage.toMs - outage.fromMs;
    const errorMs = measured.downtimeMs === null ? null : measured.downtimeMs - truthMs;
    const relapseErrors = relapses.map((r, j) => (measured.relapses[j] ? measured.relapses[j].durationMs - (r.toMs - r.fromMs) : null));
    const errors = [errorMs, ...relapseErrors];
    return {
      ...label,
      'rate /s': plan.phases[0].rate,
      'timeout ms': plan.phases[0].timeoutMs,
      'outage ms (truth)': truthMs,
      'downtime ms': measured.downtimeMs === null ? null : Math.round(measured.downtimeMs),
      'error ms': errorMs === null ? null : Math.round(errorMs),
      'relapse error ms': relapses.length ? relapseErrors.map((e) => (e === null ? 'missed' : Math.round(e))).join(', ') : '',
      status: measured.status,
      'resolution ± ms': measured.resolutionMs === null ? null : Math.round(measured.resolutionMs),
      'effect lag ms': measured.effectLagMs === null ? null : Math.round(measured.effectLagMs),
      'goal ±150 ms': verdict(errors.every((e) => e !== null && Math.abs(e) <= 150)),
    };
  });
}

const loadMs = (outagesMs) => LEAD_MS + outagesMs.reduce((sum, ms) => sum + ms + SETTLE_MS + RELAPSE_GAP_MS + RELAPSE_MS, 0) + 500;
/** relapse shape: after the outage and a recovery, the same fault's window sees one more short outage */
const RELAPSE_GAP_MS = 2500;
const RELAPSE_MS = 300;
/** slow-return shape: the fault call returns this long after the outage began (docker stop -t, CR polling …) */
const SLOW_RETURN_MS = 1000;

/** the four shapes of issue 11, each as the bench server sees it */
const SHAPES = {
  refusal: (server) => async (ms) => {
    const callStartedMs = Date.now();
    const window = await server.outage(ms);
    return { callStartedMs, revertedMs: window.toMs, truth: [window] };
  },
  hang: (server) => async (ms) => {
    // replies held until the stall ends, then sent in arrival order: requests waiting longer than slowMs are bad,
    // so the truth runs from the stall's start until the server had sent the last held reply
    const callStartedMs = Date.now();
    const stall = await server.hang(ms);
    return { callStartedMs, revertedMs: stall.toMs, truth: [{ fromMs: stall.fromMs, toMs: Math.max(stall.toMs, stall.releasedMs) }] };
  },
  'slow return': (server) => async (ms) => {
    // the outage starts at once, the call "returns" SLOW_RETURN_MS later: the clock must be the call's start
    const callStartedMs = Date.now();
    const outage = server.outage(ms);
    await sleep(SLOW_RETURN_MS);
    const window = await outage;
    return { callStartedMs, revertedMs: window.toMs, truth: [window] };
  },
  relapse: (server) => async (ms) => {
    const callStartedMs = Date.now();
    const first = await server.outage(ms);
    await sleep(RELAPSE_GAP_MS);
    const second = await server.outage(RELAPSE_MS);
    return { callStartedMs, revertedMs: second.toMs, truth: [first, second] };
  },
};

async function benchServerOutages(outagesMs, rates) {
  const rows = [];
  for (const rate of rates) {
    for (const [shape, makeInject] of Object.entries(SHAPES)) {
      const server = await startBenchServer();
      try {
        // hang shapes need a deadline beyond the hang, so it is seen as slow replies, not as timeouts
        const phase = openPhase('load', rate, loadMs(outagesMs), { timeoutMs: Math.max(...outagesMs) + 2000, maxInFlight: 20_000, slowMs: SLOW_MS });
        const plan = loadPlan(server.address, [phase], { workers: 2, intervalMs: 250 });
        rows.push(...(await measureOutages({ plan, outagesMs: shape === 'hang' ? outagesMs.filter((ms) => ms > SLOW_MS) : outagesMs, inject: makeInject(server), label: { target: 'bench server', shape } })));
      } finally {
        await server.close();
      }
    }
  }
  return rows;
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
        const pause = pauseOf(await pidOf(dataDir, component));
        const inject = async (ms) => {
          const window = await pause(ms);
          return { callStartedMs: window.fromMs, revertedMs: window.toMs, truth: [window] };
        };
        rows.push(...(await measureOutages({ plan: clusterPlan(address, collection, phase), outagesMs, inject, label: { target: 'local cluster', outage: `SIGSTOP ${component}` } })));
      }
    }
  });
  return { rows, calibration };
}

export async function runDowntime(flags) {
  const outagesMs = flags.quick ? [2000] : [500, 2000, 5000];
  const rates = [GOAL_RATE, 20];
  printMachine('downtime accuracy: outages of known length under open-loop search');
  const server = await benchServerOutages(outagesMs, rates);
  console.log(`A. bench server, shapes refusal / hang (replies held) / slow-return fault call / relapse, at ${rates.join(' and ')} searches/s; truth = the server's own window:`);
  printTable(server);
  const cluster = await clusterPauses(outagesMs, flags.quick);
  printTable(cluster.rows);
  return { server, cluster };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runDowntime(cliFlags());
  process.exit(0);
}
