// Engine of the local Milvus-compatible test cluster (not Milvus): storage, indexes, filters, search and query.
// Pure modules and file I/O; no gRPC and no process concerns.
//
// Data dir layout (one writer process, any number of readers):
//   <dataDir>/collections/<name>/meta.json        schema, index spec, sealed segments (written tmp + fsync + rename)
//   <dataDir>/collections/<name>/growing-<id>.wal acknowledged, unsealed rows (checksummed records; torn tail ignored)
//   <dataDir>/collections/<name>/seg-<id>.bin     sealed segment (header: magic, version, rows, dim, CRC-32)
//   <dataDir>/collections/<name>/seg-<id>.ivf     its persisted IVF index (checksummed, tied to the segment CRC)
// A growing segment keeps its id when sealed, so segment-to-querynode assignments by id stay valid.
// Readers see nothing new until refresh(): call it periodically on every reader, sealed-only ones included (an
// index created after load arrives that way). With nothing new it costs one readdir and one small JSON read.
//
// Index types: FLAT = exact scan. IVF_FLAT = k-means lists per sealed segment (nlist capped at rows / 39 per
// segment). HNSW and AUTOINDEX are accepted but served by the same IVF_FLAT structure (no graph index here);
// an HNSW `ef` search param maps to nprobe = max(DEFAULT_NPROBE, ceil(ef / 16)). Growing segments are scanned exactly.
export type * from './types.js';
export { DEFAULT_SEGMENT_ROWS, DEFAULT_NLIST, DEFAULT_NPROBE } from './types.js';
export { EngineError, type EngineErrorCode } from './errors.js';
export { CollectionStore } from './store.js';
export type { IndexProgress, IndexState } from './index-builder.js';
export { CollectionReader, MAX_TOP_K, type ReaderOptions } from './reader.js';
export { compileFilter } from './filter.js';
export { mergeTopK, mergeQueryRows, bruteForceSearch, largerIsBetter, type RowHit } from './search.js';
export { MIN_ROWS_PER_LIST } from './ivf.js';
export { seededRandom } from './kernels.js';
export { validateCollectionSpec, validateIndexSpec, vectorField, primaryField, fieldByName } from './schema.js';
