import { appendFile, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CollectionReader, CollectionStore, EngineError } from '../../../src/local/engine/index.js';
import { DIM, mixedBatch, mixedSpec, tempDataDir, uniformVectors } from './fixtures.js';

const vectors = uniformVectors(1_000, DIM, 7);
let data: Awaited<ReturnType<typeof tempDataDir>>;
beforeEach(async () => {
  data = await tempDataDir();
});
afterEach(async () => data.cleanup());

async function caught(work: () => Promise<unknown>): Promise<EngineError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected an EngineError');
}

describe('persistence', () => {
  it('round-trips schema, rows and ids through real files into a new store and reader', async () => {
    const store = await CollectionStore.open(data.dir, { segmentRows: 300 });
    const schema = await store.createCollection(mixedSpec('books'));
    await store.append('books', mixedBatch(0, 450, vectors));
    await store.append('books', mixedBatch(450, 250, vectors));
    const segments = await store.flush('books');
    expect(segments.map((s) => [s.state, s.rows])).toEqual([['sealed', 300], ['sealed', 300], ['sealed', 100]]);
    await store.close();

    const reopened = await CollectionStore.open(data.dir, { segmentRows: 300 });
    expect(reopened.listCollections()).toEqual(['books']);
    expect(reopened.describeCollection('books')).toEqual(schema);
    expect(reopened.rowCount('books')).toBe(700);
    expect(reopened.listSegments('books')).toEqual(segments);
    const reader = await CollectionReader.open(data.dir, 'books');
    const rows = reader.query({ outputFields: ['title', 'year', 'vec'] });
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 700 }, (_, i) => BigInt(i)));
    expect(rows[699]!.title).toBe('t699');
    expect(rows[699]!.year).toBe(2024n);
    expect(Array.from(rows[123]!.vec as Float32Array)).toEqual(Array.from(vectors.subarray(123 * DIM, 124 * DIM)));
  });

  it('keeps acknowledged but unflushed rows readable after a crash (no close, no flush)', async () => {
    const store = await CollectionStore.open(data.dir, { segmentRows: 300 });
    await store.createCollection(mixedSpec('books'));
    await store.append('books', mixedBatch(0, 350, vectors)); // 300 sealed + 50 growing
    await store.append('books', mixedBatch(350, 20, vectors));
    // A querynode reading the data dir directly sees the growing rows.
    const reader = await CollectionReader.open(data.dir, 'books');
    expect(reader.count()).toBe(370);
    expect(reader.segments().map((s) => [s.state, s.rows])).toEqual([['sealed', 300], ['growing', 70]]);
    // A new writer recovers them from the log and can seal them.
    const recovered = await CollectionStore.open(data.dir, { segmentRows: 300 });
    expect(recovered.rowCount('books')).toBe(370);
    await recovered.append('books', mixedBatch(370, 5, vectors));
    await recovered.flush('books');
    const after = await CollectionReader.open(data.dir, 'books');
    expect(after.query({ filter: 'id >= 340' }).map((r) => r.id)).toEqual(Array.from({ length: 35 }, (_, i) => BigInt(340 + i)));
    expect(after.segments().every((s) => s.state === 'sealed')).toBe(true);
  });

  it('cuts a torn log tail (a write that was never acknowledged) and keeps appending', async () => {
    const store = await CollectionStore.open(data.dir);
    await store.createCollection(mixedSpec('books'));
    await store.append('books', mixedBatch(0, 10, vectors));
    const log = store.listSegments('books')[0]!.file;
    await appendFile(log, Buffer.from([0x52, 0x4c, 0x41, 0x57, 1, 0, 0, 0, 99])); // half a record header
    expect((await CollectionReader.open(data.dir, 'books')).count()).toBe(10);
    const recovered = await CollectionStore.open(data.dir);
    await recovered.append('books', mixedBatch(10, 5, vectors));
    expect((await CollectionReader.open(data.dir, 'books')).count()).toBe(15);
  });

  it('assigns monotonic auto ids that survive a restart', async () => {
    const store = await CollectionStore.open(data.dir, { segmentRows: 8 });
    await store.createCollection(mixedSpec('auto', true));
    const first = await store.append('auto', mixedBatch(0, 10, vectors, false));
    const restarted = await CollectionStore.open(data.dir, { segmentRows: 8 }); // crash: no close
    const second = await restarted.append('auto', mixedBatch(10, 5, vectors, false));
    const all = [...first.ids, ...second.ids] as bigint[];
    expect(new Set(all).size).toBe(15);
    for (let i = 1; i < all.length; i++) expect(all[i]! > all[i - 1]!).toBe(true);
    const reader = await CollectionReader.open(data.dir, 'auto');
    expect(reader.query({}).map((r) => r.id)).toEqual(all);
  });
});

