// A read-only, refreshable view of one collection straight from the data dir: what a querynode loads and searches.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { concatColumns, emptyColumns, fieldValue } from './columns.js';
import { corruptFile, EngineError, invalidArgument } from './errors.js';
import { parseWal, readJson, readSegmentFile, readTail } from './files.js';
import { compileFilter } from './filter.js';
import { readIvfFile } from './ivf.js';
import * as layout from './layout.js';
import { fieldByName, primaryField, vectorField } from './schema.js';
import { mergeTopK } from './search.js';
import { LoadedSegment } from './segment.js';
import { DEFAULT_NPROBE } from './types.js';
import type { CollectionSchema, FieldSchema, IndexSpec, MetricType, QueryRequest, QueryRow, RowPredicate, SearchHit, SearchRequest, SearchResult, SegmentInfo } from './types.js';

export interface ReaderOptions {
  /** Which segments this reader serves (e.g. the balancer's assignment); default all, growing included.
   *  A growing segment keeps its id when sealed, so an assignment by id stays valid. */
  segmentFilter?: (segment: SegmentInfo) => boolean;
}

export const MAX_TOP_K = 16_384;
const REFRESH_ATTEMPTS = 5;

export class CollectionReader {
  private readonly loaded = new Map<number, LoadedSegment>();
  /** Byte offset of the next unread record per growing log. */
  private readonly walOffsets = new Map<number, number>();
  private meta: layout.CollectionMeta;
  /** Compiled filters by expression: load generators repeat a few expressions many times. */
  private readonly filters = new Map<string, RowPredicate | undefined>();
  /** Refreshes run one after another: two overlapping log tails would add the same rows twice. */
  private refreshes: Promise<void> = Promise.resolve();

  private constructor(private readonly dir: string, meta: layout.CollectionMeta, private readonly options: ReaderOptions) {
    this.meta = meta;
  }

  /** Loads sealed segments (with their persisted indexes) and growing logs of `collection` under `dataDir`. */
  static async open(dataDir: string, collection: string, options: ReaderOptions = {}): Promise<CollectionReader> {
    const dir = layout.collectionDir(dataDir, collection);
    const reader = new CollectionReader(dir, await readMeta(dir, collection), options);
    await reader.refresh();
    return reader;
  }

  get schema(): CollectionSchema {
    return this.meta.schema;
  }

  /** Picks up newly sealed segments, new indexes and new growing rows; forgets dropped segments. */
  refresh(): Promise<void> {
    const run = this.refreshes.then(() => this.refreshWithRetry());
    this.refreshes = run.catch(() => undefined);
    return run;
  }

