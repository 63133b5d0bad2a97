// A Milvus-protocol gRPC test double (not Milvus), built from the SDK's proto-json with @grpc/grpc-js.
//
// API
//   const double = await startMilvusDouble({ rows: 200, dim: 8, metric: 'L2', port: 0 });
//   double.address            '127.0.0.1:<port>'
//   double.vectors            the stored vectors (row i has primary key i), for computing expected neighbours
//   double.inject(rule)       add a behaviour rule; double.clear() removes all rules
//   double.calls              method name → calls received;  double.rawRequests  method → request bytes (last 1000)
//   double.concurrency        { current, max } Search/Query calls being handled (max since start or resetMax())
//   double.stop() / double.start()   stop listening / listen again on the same port (a proxy restart)
//   double.close()
// Answers Connect, GetVersion, CheckHealth, DescribeCollection (int64 pk `id` + float vector `vector` with dim),
// Search (exact nearest neighbours, pk column in fields_data as the SDK reads it), Query (count(*), `id in [..]`),
// and answers the SDK's other housekeeping calls it may send (ShowCollections, GetLoadState, telemetry → UNIMPLEMENTED).
//
// Rules apply to requests ARRIVING in [fromMs, toMs) (epoch ms; defaults: always) for `methods` (default: all):
//   { effect: 'delay', ms }            reply ms later
//   { effect: 'hold' }                 reply at toMs (a stall: everything that arrived waits for its end)
//   { effect: 'unavailable' }          gRPC UNAVAILABLE
//   { effect: 'status', code, reason } a non-success Milvus status
//   { effect: 'short', hits }          search replies with only `hits` hits per query
// Delete (`id in [..]`) removes keys: count(*) and `id in` queries leave them out (`double.deleted` lists them);
// `double.lost` holds keys the double pretends it lost (a data-loss bug the integrity check must catch).
// `times: n` limits a rule to the first n requests it applies to (a known number of injected failures);
// `every: n` applies it to every n-th matching request only (a tail of 1/n of the requests).
// It also answers the calls `run` makes on an existing collection with ingest.skip (statistics, index, load), so the
// CLI can run against it: `--target <double.address>`.
// For a stall that must not block the test's event loop run it as a child: see milvus-double-process.ts.
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);
const protoJson = (name: string) => (require(`@zilliz/milvus2-sdk-node/dist/milvus/proto-json/${name}`) as { default: object }).default;
const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };
const PlaceholderGroup = protobuf.Root.fromJSON(protoJson('milvus.base.js') as protobuf.INamespace).lookupType(
  'milvus.proto.common.PlaceholderGroup',
);

export type DoubleMetric = 'L2' | 'IP' | 'COSINE';

export type DoubleEffect =
  | { effect: 'delay'; ms: number }
  | { effect: 'hold' }
  | { effect: 'unavailable' }
  | { effect: 'status'; code: number; reason: string }
  | { effect: 'short'; hits: number };

export type DoubleRule = DoubleEffect & { methods?: string[]; fromMs?: number; toMs?: number; times?: number; every?: number };

export interface MilvusDoubleOptions {
  rows?: number;
  dim?: number;
  metric?: DoubleMetric;
  collection?: string;
  port?: number;
  seed?: number;
  rules?: DoubleRule[];
}

