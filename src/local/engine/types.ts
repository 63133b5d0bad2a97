// Data model of the local Milvus-compatible test cluster's engine (not Milvus): schemas, batches, search and query shapes.

export type ScalarType = 'int64' | 'float' | 'bool' | 'varchar';
export type FieldType = ScalarType | 'float_vector';
export type MetricType = 'L2' | 'IP' | 'COSINE';
/** HNSW and AUTOINDEX are accepted and served by the IVF_FLAT implementation (see ivf.ts). */
export type IndexType = 'FLAT' | 'IVF_FLAT' | 'HNSW' | 'AUTOINDEX';

export interface FieldSchema {
  name: string;
  type: FieldType;
  isPrimary?: boolean;
  /** Only for the int64 primary key: the store assigns monotonic ids that survive restarts. */
  autoId?: boolean;
  /** Required for float_vector. */
  dim?: number;
  /** Required for varchar (bytes of UTF-8, as Milvus counts). */
  maxLength?: number;
  description?: string;
}

/** What a caller passes to createCollection. */
export interface CollectionSpec {
  name: string;
  fields: FieldSchema[];
  /** Default 1. */
  shards?: number;
  description?: string;
}

/** What the store persists and returns: the spec plus identity. */
export interface CollectionSchema {
  id: string;
  name: string;
  fields: FieldSchema[];
  shards: number;
  /** Epoch milliseconds. */
  createdAt: number;
  description: string;
}

export interface IndexParams {
  /** IVF: number of k-means lists (capped per segment, see ivf.ts). Default 128. */
  nlist?: number;
  /** HNSW params are accepted for compatibility and recorded; the IVF stand-in ignores them. */
  M?: number;
  efConstruction?: number;
}

export interface IndexSpec {
  field: string;
  type: IndexType;
  metric: MetricType;
  params: IndexParams;
  /** Milvus index name; defaults to the field name. */
  name?: string;
}

export interface SearchParams {
  /** IVF lists probed per segment. Default DEFAULT_NPROBE. */
  nprobe?: number;
  /** HNSW-style ef: served by the IVF stand-in as nprobe = max(DEFAULT_NPROBE, ceil(ef / 16)) when nprobe is absent. */
  ef?: number;
}

/** int64 values are bigint, varchar is string, float is number (stored as float32), bool is boolean. */
export type ScalarValue = bigint | number | boolean | string;
/** A field value in a hit or query row; float_vector comes back as one Float32Array of dim values. */
export type FieldValue = ScalarValue | Float32Array;
/** int64 primary keys are bigint, varchar primary keys are string. */
export type PrimaryKey = bigint | string;

/**
 * Input column: float_vector is one Float32Array (rows × dim) or number[] of the same length;
 * int64 accepts bigint, safe-integer numbers or decimal strings (as the SDK sends them).
 */
export type ColumnInput = Float32Array | readonly number[] | readonly bigint[] | readonly string[] | readonly boolean[];

/** Columnar rows for append. The auto-id primary key column must be absent. */
export interface RowBatch {
  rowCount: number;
  columns: Record<string, ColumnInput>;
}

export interface AppendResult {
  /** Primary keys of the appended rows, in order (assigned ones for autoId). */
  ids: PrimaryKey[];
}

export type SegmentState = 'growing' | 'sealed';

export interface SegmentInfo {
  id: number;
  state: SegmentState;
  rows: number;
  /** Absolute path of the segment file (sealed) or the growing log (growing). */
  file: string;
  /** Absolute path of the persisted index, when one is built for this sealed segment. */
  indexFile?: string;
}

export interface StoreOptions {
  /** Rows per segment; a growing segment is sealed when it reaches this. Default DEFAULT_SEGMENT_ROWS. */
  segmentRows?: number;
  /** 'write' acknowledges an append after write() (survives a process crash); 'fsync' also after fsync (survives power loss). Default 'write'. */
  appendDurability?: 'write' | 'fsync';
  /** 'inline' (default): createIndex and seal resolve once index files exist. 'background': createIndex records the
   *  spec and resolves at once; sealed segments get their index from a background build (see indexProgress). */
  indexBuild?: 'inline' | 'background';
  /** Sealed segments with fewer rows get no index file and are searched exactly, like Milvus's
   *  dataCoord.minSegmentSizeToEnableIndex (1024 in 2.3). Default 0 (every sealed segment is indexed). */
  minRowsToIndex?: number;
}

export interface SearchRequest {
  /** nq × dim query vectors. */
  vectors: Float32Array;
  topK: number;
  /** Defaults to the index metric, else L2. Must match the index metric when an index exists. */
  metric?: MetricType;
  params?: SearchParams;
  /** Milvus boolean expression; empty = all rows. */
  filter?: string;
  outputFields?: string[];
}

export interface SearchHit {
  id: PrimaryKey;
  /** L2: squared distance (smaller is better); IP and COSINE: similarity (larger is better). */
  score: number;
  fields: Record<string, FieldValue>;
}

/** One list of hits per query, best first. */
export type SearchResult = SearchHit[][];

export interface QueryRequest {
  /** Milvus boolean expression; empty = all rows. */
  filter?: string;
  /** Fields to return besides the primary key (always returned); '*' means all. */
  outputFields?: string[];
  limit?: number;
  offset?: number;
}

export type QueryRow = Record<string, FieldValue>;

/** Rows of one segment as typed columns; what filters and searches read. */
export interface SegmentColumns {
  rowCount: number;
  int64: Map<string, BigInt64Array>;
  float: Map<string, Float32Array>;
  bool: Map<string, Uint8Array>;
  varchar: Map<string, string[]>;
  /** The float_vector field, rows × dim. */
  vectors: Float32Array;
}

/** A compiled filter: true when row `row` of `columns` matches. */
export type RowPredicate = (columns: SegmentColumns, row: number) => boolean;

export const DEFAULT_SEGMENT_ROWS = 16_384;
export const DEFAULT_NLIST = 128;
/**
 * Used when a search names neither nprobe nor ef. bench/engine-search.ts on 100k × 128 clustered data
 * (128 centres, σ 0.05; 7 segments × nlist 128): nprobe 1 → recall@10 0.985, 2 → 0.999, 4 → 1.000; uniform
 * random data is IVF's worst case (nprobe 96 of 128 for 0.98). Scenarios should pass nprobe explicitly.
 */
export const DEFAULT_NPROBE = 4;
