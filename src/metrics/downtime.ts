// Failover downtime by MEASUREMENT.md "Failover downtime": bad request intervals merged into disruptions,
// each disruption given to the fault(s) whose window it falls in, recovery judged by a window of good requests.
import type { Disruption, FaultDowntime, OutcomeRun } from '../model/index.js';

export interface FaultClock {
  /** epoch ms the inject call began; null when it never started */
  callStartedMs: number | null;
  /** epoch ms its revert finished, when it was reverted */
  revertedMs: number | null;
  /** the injection failed (or only partly happened): it owns what it broke, but gets no figure */
  failed: boolean;
}

export interface DowntimeInput {
  /** every worker's outcome runs, any order */
  runs: OutcomeRun[];
  /** in the order the result lists them */
  faults: FaultClock[];
  /** epoch ms the load's schedule ended: a recovery window must fit before it */
  loadEndMs: number;
  /** `recovery.windowMs`: bad intervals closer than this are one disruption; recovery = this long of only good */
  windowMs: number;
  /** the fewest good requests the recovery window must hold */
  minGood: number;
}

export interface DowntimeAnalysis {
  faults: FaultDowntime[];
  /** every disruption of the load, owned by a fault or not */
  disruptions: Disruption[];
  /** requests outside the faults' disruptions: the steady state the default error-rate gate judges */
  outside: { requests: number; failed: number; errorRate: number | null };
  /** good requests in the whole load */
  good: number;
}

/** how far before the fault the request spacing is sampled for the resolution */
const RESOLUTION_LOOKBACK_MS = 5_000;

interface Cluster extends Disruption {
  owners: number[];
  /** the earliest moment one of its bad requests proved the service bad */
  provenBadMs: number;
}

/** the latest good completion in (fromMs, toMs), or null */
function lastGoodBetween(goodRuns: OutcomeRun[], fromMs: number, toMs: number): number | null {
  let latest: number | null = null;
  for (const run of goodRuns) {
    if (run.firstMs >= toMs || run.lastMs <= fromMs) continue;
    let t = run.lastMs;
    if (t >= toMs) {
      const step = run.count > 1 ? (run.lastMs - run.firstMs) / (run.count - 1) : 0;
      t = step > 0 ? run.firstMs + Math.ceil((toMs - run.firstMs) / step - 1) * step : run.firstMs;
    }
    if (t > fromMs && t < toMs && (latest === null || t > latest)) latest = t;
  }
  return latest;
}

/** Good completions in (fromMs, toMs] over any runs (bad ones are skipped). */
export function goodCompletions(runs: OutcomeRun[], fromMs: number, toMs: number): number {
  return goodBetween(runs.filter((r) => r.ok), fromMs, toMs);
}

/** Good completions in (fromMs, toMs]; a run's requests are spread evenly between its first and last. */
function goodBetween(goodRuns: OutcomeRun[], fromMs: number, toMs: number): number {
  let n = 0;
  for (const run of goodRuns) {
    if (run.lastMs <= fromMs || run.firstMs > toMs) continue;
    if (run.count === 1 || run.lastMs === run.firstMs) {
      n += run.firstMs > fromMs && run.firstMs <= toMs ? run.count : 0;
      continue;
    }
    const step = (run.lastMs - run.firstMs) / (run.count - 1);
    const first = Math.max(0, Math.floor((fromMs - run.firstMs) / step) + 1);
    const last = Math.min(run.count - 1, Math.floor((toMs - run.firstMs) / step));
    if (last >= first) n += last - first + 1;
  }
  return n;
}

function clusterBadRuns(badRuns: OutcomeRun[], windowMs: number): Cluster[] {
  const clusters: Cluster[] = [];
  let open: Cluster | null = null;
  for (const run of [...badRuns].sort((a, b) => a.firstMs - b.firstMs)) {
    if (!open || run.firstMs - open.endMs >= windowMs) {
      open = { startMs: run.firstMs, endMs: run.lastMs, provenBadMs: Infinity, durationMs: 0, bad: 0, failed: 0, timedOut: 0, dropped: 0, slow: 0, good: 0, errorRate: 0, recovered: false, owners: [] };
      clusters.push(open);
    }
    open.endMs = Math.max(open.endMs, run.lastMs);
    open.provenBadMs = Math.min(open.provenBadMs, run.provenBadMs ?? run.lastMs);
    open.bad += run.count;
    open.failed += run.errors ?? 0;
    open.timedOut += run.timeouts ?? 0;
    open.dropped += run.dropped ?? 0;
    open.slow += run.slow ?? 0;
  }
  return clusters;
}

