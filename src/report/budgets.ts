// Parses `--max-regression p99=10%,qps=5%` into per-metric budgets; every bad item gets a one-line error naming it.

export const COMPARED_METRICS = ['p50', 'p95', 'p99', 'p999', 'max', 'qps', 'errorRate'] as const;
export type ComparedMetric = (typeof COMPARED_METRICS)[number];

/** Allowed worsening per metric: latencies and qps relative (0.1 = 10 %), errorRate in absolute points (0.01 = +1 point). */
export type RegressionBudgets = Partial<Record<ComparedMetric, number>>;

/** Used when no --max-regression is given: a gate that only trips on clear, significant regressions. */
export const DEFAULT_BUDGETS: RegressionBudgets = { p99: 0.1, p999: 0.2, qps: 0.1, errorRate: 0.01 };

const ALIASES: Record<string, ComparedMetric> = { 'p99.9': 'p999', error_rate: 'errorRate', errors: 'errorRate', errorrate: 'errorRate' };

export function parseRegressionBudgets(spec: string): { value: RegressionBudgets; errors: string[] } {
  const errors: string[] = [];
  const value: RegressionBudgets = {};
  const items = spec.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) return { value: { ...DEFAULT_BUDGETS }, errors };
  for (const item of items) {
    const match = /^([A-Za-z0-9_.]+)\s*=\s*([0-9]+(?:\.[0-9]+)?)\s*%$/.exec(item);
    if (!match) {
      errors.push(`"${item}": expected metric=N% (e.g. p99=10%)`);
      continue;
    }
    const raw = match[1];
    const metric = (COMPARED_METRICS as readonly string[]).includes(raw) ? (raw as ComparedMetric) : ALIASES[raw.toLowerCase()];
    if (!metric) {
      errors.push(`"${item}": unknown metric "${raw}" (allowed: ${COMPARED_METRICS.join(', ')})`);
      continue;
    }
    if (value[metric] !== undefined) {
      errors.push(`"${item}": ${metric} is given twice`);
      continue;
    }
    const percent = Number(match[2]);
    if (metric !== 'errorRate' && metric !== 'qps' && percent > 10_000) {
      errors.push(`"${item}": ${percent}% is not a useful budget (at most 10000%)`);
      continue;
    }
    if (metric === 'qps' && percent >= 100) {
      errors.push(`"${item}": a qps budget must be below 100% (qps cannot drop by more than all of it)`);
      continue;
    }
    value[metric] = percent / 100;
  }
  return { value, errors };
}
