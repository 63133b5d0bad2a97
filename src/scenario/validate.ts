// Scenario validation: zod for shape and defaults, then the rules that span fields (phase names, fault timing).
import path from 'node:path';
import type { FaultSpec, IndexType, Operation, Phase, Scenario } from '../model/index.js';
import { formatDuration } from './duration.js';
import type { ParsedFault } from './fault-schema.js';
import { checkMilvusLimits } from './milvus-limits.js';
import { errorMap, formatIssues, withAllowed } from './problems.js';
import { ScenarioSchema, type ParsedPhase, type ParsedScenario } from './scenario-schema.js';

export interface Validation<T> {
  value: T | null;
  /** every problem found, one line each, e.g. `scenario.phases[1].rate: must be a positive number (got -5)` */
  errors: string[];
}

/** Names a phase cannot take because SLO keys (`<phase>.search.p99`) would become ambiguous. */
const RESERVED_PHASE_NAMES = new Set(['search', 'query', 'fault', 'ingest', 'recall', 'count', 'downtime', 'recovery', 'dropped', 'total']);
const INDEX_DEFAULTS: Record<IndexType, Record<string, number>> = {
  FLAT: {},
  IVF_FLAT: { nlist: 128 },
  HNSW: { M: 16, efConstruction: 200 },
  AUTOINDEX: {},
};
const MIN_MAX_IN_FLIGHT = 64;

/** Pure: parse a scenario object (what a file default-exports) into a resolved Scenario. */
export function validateScenario(input: unknown, file: string): Validation<Scenario> {
  const parsed = ScenarioSchema.safeParse(input, { reportInput: true, error: errorMap });
  if (!parsed.success) return { value: null, errors: formatIssues('scenario', parsed.error.issues) };
  const scenario = resolveScenario(parsed.data, file);
  const errors = checkScenario(scenario);
  return errors.length > 0 ? { value: null, errors } : { value: scenario, errors };
}

/** Cross-field rules on a resolved scenario; run again after flag overrides. */
export function checkScenario(scenario: Scenario): string[] {
  const errors: string[] = [];
  const seen = new Map<string, number>();
  scenario.phases.forEach((phase, i) => {
    const previous = seen.get(phase.name);
    if (previous !== undefined) errors.push(`scenario.phases[${i}].name: ${withAllowed(`"${phase.name}" is already used by phases[${previous}]`, 'a name no other phase has')}`);
    else seen.set(phase.name, i);
    if (RESERVED_PHASE_NAMES.has(phase.name)) {
      errors.push(`scenario.phases[${i}].name: ${withAllowed(`"${phase.name}" is reserved for SLO keys`, `any name but ${[...RESERVED_PHASE_NAMES].join(', ')}`)}`);
    }
  });
  if (scenario.collection.recreate && scenario.ingest.skip) {
    errors.push(`scenario.ingest.skip: ${withAllowed('contradicts collection.recreate: true (recreating empties the collection)', 'one of recreate and skip set to true')}`);
  }
  errors.push(...checkMilvusLimits(scenario));
  const loadEndMs = totalLoadMs(scenario.phases);
  scenario.faults.forEach((fault, i) => errors.push(...checkFaultTiming(fault, i, loadEndMs)));
  return errors;
}

export function totalLoadMs(phases: readonly Pick<Phase, 'durationMs'>[]): number {
  return phases.reduce((sum, phase) => sum + phase.durationMs, 0);
}

function checkFaultTiming(fault: FaultSpec, i: number, loadEndMs: number): string[] {
  const before = `times before ${formatDuration(loadEndMs)}, the sum of phase durations`;
  if (fault.atMs >= loadEndMs) return [`scenario.faults[${i}].at: ${withAllowed(`${formatDuration(fault.atMs)} is not before the end of the load`, before)}`];
  if (!fault.repeat) return [];
  if (fault.revertAfterMs !== undefined && fault.revertAfterMs >= fault.repeat.everyMs) {
    const every = formatDuration(fault.repeat.everyMs);
    const revert = formatDuration(fault.revertAfterMs);
    return [`scenario.faults[${i}].repeat.every: ${withAllowed(`${every} is not longer than revertAfter (${revert}), so occurrences would overlap`, `durations longer than ${revert}`)}`];
  }
  const lastMs = fault.atMs + fault.repeat.everyMs * (fault.repeat.times - 1);
  if (lastMs < loadEndMs) return [];
  return [`scenario.faults[${i}].repeat: ${withAllowed(`occurrence ${fault.repeat.times} at ${formatDuration(lastMs)} is not before the end of the load`, `every occurrence at ${before}`)}`];
}

