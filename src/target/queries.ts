// Query vectors from the data's own distribution: data rows at seeded random indices plus a little noise,
// so searches land where the data is (and recall means something). Query i depends on i alone (and on the
// row count: the collection's as prepared in this process, else ingest.rows).
import type { Scenario } from '../scenario/types.js';
import { RowRandom, Stream } from './prng.js';
import { knownRowCount } from './row-ids.js';
import { dataSeed } from './rows.js';
import { fillVectorRows } from './vectors.js';

/** Noise standard deviation relative to the row's RMS value: near its source row, rarely on top of it. */
export const QUERY_NOISE = 0.01;

/** The data row query `queryIndex` is drawn from. */
export function queryBaseRow(seed: number, rows: number, queryIndex: number, random = new RowRandom()): number {
  random.reseed(seed, Stream.query, queryIndex);
  return Math.floor(random.nextDouble() * rows);
}

/** n × dim floats in a SharedArrayBuffer, so load workers read them without copies. */
export function makeQueryVectors(scenario: Scenario, n: number): Float32Array {
  const { dim } = scenario.collection;
  const rows = Math.max(1, knownRowCount(scenario.collection.name) ?? scenario.ingest.rows);
  const source = scenario.ingest.vectors;
  const seed = dataSeed(source);
  const queries = new Float32Array(new SharedArrayBuffer(n * dim * Float32Array.BYTES_PER_ELEMENT));
  const random = new RowRandom();
  const row = new Float32Array(dim);
  for (let i = 0; i < n; i++) {
    fillVectorRows(source, dim, queryBaseRow(seed, rows, i, random), row);
    let sumSquares = 0;
    for (let d = 0; d < dim; d++) sumSquares += row[d] * row[d];
    const sigma = QUERY_NOISE * (Math.sqrt(sumSquares / dim) || 1);
    random.reseed(seed, Stream.query + 1, i);
    for (let d = 0; d < dim; d++) queries[i * dim + d] = row[d] + sigma * random.nextNormal();
  }
  return queries;
}
