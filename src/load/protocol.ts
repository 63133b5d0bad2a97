// Milvus wire messages for the hot path: requests built by the SDK's own helpers and serialized exactly
// as the SDK's gRPC client serializes them; replies decoded just enough to read status and hits.
import { fromJSON } from '@grpc/proto-loader';
import type { MessageTypeDefinition } from '@grpc/proto-loader';
import { buildSearchRequest, formatDescribedCol, LOADER_OPTIONS, parseToKeyValue } from '@zilliz/milvus2-sdk-node';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import type { MetricType, QueryOp, SearchOp } from '../model/index.js';

const require = createRequire(import.meta.url);
const protoJson = (name: string) => (require(`@zilliz/milvus2-sdk-node/dist/milvus/proto-json/${name}`) as { default: object }).default;

export const SERVICE_PATH = '/milvus.proto.milvus.MilvusService/';

interface MethodCodec {
  requestSerialize(value: object): Buffer;
  responseDeserialize(bytes: Buffer): unknown;
}

let methods: Record<string, MethodCodec> | null = null;
let replyRoot: protobuf.Root | null = null;
let milvusBaseRoot: protobuf.Root | null = null;

/** the SDK's own proto-loader definition, so request bytes match what MilvusClient sends */
function method(name: string): MethodCodec {
  if (!methods) {
    const definition = fromJSON(protoJson('milvus.js'), { ...LOADER_OPTIONS });
    methods = definition['milvus.proto.milvus.MilvusService'] as unknown as Record<string, MethodCodec>;
  }
  const codec = methods[name];
  if (!codec) throw new Error(`MilvusService has no method ${name}`);
  return codec;
}

function replyType(name: string): protobuf.Type {
  replyRoot ??= protobuf.Root.fromJSON(protoJson('milvus.js') as protobuf.INamespace);
  return replyRoot.lookupType(name);
}

function sdkProtoRoot(): protobuf.Root {
  milvusBaseRoot ??= protobuf.Root.fromJSON(protoJson('milvus.base.js') as protobuf.INamespace);
  return milvusBaseRoot;
}

export type CollectionInfo = ReturnType<typeof formatDescribedCol>;

export function describeCollectionRequest(collectionName: string, database?: string): Buffer {
  return method('DescribeCollection').requestSerialize({ collection_name: collectionName, ...(database ? { db_name: database } : {}) });
}

/** → the SDK's collection info (as describeCollection returns it), or the server's failure reason */
export function decodeDescribeCollection(bytes: Buffer): { info: CollectionInfo } | { reason: string } {
  const reply = method('DescribeCollection').responseDeserialize(bytes) as { status: { error_code: string; code: number; reason: string } };
  if (reply.status.error_code !== 'Success' || reply.status.code !== 0) return { reason: reply.status.reason || reply.status.error_code };
  return { info: formatDescribedCol(reply as Parameters<typeof formatDescribedCol>[0]) };
}

export interface SearchTarget {
  collectionName: string;
  vectorField: string;
  metric: MetricType;
  database?: string;
}

/** Search request bytes for `vectors` (nq rows), built like MilvusClient.search() builds them. */
export function encodeSearchRequest(target: SearchTarget, op: SearchOp, vectors: number[][], info: CollectionInfo): Buffer {
  const params = {
    collection_name: target.collectionName,
    data: vectors.length === 1 ? vectors[0] : vectors,
    anns_field: target.vectorField,
    limit: op.topK,
    metric_type: target.metric,
    params: op.params,
    output_fields: op.outputFields,
    ...(op.filter ? { filter: op.filter } : {}),
  };
  const { request } = buildSearchRequest(params as Parameters<typeof buildSearchRequest>[0], info, sdkProtoRoot());
  const wire = request as Record<string, unknown>;
  if (target.database) wire.db_name = target.database;
  return method('Search').requestSerialize(wire);
}

/** Query request bytes, built like MilvusClient.query() builds them. */
export function encodeQueryRequest(target: SearchTarget, expr: string, op: QueryOp): Buffer {
  const isCount = expr === 'count(*)';
  const queryParams: Record<string, number> = isCount ? {} : { limit: op.limit };
  const request = {
    collection_name: target.collectionName,
    // count(*) is an output field, not a filter: the SDK's count() sends an empty expression (a real server rejects "count(*)" as one)
    expr: isCount ? '' : expr,
    output_fields: isCount ? ['count(*)'] : op.outputFields.length > 0 ? op.outputFields : ['*'],
    query_params: parseToKeyValue(queryParams),
    ...(target.database ? { db_name: target.database } : {}),
  };
  return method('Query').requestSerialize(request);
}

interface WireStatus {
  error_code?: number;
  code?: number;
  reason?: string;
}

export interface DecodedReply {
  success: boolean;
  reason: string;
  /** hits per query (search) */
  topks: number[];
  /** primary keys of all hits in order (only when asked) */
  ids: string[] | null;
}

function statusOk(status: WireStatus | null | undefined): boolean {
  return !status || ((status.error_code ?? 0) === 0 && (status.code ?? 0) === 0);
}

interface WireFieldData {
  field_name: string;
  scalars?: { long_data?: { data: unknown[] }; string_data?: { data: string[] } };
}

interface WireSearchResults {
  status?: WireStatus;
  results?: {
    topks?: unknown[];
    fields_data?: WireFieldData[];
    ids?: { int_id?: { data: unknown[] }; str_id?: { data: string[] } };
  };
}

export function decodeSearchReply(bytes: Buffer, pkField: string, wantIds: boolean): DecodedReply {
  const reply = replyType('milvus.proto.milvus.SearchResults').decode(bytes) as unknown as WireSearchResults;
  const success = statusOk(reply.status);
  const topks = (reply.results?.topks ?? []).map(Number);
  let ids: string[] | null = null;
  if (wantIds && success) {
    const column = reply.results?.fields_data?.find((f) => f.field_name === pkField)?.scalars;
    const raw = column?.long_data?.data ?? column?.string_data?.data ?? reply.results?.ids?.int_id?.data ?? reply.results?.ids?.str_id?.data ?? [];
    ids = raw.map(String);
  }
  return { success, reason: reply.status?.reason ?? '', topks, ids };
}

export function decodeQueryReply(bytes: Buffer): DecodedReply {
  const reply = replyType('milvus.proto.milvus.QueryResults').decode(bytes) as unknown as { status?: WireStatus };
  return { success: statusOk(reply.status), reason: reply.status?.reason ?? '', topks: [], ids: null };
}