  private async refreshWithRetry(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.refreshOnce();
      } catch (error) {
        // A log sealed and removed between our listing and our read: the next pass sees it sealed.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= REFRESH_ATTEMPTS) throw error;
      }
    }
  }

  private async refreshOnce(): Promise<void> {
    const name = this.meta.schema.name;
    // List before reading metadata: a log missing from the listing was sealed before this metadata was written.
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new EngineError('collection_not_found', `collection "${name}" does not exist (dropped)`) : error;
    });
    const meta = await readMeta(this.dir, name);
    if (meta.schema.id !== this.meta.schema.id) throw new EngineError('collection_not_found', `collection "${name}" was dropped and recreated; open a new reader`);
    this.meta = meta;
    const keep = new Set<number>();
    for (const segment of meta.segments) {
      const info = this.sealedInfo(segment);
      if (this.options.segmentFilter && !this.options.segmentFilter(info)) continue;
      keep.add(segment.id);
      await this.loadSealed(segment, info);
    }
    const sealedIds = new Set(meta.segments.map((s) => s.id));
    for (const id of layout.walIds(names).filter((i) => !sealedIds.has(i))) {
      const current = this.loaded.get(id);
      const info: SegmentInfo = current?.info ?? { id, state: 'growing', rows: 0, file: join(this.dir, layout.walFileName(id)) };
      if (this.options.segmentFilter && !this.options.segmentFilter(info)) continue;
      keep.add(id);
      await this.tailGrowing(id, info);
    }
    for (const id of [...this.loaded.keys()]) {
      if (!keep.has(id)) {
        this.loaded.delete(id);
        this.walOffsets.delete(id);
      }
    }
  }

  private sealedInfo(segment: layout.SealedSegmentMeta): SegmentInfo {
    return {
      id: segment.id,
      state: 'sealed',
      rows: segment.rows,
      file: join(this.dir, layout.segmentFileName(segment.id)),
      ...(segment.indexFile ? { indexFile: join(this.dir, segment.indexFile) } : {}),
    };
  }

  /** A changed index means a fresh load: indexed segments keep their rows in list order. */
  private async loadSealed(segment: layout.SealedSegmentMeta, info: SegmentInfo): Promise<void> {
    const current = this.loaded.get(segment.id);
    if (current?.info.state === 'sealed' && current.info.indexFile === info.indexFile) return;
    const { columns } = await readSegmentFile(info.file, this.schema);
    const index = info.indexFile ? await this.loadIndex(info.indexFile, segment) : undefined;
    this.loaded.set(segment.id, new LoadedSegment(info, columns, vectorField(this.schema).dim!, index));
    this.walOffsets.delete(segment.id);
  }

  private async loadIndex(path: string, segment: layout.SealedSegmentMeta): Promise<Awaited<ReturnType<typeof readIvfFile>>> {
    const index = await readIvfFile(path);
    if (index.segmentChecksum !== segment.checksum || index.listRows.length !== segment.rows) {
      throw corruptFile(path, `stale index: built for other segment content (checksum ${index.segmentChecksum}, segment ${segment.checksum})`);
    }
    return index;
  }

  private async tailGrowing(id: number, info: SegmentInfo): Promise<void> {
    const offset = this.walOffsets.get(id) ?? 0;
    const data = await readTail(info.file, offset);
    const { batches, end } = parseWal(info.file, data, this.schema, offset === 0);
    this.walOffsets.set(id, offset + end);
    if (batches.length === 0 && this.loaded.has(id)) return;
    const current = this.loaded.get(id);
    const parts = current ? [current.columns, ...batches] : batches;
    const columns = parts.length > 0 ? concatColumns(this.schema, parts) : emptyColumns(this.schema);
    if (current) current.replaceColumns(columns);
    else this.loaded.set(id, new LoadedSegment({ ...info, rows: columns.rowCount }, columns, vectorField(this.schema).dim!));
  }

  index(): IndexSpec | undefined {
    return this.meta.index;
  }

  segments(): SegmentInfo[] {
    return [...this.loaded.values()].map((s) => s.info).sort((a, b) => a.id - b.id);
  }

  rowCount(): number {
    let rows = 0;
    for (const segment of this.loaded.values()) rows += segment.columns.rowCount;
    return rows;
  }

  search(request: SearchRequest): SearchResult {
    const dim = vectorField(this.schema).dim!;
    if (request.vectors.length === 0 || request.vectors.length % dim !== 0) {
      throw invalidArgument(`search vectors have ${request.vectors.length} values: expected nq × dim ${dim}`);
    }
    if (!Number.isInteger(request.topK) || request.topK < 1 || request.topK > MAX_TOP_K) {
      throw invalidArgument(`topK must be an integer in 1..${MAX_TOP_K}, got ${request.topK}`);
    }
    const metric = this.searchMetric(request.metric);
    const nprobe = searchNprobe(request);
    const predicate = this.filter(request.filter);
    const outputs = this.outputFields(request.outputFields);
    const partials: SearchResult[] = [];
    for (const segment of this.ordered()) {
      if (segment.columns.rowCount === 0) continue;
      const hits = segment.search({ queries: request.vectors, topK: request.topK, metric, nprobe, ...(predicate ? { filter: predicate } : {}) });
      partials.push(hits.map((perQuery) => perQuery.map((hit) => this.toHit(segment, hit.row, metric === 'L2' ? hit.distance : -hit.distance, outputs))));
    }
    const nq = request.vectors.length / dim;
    if (partials.length === 0) return Array.from({ length: nq }, () => []);
    return mergeTopK(partials, request.topK, metric);
  }

  query(request: QueryRequest): QueryRow[] {
    const predicate = this.filter(request.filter);
    const outputs = this.outputFields(request.outputFields);
    const pk = primaryField(this.schema);
    const fields = [pk, ...outputs];
    const offset = request.offset ?? 0;
    const limit = request.limit ?? Infinity;
    const rows: QueryRow[] = [];
    let skipped = 0;
    for (const segment of this.ordered()) {
      for (let row = 0; row < segment.columns.rowCount; row++) {
        if (rows.length >= limit) return rows;
        if (predicate && !predicate(segment.columns, row)) continue;
        if (skipped++ < offset) continue;
        rows.push(Object.fromEntries(fields.map((f) => [f.name, fieldValue(segment.columns, f, row)])));
      }
    }
    return rows;
  }

  count(filter?: string): number {
    const predicate = this.filter(filter);
    let count = 0;
    for (const segment of this.loaded.values()) {
      if (!predicate) count += segment.columns.rowCount;
      else for (let row = 0; row < segment.columns.rowCount; row++) if (predicate(segment.columns, row)) count++;
    }
    return count;
  }

  private filter(expr: string | undefined): RowPredicate | undefined {
    const key = expr ?? '';
    if (this.filters.has(key)) return this.filters.get(key);
    const predicate = compileFilter(key, this.schema);
    if (this.filters.size >= 256) this.filters.clear();
    this.filters.set(key, predicate);
    return predicate;
  }

  private ordered(): LoadedSegment[] {
    return [...this.loaded.values()].sort((a, b) => a.info.id - b.info.id);
  }

  private searchMetric(requested: MetricType | undefined): MetricType {
    const index = this.meta.index;
    if (requested && index && requested !== index.metric) {
      throw invalidArgument(`metric type not match: the index on "${index.field}" uses ${index.metric}, the search asked for ${requested}`);
    }
    return requested ?? index?.metric ?? 'L2';
  }

  /** '*' means every field except the primary key (which is always returned). */
  private outputFields(names: string[] | undefined): FieldSchema[] {
    const pk = primaryField(this.schema);
    if (!names || names.length === 0) return [];
    if (names.includes('*')) return this.schema.fields.filter((f) => f !== pk);
    return names.filter((n) => n !== pk.name).map((n) => fieldByName(this.schema, n));
  }

  private toHit(segment: LoadedSegment, row: number, score: number, outputs: FieldSchema[]): SearchHit {
    const pk = primaryField(this.schema);
    const fields: Record<string, ReturnType<typeof fieldValue>> = {};
    for (const field of outputs) fields[field.name] = fieldValue(segment.columns, field, row);
    return { id: fieldValue(segment.columns, pk, row) as SearchHit['id'], score, fields };
  }
}

async function readMeta(dir: string, name: string): Promise<layout.CollectionMeta> {
  try {
    return await readJson<layout.CollectionMeta>(layout.metaPath(dir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineError('collection_not_found', `collection "${name}" does not exist`);
    throw error;
  }
}

/** HNSW's ef is served by the IVF stand-in: a larger ef probes more lists. */
function searchNprobe(request: SearchRequest): number {
  const { nprobe, ef } = request.params ?? {};
  if (nprobe !== undefined) {
    if (!Number.isInteger(nprobe) || nprobe < 1 || nprobe > 65_536) throw invalidArgument(`search param nprobe must be an integer in 1..65536, got ${nprobe}`);
    return nprobe;
  }
  if (ef !== undefined) {
    if (!Number.isInteger(ef) || ef < 1) throw invalidArgument(`search param ef must be a positive integer, got ${ef}`);
    return Math.max(DEFAULT_NPROBE, Math.ceil(ef / 16));
  }
  return DEFAULT_NPROBE;
}