export function analyzeDowntime(input: DowntimeInput): DowntimeAnalysis {
  const { runs, faults, loadEndMs, windowMs } = input;
  const minGood = Math.max(1, Math.floor(input.minGood));
  const goodRuns = runs.filter((r) => r.ok);
  const clusters = clusterBadRuns(runs.filter((r) => !r.ok), windowMs);
  for (const c of clusters) {
    // a request already in flight when the service broke starts the cluster early; a good reply that completed
    // after that start, before any bad one proved the service bad (an error arrived, or slowMs passed unanswered),
    // shows the service was still answering then
    const stillGood = lastGoodBetween(goodRuns, c.startMs, c.provenBadMs);
    if (stillGood !== null) c.startMs = stillGood;
    c.durationMs = c.endMs - c.startMs;
    c.good = goodBetween(goodRuns, c.startMs, c.endMs);
    c.errorRate = (c.failed + c.timedOut + c.dropped) / (c.bad + c.good);
    c.recovered = loadEndMs >= c.endMs + windowMs && goodBetween(goodRuns, c.endMs, c.endMs + windowMs) >= minGood;
  }
  assignOwners(clusters, faults, windowMs);
  const lastGoodMs = goodRuns.reduce((max, r) => Math.max(max, r.lastMs), -Infinity);
  const results = faults.map((fault, index) => faultDowntime(fault, index, { clusters, runs, loadEndMs, lastGoodMs }));
  const owned = clusters.filter((c) => c.owners.length > 0);
  const total = runs.reduce((sum, r) => sum + r.count, 0);
  const failedTotal = runs.reduce((sum, r) => sum + (r.errors ?? 0) + (r.timeouts ?? 0) + (r.dropped ?? 0), 0);
  const requests = total - owned.reduce((sum, c) => sum + c.bad + c.good, 0);
  const failed = failedTotal - owned.reduce((sum, c) => sum + c.failed + c.timedOut + c.dropped, 0);
  return {
    faults: results,
    disruptions: clusters.map(({ owners: _owners, provenBadMs: _first, ...d }) => d),
    outside: { requests, failed, errorRate: requests > 0 ? failed / requests : null },
    good: goodRuns.reduce((sum, r) => sum + r.count, 0),
  };
}

/**
 * A fault's window runs from its call start to the next fault's call start, or — when it was reverted later than
 * that — to its revert plus one recovery window. A disruption still going when a call began, or starting inside a
 * window, belongs to that fault; one in two windows belongs to both (overlapping). Requests already in flight when
 * the next call began (started up to half a window before it) are that next fault's, not a leftover of this one.
 */
function assignOwners(clusters: Cluster[], faults: FaultClock[], windowMs: number): void {
  const started = faults
    .map((fault, index) => ({ index, callMs: fault.callStartedMs, revertedMs: fault.revertedMs }))
    .filter((f): f is { index: number; callMs: number; revertedMs: number | null } => f.callMs !== null)
    .sort((a, b) => a.callMs - b.callMs);
  started.forEach((fault, i) => {
    const next = started[i + 1];
    const graceMs = windowMs / 2;
    let endMs = next ? next.callMs - graceMs : Infinity;
    if (fault.revertedMs !== null && next && fault.revertedMs + windowMs > endMs) endMs = fault.revertedMs + windowMs;
    for (const c of clusters) if (c.endMs >= fault.callMs && c.startMs < endMs) c.owners.push(fault.index);
  });
}

interface Context {
  clusters: Cluster[];
  runs: OutcomeRun[];
  loadEndMs: number;
  lastGoodMs: number;
}

function faultDowntime(fault: FaultClock, index: number, ctx: Context): FaultDowntime {
  const none = { effectLagMs: null, disruption: null, relapses: [], overlapping: false };
  const callMs = fault.callStartedMs;
  if (callMs === null) return { status: fault.failed ? 'failed' : 'skipped', downtimeMs: null, recovered: false, resolutionMs: null, note: fault.failed ? 'injection failed' : 'never injected', ...none };
  const resolutionMs = requestSpacingBefore(ctx.runs, callMs);
  const owned = ctx.clusters.filter((c) => c.owners.includes(index));
  const overlapping = owned.some((c) => c.owners.length > 1);
  if (fault.failed) {
    return { status: 'failed', downtimeMs: null, recovered: false, resolutionMs, note: 'injection failed: no downtime figure', ...none, overlapping };
  }
  if (owned.length === 0) {
    if (ctx.lastGoodMs > callMs) return { status: 'no-effect', downtimeMs: 0, recovered: true, resolutionMs, note: 'no effect observed', ...none };
    return { status: 'unrecovered', downtimeMs: Math.max(0, ctx.loadEndMs - callMs), recovered: false, resolutionMs, note: 'not recovered: no good request after the fault', ...none };
  }
  const [first, ...later] = owned.map((c) => withLowerBound(c, ctx));
  const recovered = first.recovered && later.every((c) => c.recovered);
  const open = [first, ...later].find((c) => !c.recovered);
  return {
    status: recovered ? 'recovered' : 'unrecovered',
    downtimeMs: first.durationMs,
    recovered,
    effectLagMs: first.startMs - callMs,
    disruption: first,
    relapses: later,
    overlapping,
    resolutionMs,
    note: open ? `not recovered: ${open === first ? 'the disruption' : 'a relapse'} was still open when the load ended, or no full window of good requests followed it` : null,
  };
}

/** an unrecovered disruption runs at least to the load's end when nothing good came after it */
function withLowerBound(c: Cluster, ctx: Context): Disruption {
  const { owners: _owners, provenBadMs: _first, ...d } = c;
  if (d.recovered || ctx.lastGoodMs > d.endMs) return d;
  const endMs = Math.max(d.endMs, ctx.loadEndMs);
  return { ...d, endMs, durationMs: endMs - d.startMs };
}

/** mean spacing of requests (any outcome) in the few seconds before `atMs`; null with fewer than 2 */
function requestSpacingBefore(runs: OutcomeRun[], atMs: number): number | null {
  const earliest = runs.reduce((min, r) => Math.min(min, r.firstMs), Infinity);
  const lookback = Math.min(RESOLUTION_LOOKBACK_MS, atMs - earliest);
  if (!(lookback > 0)) return null;
  const fromMs = atMs - lookback;
  let n = goodBetween(runs.filter((r) => r.ok), fromMs, atMs);
  for (const r of runs) if (!r.ok && r.firstMs > fromMs && r.firstMs <= atMs) n += r.count;
  return n >= 2 ? Math.round((lookback / n) * 10) / 10 : null;
}
