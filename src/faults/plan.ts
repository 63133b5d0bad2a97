// Expands a fault schedule (repeats included) into occurrences, and describes where each would land (--dry-run).
import { UsageError } from '../errors.js';
import type { FaultSpec } from '../model/index.js';
import { errorText } from './common.js';
import { occurrenceSeed } from './pick.js';
import type { FaultBackend, FaultTargetRef } from './types.js';

export interface FaultOccurrence {
  /** position of the spec in scenario.faults */
  index: number;
  /** 0-based repeat number */
  occurrence: number;
  /** ms from the load start */
  atMs: number;
  spec: FaultSpec;
  seed: number;
}

export function expandOccurrences(faults: FaultSpec[]): FaultOccurrence[] {
  const occurrences: FaultOccurrence[] = [];
  faults.forEach((spec, index) => {
    const times = spec.repeat ? Math.max(1, spec.repeat.times) : 1;
    for (let occurrence = 0; occurrence < times; occurrence += 1) {
      const atMs = spec.atMs + (spec.repeat ? occurrence * spec.repeat.everyMs : 0);
      occurrences.push({ index, occurrence, atMs, spec, seed: occurrenceSeed(index, occurrence) });
    }
  });
  return occurrences.sort((a, b) => a.atMs - b.atMs || a.index - b.index);
}

/** Every spec the backend cannot run, one line each, as a UsageError; nothing when all are fine. */
export function assertFaultsSupported(backend: FaultBackend, faults: FaultSpec[]): void {
  const problems: string[] = [];
  faults.forEach((spec, index) => {
    const problem = backend.check?.(spec);
    if (problem) problems.push(`faults[${index}] (${spec.action} ${spec.target.role}): ${problem}`);
  });
  if (problems.length > 0) throw new UsageError(problems.join('\n'), problems);
}

export async function resolveOccurrence(
  backend: FaultBackend,
  occurrence: FaultOccurrence,
): Promise<{ targets: FaultTargetRef[]; detail: string }> {
  if (backend.resolvePick) return backend.resolvePick(occurrence.spec, occurrence.seed);
  return { targets: await backend.resolve(occurrence.spec), detail: `resolved by ${backend.name}` };
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
}

/** One line per scheduled occurrence with the targets it would hit today; resolves only, touches nothing. */
export async function describePlan(backend: FaultBackend, faults: FaultSpec[]): Promise<string[]> {
  assertFaultsSupported(backend, faults);
  const lines = [`fault backend: ${backend.describe()}`];
  for (const occurrence of expandOccurrences(faults)) {
    const { spec } = occurrence;
    const repeat = spec.repeat ? ` #${occurrence.occurrence + 1}/${spec.repeat.times}` : '';
    const revert = spec.revertAfterMs !== undefined ? `, revert after ${formatSeconds(spec.revertAfterMs)}` : '';
    let where: string;
    try {
      const { targets, detail } = await resolveOccurrence(backend, occurrence);
      where = `${targets.map((t) => t.name).join(', ')} (${detail})`;
    } catch (error) {
      where = `cannot resolve: ${errorText(error)}`;
    }
    lines.push(`at +${formatSeconds(occurrence.atMs)}${repeat}: ${spec.action} ${spec.target.role} pick=${String(spec.target.pick)} → ${where}${revert}`);
  }
  return lines;
}
