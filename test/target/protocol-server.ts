// A small in-memory Milvus-protocol gRPC server for the target-stage tests (not Milvus): enough of the
// MilvusService for the real SDK to create, insert, flush, index, load, count and search (exact L2/IP/COSINE),
// plus hooks to fail inserts and to inspect what arrived.
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import type { DoubleMetric } from '../support/milvus-double.js';
import { distance } from '../support/milvus-double.js';

const require = createRequire(import.meta.url);
const protoJson = (name: string) => (require(`@zilliz/milvus2-sdk-node/dist/milvus/proto-json/${name}`) as { default: object }).default;
const schemaRoot = protobuf.Root.fromJSON(protoJson('schema.base.js'));
const baseRoot = protobuf.Root.fromJSON(protoJson('milvus.base.js'));
const CollectionSchema = schemaRoot.lookupType('milvus.proto.schema.CollectionSchema');
const PlaceholderGroup = baseRoot.lookupType('milvus.proto.common.PlaceholderGroup');

const OK = { error_code: 'Success', code: 0, reason: '' };
const failed = (reason: string, code = 65535) => ({ error_code: 'UnexpectedError', code, reason });

interface WireField {
  fieldID: string;
  name: string;
  is_primary_key: boolean;
  data_type: string;
  autoID: boolean;
  type_params: Array<{ key: string; value: string }>;
}

interface StoredCollection {
  schema: { name: string; fields: WireField[] };
  ids: string[];
  vectors: Float32Array[];
  index: { params: Array<{ key: string; value: string }> } | null;
  loadedReplicas: number;
  nextAutoId: number;
}

interface FieldData {
  field_name: string;
  scalars?: { long_data?: { data: string[] } };
  vectors?: { float_vector?: { data: number[] } };
}

export interface ProtocolServerOptions {
  /** called with the 1-based insert call number; a string fails that call with it as the reason */
  failInsert?: (call: number) => string | null;
  insertDelayMs?: number;
  /** answer Connect with this failure reason (as Milvus does for an unknown database) */
  refuseConnect?: string;
}

export interface ProtocolServer {
  address: string;
  collections: Map<string, StoredCollection>;
  insertCalls: number;
  /** rows of each successful insert call */
  insertSizes: number[];
  /** most Insert calls being handled at the same time */
  maxConcurrentInserts: number;
  /** every call's method name, in order */
  calls: string[];
  close(): Promise<void>;
}

type Callback = (error: grpc.ServiceError | null, reply?: object) => void;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire messages as proto-loader decodes them
type Handler = (request: Record<string, any>) => object;

function decodeSchema(bytes: Uint8Array): StoredCollection['schema'] {
  const decoded = CollectionSchema.toObject(CollectionSchema.decode(bytes), { enums: String, longs: String, defaults: true }) as {
    name: string;
    fields: Array<{ name: string; isPrimaryKey: boolean; dataType: string; autoID: boolean; typeParams: Array<{ key: string; value: string }> }>;
  };
  return {
    name: decoded.name,
    fields: decoded.fields.map((f, i) => ({
      fieldID: String(100 + i),
      name: f.name,
      is_primary_key: f.isPrimaryKey,
      data_type: f.dataType,
      autoID: f.autoID,
      type_params: f.typeParams,
    })),
  };
}

/** Milvus's score: squared L2 distance, or the similarity for IP and COSINE. */
function score(metric: DoubleMetric, x: Float32Array, q: number[]): number {
  const nearness = distance(metric, x, q);
  return metric === 'L2' ? nearness : -nearness;
}

function queryVectors(bytes: Uint8Array): number[][] {
  const group = PlaceholderGroup.toObject(PlaceholderGroup.decode(bytes)) as { placeholders: Array<{ values: Uint8Array[] }> };
  return group.placeholders[0].values.map((v) => Array.from(new Float32Array(new Uint8Array(v).buffer)));
}