describe('corrupted files', () => {
  async function sealedSegment(): Promise<string> {
    const store = await CollectionStore.open(data.dir);
    await store.createCollection(mixedSpec('books'));
    await store.append('books', mixedBatch(0, 100, vectors));
    const [segment] = await store.flush('books');
    await store.close();
    return segment!.file;
  }

  it('names the file and says it is truncated', async () => {
    const file = await sealedSegment();
    await truncate(file, (await stat(file)).size - 10);
    const error = await caught(() => CollectionReader.open(data.dir, 'books'));
    expect(error.code).toBe('corrupt_file');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/truncated/);
  });

  it('detects a flipped byte by checksum', async () => {
    const file = await sealedSegment();
    const bytes = await readFile(file);
    bytes[bytes.length - 3]! ^= 0xff;
    await writeFile(file, bytes);
    const error = await caught(() => CollectionReader.open(data.dir, 'books'));
    expect(error.message).toBe(`${file}: checksum mismatch (content corrupted)`);
  });
});

describe('persisted index', () => {
  it('reloads from its file without rebuilding and gives identical results', async () => {
    const store = await CollectionStore.open(data.dir, { segmentRows: 400 });
    await store.createCollection(mixedSpec('books'));
    await store.append('books', mixedBatch(0, 1_000, vectors));
    await store.flush('books');
    await store.createIndex('books', { field: 'vec', type: 'IVF_FLAT', metric: 'L2', params: { nlist: 8 } });
    await store.close();
    const first = await CollectionReader.open(data.dir, 'books');
    const files = first.segments().map((s) => s.indexFile!);
    expect(files).toHaveLength(3);
    const before = await Promise.all(files.map((f) => stat(f)));
    const query = { vectors: vectors.subarray(0, 4 * DIM), topK: 10, params: { nprobe: 2 } };
    const expected = first.search(query);

    const second = await CollectionReader.open(data.dir, 'books');
    expect(second.search(query)).toEqual(expected);
    const after = await Promise.all(files.map((f) => stat(f)));
    expect(after.map((s) => [s.ino, s.mtimeMs])).toEqual(before.map((s) => [s.ino, s.mtimeMs]));
    // The reader really reads the file: a damaged index is reported, not silently rebuilt.
    await truncate(files[0]!, 20);
    const error = await caught(() => CollectionReader.open(data.dir, 'books'));
    expect(error.message).toContain(files[0]!);
  });

  it('indexes segments sealed after createIndex and refuses a different second index', async () => {
    const store = await CollectionStore.open(data.dir, { segmentRows: 100 });
    await store.createCollection(mixedSpec('books'));
    await store.createIndex('books', { field: 'vec', type: 'IVF_FLAT', metric: 'IP', params: {} });
    await store.append('books', mixedBatch(0, 250, vectors));
    expect(store.listSegments('books').map((s) => [s.state, Boolean(s.indexFile)])).toEqual([['sealed', true], ['sealed', true], ['growing', false]]);
    expect([store.indexedRows('books'), store.rowCount('books')]).toEqual([200, 250]);
    const error = await caught(() => store.createIndex('books', { field: 'vec', type: 'IVF_FLAT', metric: 'L2', params: {} }));
    expect(error.message).toMatch(/already has a different index/);
    await store.dropIndex('books');
    expect(store.listSegments('books').some((s) => s.indexFile)).toBe(false);
    expect(store.indexedRows('books')).toBe(0);
  });
});

