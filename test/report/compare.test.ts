import { describe, expect, it } from 'vitest';
import {
  compareResults,
  DEFAULT_BUDGETS,
  parseRegressionBudgets,
  renderComparisonConsole,
  renderComparisonHtml,
  renderComparisonMarkdown,
} from '../../src/report/index.js';
import { mannWhitney } from '../../src/report/significance.js';
import { seededRandom } from '../../src/random.js';
import { buildRunResult } from './fixture.js';

describe('parseRegressionBudgets', () => {
  it('parses metric=N% items (errorRate in absolute points)', () => {
    expect(parseRegressionBudgets('p99=10%, qps=5%,errorRate=0.5%,p99.9=20%')).toEqual({
      value: { p99: 0.1, qps: 0.05, errorRate: 0.005, p999: 0.2 },
      errors: [],
    });
  });

  it('falls back to the default budgets when empty', () => {
    expect(parseRegressionBudgets('')).toEqual({ value: DEFAULT_BUDGETS, errors: [] });
  });

  it('names every bad item in a one-line error', () => {
    const { errors } = parseRegressionBudgets('p99=10,latency=5%,qps=150%,p50=1%,p50=2%,=3%');
    expect(errors).toEqual([
      '"p99=10": expected metric=N% (e.g. p99=10%)',
      '"latency=5%": unknown metric "latency" (allowed: p50, p95, p99, p999, max, qps, errorRate)',
      '"qps=150%": a qps budget must be below 100% (qps cannot drop by more than all of it)',
      '"p50=2%": p50 is given twice',
      '"=3%": expected metric=N% (e.g. p99=10%)',
    ]);
    for (const e of errors) expect(e).not.toContain('\n');
  });
});

describe('mannWhitney', () => {
  it('finds no difference between identical samples and a clear one between shifted samples', () => {
    const random = seededRandom(9);
    const a = Array.from({ length: 20 }, () => 10 + random());
    expect(mannWhitney(a, [...a]).significant).toBe(false);
    const shifted = a.map((v) => v + 2);
    expect(mannWhitney(a, shifted).pValue).toBeLessThan(0.001);
    expect(mannWhitney(a.slice(0, 3), shifted)).toEqual({ pValue: null, significant: null });
  });
});

