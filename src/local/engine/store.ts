// The single writer of a data dir: collection metadata, acknowledged appends to growing logs, sealing, index builds.
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, unlink, type FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { columnsFromBatch, concatColumns } from './columns.js';
import { EngineError, invalidArgument } from './errors.js';
import { parseWal, readJson, readSegmentFile, syncDirectory, walHeader, walRecord, writeJsonAtomic, writeSegmentFile } from './files.js';
import { buildIvf, writeIvfFile } from './ivf.js';
import { buildInBackground, type IndexProgress } from './index-builder.js';
import * as layout from './layout.js';
import { primaryField, validateCollectionSpec, validateIndexSpec, vectorField } from './schema.js';
import { sliceColumns } from './slice.js';
import { DEFAULT_NLIST, DEFAULT_SEGMENT_ROWS } from './types.js';
import type { AppendResult, CollectionSchema, CollectionSpec, IndexSpec, PrimaryKey, RowBatch, SegmentColumns, SegmentInfo, StoreOptions } from './types.js';

/** Concurrent segment builds (worker threads): two use both cores of a small machine while nothing else runs. */
const BUILD_LANES = Math.max(1, Math.min(2, availableParallelism()));

interface GrowingLog {
  id: number;
  handle: FileHandle;
  batches: SegmentColumns[];
  rows: number;
}

interface CollectionState {
  dir: string;
  meta: layout.CollectionMeta;
  growing?: GrowingLog;
  /** Serializes mutations of one collection. */
  tail: Promise<unknown>;
  /** The background build loop, while one runs; `again` asks it for one more pass. */
  builds?: { running: Promise<void>; again: boolean };
  indexError?: string;
}

export class CollectionStore {
  private readonly collections = new Map<string, CollectionState>();
  /** Names being created: a second concurrent create must fail, not race on the same directory. */
  private readonly creating = new Set<string>();
  private readonly segmentRows: number;
  private readonly minRowsToIndex: number;

  private constructor(readonly dataDir: string, private readonly options: StoreOptions) {
    this.segmentRows = options.segmentRows ?? DEFAULT_SEGMENT_ROWS;
    this.minRowsToIndex = options.minRowsToIndex ?? 0;
    if (!Number.isInteger(this.segmentRows) || this.segmentRows < 1) throw invalidArgument(`segmentRows must be a positive integer, got ${options.segmentRows}`);
  }

  /** Opens (creating if needed) a data dir and recovers growing logs left by a crash (torn tails are cut). */
  static async open(dataDir: string, options: StoreOptions = {}): Promise<CollectionStore> {
    const store = new CollectionStore(dataDir, options);
    await mkdir(layout.collectionsDir(dataDir), { recursive: true });
    for (const entry of await readdir(layout.collectionsDir(dataDir), { withFileTypes: true })) {
      if (entry.isDirectory()) await store.recover(entry.name);
    }
    if (options.indexBuild === 'background') for (const [name, state] of store.collections) if (state.meta.index) store.scheduleBuilds(name, state);
    return store;
  }

  async createCollection(spec: CollectionSpec): Promise<CollectionSchema> {
    validateCollectionSpec(spec);
    if (this.collections.has(spec.name) || this.creating.has(spec.name)) throw new EngineError('collection_exists', `collection "${spec.name}" already exists`);
    this.creating.add(spec.name);
    try {
      return await this.writeNewCollection(spec);
    } finally {
      this.creating.delete(spec.name);
    }
  }