describe('reader refresh and collection lifecycle', () => {
  it('follows appends, seals, index builds and drops', async () => {
    const store = await CollectionStore.open(data.dir, { segmentRows: 100 });
    await store.createCollection(mixedSpec('books'));
    await store.append('books', mixedBatch(0, 30, vectors));
    const reader = await CollectionReader.open(data.dir, 'books');
    const evenSegments = await CollectionReader.open(data.dir, 'books', { segmentFilter: (s) => s.id % 2 === 0 });
    await store.append('books', mixedBatch(30, 150, vectors));
    await reader.refresh();
    expect(reader.count()).toBe(180);
    await store.flush('books');
    await store.createIndex('books', { field: 'vec', type: 'IVF_FLAT', metric: 'L2', params: { nlist: 2 } });
    await reader.refresh();
    expect(reader.segments().map((s) => [s.state, s.rows, Boolean(s.indexFile)])).toEqual([['sealed', 100, true], ['sealed', 80, true]]);
    expect(reader.index()?.type).toBe('IVF_FLAT');
    await evenSegments.refresh();
    expect(evenSegments.segments().map((s) => s.id)).toEqual([2]);
    expect(evenSegments.count()).toBe(80);
    await store.dropCollection('books');
    expect(store.listCollections()).toEqual([]);
    const error = await caught(() => reader.refresh());
    expect(error.code).toBe('collection_not_found');
  });

  it('never loses or doubles an acknowledged row while the writer seals under a refreshing reader', async () => {
    const store = await CollectionStore.open(data.dir, { segmentRows: 50 });
    await store.createCollection(mixedSpec('books'));
    await store.createIndex('books', { field: 'vec', type: 'IVF_FLAT', metric: 'L2', params: { nlist: 2 } });
    const reader = await CollectionReader.open(data.dir, 'books');
    let acknowledged = 0;
    const writer = (async () => {
      for (let start = 0; start < 700; start += 7) {
        await store.append('books', mixedBatch(start, 7, vectors));
        acknowledged = start + 7;
      }
    })();
    let refreshes = 0;
    let writing = true;
    void writer.finally(() => (writing = false));
    while (writing && refreshes < 2_000) {
      const before = acknowledged;
      await reader.refresh();
      refreshes++;
      const ids = reader.query({}).map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeGreaterThanOrEqual(before);
    }
    await writer;
    await Promise.all([reader.refresh(), reader.refresh(), reader.refresh()]); // overlapping callers
    expect(reader.count()).toBe(700);
    expect(refreshes).toBeGreaterThan(1);
  });

  it('serializes overlapping refreshes so a log tail is read once', async () => {
    const store = await CollectionStore.open(data.dir);
    await store.createCollection(mixedSpec('books'));
    await store.append('books', mixedBatch(0, 10, vectors));
    const reader = await CollectionReader.open(data.dir, 'books');
    await store.append('books', mixedBatch(10, 20, vectors));
    await Promise.all([reader.refresh(), reader.refresh(), reader.refresh()]);
    expect(reader.count()).toBe(30);
  });

  it('rejects bad specs and batches with one-line messages naming the field', async () => {
    const store = await CollectionStore.open(data.dir);
    expect((await caught(() => store.createCollection({ ...mixedSpec('x'), fields: [{ name: 'id', type: 'int64', isPrimary: true }] }))).message)
      .toMatch(/needs exactly one float_vector field/);
    expect((await caught(() => store.createCollection({ name: 'x', fields: [{ name: 'id', type: 'int64', isPrimary: true }, { name: 'v', type: 'float_vector' }] }))).message)
      .toBe('field "v": dim must be an integer in 1..32768, got undefined');
    const racing = await Promise.allSettled([store.createCollection(mixedSpec('books')), store.createCollection(mixedSpec('books'))]);
    expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await caught(() => store.createCollection(mixedSpec('books')))).code).toBe('collection_exists');
    const batch = mixedBatch(0, 3, vectors);
    expect((await caught(() => store.append('books', { ...batch, columns: { ...batch.columns, vec: new Float32Array(5) } }))).message)
      .toBe('field "vec" has 5 values, expected 48 (3 rows × dim 16)');
    const { title: _title, ...withoutTitle } = batch.columns;
    expect((await caught(() => store.append('books', { ...batch, columns: withoutTitle }))).message).toBe('field "title" is missing from the insert');
    expect((await caught(() => store.append('books', { ...batch, columns: { ...batch.columns, year: ['x', 'y', 'z'] } }))).message).toMatch(/field "year" expects int64/);
    expect((await caught(() => store.append('nope', batch))).code).toBe('collection_not_found');
    expect(store.rowCount('books')).toBe(0);
  });
});
