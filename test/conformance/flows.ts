// The SDK flows the conformance suite runs against every target (look-alike and real Milvus), as the tool uses the
// SDK. Each step records what a user would see (status class, code, rows, ids, scores) so two targets can be compared.
import { ConsistencyLevelEnum, DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';

export const DIM = 8;
export const ROWS = 600;
/** nprobe = nlist and ef ≥ rows make IVF_FLAT and HNSW exhaustive here, so both servers must find the exact top-K. */
export const INDEXES = [
  { kind: 'FLAT', metric: 'L2', index: { index_type: 'FLAT', params: {} }, search: [{}, { ef: 64 }, { nprobe: 16 }] },
  { kind: 'FLAT_IP', metric: 'IP', index: { index_type: 'FLAT', params: {} }, search: [{}, { ef: 64 }] },
  { kind: 'FLAT_COSINE', metric: 'COSINE', index: { index_type: 'FLAT', params: {} }, search: [{}, { ef: 64 }] },
  { kind: 'IVF_FLAT', metric: 'L2', index: { index_type: 'IVF_FLAT', params: { nlist: 8 } }, search: [{ nprobe: 8 }] },
  { kind: 'HNSW', metric: 'L2', index: { index_type: 'HNSW', params: { M: 16, efConstruction: 200 } }, search: [{ ef: 600 }] },
] as const;

/** Milvus 2.3.5 leaves SearchResultData.primary_field_name empty, so SDK 3.x hits have no id unless the pk is an
 *  output field; the look-alike fills it (as Milvus ≥ 2.4 does). A known, asserted difference. */
export const PK_NOT_NAMED = 'search output fields, pk not named';

export interface Observation {
  /** the call succeeded (status Success and nothing thrown) */
  ok: boolean;
  /** Milvus status `code` (merr), when it failed with a status */
  code?: number;
  /** the legacy error_code enum name, when it failed with a status */
  errorCode?: string;
  reason?: string;
  /** the call threw (SDK-side validation or a gRPC failure) */
  thrown?: string;
  value?: unknown;
}

type Status = { error_code?: string | number; code?: number; reason?: string };

function fromStatus(status: Status | undefined, value?: unknown): Observation {
  if (!status || status.error_code === 'Success' || status.error_code === 0) return { ok: true, ...(value === undefined ? {} : { value }) };
  return { ok: false, code: Number(status.code ?? 0), errorCode: String(status.error_code), reason: String(status.reason ?? '') };
}

async function observe(run: () => Promise<Observation>): Promise<Observation> {
  try {
    return await run();
  } catch (error) {
    return { ok: false, thrown: String((error as Error)?.message ?? error).split('\n')[0] };
  }
}

export function vectorsFor(rows: number, dim: number, seed: number): number[][] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  return Array.from({ length: rows }, () => Array.from({ length: dim }, () => next()));
}

type Hit = { id: string; score: number; [field: string]: unknown };

function hitsOf(results: unknown, nq: number): Hit[][] {
  const list = results as Hit[] | Hit[][];
  const perQuery = nq === 1 ? [list as Hit[]] : (list as Hit[][]);
  return perQuery.map((hits) => (hits ?? []).map((h) => ({ ...h, id: String(h.id), score: Number(h.score) })));
}

export function sdkClient(address: string): MilvusClient {
  return new MilvusClient({
    address,
    timeout: 20_000,
    logLevel: 'error',
    channelOptions: { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 300 },
  } as ConstructorParameters<typeof MilvusClient>[0]);
}

const DATA = vectorsFor(ROWS, DIM, 7);
const QUERIES = vectorsFor(3, DIM, 99);