  private async writeNewCollection(spec: CollectionSpec): Promise<CollectionSchema> {
    const schema: CollectionSchema = {
      id: randomUUID(),
      name: spec.name,
      fields: spec.fields.map((f) => ({ ...f })),
      shards: spec.shards ?? 1,
      createdAt: Date.now(),
      description: spec.description ?? '',
    };
    const dir = layout.collectionDir(this.dataDir, spec.name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    // Milvus-like magnitude (time << 18), so ids stay increasing across drop and recreate.
    const meta: layout.CollectionMeta = { version: 1, schema, nextSegmentId: 1, nextAutoId: String(BigInt(Date.now()) << 18n), segments: [] };
    await writeJsonAtomic(layout.metaPath(dir), meta);
    syncDirectory(layout.collectionsDir(this.dataDir));
    this.collections.set(spec.name, { dir, meta, tail: Promise.resolve() });
    return schema;
  }

  /** Removes metadata, segments, logs and indexes; collection_not_found when absent. */
  async dropCollection(name: string): Promise<void> {
    const state = this.state(name);
    this.collections.delete(name);
    await state.tail.catch(() => undefined);
    await state.growing?.handle.close();
    await rm(state.dir, { recursive: true, force: true });
    syncDirectory(layout.collectionsDir(this.dataDir));
  }

  listCollections(): string[] {
    return [...this.collections.keys()].sort();
  }

  hasCollection(name: string): boolean {
    return this.collections.has(name);
  }

  describeCollection(name: string): CollectionSchema {
    return this.state(name).meta.schema;
  }

  /** Resolves once the rows are written to the collection's growing log (the insert acknowledgement). */
  append(name: string, batch: RowBatch): Promise<AppendResult> {
    const state = this.state(name);
    return this.serialized(state, async () => {
      const schema = state.meta.schema;
      const pk = primaryField(schema);
      const assigned = pk.autoId ? this.assignIds(state, batch.rowCount) : undefined;
      const columns = columnsFromBatch(schema, batch, assigned);
      let written = 0;
      while (written < columns.rowCount) {
        const growing = state.growing ?? (await this.openGrowing(state));
        const take = Math.min(columns.rowCount - written, this.segmentRows - growing.rows);
        const chunk = take === columns.rowCount ? columns : sliceColumns(schema, columns, written, written + take);
        await growing.handle.writeFile(walRecord(schema, chunk));
        if (this.options.appendDurability === 'fsync') await growing.handle.datasync();
        growing.batches.push(chunk);
        growing.rows += take;
        written += take;
        if (growing.rows >= this.segmentRows) await this.seal(state);
      }
      const ids: PrimaryKey[] = pk.type === 'int64' ? Array.from(columns.int64.get(pk.name)!) : [...columns.varchar.get(pk.name)!];
      return { ids };
    });
  }

  /** Seals growing rows into immutable segment files (fsynced, directory fsynced) and builds their index. */
  flush(name: string): Promise<SegmentInfo[]> {
    const state = this.state(name);
    return this.serialized(state, async () => {
      if (state.growing && state.growing.rows > 0) await this.seal(state);
      return this.listSegments(name);
    });
  }

  /** Records the index spec and builds + persists an index file for every sealed segment lacking one. */
  createIndex(name: string, spec: IndexSpec): Promise<void> {
    const state = this.state(name);
    validateIndexSpec(state.meta.schema, spec);
    return this.serialized(state, async () => {
      const current = state.meta.index;
      if (current && JSON.stringify(current) !== JSON.stringify(spec)) {
        throw invalidArgument(`collection "${name}" already has a different index on "${current.field}" (${current.type}/${current.metric}); drop it first`);
      }
      state.meta.index = spec;
      delete state.indexError;
      if (this.options.indexBuild === 'background') {
        await writeJsonAtomic(layout.metaPath(state.dir), state.meta);
        this.scheduleBuilds(name, state);
        return;
      }
      for (const segment of state.meta.segments) {
        if (segment.indexFile || !this.needsIndexFile(spec, segment.rows)) continue;
        const { columns, checksum } = await readSegmentFile(join(state.dir, layout.segmentFileName(segment.id)), state.meta.schema);
        segment.indexFile = await this.buildIndex(state, segment.id, columns, checksum);
      }
      await writeJsonAtomic(layout.metaPath(state.dir), state.meta);
    });
  }

  describeIndex(name: string): IndexSpec | undefined {
    return this.state(name).meta.index;
  }

  /** Index build progress over sealed segments (DescribeIndex's state / indexed_rows / pending_index_rows). */
  indexProgress(name: string): IndexProgress {
    const state = this.state(name);
    const totalRows = this.rowCount(name);
    const spec = state.meta.index;
    if (!spec) return { state: 'None', indexedRows: 0, pendingRows: 0, totalRows, failReason: '' };
    const indexedRows = this.indexedRows(name);
    const pendingRows = state.meta.segments.reduce((n, s) => n + s.rows, 0) - indexedRows;
    const progress = state.indexError ? 'Failed' : pendingRows > 0 ? 'InProgress' : 'Finished';
    return { state: progress, indexedRows, pendingRows, totalRows, failReason: state.indexError ?? '' };
  }

  /** Resolves when no background index build is running for `name` (tests, shutdown). */
  async indexesBuilt(name: string): Promise<void> {
    for (let state = this.collections.get(name); state?.builds; state = this.collections.get(name)) await state.builds.running;
  }

  private scheduleBuilds(name: string, state: CollectionState): void {
    if (state.builds) {
      state.builds.again = true;
      return;
    }
    const builds = { running: Promise.resolve(), again: false };
    state.builds = builds;
    builds.running = (async () => {
      do {
        builds.again = false;
        const inFlight = new Set<number>();
        await Promise.all(Array.from({ length: BUILD_LANES }, () => this.buildMissing(name, state, inFlight)));
      } while (builds.again && this.collections.get(name) === state);
    })().finally(() => delete state.builds);
  }

  /** Builds, one at a time, the index of every sealed segment lacking one; each result is committed to metadata. */
  private async buildMissing(name: string, state: CollectionState, inFlight: Set<number>): Promise<void> {
    for (;;) {
      const spec = state.meta.index;
      if (!spec || spec.type === 'FLAT' || state.indexError || this.collections.get(name) !== state) return;
      const segment = state.meta.segments.find((s) => !s.indexFile && this.needsIndexFile(spec, s.rows) && !inFlight.has(s.id));
      if (!segment) return;
      inFlight.add(segment.id);
      const file = layout.indexFileName(segment.id);
      try {
        await buildInBackground({ segmentPath: join(state.dir, layout.segmentFileName(segment.id)), indexPath: join(state.dir, file), schema: state.meta.schema, spec });
      } catch (error) {
        if (this.collections.get(name) !== state) return; // dropped while building
        if (state.meta.index === spec) state.indexError = `building the index of segment ${segment.id} failed: ${(error as Error).message}`;
        continue;
      }
      await this.serialized(state, async () => {
        if (state.meta.index !== spec || this.collections.get(name) !== state || !state.meta.segments.includes(segment)) return;
        segment.indexFile = file;
        await writeJsonAtomic(layout.metaPath(state.dir), state.meta);
      });
    }
  }

  dropIndex(name: string): Promise<void> {
    const state = this.state(name);
    return this.serialized(state, async () => {
      if (!state.meta.index) throw new EngineError('index_not_found', `collection "${name}" has no index`);
      const files = state.meta.segments.flatMap((s) => (s.indexFile ? [s.indexFile] : []));
      delete state.meta.index;
      for (const segment of state.meta.segments) delete segment.indexFile;
      await writeJsonAtomic(layout.metaPath(state.dir), state.meta);
      for (const file of files) await unlink(join(state.dir, file)).catch(() => undefined);
    });
  }

  /** Rows whose segment has its index (for GetIndexBuildProgress); FLAT counts every sealed row, growing rows never count. */
  indexedRows(name: string): number {
    const { meta } = this.state(name);
    if (!meta.index) return 0;
    return meta.segments.reduce((n, s) => n + (!this.needsIndexFile(meta.index!, s.rows) || s.indexFile ? s.rows : 0), 0);
  }

  /** FLAT needs no file; neither does a segment below minRowsToIndex (scanned exactly). */
  private needsIndexFile(spec: IndexSpec, rows: number): boolean {
    return spec.type !== 'FLAT' && rows >= this.minRowsToIndex;
  }

  /** Acknowledged rows: sealed + growing. */
  rowCount(name: string): number {
    const state = this.state(name);
    return state.meta.segments.reduce((n, s) => n + s.rows, 0) + (state.growing?.rows ?? 0);
  }

  listSegments(name: string): SegmentInfo[] {
    const state = this.state(name);
    const sealed: SegmentInfo[] = state.meta.segments.map((s) => ({
      id: s.id,
      state: 'sealed',
      rows: s.rows,
      file: join(state.dir, layout.segmentFileName(s.id)),
      ...(s.indexFile ? { indexFile: join(state.dir, s.indexFile) } : {}),
    }));
    const g = state.growing;
    return g && g.rows > 0 ? [...sealed, { id: g.id, state: 'growing', rows: g.rows, file: join(state.dir, layout.walFileName(g.id)) }] : sealed;
  }

  async close(): Promise<void> {
    for (const state of this.collections.values()) {
      await state.tail.catch(() => undefined);
      await state.growing?.handle.close();
      delete state.growing;
    }
    this.collections.clear();
  }

  private state(name: string): CollectionState {
    const state = this.collections.get(name);
    if (!state) throw new EngineError('collection_not_found', `collection "${name}" does not exist`);
    return state;
  }

  private serialized<T>(state: CollectionState, work: () => Promise<T>): Promise<T> {
    const run = state.tail.then(work, work);
    state.tail = run.catch(() => undefined);
    return run;
  }

  private assignIds(state: CollectionState, rows: number): BigInt64Array {
    const first = BigInt(state.meta.nextAutoId);
    const ids = new BigInt64Array(Math.max(0, rows));
    for (let i = 0; i < ids.length; i++) ids[i] = first + BigInt(i);
    state.meta.nextAutoId = String(first + BigInt(ids.length));
    return ids;
  }

  private async openGrowing(state: CollectionState): Promise<GrowingLog> {
    const id = state.meta.nextSegmentId++;
    const handle = await open(join(state.dir, layout.walFileName(id)), 'w');
    await handle.writeFile(walHeader(state.meta.schema));
    await handle.sync();
    syncDirectory(state.dir);
    state.growing = { id, handle, batches: [], rows: 0 };
    return state.growing;
  }

  /** Segment file (+ index) first, then metadata, then the log goes: a crash at any point loses no acknowledged row. */
  private async seal(state: CollectionState): Promise<void> {
    const growing = state.growing!;
    const schema = state.meta.schema;
    const columns = concatColumns(schema, growing.batches);
    const checksum = await writeSegmentFile(join(state.dir, layout.segmentFileName(growing.id)), schema, columns);
    const background = this.options.indexBuild === 'background';
    const indexFile = state.meta.index && !background ? await this.buildIndex(state, growing.id, columns, checksum) : undefined;
    state.meta.segments.push({ id: growing.id, rows: columns.rowCount, checksum, ...(indexFile ? { indexFile } : {}) });
    state.meta.nextSegmentId = Math.max(state.meta.nextSegmentId, growing.id + 1);
    await writeJsonAtomic(layout.metaPath(state.dir), state.meta);
    await growing.handle.close();
    delete state.growing;
    await unlink(join(state.dir, layout.walFileName(growing.id)));
    syncDirectory(state.dir);
    if (background && state.meta.index) this.scheduleBuilds(state.meta.schema.name, state);
  }

  private async discardGrowing(state: CollectionState): Promise<void> {
    const growing = state.growing!;
    await growing.handle.close();
    delete state.growing;
    await unlink(join(state.dir, layout.walFileName(growing.id)));
  }

  private async buildIndex(state: CollectionState, segmentId: number, columns: SegmentColumns, checksum: number): Promise<string | undefined> {
    const spec = state.meta.index!;
    if (!this.needsIndexFile(spec, columns.rowCount)) return undefined;
    const dim = vectorField(state.meta.schema).dim!;
    const index = await buildIvf(columns.vectors, dim, spec.metric, spec.params.nlist ?? DEFAULT_NLIST, checksum);
    const file = layout.indexFileName(segmentId);
    await writeIvfFile(join(state.dir, file), index);
    return file;
  }

  private async recover(name: string): Promise<void> {
    const dir = layout.collectionDir(this.dataDir, name);
    let meta: layout.CollectionMeta;
    try {
      meta = await readJson<layout.CollectionMeta>(layout.metaPath(dir));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // created or dropped half-way: not a collection
      throw error;
    }
    const state: CollectionState = { dir, meta, tail: Promise.resolve() };
    this.collections.set(name, state);
    const names = await readdir(dir);
    for (const file of names.filter((n) => n.includes('.tmp-'))) await unlink(join(dir, file)).catch(() => undefined);
    const sealed = new Set(meta.segments.map((s) => s.id));
    for (const id of layout.walIds(names)) {
      const path = join(dir, layout.walFileName(id));
      if (sealed.has(id)) {
        await unlink(path); // sealed before the crash; the log was not yet removed
        continue;
      }
      await this.reopenGrowing(state, id, path);
      const last = id === layout.walIds(names).at(-1);
      if (state.growing!.rows >= this.segmentRows || (!last && state.growing!.rows > 0)) await this.seal(state);
      else if (!last) await this.discardGrowing(state);
    }
  }

  private async reopenGrowing(state: CollectionState, id: number, path: string): Promise<void> {
    const schema = state.meta.schema;
    const { batches, end } = parseWal(path, await readFile(path), schema, true);
    const handle = await open(path, 'r+');
    if (end === 0) await handle.write(walHeader(schema), 0, undefined, 0);
    await handle.truncate(Math.max(end, walHeader(schema).length)); // cut a torn, never-acknowledged tail
    await handle.close();
    const appendHandle = await open(path, 'a');
    const rows = batches.reduce((n, b) => n + b.rowCount, 0);
    state.growing = { id, handle: appendHandle, batches, rows };
    state.meta.nextSegmentId = Math.max(state.meta.nextSegmentId, id + 1);
    const pk = primaryField(schema);
    if (pk.autoId) {
      let next = BigInt(state.meta.nextAutoId);
      for (const batch of batches) for (const id of batch.int64.get(pk.name)!) if (id >= next) next = id + 1n;
      state.meta.nextAutoId = String(next);
    }
  }
}