export interface MilvusDouble {
  address: string;
  port: number;
  dim: number;
  rows: number;
  metric: DoubleMetric;
  collection: string;
  vectors: Float32Array;
  calls: Record<string, number>;
  rawRequests: Record<string, Buffer[]>;
  concurrency: { current: number; max: number };
  /** keys removed by Delete calls */
  deleted: Set<number>;
  /** keys the double acts as if it had lost */
  lost: Set<number>;
  resetMax(): void;
  inject(rule: DoubleRule): void;
  clear(): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const OK = { error_code: 'Success', code: 0, reason: '' };
type Reply = { error: grpc.ServiceError } | { reply: object };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire messages as proto-loader decodes them
type WireRequest = Record<string, any>;

/** deterministic vectors in [-1, 1) from a small LCG */
export function seededVectors(rows: number, dim: number, seed = 7): Float32Array {
  const out = new Float32Array(rows * dim);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

export function distance(metric: DoubleMetric, a: Float32Array, b: ArrayLike<number>): number {
  let dot = 0, aa = 0, bb = 0, l2 = 0;
  for (let d = 0; d < a.length; d++) {
    dot += a[d] * b[d];
    aa += a[d] * a[d];
    bb += b[d] * b[d];
    l2 += (a[d] - b[d]) ** 2;
  }
  // smaller is nearer for every metric
  return metric === 'L2' ? l2 : metric === 'IP' ? -dot : -dot / Math.sqrt(aa * bb || 1);
}

/** primary keys of the k nearest stored rows to `query`, nearest first */
export function nearestIds(vectors: Float32Array, dim: number, metric: DoubleMetric, query: ArrayLike<number>, k: number): number[] {
  const rows = vectors.length / dim;
  const scored = Array.from({ length: rows }, (_, i) => ({ i, d: distance(metric, vectors.subarray(i * dim, (i + 1) * dim), query) }));
  scored.sort((a, b) => a.d - b.d || a.i - b.i);
  return scored.slice(0, k).map((s) => s.i);
}

function ruleApplies(rule: DoubleRule, method: string, arrivedMs: number): boolean {
  return (!rule.methods || rule.methods.includes(method)) && arrivedMs >= (rule.fromMs ?? -Infinity) && arrivedMs < (rule.toMs ?? Infinity);
}

export async function startMilvusDouble(options: MilvusDoubleOptions = {}): Promise<MilvusDouble> {
  const rows = options.rows ?? 200;
  const dim = options.dim ?? 8;
  const metric = options.metric ?? 'L2';
  const collection = options.collection ?? 'bench';
  const vectors = seededVectors(rows, dim, options.seed);
  const rules: DoubleRule[] = [...(options.rules ?? [])];
  const seen = new Map<DoubleRule, number>();
  const definition = fromJSON(protoJson('milvus.js'), LOADER_OPTIONS);
  const service = definition['milvus.proto.milvus.MilvusService'] as unknown as grpc.ServiceDefinition;
  const state = { calls: {} as Record<string, number>, rawRequests: {} as Record<string, Buffer[]> };
  const concurrency = { current: 0, max: 0 };

  const schema = {
    name: collection,
    fields: [
      { fieldID: '100', name: 'id', is_primary_key: true, data_type: 'Int64', autoID: false, type_params: [] },
      { fieldID: '101', name: 'vector', is_primary_key: false, data_type: 'FloatVector', autoID: false, type_params: [{ key: 'dim', value: String(dim) }] },
    ],
  };
  const missing = (name: string) => ({ status: { error_code: 'UnexpectedError', code: 100, reason: `collection not found[collection=${name}]` } });

  function search(request: WireRequest, shortHits: number | null): object {
    if (request.collection_name !== collection) return missing(request.collection_name);
    const param = (key: string) => (request.search_params as Array<{ key: string; value: string }>).find((p) => p.key === key)?.value;
    const topK = Number(param('topk') ?? param('limit') ?? 10);
    const group = PlaceholderGroup.decode(request.placeholder_group) as unknown as { placeholders: Array<{ values: Uint8Array[] }> };
    const ids: string[] = [];
    const scores: number[] = [];
    const topks: string[] = [];
    for (const value of group.placeholders[0]?.values ?? []) {
      const query = new Float32Array(new Uint8Array(value).buffer);
      const hits = nearestIds(vectors, dim, (param('metric_type') as DoubleMetric) || metric, query, Math.min(topK, shortHits ?? topK));
      for (const id of hits) (ids.push(String(id)), scores.push(distance(metric, vectors.subarray(id * dim, (id + 1) * dim), query)));
      topks.push(String(hits.length));
    }
    const pk = { field_name: 'id', type: 'Int64', field_id: '100', scalars: { long_data: { data: ids } } };
    return {
      status: OK,
      collection_name: collection,
      results: { num_queries: String(topks.length), top_k: String(topK), ids: { int_id: { data: ids } }, scores, topks, fields_data: [pk], output_fields: [], primary_field_name: 'id' },
    };
  }

  const deleted = new Set<number>();
  const lost = new Set<number>();
  const present = (id: number) => Number.isInteger(id) && id >= 0 && id < rows && !deleted.has(id) && !lost.has(id);
  const listedKeys = (expr: string) => /in\s*\[([^\]]*)\]/.exec(expr)?.[1].split(',').map((s) => Number(s.trim())) ?? [];

  function query(request: WireRequest): object {
    if (request.collection_name !== collection) return missing(request.collection_name);
    const expr = String(request.expr ?? '');
    if (request.output_fields?.includes('count(*)')) {
      const count = rows - [...deleted, ...lost].filter((id, i, all) => all.indexOf(id) === i).length;
      return { status: OK, output_fields: ['count(*)'], fields_data: [{ field_name: 'count(*)', type: 'Int64', scalars: { long_data: { data: [String(count)] } } }] };
    }
    const listed = listedKeys(expr).filter(present);
    return { status: OK, output_fields: ['id'], fields_data: [{ field_name: 'id', type: 'Int64', scalars: { long_data: { data: listed.map(String) } } }] };
  }

  const handlers: Record<string, (request: WireRequest, shortHits: number | null) => object> = {
    Connect: () => ({ status: OK, identifier: '1', server_info: { build_tags: 'milvus-double (not Milvus)' } }),
    GetVersion: () => ({ status: OK, version: 'milvus-double' }),
    CheckHealth: () => ({ status: OK, isHealthy: true, reasons: [], quota_states: [] }),
    DescribeCollection: (r) =>
      r.collection_name === collection
        ? { status: OK, schema, collectionID: '1', collection_name: collection, shards_num: 1, consistency_level: 'Bounded', db_name: 'default' }
        : missing(r.collection_name),
    HasCollection: (r) => ({ status: OK, value: r.collection_name === collection }),
    ShowCollections: () => ({ status: OK, collection_names: [collection], collection_ids: ['1'] }),
    GetLoadState: () => ({ status: OK, state: 'LoadStateLoaded' }),
    GetCollectionStatistics: () => ({ status: OK, stats: [{ key: 'row_count', value: String(rows) }] }),
    DescribeIndex: () => ({
      status: OK,
      index_descriptions: [
        { index_name: 'vector', field_name: 'vector', state: 'Finished', params: [{ key: 'index_type', value: 'FLAT' }, { key: 'metric_type', value: metric }] },
      ],
    }),
    GetReplicas: () => ({ status: OK, replicas: [{ replicaID: '1', collectionID: '1', partition_ids: [], shard_replicas: [], node_ids: ['1'] }] }),
    LoadCollection: () => OK,
    GetLoadingProgress: () => ({ status: OK, progress: '100', refresh_progress: '100' }),
    Search: search,
    Query: query,
    Delete: (r) => {
      if (r.collection_name !== collection) return missing(r.collection_name);
      const keys = listedKeys(String(r.expr ?? '')).filter(present);
      for (const id of keys) deleted.add(id);
      return { status: OK, IDs: { int_id: { data: keys.map(String) } }, delete_cnt: String(keys.length), succ_index: [], err_index: [], acknowledged: true };
    },
  };

  function answer(method: string, request: WireRequest): { reply: Reply; atMs: number } {
    const arrivedMs = Date.now();
    const matching = rules.filter((rule) => ruleApplies(rule, method, arrivedMs) && (rule.times === undefined || rule.times > 0));
    for (const rule of matching) if (rule.times !== undefined) rule.times--;
    const active = matching.filter((rule) => rule.every === undefined || (seen.set(rule, (seen.get(rule) ?? 0) + 1), seen.get(rule)! % rule.every === 0));
    let atMs = arrivedMs;
    let shortHits: number | null = null;
    for (const rule of active) {
      if (rule.effect === 'delay') atMs = Math.max(atMs, arrivedMs + rule.ms);
      if (rule.effect === 'hold') atMs = Math.max(atMs, rule.toMs ?? arrivedMs);
      if (rule.effect === 'short') shortHits = rule.hits;
    }
    const failure = active.find((rule) => rule.effect === 'unavailable' || rule.effect === 'status');
    if (failure?.effect === 'unavailable') {
      const error = Object.assign(new Error('milvus-double: injected unavailable'), { code: grpc.status.UNAVAILABLE, details: 'injected unavailable', metadata: new grpc.Metadata() });
      return { reply: { error }, atMs };
    }
    if (failure?.effect === 'status') {
      return { reply: { reply: { status: { error_code: 'UnexpectedError', code: failure.code, reason: failure.reason } } }, atMs };
    }
    return { reply: { reply: handlers[method](request, shortHits) }, atMs };
  }

  const implementation: grpc.UntypedServiceImplementation = {};
  const recordingService: Record<string, grpc.MethodDefinition<WireRequest, object>> = {};
  for (const [method, spec] of Object.entries(service) as Array<[string, grpc.MethodDefinition<WireRequest, object>]>) {
    recordingService[method] = {
      ...spec,
      requestDeserialize: (bytes: Buffer) => {
        const list = (state.rawRequests[method] ??= []);
        if (list.length >= 1000) list.shift();
        list.push(Buffer.from(bytes));
        return spec.requestDeserialize(bytes);
      },
    };
    implementation[method] = (call: grpc.ServerUnaryCall<WireRequest, object>, callback: grpc.sendUnaryData<object>) => {
      state.calls[method] = (state.calls[method] ?? 0) + 1;
      if (!handlers[method]) return callback({ code: grpc.status.UNIMPLEMENTED, details: `milvus-double does not implement ${method}` });
      const { reply, atMs } = answer(method, call.request);
      const counted = method === 'Search' || method === 'Query';
      if (counted) concurrency.max = Math.max(concurrency.max, ++concurrency.current);
      const send = () => {
        if (counted) concurrency.current--;
        if ('error' in reply) callback(reply.error);
        else callback(null, reply.reply);
      };
      const wait = atMs - Date.now();
      if (wait > 0) setTimeout(send, wait);
      else send();
    };
  }

  let server: grpc.Server | null = null;
  let port = options.port ?? 0;
  const listen = async () => {
    server = new grpc.Server();
    server.addService(recordingService as grpc.ServiceDefinition, implementation);
    port = await new Promise<number>((resolve, reject) =>
      server!.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
  };
  await listen();

  const double: MilvusDouble = {
    get address() {
      return `127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dim,
    rows,
    metric,
    collection,
    vectors,
    calls: state.calls,
    rawRequests: state.rawRequests,
    concurrency,
    deleted,
    lost,
    resetMax: () => void (concurrency.max = concurrency.current),
    inject: (rule) => void rules.push(rule),
    clear: () => void rules.splice(0),
    stop: async () => {
      server?.forceShutdown();
      server = null;
    },
    start: async () => {
      if (!server) await listen();
    },
    close: async () => double.stop(),
  };
  return double;
}
