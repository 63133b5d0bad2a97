// Limits Milvus 2.3 enforces itself, checked here so `validate` says so before a run reaches the server.
// Each constant names where it comes from in Milvus's sources (v2.3 branch) or the 2.3.5 wheel's config template.
import type { CollectionSpec, IndexType, Scenario } from '../model/index.js';
import { withAllowed } from './problems.js';

/** pkg/util/indexparamcheck/constraints.go: DefaultMinDim / DefaultMaxDim; proxy.maxDimension: 32768 in milvus.yaml */
export const MAX_DIM = 32768;
/** pkg/util/paramtable/quota_param.go: quotaAndLimits.limits.topK, default "16384" (also caps query limit) */
export const MAX_TOP_K = 16384;
/** pkg/util/paramtable/quota_param.go: quotaAndLimits.limits.nq, default "16384" (since 2.3.0) */
export const MAX_NQ = 16384;
/** milvus.yaml proxy.maxShardNum: 16 (the 2.3.5 wheel's config.yaml.template) */
export const MAX_SHARDS = 16;
/** milvus.yaml proxy.maxNameLength: 255 */
export const MAX_NAME_LENGTH = 255;
/** internal/proxy/util.go: defaultMaxVarCharLength = 65535 (max_length of a VarChar field) */
export const MAX_VARCHAR_LENGTH = 65535;
/** src/target/rows.ts DEFAULT_VARCHAR_MAX_LENGTH: what the tool creates when maxLength is not set */
const DEFAULT_VARCHAR_LENGTH = 256;
/** milvus.yaml proxy.grpc.serverMaxRecvSize: 67108864 — the largest request (one insert batch) a proxy accepts */
export const PROXY_MAX_RECV_BYTES = 67_108_864;

/**
 * Index build and search parameters per index type. Build: pkg/util/indexparamcheck/constraints.go (2.3):
 * MinNList/MaxNList 1..65536, HNSWMinM/HNSWMaxM 4..64, HNSWMinEfConstruction/HNSWMaxEfConstruction 8..512.
 * Search: knowhere 2.x IvfConfig nprobe range 1..65536 (more probes than lists is meaningless, so 1..nlist);
 * HNSW ef in [topK, 32768] (Milvus index docs; knowhere's HnswConfig rejects ef < k at search time).
 */
const BUILD_PARAMS: Record<IndexType, Record<string, [number, number]>> = {
  FLAT: {},
  IVF_FLAT: { nlist: [1, 65536] },
  HNSW: { M: [4, 64], efConstruction: [8, 512] },
  AUTOINDEX: {},
};
/** AUTOINDEX: the server picks the index, so its search parameters are not checked here. */
const SEARCH_PARAMS: Record<IndexType, string[] | null> = { FLAT: [], IVF_FLAT: ['nprobe'], HNSW: ['ef'], AUTOINDEX: null };
const MAX_EF = 32768;

const asInteger = (value: number | string): number | null => {
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(number) ? number : null;
};

function checkIndexParams(collection: CollectionSpec): string[] {
  const { type, params } = collection.index;
  const allowed = BUILD_PARAMS[type];
  const names = Object.keys(allowed);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    const where = `scenario.collection.index.params.${key}`;
    const range = allowed[key];
    if (!range) {
      problems.push(`${where}: is not a ${type} build parameter${names.length ? '' : ` (${type} takes none)`} (allowed: ${names.join(', ') || 'no keys'})`);
      continue;
    }
    const number = asInteger(value);
    if (number === null || number < range[0] || number > range[1]) {
      problems.push(`${where}: ${JSON.stringify(value)} is out of range (allowed: integers ${range[0]}..${range[1]} for ${type}, Milvus 2.3)`);
    }
  }
  return problems;
}

