// Folds the workers' phase results into the PhaseResult of result.json (merged HDR, ms percentiles, outcome
// counts, rates over the measured window) and checks the merged books.
import type { Counters, WorkerPhaseResult } from '../metrics/index.js';
import { completions, counterViolations, countOfEncoded, mergeEncodedToString, percentilesFromEncoded, sumCounters, sumViolations } from '../metrics/index.js';
import type { OperationSummary, OutcomeCounts, PhaseResult } from '../model/index.js';
import type { Phase } from '../model/index.js';

type Encoded = string | null | undefined;

export function outcomeCounts(c: Counters): OutcomeCounts {
  return { scheduled: c.scheduled, sent: c.sent, dropped: c.dropped, ok: c.ok, error: c.errors, timeout: c.timeouts, abandoned: c.abandoned };
}

/** MEASUREMENT.md: dropped requests are never invisible */
export function errorRateOf(c: Counters): number {
  return c.scheduled > 0 ? (c.errors + c.timeouts + c.dropped) / c.scheduled : 0;
}

/** counters and latency of several parts (workers or phases) of the same thing, merged */
function mergeParts(counters: Counters[], latency: Encoded[], okLatency: Encoded[], service: Encoded[]): OperationSummary {
  const histogram = mergeEncodedToString(latency);
  const okHistogram = mergeEncodedToString(okLatency);
  const serviceHistogram = mergeEncodedToString(service);
  const merged = sumCounters(counters);
  return {
    counters: merged,
    counts: outcomeCounts(merged),
    latency: percentilesFromEncoded(histogram),
    latencyLowerBound: merged.timeouts > 0,
    okLatency: percentilesFromEncoded(okHistogram),
    service: percentilesFromEncoded(serviceHistogram),
    histogram,
    okHistogram,
    serviceHistogram,
  };
}

interface Window {
  windowMs: number;
  measured: { completions: number; ok: number };
  drain: { completions: number; ok: number; durationMs: number };
}

function rates(counters: Counters, window: Window): Pick<PhaseResult, 'qps' | 'goodput' | 'sendRate' | 'errorRate' | 'windowMs' | 'drain'> {
  const seconds = window.windowMs / 1000;
  return {
    windowMs: window.windowMs,
    qps: seconds > 0 ? window.measured.completions / seconds : 0,
    goodput: seconds > 0 ? window.measured.ok / seconds : 0,
    sendRate: seconds > 0 ? counters.sent / seconds : 0,
    errorRate: errorRateOf(counters),
    drain: window.drain,
  };
}

function phaseShape(phase: Phase): Pick<PhaseResult, 'mode' | 'concurrency' | 'targetRate' | 'rampTo'> {
  if (phase.mode === 'closed') return { mode: 'closed', concurrency: phase.concurrency };
  return { mode: 'open', targetRate: phase.rate, ...(phase.rampTo !== undefined ? { rampTo: phase.rampTo } : {}) };
}

const sortedKeys = (records: Array<Record<string, unknown>>) => [...new Set(records.flatMap((r) => Object.keys(r)))].sort();