describe('compareResults', () => {
  const budgets = parseRegressionBudgets('p99=10%,qps=5%,p50=10%').value;

  it('flags a clear latency regression, in every phase, as significant and beyond budget', () => {
    const base = buildRunResult({ seed: 1 });
    const head = buildRunResult({ seed: 2, latencyFactor: 1.4 });
    const comparison = compareResults(base, head, budgets);
    expect(comparison.regressed).toBe(true);
    for (const phase of ['warmup', 'steady']) {
      const p99 = comparison.rows.find((r) => r.phase === phase && r.metric === 'p99')!;
      expect(p99.verdict).toBe('regressed');
      expect(p99.significant).toBe(true);
      expect(p99.change).toBeGreaterThan(0.2);
      expect(p99.intervals.base).toBeGreaterThanOrEqual(8);
    }
    expect(comparison.rows.find((r) => r.phase === 'steady' && r.metric === 'qps')!.verdict).toBe('no significant change');
    expect(renderComparisonConsole(comparison)).toMatch(/^REGRESSED — .*warmup p99 \+\d+\.\d%.*steady p99/m);
  });

  it('reports the same run compared with itself as no significant change', () => {
    const run = buildRunResult({ seed: 3 });
    const comparison = compareResults(run, run, budgets);
    expect(comparison.regressed).toBe(false);
    expect(new Set(comparison.rows.map((r) => r.verdict))).toEqual(new Set(['no significant change']));
  });

  it('treats two runs that differ only by noise as no significant change', () => {
    for (const [a, b] of [[11, 12], [13, 14], [15, 16]]) {
      const comparison = compareResults(buildRunResult({ seed: a }), buildRunResult({ seed: b }), { ...budgets, max: 0.01, p999: 0.01 });
      // max and p99.9 differ by far more than the 1 % budget between noisy runs, yet never count
      expect(comparison.rows.some((r) => r.budget !== null && r.worsening !== null && r.worsening > r.budget)).toBe(true);
      expect(comparison.rows.filter((r) => r.verdict === 'regressed')).toEqual([]);
      expect(comparison.regressed).toBe(false);
    }
  });

  it('catches a regression that moves only the tail: 2 % of requests 4× slower, the median untouched', () => {
    for (const [a, b] of [[21, 22], [23, 24]]) {
      const comparison = compareResults(buildRunResult({ seed: a, outage: null }), buildRunResult({ seed: b, outage: null, tail: { share: 0.02, factor: 4 } }), DEFAULT_BUDGETS);
      const steady = (metric: string) => comparison.rows.find((r) => r.phase === 'steady' && r.metric === metric)!;
      expect(steady('p50').verdict).toBe('no significant change');
      expect(steady('p50').change!).toBeLessThan(0.05);
      expect(steady('p99')).toMatchObject({ verdict: 'regressed', significant: true });
      expect(steady('p99').noiseBand!.low).toBeGreaterThan(0.1);
      expect(comparison.regressed).toBe(true);
    }
  });

  it('passes pure noise at the default budgets: independent runs of the same build, with and without an outage', () => {
    for (const [a, b] of [[31, 32], [33, 34], [35, 36], [37, 38]]) {
      for (const outage of [undefined, null]) {
        const comparison = compareResults(buildRunResult({ seed: a, outage }), buildRunResult({ seed: b, outage }), DEFAULT_BUDGETS);
        expect(comparison.rows.filter((r) => r.verdict === 'regressed')).toEqual([]);
      }
    }
  });

  it('calls a significant worsening inside the budget "worse within budget", and a speed-up "improved"', () => {
    const base = buildRunResult({ seed: 4 });
    const slower = compareResults(base, buildRunResult({ seed: 5, latencyFactor: 1.4 }), { p99: 0.8 });
    expect(slower.rows.find((r) => r.phase === 'steady' && r.metric === 'p99')!.verdict).toBe('worse within budget');
    expect(slower.regressed).toBe(false);
    const faster = compareResults(base, buildRunResult({ seed: 5, latencyFactor: 0.6 }), budgets);
    expect(faster.rows.find((r) => r.phase === 'steady' && r.metric === 'p50')!.verdict).toBe('improved');
  });

  it('without enough intervals to measure noise, lets the budget alone decide', () => {
    const short = (seed: number, latencyFactor: number) => buildRunResult({ seed, latencyFactor, outage: null, phases: [{ name: 'steady', seconds: 3, qps: 200, medianMs: 5 }] });
    const row = compareResults(short(1, 1), short(2, 1.5), budgets).rows.find((r) => r.metric === 'p99')!;
    expect(row).toMatchObject({ significant: null, pValue: null, intervals: { base: 3, head: 3 }, verdict: 'regressed' });
  });

  it('flags a throughput drop against the qps budget', () => {
    const base = buildRunResult({ seed: 6, outage: null });
    const head = buildRunResult({ seed: 7, outage: null, phases: [{ name: 'warmup', seconds: 8, qps: 150, medianMs: 6 }, { name: 'steady', seconds: 24, qps: 160, medianMs: 5 }] });
    const row = compareResults(base, head, budgets).rows.find((r) => r.phase === 'steady' && r.metric === 'qps')!;
    expect(row.verdict).toBe('regressed');
    expect(row.change).toBeCloseTo(-0.2, 1);
  });

  it('lists phases found in only one run and renders Markdown and HTML', () => {
    const base = buildRunResult({ seed: 1, hostile: true });
    const head = buildRunResult({ seed: 2 });
    const comparison = compareResults(base, head, budgets);
    expect(comparison.unmatched.base).toEqual([base.phases[0].name]);
    expect(comparison.unmatched.head).toEqual(['warmup']);
    expect(comparison.warnings[0]).toMatch(/^different scenarios/);
    const md = renderComparisonMarkdown(comparison);
    expect(md).toContain('| phase | metric | base | head | change | budget | noise (99% band / p-value) | verdict |');
    expect(md).not.toContain('<img');
    const html = renderComparisonHtml(comparison);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x');
  });
});
