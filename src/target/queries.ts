// Held-out query vectors: drawn independently of the ingested rows, never a base row plus noise (which would put
// every query's nearest neighbour on its own source row and inflate recall). Query i depends on i alone.
// - random sources: row HELD_OUT_FIRST_ROW + i of the same generator — the same distribution (same cluster
//   centres for 'clustered'), an independent draw, and a row index no ingest reaches.
// - vector files: the file's rows after the ingested ones when it has enough; otherwise the midpoint of two
//   seeded random rows (a point of the data's region that is not itself a row).
import type { Scenario } from '../model/index.js';
import { RowRandom, Stream } from './prng.js';
import { knownRowCount } from './row-ids.js';
import { readVectorFileLayout } from './vector-files.js';
import { fillVectorRows } from './vectors.js';

/** Generator rows from here on are never ingested (ingest.rows is far below it). */
export const HELD_OUT_FIRST_ROW = 2 ** 40;

export type HeldOutKind = 'distribution' | 'file-tail' | 'file-midpoints';

/** How `makeQueryVectors` draws its queries for this scenario. */
export function heldOutKind(scenario: Scenario): HeldOutKind {
  const source = scenario.ingest.vectors;
  if (source.kind === 'random') return 'distribution';
  const rows = ingestedRows(scenario);
  return readVectorFileLayout(source.path, source.format).rows > rows ? 'file-tail' : 'file-midpoints';
}

function ingestedRows(scenario: Scenario): number {
  return Math.max(1, knownRowCount(scenario.collection.name) ?? scenario.ingest.rows);
}

/** n × dim floats in a SharedArrayBuffer, so load workers read them without copies. */
export function makeQueryVectors(scenario: Scenario, n: number): Float32Array {
  const { dim } = scenario.collection;
  const source = scenario.ingest.vectors;
  const queries = new Float32Array(new SharedArrayBuffer(n * dim * Float32Array.BYTES_PER_ELEMENT));
  const kind = heldOutKind(scenario);
  if (kind === 'distribution') {
    fillVectorRows(source, dim, HELD_OUT_FIRST_ROW, queries);
    return queries;
  }
  const rows = ingestedRows(scenario);
  const fileRows = source.kind === 'file' ? readVectorFileLayout(source.path, source.format).rows : rows;
  const row = new Float32Array(dim);
  const other = new Float32Array(dim);
  const random = new RowRandom();
  for (let i = 0; i < n; i++) {
    if (kind === 'file-tail') {
      fillVectorRows(source, dim, rows + (i % (fileRows - rows)), row);
      queries.set(row, i * dim);
      continue;
    }
    random.reseed(0, Stream.query, i);
    fillVectorRows(source, dim, Math.floor(random.nextDouble() * rows), row);
    fillVectorRows(source, dim, Math.floor(random.nextDouble() * rows), other);
    for (let d = 0; d < dim; d++) queries[i * dim + d] = (row[d] + other[d]) / 2;
  }
  return queries;
}
