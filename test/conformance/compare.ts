// Compares two targets' observations step by step: outcome class, Milvus status code, rows, hit ids (same order)
// and scores within float32 tolerance. Messages are not compared, only collected (they differ by design).
import type { Observation } from './flows.js';

type Hit = { id: string; score: number; [field: string]: unknown };

/** Relative tolerance of a score: both sides compute in float32, with different summation orders. */
const SCORE_TOLERANCE = 1e-5;

const isHitLists = (v: unknown): v is Hit[][] => Array.isArray(v) && v.every((q) => Array.isArray(q));
const rowKey = (row: unknown): string => JSON.stringify(Object.fromEntries(Object.entries(row as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))));

export function sameHits(a: Hit[][], b: Hit[][]): string | null {
  if (a.length !== b.length) return `${a.length} vs ${b.length} result lists`;
  for (let q = 0; q < a.length; q++) {
    const ids = (hits: Hit[]) => hits.map((h) => h.id).join(',');
    if (ids(a[q]!) !== ids(b[q]!)) return `query ${q}: ids ${ids(a[q]!)} vs ${ids(b[q]!)}`;
    for (let i = 0; i < a[q]!.length; i++) {
      const [x, y] = [a[q]![i]!, b[q]![i]!];
      if (Math.abs(x.score - y.score) > SCORE_TOLERANCE * Math.max(1, Math.abs(x.score))) return `query ${q} hit ${i}: score ${x.score} vs ${y.score}`;
      const fields = (h: Hit) => Object.keys(h).sort().join(',');
      if (fields(x) !== fields(y)) return `query ${q} hit ${i}: fields ${fields(x)} vs ${fields(y)}`;
      for (const key of Object.keys(x)) {
        if (key === 'score') continue;
        const [u, v] = [x[key], y[key]];
        const same = Array.isArray(u) && Array.isArray(v) ? u.length === v.length && u.every((n, k) => Math.abs(Number(n) - Number(v[k])) < 1e-6) : String(u) === String(v);
        if (!same) return `query ${q} hit ${i}: ${key} ${JSON.stringify(u)} vs ${JSON.stringify(v)}`;
      }
    }
  }
  return null;
}

/** Why two observations of the same step disagree, or null when they agree. */
export function disagreement(a: Observation | undefined, b: Observation | undefined): string | null {
  if (!a || !b) return `step missing on ${a ? 'the second' : 'the first'} target`;
  if (a.ok !== b.ok) return `outcome ${a.ok ? 'ok' : 'failed'} vs ${b.ok ? 'ok' : 'failed'} (${a.reason ?? a.thrown ?? ''} | ${b.reason ?? b.thrown ?? ''})`;
  if (!a.ok) {
    if ((a.thrown !== undefined) !== (b.thrown !== undefined)) return `one threw, the other answered a status (${a.thrown ?? a.reason} | ${b.thrown ?? b.reason})`;
    if (a.code !== b.code) return `status code ${a.code} vs ${b.code} (${a.reason} | ${b.reason})`;
    return null;
  }
  if (isHitLists(a.value) && isHitLists(b.value)) return sameHits(a.value, b.value);
  if (Array.isArray(a.value) && Array.isArray(b.value)) {
    const [x, y] = [a.value.map(rowKey).sort(), b.value.map(rowKey).sort()];
    return x.join('\n') === y.join('\n') ? null : `rows ${x.join(' ')} vs ${y.join(' ')}`;
  }
  return JSON.stringify(a.value) === JSON.stringify(b.value) ? null : `value ${JSON.stringify(a.value)} vs ${JSON.stringify(b.value)}`;
}

/** Failed steps whose messages differ: "step: real | look-alike", for the record. */
export function messageDifferences(real: Map<string, Observation>, local: Map<string, Observation>): string[] {
  const lines: string[] = [];
  for (const [step, r] of real) {
    const l = local.get(step);
    const [m, n] = [r.reason ?? r.thrown, l?.reason ?? l?.thrown];
    if (!r.ok && m !== n) lines.push(`${step}: real "${m}" | look-alike "${n}"`);
  }
  return lines;
}