function resolveScenario(parsed: ParsedScenario, file: string): Scenario {
  const { collection, ingest } = parsed;
  const vectors = ingest.vectors.file !== undefined
    ? {
        kind: 'file' as const,
        path: path.resolve(path.dirname(file), ingest.vectors.file),
        format: ingest.vectors.file.toLowerCase().endsWith('.npy') ? ('npy' as const) : ('fvecs' as const),
      }
    : { kind: 'random' as const, seed: ingest.vectors.random?.seed ?? 42, distribution: ingest.vectors.random?.distribution ?? 'uniform' };
  return {
    name: parsed.name,
    description: parsed.description,
    collection: {
      ...collection,
      index: { type: collection.index.type, params: { ...INDEX_DEFAULTS[collection.index.type], ...collection.index.params } },
    },
    ingest: { ...ingest, vectors },
    phases: parsed.phases.map((phase, i) => ({ ...resolvePhase(phase, i), slowMs: parsed.availability.slowMs })),
    faults: parsed.faults.map(resolveFault),
    slo: parsed.slo,
    warmupMs: parsed.warmup,
    verify: parsed.verify,
    metrics: { intervalMs: parsed.metrics.interval, recoverySuccesses: parsed.metrics.recoverySuccesses },
    availability: parsed.availability,
    recovery: parsed.recovery,
    file,
  };
}

function resolvePhase(phase: ParsedPhase, i: number): Phase {
  const base = {
    name: phase.name ?? `phase-${i + 1}`,
    durationMs: phase.duration,
    operations: phase.operations.map(resolveOperation),
    timeoutMs: phase.timeout,
    ...(phase.maxRequests !== undefined ? { maxRequests: phase.maxRequests } : {}),
  };
  if (phase.rate === undefined) return { ...base, mode: 'closed', concurrency: phase.concurrency ?? 1 };
  return {
    ...base,
    mode: 'open',
    rate: phase.rate,
    ...(phase.rampTo !== undefined ? { rampTo: phase.rampTo } : {}),
    maxInFlight: phase.maxInFlight ?? defaultMaxInFlight(Math.max(phase.rate, phase.rampTo ?? 0), phase.timeout),
  };
}

/** Enough slots for every request of one timeout window at the peak rate, so only a stalled client drops. */
export function defaultMaxInFlight(peakRate: number, timeoutMs: number): number {
  return Math.max(MIN_MAX_IN_FLIGHT, Math.ceil((peakRate * timeoutMs) / 1000));
}

function resolveOperation(operation: ParsedPhase['operations'][number]): Operation {
  if (operation.search) {
    const { filter, ...search } = operation.search;
    return { kind: 'search', weight: operation.weight, ...search, ...(filter !== undefined ? { filter } : {}) };
  }
  const query = operation.query!;
  return { kind: 'query', weight: operation.weight, ...query };
}

function resolveFault(fault: ParsedFault): FaultSpec {
  const options: FaultSpec['options'] = {};
  if (fault.signal !== undefined) options.signal = fault.signal;
  if (fault.latency !== undefined) options.latencyMs = fault.latency;
  if (fault.jitter !== undefined) options.jitterMs = fault.jitter;
  if (fault.loss !== undefined) options.lossPercent = fault.loss;
  if (fault.command !== undefined) options.command = fault.command;
  if (fault.revertCommand !== undefined) options.revertCommand = fault.revertCommand;
  return {
    atMs: fault.at,
    action: fault.action,
    target: { role: fault.target.role, pick: fault.target.pick },
    ...(fault.revertAfter !== undefined ? { revertAfterMs: fault.revertAfter } : {}),
    ...(fault.repeat ? { repeat: { everyMs: fault.repeat.every, times: fault.repeat.times } } : {}),
    options,
  };
}
