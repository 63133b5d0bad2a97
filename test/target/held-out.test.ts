// Recall queries are held out: as far from the ingested rows as a fresh row of the same distribution is,
// never a base row plus noise (whose nearest neighbour would be its own source row).
import { expect, test } from 'vitest';
import { HELD_OUT_FIRST_ROW, heldOutKind, makeQueryVectors } from '../../src/target/queries.js';
import { vectorRows } from '../../src/target/vectors.js';
import { testScenario } from './scenario-fixture.js';

function nearestDistance(rows: Float32Array, dim: number, query: Float32Array, skip = -1): number {
  let best = Infinity;
  for (let r = 0; r < rows.length / dim; r++) {
    if (r === skip) continue;
    let d2 = 0;
    for (let d = 0; d < dim; d++) d2 += (rows[r * dim + d] - query[d]) ** 2;
    best = Math.min(best, d2);
  }
  return Math.sqrt(best);
}

test.each(['uniform', 'clustered'] as const)('%s: a query is as far from its nearest row as a row is from its nearest other row', (distribution) => {
  const dim = 16;
  const rows = 2000;
  const scenario = testScenario({ collection: { name: `held_out_${distribution}`, dim }, ingest: { rows, vectors: { kind: 'random', seed: 5, distribution } } });
  expect(heldOutKind(scenario)).toBe('distribution');
  const data = vectorRows(scenario.ingest.vectors, dim, 0, rows);
  const queries = makeQueryVectors(scenario, 40);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const queryGap = mean(Array.from({ length: 40 }, (_, i) => nearestDistance(data, dim, queries.subarray(i * dim, (i + 1) * dim))));
  const rowGap = mean(Array.from({ length: 40 }, (_, i) => nearestDistance(data, dim, data.subarray(i * dim, (i + 1) * dim), i)));
  // base row + 1 % noise would give a ratio near 0.01
  expect(queryGap / rowGap).toBeGreaterThan(0.7);
  expect(queryGap / rowGap).toBeLessThan(1.5);
  expect(Array.from(queries.subarray(0, dim))).toEqual(Array.from(vectorRows(scenario.ingest.vectors, dim, HELD_OUT_FIRST_ROW, 1)));
});
