// Exact top-k by brute force over the regenerated data, with Milvus's score semantics:
// L2 → squared distance, smaller first; IP → dot product and COSINE → cosine similarity, larger first.
// Tight Float32Array loops and buffers reused across chunks: no allocation per row or per element.
import type { MetricType, Scenario, VectorSource } from '../model/index.js';
import { knownRowCount, rowIdResolver } from './row-ids.js';
import { fillVectorRows } from './vectors.js';

export interface ExactNeighbours {
  queryIndex: number;
  /** primary keys, best first */
  ids: string[];
}

export interface TopK {
  /** row indices, best first */
  rows: number[];
  /** Milvus scores of those rows */
  scores: number[];
}

const CHUNK_ROWS = 4096;

function dot(a: Float32Array, aBase: number, b: Float32Array, bBase: number, dim: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    s0 += a[aBase + d] * b[bBase + d];
    s1 += a[aBase + d + 1] * b[bBase + d + 1];
    s2 += a[aBase + d + 2] * b[bBase + d + 2];
    s3 += a[aBase + d + 3] * b[bBase + d + 3];
  }
  for (; d < dim; d++) s0 += a[aBase + d] * b[bBase + d];
  return s0 + s1 + s2 + s3;
}

/** Dot products of one row with four consecutive queries: each row element is loaded once for four queries. */
function dot4(row: Float32Array, rowBase: number, queries: Float32Array, queryBase: number, dim: number, out: Float64Array): void {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const q1 = queryBase + dim, q2 = q1 + dim, q3 = q2 + dim;
  for (let d = 0; d < dim; d++) {
    const x = row[rowBase + d];
    s0 += x * queries[queryBase + d];
    s1 += x * queries[q1 + d];
    s2 += x * queries[q2 + d];
    s3 += x * queries[q3 + d];
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}

function norm(values: Float32Array, base: number, dim: number): number {
  return Math.sqrt(dot(values, base, values, base, dim));
}

/** Keeps the k best (largest key) rows per query, sorted; equal keys keep the earlier row, as rows arrive in order. */
class TopKKeeper {
  readonly keys: Float64Array;
  readonly rows: Int32Array;
  constructor(readonly queryCount: number, readonly k: number) {
    this.keys = new Float64Array(queryCount * k).fill(-Infinity);
    this.rows = new Int32Array(queryCount * k).fill(-1);
  }

  worst(query: number): number {
    return this.keys[query * this.k + this.k - 1];
  }

  offer(query: number, key: number, row: number): void {
    const base = query * this.k;
    let i = this.k - 1;
    if (!(key > this.keys[base + i])) return;
    while (i > 0 && key > this.keys[base + i - 1]) {
      this.keys[base + i] = this.keys[base + i - 1];
      this.rows[base + i] = this.rows[base + i - 1];
      i--;
    }
    this.keys[base + i] = key;
    this.rows[base + i] = row;
  }
}

function packQueries(queries: Float32Array, indices: number[], dim: number, normalise: boolean): Float32Array {
  const packed = new Float32Array(indices.length * dim);
  indices.forEach((queryIndex, q) => {
    packed.set(queries.subarray(queryIndex * dim, (queryIndex + 1) * dim), q * dim);
    if (normalise) {
      const length = norm(packed, q * dim, dim) || 1;
      for (let d = 0; d < dim; d++) packed[q * dim + d] /= length;
    }
  });
  return packed;
}

/** Visits the data in chunks of rows; `visit(chunk, firstRow, rowCount)`. */
export type RowScanner = (visit: (chunk: Float32Array, firstRow: number, rowCount: number) => void) => void;

export function scanSource(source: VectorSource, dim: number, rows: number): RowScanner {
  return (visit) => {
    const buffer = new Float32Array(CHUNK_ROWS * dim);
    for (let first = 0; first < rows; first += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rows - first);
      const chunk = count === CHUNK_ROWS ? buffer : buffer.subarray(0, count * dim);
      fillVectorRows(source, dim, first, chunk);
      visit(chunk, first, count);
    }
  };
}

export function scanArray(data: Float32Array, dim: number): RowScanner {
  return (visit) => visit(data, 0, data.length / dim);
}