function checkSearchParams(scenario: Scenario): string[] {
  const { type, params: build } = scenario.collection.index;
  const problems: string[] = [];
  scenario.phases.forEach((phase, p) =>
    phase.operations.forEach((op, o) => {
      const known = SEARCH_PARAMS[type];
      if (op.kind !== 'search' || known === null) return;
      for (const [key, value] of Object.entries(op.params)) {
        const where = `scenario.phases[${p}].operations[${o}].search.params.${key}`;
        if (!known.includes(key)) {
          problems.push(`${where}: is not a search parameter of a ${type} index (allowed: ${known.join(', ') || 'no keys'})`);
          continue;
        }
        const number = asInteger(value);
        if (key === 'nprobe') {
          const nlist = Number(build.nlist);
          if (number === null || number < 1 || number > nlist) problems.push(`${where}: ${JSON.stringify(value)} is out of range (allowed: integers 1..${nlist}, the index's nlist)`);
        } else if (key === 'ef') {
          if (number === null || number < op.topK || number > MAX_EF) problems.push(`${where}: ${JSON.stringify(value)} is out of range (allowed: integers ${op.topK}..${MAX_EF}: at least topK)`);
        }
      }
    }),
  );
  return problems;
}

/** Bytes one inserted row takes in the request: vector floats, the int64 key, scalars. */
export function insertRowBytes(collection: CollectionSpec, rows: number): number {
  let bytes = collection.dim * 4 + (collection.autoId ? 0 : 8);
  for (const field of collection.scalars) {
    if (field.type === 'int64') bytes += 8;
    else if (field.type === 'float') bytes += 4;
    else if (field.type === 'bool') bytes += 1;
    else {
      const longest = Math.max(`row-${Math.max(0, rows - 1)}`.length, ...(field.values ?? []).map((v) => Buffer.byteLength(v)));
      bytes += Math.min(longest, field.maxLength ?? DEFAULT_VARCHAR_LENGTH) + 2;
    }
  }
  return bytes;
}

function checkBatchBytes(scenario: Scenario): string[] {
  const { collection, ingest } = scenario;
  if (ingest.skip || ingest.rows === 0) return [];
  const rowBytes = insertRowBytes(collection, ingest.rows);
  const batchRows = Math.min(ingest.batchSize, ingest.rows);
  if (rowBytes * batchRows <= PROXY_MAX_RECV_BYTES) return [];
  const maxRows = Math.floor(PROXY_MAX_RECV_BYTES / rowBytes);
  const mb = ((rowBytes * batchRows) / 1_048_576).toFixed(1);
  return [
    withAllowed(
      `scenario.ingest.batchSize: ${batchRows} rows × ${rowBytes} bytes = ${mb} MiB per insert exceeds Milvus's proxy.grpc.serverMaxRecvSize (64 MiB)`,
      `at most ${maxRows} rows per batch at dim ${collection.dim}`,
    ),
  ];
}

function checkVarchars(collection: CollectionSpec): string[] {
  const problems: string[] = [];
  collection.scalars.forEach((field, i) => {
    const where = `scenario.collection.scalars[${i}]`;
    if (field.type !== 'varchar') {
      if (field.maxLength !== undefined) problems.push(`${where}.maxLength: is only allowed for type "varchar" (allowed: omit it for ${field.type})`);
      if (field.values !== undefined) problems.push(`${where}.values: is only allowed for type "varchar" (allowed: min and max for ${field.type})`);
      return;
    }
    const maxLength = field.maxLength ?? DEFAULT_VARCHAR_LENGTH;
    (field.values ?? []).forEach((value, v) => {
      if (Buffer.byteLength(value) > maxLength) {
        problems.push(`${where}.values[${v}]: is ${Buffer.byteLength(value)} bytes long, longer than maxLength (allowed: at most ${maxLength} bytes; raise maxLength up to ${MAX_VARCHAR_LENGTH})`);
      }
    });
  });
  return problems;
}

/** Every Milvus limit the scenario would run into on the server, one line each. */
export function checkMilvusLimits(scenario: Scenario): string[] {
  return [...checkIndexParams(scenario.collection), ...checkSearchParams(scenario), ...checkVarchars(scenario.collection), ...checkBatchBytes(scenario)];
}
