// Builds realistic RunResults for the report tests: every latency is a sample recorded into a real HDR
// histogram (seeded RNG), percentiles and intervals are read back from those histograms, never typed in.
import * as hdr from 'hdr-histogram-js';
import type { Counters, IntervalPoint, Percentiles } from '../../src/model/index.js';
import type { FaultResult, OutcomeCounts, PhaseResult, RunResult, SloResult } from '../../src/report/index.js';
import { RESULT_SCHEMA_VERSION } from '../../src/report/index.js';
import { seededRandom } from '../../src/random.js';

export const HOSTILE = '</script><img src=x onerror="window.__xss=1">&\'"';

export interface PhasePlan {
  name: string;
  seconds: number;
  qps: number;
  medianMs: number;
}

export interface FixtureOptions {
  seed?: number;
  phases?: PhasePlan[];
  /** multiplies every latency sample: 1.5 = a 50 % slower server */
  latencyFactor?: number;
  /** outage inside the named phase: requests fail from..to seconds after the phase start */
  outage?: { phase: string; fromS: number; toS: number } | null;
  hostile?: boolean;
  /** a tail-only regression: this share of requests (0.02 = 2 %) is `tail.factor` times slower, the rest unchanged */
  tail?: { share: number; factor: number };
}

const LOAD_START = Date.UTC(2026, 10, 23, 9, 0, 0);
const INTERVAL_MS = 1000;


function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
}

function percentiles(h: hdr.Histogram): Percentiles | null {
  if (h.totalCount === 0) return null;
  const at = (p: number) => h.getValueAtPercentile(p) / 1000;
  return { min: h.minNonZeroValue / 1000, mean: h.mean / 1000, p50: at(50), p90: at(90), p95: at(95), p99: at(99), p999: at(99.9), max: h.maxValue / 1000 };
}