/** Exact top-k for each selected query. */
export function exactTopK(
  metric: MetricType,
  scan: RowScanner,
  dim: number,
  queries: Float32Array,
  queryIndices: number[],
  k: number,
): TopK[] {
  const cosine = metric === 'COSINE';
  const packed = packQueries(queries, queryIndices, dim, cosine);
  const queryCount = queryIndices.length;
  const keeper = new TopKKeeper(queryCount, k);
  // L2 ranks by |x|² − 2x·q + |q|²: one dot-product kernel serves all three metrics.
  const queryNormsSquared = new Float64Array(queryCount);
  for (let q = 0; q < queryCount; q++) queryNormsSquared[q] = dot(packed, q * dim, packed, q * dim, dim);
  const blocked = queryCount - (queryCount % 4);
  const dots = new Float64Array(4);
  const offer = (q: number, product: number, rowNormSquared: number, rowScale: number, row: number) => {
    const key = metric === 'L2' ? 2 * product - rowNormSquared - queryNormsSquared[q] : product * rowScale;
    if (key > keeper.worst(q)) keeper.offer(q, key, row);
  };
  scan((chunk, firstRow, rowCount) => {
    for (let r = 0; r < rowCount; r++) {
      const rowBase = r * dim;
      const row = firstRow + r;
      const rowNormSquared = metric === 'IP' ? 0 : dot(chunk, rowBase, chunk, rowBase, dim);
      const rowScale = cosine ? 1 / (Math.sqrt(rowNormSquared) || 1) : 1;
      let q = 0;
      for (; q < blocked; q += 4) {
        dot4(chunk, rowBase, packed, q * dim, dim, dots);
        offer(q, dots[0], rowNormSquared, rowScale, row);
        offer(q + 1, dots[1], rowNormSquared, rowScale, row);
        offer(q + 2, dots[2], rowNormSquared, rowScale, row);
        offer(q + 3, dots[3], rowNormSquared, rowScale, row);
      }
      for (; q < queryCount; q++) offer(q, dot(chunk, rowBase, packed, q * dim, dim), rowNormSquared, rowScale, row);
    }
  });
  return Array.from({ length: queryCount }, (_, q) => {
    const rows: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < k; i++) {
      const row = keeper.rows[q * k + i];
      if (row < 0) break;
      rows.push(row);
      scores.push(metric === 'L2' ? Math.max(0, -keeper.keys[q * k + i]) : keeper.keys[q * k + i]);
    }
    return { rows, scores };
  });
}

/**
 * Exact neighbours of queries[queryIndices] among the collection's rows (as prepared in this process, else
 * ingest.rows), as primary keys. Empty when the keys are unknown (an autoId collection this process did not ingest).
 */
export function exactNeighbours(scenario: Scenario, queries: Float32Array, queryIndices: number[], topK: number): ExactNeighbours[] {
  const { dim, metric, name, autoId } = scenario.collection;
  const rows = knownRowCount(name) ?? scenario.ingest.rows;
  const idOf = rowIdResolver(name, autoId);
  if (!idOf || rows === 0 || queryIndices.length === 0) return [];
  const k = Math.min(topK, rows);
  const best = exactTopK(metric, scanSource(scenario.ingest.vectors, dim, rows), dim, queries, queryIndices, k);
  return best.map((top, q) => ({ queryIndex: queryIndices[q], ids: top.rows.map(idOf) }));
}

/**
 * The same on a worker thread, over the rows the collection really holds: `rows` acknowledged rows (the ingest's
 * acknowledged count, or count(*) measured before the run on a reused collection).
 */
export async function exactNeighboursOffThread(scenario: Scenario, queries: Float32Array, queryIndices: number[], topK: number, rows: number): Promise<ExactNeighbours[]> {
  const { dim, metric, name, autoId } = scenario.collection;
  const idOf = rowIdResolver(name, autoId);
  if (!idOf || rows === 0 || queryIndices.length === 0) return [];
  const autoIds = autoId ? Array.from({ length: rows }, (_, row) => idOf(row)) : null;
  const { computeNeighboursInWorker } = await import('./neighbours-worker.js');
  return computeNeighboursInWorker({ metric, source: scenario.ingest.vectors, dim, rows, queries, queryIndices, k: Math.min(topK, rows), autoIds });
}

/** recall@k of one answer: the share of the exact neighbours the server returned. */
export function recallOf(returnedIds: readonly string[], exactIds: readonly string[]): number {
  if (exactIds.length === 0) return 1;
  const exact = new Set(exactIds);
  let hits = 0;
  for (const id of returnedIds.slice(0, exactIds.length)) if (exact.has(id)) hits++;
  return hits / exactIds.length;
}
