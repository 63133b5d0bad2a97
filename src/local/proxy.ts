// Proxy process: serves Milvus's MilvusService over gRPC (the SDK talks to it unchanged). DDL, inserts and loads go
// to the coordinator; searches and queries fan out to querynodes per the cached routing table.
import * as grpc from '@grpc/grpc-js';
import type { CollectionSchema, FieldSchema, IndexSpec } from './engine/index.js';
import { LOCAL_CLUSTER_DESCRIPTION, type ComponentOptions } from './layout.js';
import { decodeCollectionSchema, describeSchema, failure, insertColumns, milvusServiceDefinition, SUCCESS, type FieldDataIn, type MilvusStatus } from './milvus-proto.js';
import { ComponentMetrics } from './observability.js';
import { deleteKeys, runSearch, runQuery } from './proxy-read.js';
import { Router } from './proxy-router.js';
import { InternalClient, listen, RemoteError } from './rpc.js';

type Request = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- decoded protobuf messages
type Handler = (request: Request, deadline: number) => Promise<Record<string, unknown>>;

const VERSION = 'v2.6.0-local';
/** Reads admitted at once per proxy; beyond it a read fails fast (Milvus RateLimit) instead of queueing past its deadline. */
const MAX_READS_IN_FLIGHT = 96;

export async function startProxy(options: ComponentOptions, metrics: ComponentMetrics): Promise<{ grpcPort: number; server: grpc.Server }> {
  const router = new Router(new InternalClient(options.coordinator));
  const handlers = proxyHandlers(router);
  const service = milvusServiceDefinition();
  const implementation: grpc.UntypedServiceImplementation = {};
  let readsInFlight = 0;
  for (const [method, definition] of Object.entries(service)) {
    const returnsStatus = (definition as unknown as { responseType?: { type?: { name?: string } } }).responseType?.type?.name === 'Status';
    const handler: Handler = handlers[method] ?? (async () => {
      throw new RemoteError('unsupported', `${method} is not supported by the local cluster`);
    });
    implementation[method] = (call: grpc.ServerUnaryCall<Request, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      // After a freeze, the socket holds both the calls that queued up and the clients' cancellations of most of them;
      // grpc-timeout is relative, so those calls look fresh. One macrotask lets the buffered cancellations land first.
      if (method === 'Search' || method === 'Query') setImmediate(handle);
      else handle();
      function handle(): void {
      const started = performance.now();
      const callDeadline = call.getDeadline();
      const deadline = callDeadline instanceof Date ? callDeadline.getTime() : Number.isFinite(callDeadline) && callDeadline > 0 ? Number(callDeadline) : Date.now() + 30_000;
      const isRead = method === 'Search' || method === 'Query';
      // Calls that expired or were cancelled while this process could not run (SIGSTOP, GC, overload) are answered
      // at once: working on them would only delay live calls and fill the read admission slots.
      if (call.cancelled || Date.now() >= deadline) {
        metrics.countRequest(method, false);
        callback({ code: grpc.status.DEADLINE_EXCEEDED, details: `${method}: deadline passed before the proxy could start it` });
        return;
      }
      const admitted = !isRead || readsInFlight < MAX_READS_IN_FLIGHT;
      if (isRead && admitted) readsInFlight++;
      const run = admitted
        ? handler(call.request, Math.min(deadline, Date.now() + 30_000)).finally(() => isRead && readsInFlight--)
        : Promise.reject(new RemoteError('rate_limited', `proxy overloaded: ${readsInFlight} reads in flight (limit ${MAX_READS_IN_FLIGHT}); retry later`));
      run.then(
        (reply) => {
          metrics.countRequest(method, true);
          if (method === 'Search' || method === 'Query') metrics.observe(method === 'Search' ? 'search' : 'query', performance.now() - started);
          callback(null, returnsStatus ? SUCCESS : { status: SUCCESS, ...reply });
        },
        (error: unknown) => {
          metrics.countRequest(method, false);
          // The caller's own deadline passed: a gRPC DEADLINE_EXCEEDED (the client counts a timeout), not "unavailable".
          if (isDeadlineExceeded(error) || Date.now() >= deadline) {
            callback({ code: grpc.status.DEADLINE_EXCEEDED, details: `${method}: ${(error as Error).message ?? 'deadline exceeded'}` });
            return;
          }
          const status = toStatus(error);
          callback(null, returnsStatus ? status : { status });
        },
      );
      }
    };
  }
  // Milvus 2.3's proxy.grpc.serverMaxRecvSize / serverMaxSendSize: a larger request fails with RESOURCE_EXHAUSTED.
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc.max_send_message_length': 64 * 1024 * 1024 });
  server.addService(service, implementation);
  const grpcPort = await listen(server, options.grpcPort);
  return { grpcPort, server };
}

let lastTimestamp = 0n;
/** Strictly increasing within this proxy, like Milvus's TSO. */
function hybridTimestamp(): string {
  const next = BigInt(Date.now()) << 18n;
  lastTimestamp = next > lastTimestamp ? next : lastTimestamp + 1n;
  return lastTimestamp.toString();
}

