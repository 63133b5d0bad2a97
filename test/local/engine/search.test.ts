import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bruteForceSearch, CollectionReader, CollectionStore, DEFAULT_NPROBE, mergeTopK, type MetricType } from '../../../src/local/engine/index.js';
import { clusteredVectors, DIM, mixedBatch, mixedSpec, tempDataDir, uniformVectors } from './fixtures.js';

const ROWS = 3_000;
const vectors = uniformVectors(ROWS, DIM, 1);
const queries = uniformVectors(20, DIM, 2);
let data: Awaited<ReturnType<typeof tempDataDir>>;

beforeAll(async () => {
  data = await tempDataDir();
});
afterAll(async () => data.cleanup());

async function collectionWith(name: string, metric: MetricType | undefined, rows: Float32Array, index: 'FLAT' | 'IVF_FLAT' = 'FLAT', nlist = 16): Promise<CollectionReader> {
  const store = await CollectionStore.open(data.dir, { segmentRows: 1_000 });
  await store.createCollection(mixedSpec(name));
  await store.append(name, mixedBatch(0, rows.length / DIM, rows));
  await store.flush(name);
  if (metric) await store.createIndex(name, { field: 'vec', type: index, metric, params: { nlist } });
  await store.close();
  return CollectionReader.open(data.dir, name);
}

describe('FLAT search', () => {
  for (const metric of ['L2', 'IP', 'COSINE'] as const) {
    it(`equals the brute-force reference for ${metric} (ids, order and scores)`, async () => {
      const reader = await collectionWith(`flat_${metric}`, metric, vectors);
      const got = reader.search({ vectors: queries, topK: 10, metric });
      const truth = bruteForceSearch(vectors, DIM, queries, 10, metric);
      expect(got).toHaveLength(20);
      for (let q = 0; q < 20; q++) {
        expect(got[q]!.map((h) => h.id)).toEqual(truth[q]!.map((h) => BigInt(h.row)));
        got[q]!.forEach((hit, i) => expect(hit.score).toBeCloseTo(truth[q]![i]!.score, 3));
      }
    });
  }

  it('returns L2 ascending and IP descending', async () => {
    const l2 = (await collectionWith('order_l2', 'L2', vectors)).search({ vectors: queries.subarray(0, DIM), topK: 5 })[0]!;
    const ip = (await collectionWith('order_ip', 'IP', vectors)).search({ vectors: queries.subarray(0, DIM), topK: 5 })[0]!;
    expect(l2.map((h) => h.score)).toEqual([...l2.map((h) => h.score)].sort((a, b) => a - b));
    expect(ip.map((h) => h.score)).toEqual([...ip.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('rejects a metric that differs from the index metric and a wrong query length', async () => {
    const reader = await collectionWith('mismatch', 'L2', vectors);
    expect(() => reader.search({ vectors: queries.subarray(0, DIM), topK: 5, metric: 'IP' })).toThrow(/metric type not match.*L2.*IP/);
    expect(() => reader.search({ vectors: new Float32Array(DIM + 1), topK: 5 })).toThrow(/expected nq × dim 16/);
    expect(() => reader.search({ vectors: queries.subarray(0, DIM), topK: 0 })).toThrow(/topK must be an integer/);
  });
});

describe('IVF_FLAT search', () => {
  it(`reaches recall@10 ≥ 0.95 on clustered data at the default nprobe ${DEFAULT_NPROBE}`, async () => {
    const base = clusteredVectors(8_000, DIM, 3);
    const probe = clusteredVectors(50, DIM, 4);
    const reader = await collectionWith('ivf_clustered', 'L2', base, 'IVF_FLAT', 64);
    expect(reader.segments().every((s) => s.indexFile)).toBe(true);
    const got = reader.search({ vectors: probe, topK: 10 });
    const truth = bruteForceSearch(base, DIM, probe, 10, 'L2');
    let found = 0;
    for (let q = 0; q < 50; q++) {
      const expected = new Set(truth[q]!.map((h) => BigInt(h.row)));
      found += got[q]!.filter((h) => expected.has(h.id as bigint)).length;
    }
    expect(found / 500).toBeGreaterThanOrEqual(0.95);
  });

  it('probes fewer rows with nprobe 1 than exact search: results differ from FLAT on uniform data', async () => {
    const reader = await collectionWith('ivf_uniform', 'L2', vectors, 'IVF_FLAT', 16);
    const truth = bruteForceSearch(vectors, DIM, queries, 10, 'L2');
    const narrow = reader.search({ vectors: queries, topK: 10, params: { nprobe: 1 } });
    const wide = reader.search({ vectors: queries, topK: 10, params: { nprobe: 16 } });
    const recall = (result: typeof narrow): number =>
      result.reduce((n, hits, q) => n + hits.filter((h) => truth[q]!.some((t) => BigInt(t.row) === h.id)).length, 0) / 200;
    expect(recall(narrow)).toBeLessThan(1);
    expect(recall(wide)).toBe(1); // nprobe = nlist probes every list: exact
  });
});

describe('IVF for IP, COSINE and the HNSW / AUTOINDEX stand-ins', () => {
  for (const metric of ['IP', 'COSINE'] as const) {
    it(`probing every list gives the exact ${metric} answer`, async () => {
      const reader = await collectionWith(`ivf_all_${metric}`, metric, vectors, 'IVF_FLAT', 8);
      const got = reader.search({ vectors: queries, topK: 10, params: { nprobe: 8 } });
      const truth = bruteForceSearch(vectors, DIM, queries, 10, metric);
      got.forEach((hits, q) => expect(hits.map((h) => h.id)).toEqual(truth[q]!.map((h) => BigInt(h.row))));
    });
  }

  it('serves HNSW with the IVF structure and maps ef to nprobe', async () => {
    const store = await CollectionStore.open(data.dir, { segmentRows: 1_000 });
    await store.createCollection(mixedSpec('hnsw'));
    await store.append('hnsw', mixedBatch(0, ROWS, vectors));
    await store.createIndex('hnsw', { field: 'vec', type: 'HNSW', metric: 'L2', params: { M: 16, efConstruction: 200 } });
    await store.flush('hnsw');
    const reader = await CollectionReader.open(data.dir, 'hnsw');
    expect(reader.segments().every((s) => s.indexFile?.endsWith('.ivf'))).toBe(true);
    const truth = bruteForceSearch(vectors, DIM, queries, 10, 'L2');
    const wide = reader.search({ vectors: queries, topK: 10, params: { ef: 400 } }); // nprobe 25 = every list of these 1000-row segments: exact
    wide.forEach((hits, q) => expect(hits.map((h) => h.id)).toEqual(truth[q]!.map((h) => BigInt(h.row))));
    expect(() => reader.search({ vectors: queries, topK: 10, params: { nprobe: 0 } })).toThrow(/nprobe must be an integer in 1..65536, got 0/);
  });
});

describe('mergeTopK', () => {
  it('keeps the best topK across partial results per metric and drops duplicate ids', () => {
    const a = [[{ id: 1n, score: 0.1, fields: {} }, { id: 2n, score: 0.5, fields: {} }]];
    const b = [[{ id: 3n, score: 0.3, fields: {} }, { id: 1n, score: 0.1, fields: {} }]];
    expect(mergeTopK([a, b], 2, 'L2')[0]!.map((h) => h.id)).toEqual([1n, 3n]);
    expect(mergeTopK([a, b], 2, 'IP')[0]!.map((h) => h.id)).toEqual([2n, 3n]);
  });
});
