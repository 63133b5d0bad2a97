// Turns a role's candidates and a pick ('one' | 'all' | count | 'NN%' | exact name | 'first') into targets, deterministically.
import type { FaultPick } from '../model/index.js';
import type { FaultTargetRef } from './types.js';
import { seededRandom } from '../random.js';

export interface PickResult {
  targets: FaultTargetRef[];
  /** how the pick was resolved, recorded in the result */
  detail: string;
}

export class PickError extends Error {}

/** A seed per scheduled occurrence, so a rerun of the same scenario hits the same targets. */
export function occurrenceSeed(index: number, occurrence: number): number {
  let hash = 0x811c9dc5;
  for (const ch of `${index}:${occurrence}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}


function seededSample(sorted: FaultTargetRef[], count: number, seed: number): FaultTargetRef[] {
  const random = seededRandom(seed);
  const pool = [...sorted];
  for (let i = pool.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count).sort((a, b) => a.name.localeCompare(b.name));
}

/** Parses a pick into a count of targets, or null when it is a name / 'all' / 'first'. */
export function pickCount(pick: FaultPick, available: number): number | null {
  if (pick === 'one') return 1;
  if (typeof pick === 'number') return pick;
  if (/^\d+$/.test(pick)) return Number(pick);
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(pick);
  if (percent) return Math.max(1, Math.ceil((Number(percent[1]) * available) / 100));
  return null;
}

export function pickTargets(candidates: FaultTargetRef[], pick: FaultPick, seed: number, roleLabel: string): PickResult {
  const sorted = [...candidates].sort((a, b) => a.name.localeCompare(b.name));
  const names = sorted.map((c) => c.name).join(', ') || 'none';
  if (sorted.length === 0) throw new PickError(`no ${roleLabel} targets found`);
  if (pick === 'all') return { targets: sorted, detail: `all ${sorted.length}` };
  if (pick === 'first') return { targets: [sorted[0]], detail: `first by name among ${sorted.length}` };
  const count = pickCount(pick, sorted.length);
  if (count !== null) {
    if (!Number.isInteger(count) || count < 1) throw new PickError(`pick ${String(pick)} must select at least one target`);
    if (count > sorted.length) {
      throw new PickError(`pick ${String(pick)} needs ${count} ${roleLabel} targets but only ${sorted.length} exist (${names})`);
    }
    if (count === sorted.length) return { targets: sorted, detail: `all ${sorted.length} (pick ${String(pick)})` };
    return { targets: seededSample(sorted, count, seed), detail: `seeded random (seed ${seed}) ${count} of ${sorted.length}` };
  }
  const exact = sorted.filter((c) => c.name === pick);
  if (exact.length === 0) throw new PickError(`no ${roleLabel} target named '${String(pick)}' (found: ${names})`);
  return { targets: exact, detail: 'exact name' };
}