export async function startProtocolServer(options: ProtocolServerOptions = {}): Promise<ProtocolServer> {
  const definition = fromJSON(protoJson('milvus.js'), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { milvus: { proto: { milvus: { MilvusService: { service: grpc.ServiceDefinition } } } } };
  const service = loaded.milvus.proto.milvus.MilvusService.service;
  const server = new grpc.Server();
  const state: ProtocolServer = {
    address: '',
    collections: new Map(),
    insertCalls: 0,
    insertSizes: [],
    maxConcurrentInserts: 0,
    calls: [],
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
  const collection = (name: string) => state.collections.get(name);
  const missing = (name: string) => ({ status: failed(`collection not found[collection=${name}]`, 100) });

  const handlers: Record<string, Handler> = {
    Connect: () => (options.refuseConnect ? { status: failed(options.refuseConnect, 800) } : { status: OK, identifier: '7', server_info: {} }),
    GetVersion: () => ({ status: OK, version: 'protocol-test-server' }),
    HasCollection: (r) => ({ status: OK, value: state.collections.has(r.collection_name) }),
    CreateCollection: (r) => {
      state.collections.set(r.collection_name, { schema: decodeSchema(r.schema), ids: [], vectors: [], index: null, loadedReplicas: 0, nextAutoId: 9_000_000 });
      return OK;
    },
    DropCollection: (r) => (state.collections.delete(r.collection_name) ? OK : missing(r.collection_name).status),
    DescribeCollection: (r) => {
      const c = collection(r.collection_name);
      return c ? { status: OK, schema: c.schema, collectionID: '1', collection_name: r.collection_name, shards_num: 1 } : missing(r.collection_name);
    },
    GetCollectionStatistics: (r) => {
      const c = collection(r.collection_name);
      return c ? { status: OK, stats: [{ key: 'row_count', value: String(c.ids.length) }] } : missing(r.collection_name);
    },
    Insert: (r) => {
      const c = collection(r.collection_name)!;
      const fields = r.fields_data as FieldData[];
      const idColumn = fields.find((f) => f.field_name === 'id');
      const floats = fields.find((f) => f.field_name === 'vector')?.vectors?.float_vector?.data ?? [];
      const dim = Number(c.schema.fields.find((f) => f.name === 'vector')!.type_params.find((p) => p.key === 'dim')!.value);
      const ids = idColumn?.scalars?.long_data?.data.map(String) ?? Array.from({ length: r.num_rows }, () => String(c.nextAutoId++));
      ids.forEach((id, i) => {
        c.ids.push(id);
        c.vectors.push(Float32Array.from(floats.slice(i * dim, (i + 1) * dim)));
      });
      state.insertSizes.push(ids.length);
      return { status: OK, IDs: { int_id: { data: ids } }, insert_cnt: String(ids.length), succ_index: [] };
    },
    Flush: (r) => ({ status: OK, coll_segIDs: { [r.collection_names[0]]: { data: ['1'] } }, coll_flush_ts: { [r.collection_names[0]]: '5' } }),
    GetFlushState: () => ({ status: OK, flushed: true }),
    CreateIndex: (r) => {
      collection(r.collection_name)!.index = { params: r.extra_params };
      return OK;
    },
    DescribeIndex: (r) => {
      const c = collection(r.collection_name);
      if (!c?.index) return { status: failed('index not found', 700) };
      return { status: OK, index_descriptions: [{ index_name: 'vector', field_name: 'vector', params: c.index.params, state: 'Finished' }] };
    },
    DropIndex: (r) => {
      collection(r.collection_name)!.index = null;
      return OK;
    },
    ReleaseCollection: (r) => {
      collection(r.collection_name)!.loadedReplicas = 0;
      return OK;
    },
    LoadCollection: (r) => {
      const c = collection(r.collection_name)!;
      if (!c.index) return failed('there is no vector index on field: [vector], please create index firstly');
      c.loadedReplicas = r.replica_number;
      return OK;
    },
    GetLoadingProgress: (r) => ({ status: OK, progress: collection(r.collection_name)!.loadedReplicas > 0 ? '100' : '0' }),
    GetLoadState: (r) => ({ status: OK, state: collection(r.collection_name)!.loadedReplicas > 0 ? 'LoadStateLoaded' : 'LoadStateNotLoad' }),
    GetReplicas: (r) => ({ status: OK, replicas: Array.from({ length: collection(r.collection_name)!.loadedReplicas }, (_, i) => ({ replicaID: String(i) })) }),
    Query: (r) => {
      const c = collection(r.collection_name);
      if (!c) return missing(r.collection_name);
      return { status: OK, output_fields: ['count(*)'], fields_data: [{ field_name: 'count(*)', type: 'Int64', scalars: { long_data: { data: [String(c.ids.length)] } } }] };
    },
    Search: (r) => {
      const c = collection(r.collection_name)!;
      const param = (key: string) => (r.search_params as Array<{ key: string; value: string }>).find((p) => p.key === key)?.value;
      const metric = (param('metric_type') ?? 'L2') as DoubleMetric;
      const topK = Number(param('topk') ?? param('limit'));
      const ids: string[] = [];
      const scores: number[] = [];
      const topks: string[] = [];
      for (const q of queryVectors(r.placeholder_group)) {
        const ranked = c.vectors.map((x, i) => ({ id: c.ids[i], s: score(metric, x, q) })).sort((a, b) => (metric === 'L2' ? a.s - b.s : b.s - a.s));
        const top = ranked.slice(0, topK);
        top.forEach((hit) => (ids.push(hit.id), scores.push(hit.s)));
        topks.push(String(top.length));
      }
      const pk = { field_name: 'id', type: 'Int64', scalars: { long_data: { data: ids } } };
      return { status: OK, results: { num_queries: String(topks.length), top_k: String(topK), ids: { int_id: { data: ids } }, scores, topks, fields_data: [pk], output_fields: ['id'] } };
    },
  };

  let insertsInFlight = 0;
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [method, handle] of Object.entries(handlers)) {
    implementation[method] = (call: { request: Record<string, unknown> }, callback: Callback) => {
      state.calls.push(method);
      if (method !== 'Insert') return callback(null, handle(call.request));
      const number = ++state.insertCalls;
      const failure = options.failInsert?.(number) ?? null;
      state.maxConcurrentInserts = Math.max(state.maxConcurrentInserts, ++insertsInFlight);
      setTimeout(() => {
        insertsInFlight--;
        callback(null, failure === null ? handle(call.request) : { status: failed(failure) });
      }, options.insertDelayMs ?? 0);
    };
  }
  server.addService(service, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  state.address = `127.0.0.1:${port}`;
  return state;
}