async function createAndFill(client: MilvusClient, name: string): Promise<Observation[]> {
  await client.dropCollection({ collection_name: name }).catch(() => undefined);
  const created = await observe(async () =>
    fromStatus(
      await client.createCollection({
        collection_name: name,
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
          { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
          { name: 'tag', data_type: DataType.VarChar, max_length: 16 },
          { name: 'n', data_type: DataType.Int64 },
        ],
      }),
    ),
  );
  const rows = DATA.map((vec, i) => ({ id: i, vec, tag: `t${i % 4}`, n: i }));
  const inserted = await observe(async () => {
    const r = await client.insert({ collection_name: name, data: rows });
    return fromStatus(r.status, Number(r.insert_cnt));
  });
  const flushed = await observe(async () => fromStatus((await client.flushSync({ collection_names: [name] })).status));
  return [created, inserted, flushed];
}

/** A loaded FLAT collection of ROWS rows (for the metrics checks). */
export async function loadedCollection(client: MilvusClient, name: string): Promise<void> {
  for (const step of await createAndFill(client, name)) if (!step.ok) throw new Error(`${name}: ${step.reason ?? step.thrown}`);
  const indexed = await client.createIndex({ collection_name: name, field_name: 'vec', metric_type: 'L2', index_type: 'FLAT', params: {} });
  if (indexed.error_code !== 'Success') throw new Error(`${name}: ${indexed.reason}`);
  await client.loadCollectionSync({ collection_name: name });
}

export const queryVectors = (): number[][] => QUERIES;

async function search(client: MilvusClient, name: string, args: Record<string, unknown>, metric = 'L2'): Promise<Observation> {
  return observe(async () => {
    const data = (args.data as number[][] | undefined) ?? QUERIES;
    const r = await client.search({ collection_name: name, anns_field: 'vec', data, limit: 10, metric_type: metric, consistency_level: ConsistencyLevelEnum.Strong, ...args } as Parameters<MilvusClient['search']>[0]);
    return fromStatus(r.status, hitsOf(r.results, data.length));
  });
}

async function query(client: MilvusClient, name: string, args: Record<string, unknown>): Promise<Observation> {
  return observe(async () => {
    const r = await client.query({ collection_name: name, consistency_level: ConsistencyLevelEnum.Strong, ...args } as Parameters<MilvusClient['query']>[0]);
    const rows = (r.data ?? []).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? String(v) : k === 'id' || k === 'n' || k === 'count(*)' ? String(v) : v])));
    return fromStatus(r.status, rows);
  });
}