function isDeadlineExceeded(error: unknown): boolean {
  return error instanceof RemoteError && error.code === 'deadline_exceeded';
}

function toStatus(error: unknown): MilvusStatus {
  const code = (error as { code?: unknown }).code;
  return failure(typeof code === 'string' ? code : 'internal', (error as Error).message ?? String(error));
}

const kv = (pairs: { key: string; value: string }[] | undefined): Record<string, string> => Object.fromEntries((pairs ?? []).map((p) => [p.key, p.value]));

/** A stable int64 collection id derived from the collection's uuid (the SDK's getReplicas needs one). */
export const collectionId = (schema: CollectionSchema): string => BigInt(`0x${schema.id.replace(/-/g, '').slice(0, 13)}`).toString();

export function indexParams(index: IndexSpec | null): { key: string; value: string }[] {
  if (!index) return [];
  return [
    { key: 'index_type', value: index.type },
    { key: 'metric_type', value: index.metric },
    { key: 'params', value: JSON.stringify(index.params) },
  ];
}

function proxyHandlers(router: Router): Record<string, Handler> {
  const names = new Map<string, string>(); // collection id → name
  const describe = async (name: string, fresh = true) => {
    const info = await router.collection(name, fresh);
    names.set(collectionId(info.schema), name);
    return info;
  };
  const call = async (header: Record<string, unknown>, body?: Buffer) => (await router.coordinatorCall(header, body)).header;
  const nameOf = async (request: Request): Promise<string> => {
    if (request.collection_name) return String(request.collection_name);
    const id = String(request.collectionID ?? '');
    if (!names.has(id)) for (const n of (await call({ op: 'listCollections' })).names as string[]) await describe(n);
    const found = names.get(id);
    if (!found) throw new RemoteError('collection_not_found', `collection ${id} does not exist`);
    return found;
  };

  return {
    Connect: async () => ({ server_info: { build_tags: VERSION, deploy_mode: 'local-cluster', reserved: { description: LOCAL_CLUSTER_DESCRIPTION } }, identifier: String(Date.now() % 1_000_000_000) }),
    GetVersion: async () => ({ version: VERSION }),
    // Milvus's hybrid timestamp: physical ms << 18 | logical (pymilvus's create_index and flush wait through it).
    AllocTimestamp: async () => ({ timestamp: hybridTimestamp() }),
    CheckHealth: async () => {
      try {
        await call({ op: 'listCollections' });
        return { isHealthy: true, reasons: [] };
      } catch (error) {
        return { isHealthy: false, reasons: [(error as Error).message] };
      }
    },
    ListDatabases: async () => ({ db_names: ['default'], created_timestamp: ['0'], db_ids: ['1'] }),
    CreateCollection: async (r) => {
      router.forget(r.collection_name);
      await call({ op: 'createCollection', spec: decodeCollectionSchema(r.collection_name, r.schema as Buffer, Number(r.shards_num)) });
      return {};
    },
    DropCollection: async (r) => {
      await call({ op: 'dropCollection', name: r.collection_name });
      router.forget(r.collection_name);
      return {};
    },
    DescribeCollection: async (r) => {
      const name = await nameOf(r);
      const info = await describe(name);
      return {
        schema: describeSchema(info.schema, indexParams(info.index)),
        collectionID: collectionId(info.schema),
        collection_name: name,
        db_name: 'default',
        shards_num: info.schema.shards,
        virtual_channel_names: [`local-dml_0_${collectionId(info.schema)}v0`],
        physical_channel_names: ['local-dml_0'],
        created_timestamp: String(info.schema.createdAt),
        created_utc_timestamp: String(info.schema.createdAt),
        consistency_level: 'Bounded',
        properties: [],
        aliases: [],
        num_partitions: '1',
        update_timestamp: '0',
        update_timestamp_str: '0',
      };
    },
    HasCollection: async (r) => {
      const { names: all } = await call({ op: 'listCollections' });
      return { value: (all as string[]).includes(r.collection_name) };
    },
    ShowCollections: async () => {
      const { names: all, loaded } = await call({ op: 'listCollections' });
      const list = all as string[];
      return { collection_names: list, collection_ids: list.map(() => '0'), created_timestamps: list.map(() => '0'), created_utc_timestamps: list.map(() => '0'), inMemory_percentages: list.map((n) => ((loaded as string[]).includes(n) ? '100' : '0')), query_service_available: list.map((n) => (loaded as string[]).includes(n)) };
    },
    Insert: async (r) => {
      const info = await describe(r.collection_name, false);
      const rowCount = Number(r.num_rows);
      const { columns, vectorField, vectors } = insertColumns(info.schema, r.fields_data as FieldDataIn[]);
      const { ids } = await call({ op: 'insert', name: r.collection_name, rowCount, columns, ...(vectorField ? { vectorField } : {}) }, vectors);
      const pk = info.schema.fields.find((f) => f.isPrimary)!;
      const list = ids as string[];
      return { IDs: pk.type === 'varchar' ? { str_id: { data: list } } : { int_id: { data: list } }, succ_index: list.map((_, i) => i), err_index: [], insert_cnt: String(list.length), acknowledged: true };
    },
    Flush: async (r) => {
      const { segments } = await call({ op: 'flush', names: r.collection_names });
      const bySegments = Object.fromEntries(Object.entries(segments as Record<string, number[]>).map(([n, ids]) => [n, { data: ids.map(String) }]));
      return { db_name: 'default', coll_segIDs: bySegments, flush_coll_segIDs: bySegments, coll_seal_times: {} };
    },
    GetFlushState: async () => ({ flushed: true }),
    GetFlushAllState: async () => ({ flushed: true }),
    CreateIndex: async (r) => {
      const params = kv(r.extra_params);
      const info = await describe(r.collection_name);
      const field = r.field_name || info.schema.fields.find((f: FieldSchema) => f.type === 'float_vector')?.name;
      const extra = params.params ? (JSON.parse(params.params) as Record<string, unknown>) : {};
      const spec: IndexSpec = { field, type: (params.index_type || 'AUTOINDEX') as IndexSpec['type'], metric: (params.metric_type || 'COSINE') as IndexSpec['metric'], params: extra, ...(r.index_name ? { name: r.index_name } : {}) };
      await call({ op: 'createIndex', name: r.collection_name, spec });
      router.forget(r.collection_name);
      return {};
    },
    DescribeIndex: async (r) => {
      const info = await describe(r.collection_name);
      if (!info.index) throw new RemoteError('index_not_found', `index doesn't exist[collection=${r.collection_name}]`);
      const index = info.index;
      const p = info.indexProgress;
      return { index_descriptions: [{ index_name: index.name ?? index.field, indexID: '1', field_name: index.field, params: indexParams(index), indexed_rows: String(p.indexedRows), total_rows: String(p.totalRows), pending_index_rows: String(p.pendingRows), state: p.state, index_state_fail_reason: p.failReason }] };
    },
    GetIndexState: async (r) => {
      const info = await describe(r.collection_name);
      if (!info.index) return { state: 'IndexStateNone', fail_reason: '' }; // as Milvus 2.3.5 answers
      return { state: info.indexProgress.state, fail_reason: info.indexProgress.failReason };
    },
    GetIndexBuildProgress: async (r) => {
      const info = await describe(r.collection_name);
      return { indexed_rows: String(info.indexProgress.indexedRows), total_rows: String(info.indexProgress.totalRows), pending_index_rows: String(info.indexProgress.pendingRows) };
    },
    LoadCollection: async (r) => {
      await call({ op: 'load', name: r.collection_name, replicas: Number(r.replica_number) || 1 });
      router.forget(r.collection_name);
      return {};
    },
    ReleaseCollection: async (r) => {
      await call({ op: 'release', name: r.collection_name });
      router.forget(r.collection_name);
      return {};
    },
    GetLoadingProgress: async (r) => {
      const { progress, loaded } = await call({ op: 'loadProgress', name: r.collection_name });
      if (!loaded) throw new RemoteError('collection_not_loaded', `collection not loaded[collection=${r.collection_name}]`);
      return { progress: String(progress), refresh_progress: String(progress) };
    },
    GetLoadState: async (r) => {
      const { progress, loaded } = await call({ op: 'loadProgress', name: r.collection_name });
      return { state: !loaded ? 'LoadStateNotLoad' : Number(progress) >= 100 ? 'LoadStateLoaded' : 'LoadStateLoading' };
    },
    GetReplicas: async (r) => {
      const name = await nameOf(r);
      const info = await describe(name);
      const { groups } = await call({ op: 'replicas', name });
      const nodeId = (n: string) => String(Number(n.split('-').pop()) || 0);
      return {
        replicas: (groups as string[][]).map((nodes, i) => ({
          replicaID: String(i + 1),
          collectionID: collectionId(info.schema),
          partition_ids: [],
          node_ids: nodes.map(nodeId),
          shard_replicas: [{ leaderID: nodes[0] ? nodeId(nodes[0]) : '0', leader_addr: '', dm_channel_name: `local-dml_0_${collectionId(info.schema)}v0`, node_ids: nodes.map(nodeId) }],
          resource_group_name: '__default_resource_group',
          num_outbound_node: 0,
        })),
      };
    },
    GetCollectionStatistics: async (r) => {
      const info = await describe(r.collection_name);
      return { stats: [{ key: 'row_count', value: String(info.rows) }] };
    },
    Delete: async (r, deadline) => {
      const name = String(r.collection_name);
      const keys = await deleteKeys(router, r, deadline);
      await call({ op: 'delete', name, keys });
      router.forget(name);
      const pk = (await describe(name, false)).schema.fields.find((f) => f.isPrimary)!;
      return { IDs: pk.type === 'varchar' ? { str_id: { data: keys } } : { int_id: { data: keys } }, succ_index: [], err_index: [], acknowledged: true, insert_cnt: '0', delete_cnt: String(keys.length), upsert_cnt: '0', timestamp: hybridTimestamp() };
    },
    Search: (r, deadline) => runSearch(router, r, deadline),
    Query: (r, deadline) => runQuery(router, r, deadline),
  };
}
