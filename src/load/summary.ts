// Folds the workers' phase results into the PhaseResult of result.json (merged HDR, ms percentiles).
import type { Counters, WorkerPhaseResult } from '../metrics/index.js';
import { mergeEncodedToString, percentilesFromEncoded, sumCounters } from '../metrics/index.js';
import type { OperationSummary, PhaseResult } from '../report/index.js';
import type { Phase } from '../scenario/index.js';

type Encoded = string | null | undefined;

/** counters and latency of several parts (workers or phases) of the same thing, merged */
function mergeParts(counters: Counters[], latency: Encoded[], service: Encoded[]): OperationSummary {
  const histogram = mergeEncodedToString(latency);
  const serviceHistogram = mergeEncodedToString(service);
  return {
    counters: sumCounters(counters),
    latency: percentilesFromEncoded(histogram),
    service: percentilesFromEncoded(serviceHistogram),
    histogram,
    serviceHistogram,
  };
}

function rates(counters: Counters, durationMs: number): Pick<PhaseResult, 'qps' | 'sendRate' | 'errorRate'> {
  const seconds = durationMs / 1000;
  return {
    qps: seconds > 0 ? counters.ok / seconds : 0,
    sendRate: seconds > 0 ? counters.sent / seconds : 0,
    errorRate: counters.sent > 0 ? (counters.errors + counters.timeouts) / counters.sent : 0,
  };
}

function phaseShape(phase: Phase): Pick<PhaseResult, 'mode' | 'concurrency' | 'targetRate' | 'rampTo'> {
  if (phase.mode === 'closed') return { mode: 'closed', concurrency: phase.concurrency };
  return { mode: 'open', targetRate: phase.rate, ...(phase.rampTo !== undefined ? { rampTo: phase.rampTo } : {}) };
}

const sortedKeys = (records: Array<Record<string, unknown>>) => [...new Set(records.flatMap((r) => Object.keys(r)))].sort();

/** `startMs` is relative to the load start; the duration runs to the last worker's end */
export function summarizePhase(phase: Phase, results: WorkerPhaseResult[], loadStartEpochMs: number, phaseStartEpochMs: number): PhaseResult {
  const durationMs = Math.max(phaseStartEpochMs, ...results.map((r) => r.endMs)) - phaseStartEpochMs;
  const all = mergeParts(
    results.map((r) => r.counters),
    results.flatMap((r) => Object.values(r.latency)),
    results.flatMap((r) => Object.values(r.service)),
  );
  const operations: Record<string, OperationSummary> = {};
  for (const op of sortedKeys(results.map((r) => r.perOpCounters))) {
    const parts = results.filter((r) => r.perOpCounters[op]);
    operations[op] = mergeParts(parts.map((r) => r.perOpCounters[op]), parts.map((r) => r.latency[op]), parts.map((r) => r.service[op]));
  }
  return {
    name: phase.name,
    ...phaseShape(phase),
    startMs: phaseStartEpochMs - loadStartEpochMs,
    durationMs,
    ...all,
    ...rates(all.counters, durationMs),
    operations,
  };
}

/** all phases together, as one PhaseResult named 'total' */
export function summarizeTotal(phases: PhaseResult[]): PhaseResult {
  const startMs = phases.length > 0 ? phases[0].startMs : 0;
  const durationMs = phases.length > 0 ? Math.max(...phases.map((p) => p.startMs + p.durationMs)) - startMs : 0;
  const all = mergeParts(phases.map((p) => p.counters), phases.map((p) => p.histogram), phases.map((p) => p.serviceHistogram));
  const operations: Record<string, OperationSummary> = {};
  for (const op of sortedKeys(phases.map((p) => p.operations))) {
    const parts = phases.flatMap((p) => (p.operations[op] ? [p.operations[op]] : []));
    operations[op] = mergeParts(parts.map((s) => s.counters), parts.map((s) => s.histogram), parts.map((s) => s.serviceHistogram));
  }
  return { name: 'total', mode: phases[0]?.mode ?? 'closed', startMs, durationMs, ...all, ...rates(all.counters, durationMs), operations };
}
