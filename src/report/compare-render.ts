// Renders a Comparison for the terminal, for Markdown (PR comments, job summary) and as an HTML page.
import type { ComparedMetric } from './budgets.js';
import type { Comparison, MetricComparison } from './compare.js';
import { escapeHtml, escapeMarkdownCell, formatMs, formatPercent, formatRate } from './format.js';
import { htmlPage, htmlSection, htmlTable } from './html-page.js';
import { renderTable } from './console.js';
import { markdownTable } from './markdown.js';
import type { TextTable } from './model.js';

export function comparisonVerdictLine(comparison: Comparison): string {
  const regressed = comparison.rows.filter((r) => r.verdict === 'regressed');
  if (regressed.length > 0) return `REGRESSED — ${regressed.map((r) => `${r.phase} ${r.metric} ${formatChange(r)}`).join(', ')} (significant and beyond budget)`;
  const improved = comparison.rows.filter((r) => r.verdict === 'improved').length;
  return `NO REGRESSION — ${comparison.rows.length} figures compared${improved ? `, ${improved} improved` : ''}`;
}

export function comparisonTable(comparison: Comparison): TextTable {
  return {
    head: ['phase', 'metric', 'base', 'head', 'change', 'budget', 'noise (99% band / p-value)', 'verdict'],
    rows: comparison.rows.map((r) => [
      r.phase,
      r.metric,
      formatValue(r.metric, r.base),
      formatValue(r.metric, r.head),
      formatChange(r),
      r.budget === null ? '—' : r.metric === 'errorRate' ? `+${(r.budget * 100).toFixed(2)} pts` : `${(r.budget * 100).toFixed(0)}%`,
      noiseCell(r),
      r.verdict,
    ]),
  };
}

/** latencies: the bootstrap band of the change; qps and errorRate: the rank test's p-value */
function noiseCell(r: MetricComparison): string {
  const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;
  if (r.noiseBand) return `${pct(r.noiseBand.low)} … ${pct(r.noiseBand.high)}`;
  if (r.pValue === null) return `n/a (${r.intervals.base}/${r.intervals.head} intervals)`;
  return r.pValue < 0.001 ? 'p<0.001' : `p=${r.pValue.toFixed(3)}`;
}

function formatValue(metric: ComparedMetric, value: number | null): string {
  if (metric === 'qps') return formatRate(value);
  if (metric === 'errorRate') return formatPercent(value);
  return formatMs(value);
}

export function formatChange(r: MetricComparison): string {
  if (r.change === null) return '—';
  if (r.metric === 'errorRate') return `${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(2)} pts`;
  if (!Number.isFinite(r.change)) return 'new';
  return `${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(1)}%`;
}

function notes(comparison: Comparison): string[] {
  const out = [...comparison.warnings];
  if (comparison.unmatched.base.length) out.push(`only in base: ${comparison.unmatched.base.join(', ')}`);
  if (comparison.unmatched.head.length) out.push(`only in head: ${comparison.unmatched.head.join(', ')}`);
  return out;
}

export function renderComparisonConsole(comparison: Comparison): string {
  return [
    `base: ${comparison.base.scenario} on ${comparison.base.target} (${comparison.base.startedAt})`,
    `head: ${comparison.head.scenario} on ${comparison.head.target} (${comparison.head.startedAt})`,
    ...notes(comparison).map((n) => `note: ${n}`),
    comparison.rows.length > 0 ? renderTable(comparisonTable(comparison)) : 'no phase in common',
    comparisonVerdictLine(comparison),
  ].join('\n');
}

export function renderComparisonMarkdown(comparison: Comparison): string {
  return [
    `## ${comparison.regressed ? '❌' : '✅'} milvus-bench comparison`,
    '',
    `**${escapeMarkdownCell(comparisonVerdictLine(comparison))}**`,
    '',
    `- base: ${escapeMarkdownCell(`${comparison.base.scenario} on ${comparison.base.target} (${comparison.base.startedAt})`)}`,
    `- head: ${escapeMarkdownCell(`${comparison.head.scenario} on ${comparison.head.target} (${comparison.head.startedAt})`)}`,
    ...notes(comparison).map((n) => `- note: ${escapeMarkdownCell(n)}`),
    '',
    markdownTable(comparisonTable(comparison)),
    '',
    '_A change counts only when it is outside run-to-run noise (Mann-Whitney U on per-interval values, p < 0.01) and beyond the budget._',
    '',
  ].join('\n');
}

export function renderComparisonHtml(comparison: Comparison): string {
  const banner = `<div class="banner ${comparison.regressed ? 'fail' : 'pass'}">${escapeHtml(comparisonVerdictLine(comparison))}</div>`;
  const facts = [`base: ${comparison.base.scenario} on ${comparison.base.target} (${comparison.base.startedAt})`, `head: ${comparison.head.scenario} on ${comparison.head.target} (${comparison.head.startedAt})`, ...notes(comparison)];
  const table = comparisonTable(comparison);
  // mark regressed rows the way the run report marks failed SLOs
  const marked: TextTable = { head: ['', ...table.head], rows: table.rows.map((row) => [row[7] === 'regressed' ? '✗' : row[7] === 'improved' ? '✓' : '', ...row]) };
  const body = [
    '<h1>milvus-bench — comparison</h1>',
    banner,
    htmlSection('Runs', facts.map((f) => `<p>${escapeHtml(f)}</p>`).join('')),
    htmlSection('Figures', `${htmlTable(marked)}<p class="note">A change counts only when it is outside run-to-run noise (Mann-Whitney U on per-interval values, p &lt; 0.01) and beyond the budget.</p>`),
  ].join('\n');
  return htmlPage('milvus-bench comparison', body, null);
}
