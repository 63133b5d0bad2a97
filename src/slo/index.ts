// SLOs: k6-style thresholds on run metrics, parsed before the run and judged after it.
export type { ParsedSlo } from './evaluate.js';
export type { MetricRef, SloContext } from './catalog.js';
export type { Comparator, MetricKind, Threshold } from './threshold.js';
export { parseSlos, evaluateSlos, formatNumber } from './evaluate.js';
export { parseThreshold } from './threshold.js';
