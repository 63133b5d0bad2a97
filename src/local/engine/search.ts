// Search primitives shared by segments, readers and proxies: top-K merge and the exact ground truth.
import type { MetricType, QueryRow, SearchHit, SearchResult } from './types.js';

export interface RowHit {
  row: number;
  /** Milvus-style: squared L2 distance, or IP / cosine similarity. */
  score: number;
}

export const largerIsBetter = (metric: MetricType): boolean => metric !== 'L2';

/** Merges partial results (per segment or per querynode) into the best `topK` per query; duplicate ids keep the best. */
export function mergeTopK(partials: SearchResult[], topK: number, metric: MetricType): SearchResult {
  const nq = Math.max(0, ...partials.map((p) => p.length));
  const better = largerIsBetter(metric) ? (a: SearchHit, b: SearchHit) => b.score - a.score : (a: SearchHit, b: SearchHit) => a.score - b.score;
  const merged: SearchResult = [];
  for (let q = 0; q < nq; q++) {
    const candidates = partials.flatMap((p) => p[q] ?? []).sort(better);
    const seen = new Set<string>();
    const hits: SearchHit[] = [];
    for (const hit of candidates) {
      if (hits.length >= topK) break;
      const key = `${typeof hit.id}:${hit.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push(hit);
    }
    merged.push(hits);
  }
  return merged;
}

export function mergeQueryRows(partials: QueryRow[][], limit?: number): QueryRow[] {
  const rows = partials.flat();
  return limit === undefined ? rows : rows.slice(0, limit);
}

/** Exact top-K over `base` (rows × dim) for each query by plain full scoring and sorting: the tests' ground truth. */
export function bruteForceSearch(base: Float32Array, dim: number, queries: Float32Array, topK: number, metric: MetricType): RowHit[][] {
  const rows = base.length / dim;
  const nq = queries.length / dim;
  const results: RowHit[][] = [];
  for (let q = 0; q < nq; q++) {
    const scored: RowHit[] = new Array(rows);
    for (let r = 0; r < rows; r++) scored[r] = { row: r, score: exactScore(base, r * dim, queries, q * dim, dim, metric) };
    scored.sort(largerIsBetter(metric) ? (a, b) => b.score - a.score || a.row - b.row : (a, b) => a.score - b.score || a.row - b.row);
    results.push(scored.slice(0, topK));
  }
  return results;
}

function exactScore(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dim: number, metric: MetricType): number {
  let sum = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < dim; i++) {
    const x = a[aOffset + i]!;
    const y = b[bOffset + i]!;
    if (metric === 'L2') sum += (x - y) * (x - y);
    else sum += x * y;
    normA += x * x;
    normB += y * y;
  }
  if (metric !== 'COSINE') return sum;
  return normA > 0 && normB > 0 ? sum / Math.sqrt(normA * normB) : 0;
}
