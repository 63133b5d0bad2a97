import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectionReader, CollectionStore, compileFilter, EngineError } from '../../../src/local/engine/index.js';
import { DIM, mixedBatch, mixedSpec, tempDataDir, uniformVectors } from './fixtures.js';

const ROWS = 500;
const vectors = uniformVectors(ROWS, DIM, 5);
let data: Awaited<ReturnType<typeof tempDataDir>>;
let reader: CollectionReader;

beforeAll(async () => {
  data = await tempDataDir();
  const store = await CollectionStore.open(data.dir, { segmentRows: 200 });
  await store.createCollection(mixedSpec('books'));
  await store.append('books', mixedBatch(0, 400, vectors));
  await store.flush('books');
  await store.append('books', mixedBatch(400, 100, vectors)); // stays growing
  await store.close();
  reader = await CollectionReader.open(data.dir, 'books');
});
afterAll(async () => data.cleanup());

/** Reference: the same rows as plain objects. */
const rows = Array.from({ length: ROWS }, (_, i) => ({ id: i, price: i / 2, year: 2000 + (i % 25), available: i % 2 === 0, title: `t${i}` }));
type Row = (typeof rows)[number];
const ids = (predicate: (r: Row) => boolean): bigint[] => rows.filter(predicate).map((r) => BigInt(r.id));
const queried = (filter: string): bigint[] => reader.query({ filter }).map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : 1));

describe('filter expressions', () => {
  const cases: [string, (r: Row) => boolean][] = [
    ['id == 7', (r) => r.id === 7],
    ['id != 7 and id < 10', (r) => r.id !== 7 && r.id < 10],
    ['price >= 100.5', (r) => r.price >= 100.5],
    ['price < 3', (r) => r.price < 3],
    ['year in [2001, 2003]', (r) => r.year === 2001 || r.year === 2003],
    ['year not in [2001, 2003] && id <= 30', (r) => r.year !== 2001 && r.year !== 2003 && r.id <= 30],
    ['available == true and id > 490', (r) => r.available && r.id > 490],
    ['available != true && id < 6', (r) => !r.available && r.id < 6],
    ["title == 't42'", (r) => r.title === 't42'],
    ['title in ["t1", "t2", "t499"]', (r) => ['t1', 't2', 't499'].includes(r.title)],
    ['id < 5 or id > 495', (r) => r.id < 5 || r.id > 495],
    ['id < 5 || (year == 2010 && price > 200)', (r) => r.id < 5 || (r.year === 2010 && r.price > 200)],
    ['not (id >= 3)', (r) => !(r.id >= 3)],
    ['!(id >= 3) and available', (r) => r.id < 3 && r.available],
    ['10 < id <= 12', (r) => r.id > 10 && r.id <= 12],
    ['5 > id', (r) => r.id < 5],
    ['id == 7 or id == 8 and year == 2000', (r) => r.id === 7 || (r.id === 8 && r.year === 2000)],
    ['id < 2.5', (r) => r.id < 2.5],
    ['', () => true],
  ];
  for (const [expr, reference] of cases) {
    it(`${expr || '(empty)'} selects the reference rows`, () => {
      expect(queried(expr)).toEqual(ids(reference));
    });
  }

  const errors: [string, RegExp][] = [
    ['color == 1', /unknown field "color".*position 0/],
    ['id == "a"', /type mismatch: field "id" is int64, cannot compare with string/],
    ["title > 3", /type mismatch: field "title" is varchar/],
    ['available < true', /field "available" is bool: only ==, != and in/],
    ['id ==', /expected a literal after '==' but found end of expression at position 5/],
    ['(id == 1', /expected '\)' but found end of expression/],
    ['id == 1 id == 2', /unexpected "id" at position 8/],
    ["title == 'abc", /unterminated string starting at position 9/],
    ['id in [1, 2', /expected ',' but found end of expression/],
    ['vec == 1', /field "vec" is a vector and cannot be filtered/],
    ['id # 3', /unexpected character '#' at position 3/],
  ];
  for (const [expr, message] of errors) {
    it(`rejects ${expr} with a clear message`, () => {
      let caught: unknown;
      try {
        compileFilter(expr, reader.schema);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(EngineError);
      expect((caught as EngineError).code).toBe('invalid_filter');
      expect((caught as EngineError).message).toMatch(message);
    });
  }
});

describe('query and count', () => {
  it('returns output fields, respects limit and offset', () => {
    const page = reader.query({ filter: 'id < 10', outputFields: ['title', 'price', 'available'], limit: 3, offset: 2 });
    expect(page).toEqual([
      { id: 2n, title: 't2', price: 1, available: true },
      { id: 3n, title: 't3', price: 1.5, available: false },
      { id: 4n, title: 't4', price: 2, available: true },
    ]);
    const all = reader.query({ filter: 'id == 450', outputFields: ['*'] });
    expect(Object.keys(all[0]!).sort()).toEqual(['available', 'id', 'price', 'title', 'vec', 'year']);
    expect(Array.from(all[0]!.vec as Float32Array)).toEqual(Array.from(vectors.subarray(450 * DIM, 451 * DIM)));
  });

  it('counts all rows (sealed and growing) and filtered rows', () => {
    expect(reader.count()).toBe(500);
    expect(reader.count('available == false')).toBe(250);
    expect(reader.count('year == 2024')).toBe(ids((r) => r.year === 2024).length);
  });

  it('rejects an unknown output field', () => {
    expect(() => reader.query({ filter: 'id < 3', outputFields: ['colour'] })).toThrow(/field "colour" does not exist/);
  });
});

describe('filtered search', () => {
  it('returns only matching rows, in exact order, across sealed and growing segments', () => {
    const query = vectors.subarray(0, DIM);
    const hits = reader.search({ vectors: query, topK: 20, filter: 'year == 2003 or id >= 480', outputFields: ['year'] })[0]!;
    expect(hits).toHaveLength(20);
    for (const hit of hits) expect(hit.fields.year === 2003n || (hit.id as bigint) >= 480n).toBe(true);
    const unfiltered = reader.search({ vectors: query, topK: 500 })[0]!;
    const expected = unfiltered.filter((h) => rows[Number(h.id)]!.year === 2003 || Number(h.id) >= 480).slice(0, 20);
    expect(hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
  });

  it('returns no hits when nothing matches', () => {
    expect(reader.search({ vectors: vectors.subarray(0, DIM), topK: 5, filter: 'id < 0' })).toEqual([[]]);
  });
});
