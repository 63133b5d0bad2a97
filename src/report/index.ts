// Reports of a run: console summary, result.json, report.html, junit.xml, summary.md; baseline comparison; live progress.
export * from '../model/result.js';
export { renderConsoleSummary } from './console.js';
export { renderMarkdownSummary } from './markdown.js';
export { renderJunit } from './junit.js';
export { renderHtml } from './html.js';
export { writeReports, writeFileAtomic, type ReportFiles, type WriteReportsOptions } from './write.js';
export { verdictLine } from './format.js';
export { parseRegressionBudgets, DEFAULT_BUDGETS, COMPARED_METRICS, type ComparedMetric, type RegressionBudgets } from './budgets.js';
export { compareResults, type Comparison, type ComparisonVerdict, type MetricComparison, type RunIdentity } from './compare.js';
export { renderComparisonConsole, renderComparisonMarkdown, renderComparisonHtml } from './compare-render.js';
export {
  createProgressReporter,
  type IngestProgressUpdate,
  type ProgressReporter,
  type ProgressReporterOptions,
} from './progress.js';
