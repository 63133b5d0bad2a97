import { describe, expect, it } from 'vitest';
import type { MetricType, Scenario } from '../../src/model/index.js';
import { exactNeighbours, exactTopK, makeQueryVectors, recallOf, scanArray, vectorRows } from '../../src/target/index.js';
import { forgetRows, rememberRows } from '../../src/target/row-ids.js';
import { distance } from '../support/milvus-double.js';
import { testScenario } from './scenario-fixture.js';

/** The textbook definition, one pair at a time (the test double's distance), in Milvus's score terms. */
function naiveTopK(metric: MetricType, data: Float32Array, dim: number, query: Float32Array, k: number) {
  const rows = data.length / dim;
  const scored = Array.from({ length: rows }, (_, r) => {
    const nearness = distance(metric, data.subarray(r * dim, (r + 1) * dim), query);
    return { row: r, nearness, score: metric === 'L2' ? nearness : -nearness };
  });
  scored.sort((a, b) => a.nearness - b.nearness || a.row - b.row);
  return scored.slice(0, k);
}

function scenarioFor(metric: MetricType, rows: number, dim: number, autoId = false): Scenario {
  return testScenario({
    collection: { name: `nn-${metric}-${autoId}`, dim, metric, autoId },
    ingest: { rows, vectors: { kind: 'random', seed: 11, distribution: 'normal' } },
  });
}

describe('exactTopK', () => {
  it.each(['L2', 'IP', 'COSINE'] as const)('%s matches the naive reference (rows, order and Milvus scores)', (metric) => {
    const dim = 13; // not a multiple of 4: exercises the kernel tails
    const source = { kind: 'random' as const, seed: 5, distribution: 'normal' as const };
    const data = vectorRows(source, dim, 0, 700);
    const queries = vectorRows({ ...source, seed: 6 }, dim, 0, 11);
    const indices = [0, 3, 4, 5, 6, 7, 10]; // 7 queries: one block of 4 plus 3 single ones
    const result = exactTopK(metric, scanArray(data, dim), dim, queries, indices, 10);
    indices.forEach((queryIndex, q) => {
      const expected = naiveTopK(metric, data, dim, queries.subarray(queryIndex * dim, (queryIndex + 1) * dim), 10);
      expect(result[q].rows).toEqual(expected.map((e) => e.row));
      result[q].scores.forEach((score, i) => expect(score).toBeCloseTo(expected[i].score, 4));
    });
  });

  it('returns every row when k exceeds the row count', () => {
    const data = Float32Array.from([0, 0, 1, 1, 5, 5]);
    const [top] = exactTopK('L2', scanArray(data, 2), 2, Float32Array.from([0.9, 0.9]), [0], 10);
    expect(top.rows).toEqual([1, 0, 2]);
    expect(top.scores[0]).toBeCloseTo(0.02, 6);
  });
});

describe('exactNeighbours', () => {
  it.each(['L2', 'IP', 'COSINE'] as const)('%s over regenerated data across chunk boundaries equals the naive answer', (metric) => {
    const scenario = scenarioFor(metric, 5000, 8);
    const queries = makeQueryVectors(scenario, 20);
    const data = vectorRows(scenario.ingest.vectors, 8, 0, 5000);
    const found = exactNeighbours(scenario, queries, [2, 19, 7], 5);
    expect(found.map((f) => f.queryIndex)).toEqual([2, 19, 7]);
    for (const { queryIndex, ids } of found) {
      const expected = naiveTopK(metric, data, 8, queries.subarray(queryIndex * 8, (queryIndex + 1) * 8), 5);
      expect(ids).toEqual(expected.map((e) => String(e.row)));
    }
  });

  it('the query’s source row is usually its nearest neighbour (queries come from the data)', () => {
    const scenario = scenarioFor('L2', 3000, 16);
    const queries = makeQueryVectors(scenario, 50);
    const found = exactNeighbours(scenario, queries, Array.from({ length: 50 }, (_, i) => i), 1);
    const distinct = new Set(found.map((f) => f.ids[0]));
    expect(distinct.size).toBeGreaterThan(40);
  });

  it('names autoId keys the ingest remembered, and gives up (empty) when they are unknown', () => {
    const scenario = scenarioFor('IP', 50, 4, true);
    const queries = makeQueryVectors(scenario, 2);
    forgetRows(scenario.collection.name);
    expect(exactNeighbours(scenario, queries, [0, 1], 3)).toEqual([]);
    rememberRows(scenario.collection.name, 50, Array.from({ length: 50 }, (_, r) => `44${r}`));
    const byRow = exactNeighbours({ ...scenario, collection: { ...scenario.collection, autoId: false } }, queries, [0, 1], 3);
    const byKey = exactNeighbours(scenario, queries, [0, 1], 3);
    expect(byKey.map((n) => n.ids)).toEqual(byRow.map((n) => n.ids.map((id) => `44${id}`)));
    forgetRows(scenario.collection.name);
  });

  it('searches only the rows the collection was prepared with in this process', () => {
    const scenario = scenarioFor('L2', 1000, 4);
    const queries = makeQueryVectors(scenario, 30);
    rememberRows(scenario.collection.name, 25, null);
    const found = exactNeighbours(scenario, queries, Array.from({ length: 30 }, (_, i) => i), 3);
    expect(found.flatMap((f) => f.ids).every((id) => Number(id) < 25)).toBe(true);
    forgetRows(scenario.collection.name);
    expect(exactNeighbours(scenario, queries, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3).some((f) => f.ids.some((id) => Number(id) >= 25))).toBe(true);
  });
});

describe('recallOf', () => {
  it('is the share of exact neighbours among the first k returned ids', () => {
    expect(recallOf(['1', '2', '3', '4'], ['1', '2', '3', '4'])).toBe(1);
    expect(recallOf(['4', '3', '9', '8'], ['1', '2', '3', '4'])).toBe(0.5);
    expect(recallOf(['9', '8', '7', '1'], ['1', '2', '3'])).toBe(0);
    expect(recallOf([], ['1', '2'])).toBe(0);
    expect(recallOf(['1'], [])).toBe(1);
  });
});
