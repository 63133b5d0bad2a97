// Baseline comparison: per phase (matched by name) and metric, base vs head, and whether a worsening is
// both significant (outside run-to-run noise, see significance.ts) and beyond the budget → `regressed`.
// Latency figures are judged on the interval histograms (bootstrap over intervals), so a tail-only regression
// counts; qps and errorRate on per-interval values (rank test).
import type { IntervalPoint } from '../model/index.js';
import type { PhaseResult, RunResult } from '../model/index.js';
import { COMPARED_METRICS, type ComparedMetric, type RegressionBudgets } from './budgets.js';
import { decodeHistogram } from './histogram.js';
import { msAtIndex, percentilesOf, sparseCounts } from '../model/index.js';
import { seededRandom } from '../random.js';
import type { SparseHistogram } from './significance.js';
import { mannWhitney, tailShift } from './significance.js';

export type ComparisonVerdict = 'regressed' | 'worse within budget' | 'improved' | 'no significant change' | 'not comparable';

export interface MetricComparison {
  phase: string;
  metric: ComparedMetric;
  base: number | null;
  head: number | null;
  /** relative change (0.1 = +10 %) for latencies and qps; absolute change of the fraction for errorRate */
  change: number | null;
  /** how much worse head is, in the budget's unit (negative: better) */
  worsening: number | null;
  budget: number | null;
  /** rank test (qps, errorRate); null for latencies, which carry `noiseBand` instead */
  pValue: number | null;
  /** latencies: the bootstrap interval (over the runs' intervals) of the relative change head/base − 1 */
  noiseBand?: { low: number; high: number } | null;
  /** null when either run has too few intervals to measure its noise */
  significant: boolean | null;
  intervals: { base: number; head: number };
  verdict: ComparisonVerdict;
}

export interface RunIdentity {
  scenario: string;
  target: string;
  startedAt: string;
}

export interface Comparison {
  base: RunIdentity;
  head: RunIdentity;
  budgets: RegressionBudgets;
  rows: MetricComparison[];
  /** phases present in only one of the runs */
  unmatched: { base: string[]; head: string[] };
  warnings: string[];
  regressed: boolean;
}

export function compareResults(base: RunResult, head: RunResult, budgets: RegressionBudgets): Comparison {
  const headPhases = new Map(head.phases.map((p) => [p.name, p]));
  const rows: MetricComparison[] = [];
  for (const basePhase of base.phases) {
    const headPhase = headPhases.get(basePhase.name);
    if (!headPhase) continue;
    for (const metric of COMPARED_METRICS) rows.push(compareMetric(metric, basePhase, headPhase, base, head, budgets[metric] ?? null));
  }
  const baseNames = new Set(base.phases.map((p) => p.name));
  const warnings: string[] = [];
  if (base.scenario.name !== head.scenario.name) warnings.push(`different scenarios: "${base.scenario.name}" vs "${head.scenario.name}"`);
  if (base.target.address !== head.target.address || base.target.kind !== head.target.kind) warnings.push(`different targets: ${base.target.address} vs ${head.target.address}`);
  for (const run of [base, head]) if (run.interrupted || run.error) warnings.push(`${run === base ? 'base' : 'head'} run is partial (${run.error ?? 'interrupted'})`);
  return {
    base: identity(base),
    head: identity(head),
    budgets,
    rows,
    unmatched: { base: base.phases.filter((p) => !headPhases.has(p.name)).map((p) => p.name), head: head.phases.filter((p) => !baseNames.has(p.name)).map((p) => p.name) },
    warnings,
    regressed: rows.some((r) => r.verdict === 'regressed'),
  };
}

function identity(run: RunResult): RunIdentity {
  return { scenario: run.scenario.name, target: run.target.description || run.target.address, startedAt: run.startedAt };
}