export function buildRunResult(options: FixtureOptions = {}): RunResult {
  const random = seededRandom(options.seed ?? 1);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const hostile = options.hostile ? HOSTILE : '';
  const plans = options.phases ?? [
    { name: `warmup${hostile}`, seconds: 8, qps: 150, medianMs: 6 },
    { name: 'steady', seconds: 24, qps: 200, medianMs: 5 },
  ];
  const outage = options.outage === undefined ? { phase: 'steady', fromS: 9.3, toS: 11.8 } : options.outage;
  const factor = options.latencyFactor ?? 1;
  const timeSeries: IntervalPoint[] = [];
  const phases: PhaseResult[] = [];
  const totalHistogram = newHistogram();
  const outageEdges: { first: number | null; last: number | null; failures: number; recovered: number | null } = { first: null, last: null, failures: 0, recovered: null };
  let cursorMs = 0;

  for (const plan of plans) {
    const phaseHistogram = newHistogram();
    const counters = { scheduled: 0, sent: 0, ok: 0, errors: 0, timeouts: 0, errorsByKind: {} as Record<string, number>, dropped: 0, abandoned: 0 };
    for (let second = 0; second < plan.seconds; second++) {
      const interval = newHistogram();
      const point = { ok: 0, errors: 0, timeouts: 0, unavailable: 0 };
      const count = Math.max(1, Math.round(plan.qps * (1 + 0.05 * gaussian())));
      for (let i = 0; i < count; i++) {
        const atS = second + i / count;
        const inOutage = outage !== null && outage.phase === plan.name && atS >= outage.fromS && atS < outage.toS;
        const slow = options.tail !== undefined && random() < options.tail.share ? options.tail.factor : 1;
        const latencyUs = Math.max(50, Math.round(plan.medianMs * factor * slow * 1000 * Math.exp(0.35 * gaussian())));
        if (inOutage) {
          const epoch = LOAD_START + cursorMs + atS * 1000;
          outageEdges.first ??= epoch;
          outageEdges.last = epoch;
          outageEdges.failures++;
          interval.recordValue(latencyUs * 20);
          point.unavailable++;
          continue;
        }
        if (outage && outage.phase === plan.name && atS >= outage.toS && outageEdges.recovered === null) outageEdges.recovered = LOAD_START + cursorMs + atS * 1000;
        interval.recordValue(latencyUs);
        phaseHistogram.recordValue(latencyUs);
        totalHistogram.recordValue(latencyUs);
        point.ok++;
      }
      const perc = percentiles(interval);
      counters.sent += count;
      counters.scheduled += count;
      counters.ok += point.ok;
      counters.errors += point.unavailable;
      if (point.unavailable) counters.errorsByKind.unavailable = (counters.errorsByKind.unavailable ?? 0) + point.unavailable;
      timeSeries.push({
        phase: plan.name, tMs: cursorMs + second * INTERVAL_MS, ok: point.ok, errors: point.unavailable, timeouts: 0, dropped: point.unavailable > 0 ? 3 : 0,
        errorsByKind: point.unavailable ? { unavailable: point.unavailable } : {}, qps: point.ok, p50: perc?.p50 ?? null, p95: perc?.p95 ?? null,
        p99: perc?.p99 ?? null, max: perc?.max ?? null, inFlight: point.unavailable > 0 ? 40 : Math.round(plan.qps * plan.medianMs / 1000) + 1,
        histogram: hdr.encodeIntoCompressedBase64(interval),
      });
    }
    if (counters.errors > 0) counters.dropped = timeSeries.filter((p) => p.phase === plan.name).reduce((n, p) => n + p.dropped, 0);
    counters.scheduled += counters.dropped;
    const encoded = hdr.encodeIntoCompressedBase64(phaseHistogram);
    phases.push({
      name: plan.name, mode: 'open', startMs: cursorMs, durationMs: plan.seconds * 1000, targetRate: plan.qps, counters, counts: countsOf(counters),
      windowMs: plan.seconds * 1000, qps: (counters.ok + counters.errors) / plan.seconds, goodput: counters.ok / plan.seconds, drain: { completions: 0, ok: 0, durationMs: 0 },
      sendRate: counters.sent / plan.seconds, errorRate: (counters.errors + counters.timeouts + counters.dropped) / counters.scheduled,
      latency: percentiles(phaseHistogram), latencyLowerBound: false, okLatency: percentiles(phaseHistogram), service: percentiles(phaseHistogram),
      histogram: encoded, okHistogram: encoded, serviceHistogram: encoded,
      operations: { search: { counters, counts: countsOf(counters), latency: percentiles(phaseHistogram), latencyLowerBound: false, okLatency: percentiles(phaseHistogram), service: percentiles(phaseHistogram), histogram: encoded, okHistogram: encoded, serviceHistogram: encoded } },
    });
    cursorMs += plan.seconds * 1000;
  }
  const total = totalPhase(phases, totalHistogram, cursorMs);
  const faults = outage && outageEdges.first !== null ? [faultResult(outage, phases, outageEdges, timeSeries, hostile)] : [];
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'milvus-bench', version: '0.1.0' },
    scenario: { name: `ha-failover${hostile}`, description: `kill a querynode under load${hostile}`, file: 'scenarios/ha-failover.ts', spec: { note: hostile || 'plain' } },
    target: { kind: 'local', address: '127.0.0.1:19530', serverVersion: '2.5.0-local', description: 'Local Milvus-compatible test cluster (2 proxies, 2 querynodes) — not Milvus' },
    startedAt: new Date(LOAD_START - 9000).toISOString(),
    finishedAt: new Date(LOAD_START + cursorMs + 500).toISOString(),
    loadStartEpochMs: LOAD_START,
    intervalMs: INTERVAL_MS,
    workers: 2,
    steps: [
      { step: 'connect', startMs: -9000, durationMs: 120 },
      { step: 'create', startMs: -8880, durationMs: 300 },
      { step: 'ingest', startMs: -8580, durationMs: 6000, detail: '20000 rows' },
      { step: 'index', startMs: -2580, durationMs: 1500 },
      { step: 'load', startMs: -1080, durationMs: 900 },
    ],
    ingest: { rows: 20000, batches: 20, durationMs: 6000, rowsPerSec: 3333.3, batchLatency: total.latency, batchHistogram: total.histogram, failedBatches: 0, skipped: false },
    phases,
    total,
    timeSeries,
    faults,
    integrity: { expectedRows: 20000, countedRows: 20000, countMatches: true, recall: 0.9731, recallQueries: 200, topK: 10 },
    serverMetrics: timeSeries.filter((_, i) => i % 5 === 0).map((p) => ({ tMs: p.tMs, component: 'proxy-1', requests: p.ok, searchP99Ms: p.p99 === null ? null : p.p99 * 0.8 })),
    slo: evaluateSlos(total, faults),
    pass: false,
    interrupted: false,
    error: null,
    exitCode: 3,
  };
}

function totalPhase(phases: PhaseResult[], histogram: hdr.Histogram, durationMs: number): PhaseResult {
  const sum = (f: (p: PhaseResult) => number) => phases.reduce((n, p) => n + f(p), 0);
  const counters = { scheduled: sum((p) => p.counters.scheduled), sent: sum((p) => p.counters.sent), ok: sum((p) => p.counters.ok), errors: sum((p) => p.counters.errors), timeouts: 0, errorsByKind: { unavailable: sum((p) => p.counters.errorsByKind.unavailable ?? 0) }, dropped: sum((p) => p.counters.dropped), abandoned: 0 };
  const encoded = hdr.encodeIntoCompressedBase64(histogram);
  return {
    name: 'total', mode: 'open', startMs: 0, durationMs, counters, counts: countsOf(counters), windowMs: durationMs, qps: (counters.ok + counters.errors) / (durationMs / 1000),
    goodput: counters.ok / (durationMs / 1000), drain: { completions: 0, ok: 0, durationMs: 0 }, sendRate: counters.sent / (durationMs / 1000),
    errorRate: (counters.errors + counters.dropped) / counters.scheduled, latency: percentiles(histogram), latencyLowerBound: false, okLatency: percentiles(histogram),
    service: percentiles(histogram), histogram: encoded, okHistogram: encoded, serviceHistogram: encoded, operations: {},
  };
}

