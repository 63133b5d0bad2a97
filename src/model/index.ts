// The bottom of the house: the shapes every stage shares (the resolved scenario and config, the measured values,
// fault records, result.json), the encoded-histogram format and the address format. Imports nothing of ours above it.
export type * from './scenario.js';
export type * from './measures.js';
export type * from './faults.js';
export * from './result.js';
export {
  HISTOGRAM_SETTINGS,
  createHistogram,
  recordMs,
  encodeHistogram,
  decodeHistogram,
  mergeEncoded,
  mergeEncodedToString,
  percentilesOf,
  percentilesFromEncoded,
  countOfEncoded,
  sparseCounts,
  msAtIndex,
} from './histogram.js';
export type { Histogram } from './histogram.js';
export type { TargetAddress, TargetEndpoint } from './address.js';
export { ADDRESS_FORMS, notAnAddress, isLocalAddress, isTargetAddress, parseTargetAddress, redactAddress, resolveEndpoint } from './address.js';
