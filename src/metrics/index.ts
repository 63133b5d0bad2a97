// Metrics stage: HDR histograms (µs), counters, the merged time series and failover downtime.
export type * from '../model/measures.js';
// the encoded-histogram format lives in model/ (result.json's histograms); metrics/ users reach it here too
export * from '../model/histogram.js';
export { emptyCounters, addCounters, addErrorKinds, sumCounters, countersBalance, counterViolations, sumViolations, completions } from './counters.js';
export { IntervalMerger, mergeSnapshots, seriesCounters } from './timeseries.js';
export { computeFaultImpact } from './fault-impact.js';
export type { FaultImpactInput } from './fault-impact.js';
export { analyzeDowntime, goodCompletions } from './downtime.js';
export type { DowntimeAnalysis, DowntimeInput, FaultClock } from './downtime.js';
export { faultRecall } from './fault-recall.js';
export type { FaultRecallInput, RecallWindows } from './fault-recall.js';