function faultResult(outage: { phase: string; fromS: number }, phases: PhaseResult[], edges: { first: number | null; last: number | null; failures: number; recovered: number | null }, series: IntervalPoint[], hostile: string): FaultResult {
  const phaseStart = phases.find((p) => p.name === outage.phase)?.startMs ?? 0;
  const injectedAtMs = phaseStart + outage.fromS * 1000 - 150;
  const first = edges.first ?? 0;
  const recovered = edges.recovered ?? null;
  const before = series.filter((p) => p.tMs < injectedAtMs - 1000 && p.p99 !== null);
  return {
    index: 0, occurrence: 0, action: 'kill', role: 'querynode', pick: 'random', pickDetail: 'seeded random (seed 7) among 2',
    targets: [`querynode-1${hostile}`], backend: 'local', scheduledAtMs: injectedAtMs, injection: 'injected', callStartedMs: LOAD_START + injectedAtMs - 5, injectCallMs: 5, injectedMs: LOAD_START + injectedAtMs, revertedMs: LOAD_START + injectedAtMs + 50,
    backendRecoveredMs: (recovered ?? first) + 400, injectedAtMs, calledAtMs: injectedAtMs - 5, revertedAt: injectedAtMs + 50,
    status: recovered === null ? 'unrecovered' : 'recovered',
    downtimeMs: recovered === null ? (edges.last ?? first) - first : recovered - first,
    recovered: recovered !== null,
    effectLagMs: first - (LOAD_START + injectedAtMs - 5),
    disruption: {
      atMs: first - LOAD_START, endAtMs: (recovered ?? edges.last ?? first) - LOAD_START, downtimeMs: (recovered ?? edges.last ?? first) - first, recovered: recovered !== null,
      bad: edges.failures, failed: edges.failures, timedOut: 0, dropped: 0, slow: 0, good: 0, errorRate: 1,
    },
    relapses: [], overlapping: false, resolutionMs: 2.5, note: recovered === null ? 'not recovered' : null,
    impact: {
      fromMs: LOAD_START + injectedAtMs - 5, toMs: recovered ?? edges.last ?? first,
      before: { p50: before.at(-1)?.p50 ?? null, p99: before.at(-1)?.p99 ?? null, ok: before.reduce((n, p) => n + p.ok, 0), errors: 0 },
      during: { p50: null, p99: null, ok: 0, errors: edges.failures, timeouts: 0, dropped: 0 },
      errorsByKind: { unavailable: edges.failures }, shortResults: 0,
    },
    recoveryMs: (recovered ?? first) + 400 - (LOAD_START + injectedAtMs),
    error: hostile ? `connection reset ${hostile}` : undefined,
  };
}

function evaluateSlos(total: PhaseResult, faults: FaultResult[]): SloResult[] {
  const p99 = total.latency?.p99 ?? null;
  const downtime = faults[0]?.downtimeMs ?? 0;
  return [
    { key: 'p99', threshold: '<50ms', actual: p99, display: `${p99?.toFixed(2)} ms`, pass: p99 !== null && p99 < 50 },
    { key: 'errorRate', threshold: '<0.1%', actual: total.errorRate * 100, display: `${(total.errorRate * 100).toFixed(2)}%`, pass: total.errorRate < 0.001 },
    { key: 'downtime', threshold: '<30s', actual: downtime, display: `${(downtime / 1000).toFixed(2)} s`, pass: downtime < 30_000 },
  ];
}

/** A run stopped during setup: nothing measured, only the error. */
export function buildSetupErrorResult(): RunResult {
  const full = buildRunResult({ hostile: true });
  return {
    ...full, steps: full.steps.slice(0, 1), ingest: null, phases: [], total: null, timeSeries: [], faults: [], integrity: null, serverMetrics: [],
    slo: full.slo.map((s) => ({ ...s, actual: null, display: '', pass: false, message: 'not measured' })), loadStartEpochMs: null, pass: false,
    error: `cannot connect to 127.0.0.1:19530 ${HOSTILE}`, exitCode: 4,
  };
}

/** A run interrupted with Ctrl-C in the middle of its second phase. */
export function buildInterruptedResult(): RunResult {
  const full = buildRunResult({ seed: 5, phases: [{ name: 'warmup', seconds: 6, qps: 120, medianMs: 5 }, { name: 'steady', seconds: 7, qps: 150, medianMs: 5 }], outage: null });
  return { ...full, interrupted: true, integrity: null, pass: false, exitCode: 130 };
}

function countsOf(c: Counters): OutcomeCounts {
  return { scheduled: c.scheduled, sent: c.sent, dropped: c.dropped, ok: c.ok, error: c.errors, timeout: c.timeouts, abandoned: c.abandoned };
}