/** `startMs` is relative to the load start; the duration runs to the last worker's end, the window to the last end of scheduling */
export function summarizePhase(phase: Phase, results: WorkerPhaseResult[], loadStartEpochMs: number, phaseStartEpochMs: number): PhaseResult {
  const endMs = Math.max(phaseStartEpochMs, ...results.map((r) => r.endMs));
  const schedulingEndMs = Math.max(phaseStartEpochMs, ...results.map((r) => r.schedulingEndMs));
  const window: Window = {
    windowMs: schedulingEndMs - phaseStartEpochMs,
    measured: { completions: sum(results.map((r) => r.measured.completions)), ok: sum(results.map((r) => r.measured.ok)) },
    drain: { completions: sum(results.map((r) => r.drain.completions)), ok: sum(results.map((r) => r.drain.ok)), durationMs: endMs - schedulingEndMs },
  };
  const all = mergeParts(
    results.map((r) => r.counters),
    results.flatMap((r) => Object.values(r.latency)),
    results.flatMap((r) => Object.values(r.okLatency)),
    results.flatMap((r) => Object.values(r.service)),
  );
  const operations: Record<string, OperationSummary> = {};
  for (const op of sortedKeys(results.map((r) => r.perOpCounters))) {
    const parts = results.filter((r) => r.perOpCounters[op]);
    operations[op] = mergeParts(parts.map((r) => r.perOpCounters[op]), parts.map((r) => r.latency[op]), parts.map((r) => r.okLatency[op]), parts.map((r) => r.service[op]));
  }
  const recall = results.reduce((acc, r) => ({ sum: acc.sum + (r.recall?.sum ?? 0), count: acc.count + (r.recall?.count ?? 0) }), { sum: 0, count: 0 });
  return {
    name: phase.name,
    ...phaseShape(phase),
    startMs: phaseStartEpochMs - loadStartEpochMs,
    durationMs: endMs - phaseStartEpochMs,
    ...all,
    ...rates(all.counters, window),
    operations,
    ...(recall.count > 0 ? { recall: { value: recall.sum / recall.count, queries: recall.count } } : {}),
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** all phases together, as one PhaseResult named 'total'; its window is the sum of the phases' windows */
export function summarizeTotal(phases: PhaseResult[]): PhaseResult {
  const startMs = phases.length > 0 ? phases[0].startMs : 0;
  const durationMs = phases.length > 0 ? Math.max(...phases.map((p) => p.startMs + p.durationMs)) - startMs : 0;
  const all = mergeParts(phases.map((p) => p.counters), phases.map((p) => p.histogram), phases.map((p) => p.okHistogram), phases.map((p) => p.serviceHistogram));
  const operations: Record<string, OperationSummary> = {};
  for (const op of sortedKeys(phases.map((p) => p.operations))) {
    const parts = phases.flatMap((p) => (p.operations[op] ? [p.operations[op]] : []));
    operations[op] = mergeParts(parts.map((s) => s.counters), parts.map((s) => s.histogram), parts.map((s) => s.okHistogram), parts.map((s) => s.serviceHistogram));
  }
  const window: Window = {
    windowMs: sum(phases.map((p) => p.windowMs)),
    measured: { completions: sum(phases.map((p) => p.qps * (p.windowMs / 1000))), ok: sum(phases.map((p) => p.goodput * (p.windowMs / 1000))) },
    drain: { completions: sum(phases.map((p) => p.drain.completions)), ok: sum(phases.map((p) => p.drain.ok)), durationMs: sum(phases.map((p) => p.drain.durationMs)) },
  };
  return { name: 'total', mode: phases[0]?.mode ?? 'closed', startMs, durationMs, ...all, ...rates(all.counters, window), operations };
}

/** Every sum a merged phase must satisfy: its own books, its operations, its histograms and the workers' own checks. */
export function phaseAccounting(phase: PhaseResult, workers: WorkerPhaseResult[], intervalSum: Counters): string[] {
  const label = `phase ${phase.name}`;
  const problems = workers.flatMap((w) => w.accountingErrors ?? []);
  problems.push(...counterViolations(phase.counters, label));
  problems.push(...sumViolations(phase.counters, Object.values(phase.operations).map((o) => o.counters), `${label}: operations vs phase`));
  problems.push(...sumViolations(phase.counters, [intervalSum], `${label}: interval series vs phase`));
  const histogramCount = countOfEncoded(phase.histogram);
  if (histogramCount !== completions(phase.counters)) {
    problems.push(`${label}: latency histogram count ${histogramCount} ≠ ok + error + timeout ${completions(phase.counters)}`);
  }
  const okCount = countOfEncoded(phase.okHistogram);
  if (okCount !== phase.counters.ok) problems.push(`${label}: ok latency histogram count ${okCount} ≠ ok ${phase.counters.ok}`);
  return problems;
}