function compareMetric(metric: ComparedMetric, basePhase: PhaseResult, headPhase: PhaseResult, base: RunResult, head: RunResult, budget: number | null): MetricComparison {
  const baseValue = phaseValue(basePhase, metric);
  const headValue = phaseValue(headPhase, metric);
  const baseSamples = intervalValues(base.timeSeries, basePhase.name, metric);
  const headSamples = intervalValues(head.timeSeries, headPhase.name, metric);
  const intervals = { base: baseSamples.length, head: headSamples.length };
  const common = { phase: basePhase.name, metric, base: baseValue, head: headValue, budget, intervals };
  if (baseValue === null || headValue === null) {
    return { ...common, change: null, worsening: null, pValue: null, significant: null, verdict: 'not comparable' };
  }
  const change = metric === 'errorRate' ? headValue - baseValue : baseValue === 0 ? (headValue === 0 ? 0 : Infinity) : (headValue - baseValue) / baseValue;
  const worsening = metric === 'qps' ? -change : change;
  const shift = metric === 'qps' || metric === 'errorRate' ? null : latencyShift(base.timeSeries, basePhase.name, head.timeSeries, headPhase.name, metric);
  if (shift && shift.significant !== null) {
    const noiseBand = shift.low !== null && shift.high !== null ? { low: shift.low, high: shift.high } : null;
    return { ...common, change, worsening, pValue: null, noiseBand, significant: shift.significant, verdict: verdictOf(worsening, shift.significant, budget) };
  }
  // max, and a tail too thin to bootstrap (p99.9 of a short phase): the rank test on per-interval values
  const test = mannWhitney(baseSamples, headSamples);
  return { ...common, change, worsening, pValue: test.pValue, significant: test.significant, verdict: verdictOf(worsening, test.significant, budget) };
}

const PERCENTILE_OF: Record<string, number> = { p50: 50, p95: 95, p99: 99, p999: 99.9, max: 100 };

/** the phase's interval histograms (every ended request), bucket by bucket */
function intervalHistograms(series: IntervalPoint[], phase: string): SparseHistogram[] {
  return series.filter((p) => p.phase === phase && p.histogram).map((p) => sparseCounts(p.histogram!));
}

function latencyShift(baseSeries: IntervalPoint[], basePhase: string, headSeries: IntervalPoint[], headPhase: string, metric: ComparedMetric) {
  // seeded: the same two files always give the same verdict
  return tailShift(intervalHistograms(baseSeries, basePhase), intervalHistograms(headSeries, headPhase), PERCENTILE_OF[metric], msAtIndex, seededRandom(0x5eed));
}

// Without enough intervals to measure noise, only the budget guards: a worsening beyond it still regresses.
function verdictOf(worsening: number, significant: boolean | null, budget: number | null): ComparisonVerdict {
  if (worsening === 0 || significant === false) return 'no significant change';
  if (worsening < 0) return 'improved';
  return budget !== null && worsening > budget ? 'regressed' : 'worse within budget';
}

/** The phase figure: read from the encoded histogram when present (exact merge), else the summary. */
function phaseValue(phase: PhaseResult, metric: ComparedMetric): number | null {
  if (metric === 'qps') return phase.qps;
  if (metric === 'errorRate') return phase.errorRate;
  const histogram = decodeHistogram(phase.histogram);
  const fromHistogram = histogram ? percentilesOf(histogram) : null;
  return (fromHistogram ?? phase.latency)?.[metric] ?? null;
}

// Intervals carry p50/p95/p99/max only; p99.9 is judged on the per-interval max, the nearest tail figure.
function intervalValues(series: IntervalPoint[], phase: string, metric: ComparedMetric): number[] {
  const values: number[] = [];
  for (const point of series) {
    if (point.phase !== phase) continue;
    const value = intervalValue(point, metric);
    if (value !== null && Number.isFinite(value)) values.push(value);
  }
  return values;
}

function intervalValue(point: IntervalPoint, metric: ComparedMetric): number | null {
  switch (metric) {
    case 'qps':
      return point.qps;
    case 'errorRate': {
      const completed = point.ok + point.errors + point.timeouts;
      return completed > 0 ? (point.errors + point.timeouts) / completed : null;
    }
    case 'p999':
      return point.max;
    default:
      return point[metric];
  }
}