/** Every step's observation, by step name; identical names and order on every target. */
export async function runFlows(client: MilvusClient): Promise<Map<string, Observation>> {
  const seen = new Map<string, Observation>();
  const record = (name: string, o: Observation) => void seen.set(name, o);

  record('getVersion', await observe(async () => {
    const r = (await client.getVersion()) as { status?: Status; version: string };
    return fromStatus(r.status, /^v?\d+\.\d+\.\d+/.test(r.version));
  }));
  record('checkHealth', await observe(async () => {
    const r = (await client.checkHealth()) as { status?: Status; isHealthy: boolean };
    return fromStatus(r.status, r.isHealthy);
  }));
  record('hasCollection unknown', await observe(async () => {
    const r = await client.hasCollection({ collection_name: 'conf_missing' });
    return fromStatus(r.status, r.value);
  }));
  record('describeCollection unknown', await observe(async () => fromStatus((await client.describeCollection({ collection_name: 'conf_missing' })).status)));
  record('search unknown collection', await search(client, 'conf_missing', {}));
  record('query unknown collection', await query(client, 'conf_missing', { expr: 'id > 0' }));
  record('insert unknown collection', await observe(async () => fromStatus((await client.insert({ collection_name: 'conf_missing', data: [{ id: 1, vec: DATA[0]!, tag: 'x', n: 1 }] })).status)));
  record('load unknown collection', await observe(async () => fromStatus(await client.loadCollection({ collection_name: 'conf_missing' }))));

  for (const { kind, metric, index, search: paramSets } of INDEXES) {
    const name = `conf_${kind.toLowerCase()}`;
    const [created, inserted, flushed] = await createAndFill(client, name);
    record(`${kind} create`, created!);
    record(`${kind} insert`, inserted!);
    record(`${kind} flush`, flushed!);
    if (kind === 'FLAT') {
      record('create again, same schema', await observe(async () => fromStatus(await client.createCollection({ collection_name: name, fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false }, { name: 'vec', data_type: DataType.FloatVector, dim: DIM }, { name: 'tag', data_type: DataType.VarChar, max_length: 16 }, { name: 'n', data_type: DataType.Int64 }] }))));
      record('create again, other schema', await observe(async () => fromStatus(await client.createCollection({ collection_name: name, fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false }, { name: 'vec', data_type: DataType.FloatVector, dim: 4 }] }))));
      record('insert wrong dim', await observe(async () => fromStatus((await client.insert({ collection_name: name, data: [{ id: 10_000, vec: [1, 2, 3], tag: 'x', n: 1 }] })).status)));
      record('search before index and load', await search(client, name, {}));
    }
    record(`${kind} createIndex`, await observe(async () => fromStatus(await client.createIndex({ collection_name: name, field_name: 'vec', metric_type: metric, ...index }))));
    if (kind === 'FLAT') record('search before load', await search(client, name, {}));
    record(`${kind} load`, await observe(async () => fromStatus(await client.loadCollectionSync({ collection_name: name }))));
    record(`${kind} search no params`, await search(client, name, {}, metric));
    for (const params of paramSets) record(`${kind} search ${JSON.stringify(params)}`, await search(client, name, { params }, metric));
    if (kind === 'FLAT') record('search metric mismatch', await search(client, name, {}, 'IP'));
    if (kind !== 'FLAT') continue;
    record('search filtered', await search(client, name, { filter: 'n >= 100 and tag == "t1"', output_fields: ['id', 'tag', 'n'] }));
    record('search output fields', await search(client, name, { output_fields: ['id', 'tag', 'n'], data: [QUERIES[0]!] }));
    record(PK_NOT_NAMED, await search(client, name, { output_fields: ['tag', 'n'], data: [QUERIES[0]!] }));
    record('search bad expression', await search(client, name, { filter: 'n >>> 3' }));
    record('search unknown field in filter', await search(client, name, { filter: 'nope > 3' }));
    record('search topK too big', await search(client, name, { limit: 16_385 }));
    record('search wrong dim', await search(client, name, { data: [[1, 2, 3]] }));
    record('query id in', await query(client, name, { expr: 'id in [3, 1, 2]', output_fields: ['tag', 'n'] }));
    record('query range', await query(client, name, { expr: 'n < 5 and tag != "t0"', output_fields: ['n'] }));
    record('query count(*)', await query(client, name, { output_fields: ['count(*)'] }));
    record('query count(*) filtered', await query(client, name, { expr: 'tag == "t2"', output_fields: ['count(*)'] }));
    record('query bad expression', await query(client, name, { expr: 'id in [1, 2' }));
    record('query unknown output field', await query(client, name, { expr: 'id < 3', output_fields: ['nope'] }));
    record('delete', await observe(async () => {
      const r = await client.delete({ collection_name: name, filter: 'id in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]' });
      return fromStatus(r.status, Number(r.delete_cnt));
    }));
    record('count after delete', await query(client, name, { output_fields: ['count(*)'] }));
    record('query deleted ids', await query(client, name, { expr: 'id in [0, 5, 10]', output_fields: ['n'] }));
    record('release', await observe(async () => fromStatus(await client.releaseCollection({ collection_name: name }))));
    record('search after release', await search(client, name, {}));
    record('query after release', await query(client, name, { expr: 'id < 3' }));
  }
  for (const { kind } of INDEXES) {
    const name = `conf_${kind.toLowerCase()}`;
    record(`${kind} drop`, await observe(async () => fromStatus(await client.dropCollection({ collection_name: name }))));
  }
  record('describe after drop', await observe(async () => fromStatus((await client.describeCollection({ collection_name: 'conf_flat' })).status)));
  record('search after drop', await search(client, 'conf_flat', {}));
  return seen;
}
