// Milvus's gRPC protocol as the SDK ships it (proto-json in @zilliz/milvus2-sdk-node), plus conversions between
// Milvus messages and the engine's shapes. Nothing here is hand-copied from the .proto files.
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import type { CollectionSchema, CollectionSpec, FieldSchema, FieldType, FieldValue } from './engine/index.js';

const require = createRequire(import.meta.url);
const PROTO_DIR = '@zilliz/milvus2-sdk-node/dist/milvus/proto-json';
const load = (file: string): protobuf.INamespace => {
  const mod = require(`${PROTO_DIR}/${file}`) as { default?: protobuf.INamespace } & protobuf.INamespace;
  return mod.default ?? mod;
};

export function milvusServiceDefinition(): grpc.ServiceDefinition {
  const definition = protoLoader.fromJSON(load('milvus.js'), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { milvus: { proto: { milvus: { MilvusService: { service: grpc.ServiceDefinition } } } } };
  return pkg.milvus.proto.milvus.MilvusService.service;
}

const schemaRoot = protobuf.Root.fromJSON(load('schema.base.js'));
const commonRoot = protobuf.Root.fromJSON(load('milvus.base.js'));
const CollectionSchemaType = schemaRoot.lookupType('milvus.proto.schema.CollectionSchema');
const PlaceholderGroupType = commonRoot.lookupType('milvus.proto.common.PlaceholderGroup');

export interface MilvusStatus {
  error_code: string;
  reason: string;
  code: number;
  retriable?: boolean;
}

export const SUCCESS: MilvusStatus = { error_code: 'Success', reason: '', code: 0 };

/** Milvus error codes (merr) for the failures this cluster reports. */
export function failure(kind: string, reason: string): MilvusStatus {
  switch (kind) {
    case 'collection_not_found':
      return { error_code: 'CollectionNotExists', reason, code: 100 };
    case 'index_not_found':
      return { error_code: 'IndexNotExist', reason, code: 700 };
    case 'collection_not_loaded':
      return { error_code: 'UnexpectedError', reason, code: 101 };
    case 'unavailable':
      return { error_code: 'UnexpectedError', reason, code: 503, retriable: true };
    case 'rate_limited':
      return { error_code: 'RateLimit', reason, code: 8, retriable: true };
    case 'unsupported':
      return { error_code: 'UnexpectedError', reason, code: 1 };
    // Milvus 2.3.5 answers bad parameters, bad expressions and wrong dims with 65535 (UnexpectedError), not 1100.
    case 'invalid_argument':
    case 'invalid_filter':
    case 'collection_exists':
      return { error_code: 'UnexpectedError', reason, code: 65535 };
    default:
      return { error_code: 'UnexpectedError', reason, code: 65535 };
  }
}

const FIELD_TYPES: Record<number, FieldType> = { 1: 'bool', 5: 'int64', 10: 'float', 21: 'varchar', 101: 'float_vector' };
const DATA_TYPE_NAMES: Record<FieldType, string> = { bool: 'Bool', int64: 'Int64', float: 'Float', varchar: 'VarChar', float_vector: 'FloatVector' };
const DATA_TYPE_NUMBERS: Record<string, number> = { Bool: 1, Int64: 5, Float: 10, VarChar: 21, FloatVector: 101 };

interface DecodedField {
  name: string;
  dataType: number;
  isPrimaryKey?: boolean;
  autoID?: boolean;
  description?: string;
  typeParams?: { key: string; value: string }[];
}

/** The schema bytes of CreateCollection → engine spec; unsupported types name the field and what is allowed. */
export function decodeCollectionSchema(name: string, bytes: Buffer, shards: number): CollectionSpec {
  const decoded = CollectionSchemaType.toObject(CollectionSchemaType.decode(bytes), { defaults: true }) as { description: string; autoID: boolean; fields: DecodedField[] };
  const fields: FieldSchema[] = decoded.fields.map((f) => {
    const type = FIELD_TYPES[f.dataType];
    if (!type) throw Object.assign(new Error(`field "${f.name}": data type ${f.dataType} is not supported by the local cluster (allowed: Int64, Float, Bool, VarChar, FloatVector)`), { code: 'invalid_argument' });
    const params = Object.fromEntries((f.typeParams ?? []).map((p) => [p.key, p.value]));
    const field: FieldSchema = { name: f.name, type, ...(f.description ? { description: f.description } : {}) };
    if (f.isPrimaryKey) field.isPrimary = true;
    if (f.isPrimaryKey && (f.autoID || decoded.autoID)) field.autoId = true;
    if (params.dim !== undefined) field.dim = Number(params.dim);
    if (params.max_length !== undefined) field.maxLength = Number(params.max_length);
    return field;
  });
  return { name, fields, shards: shards > 0 ? shards : 1, description: decoded.description };
}

export function describeSchema(schema: CollectionSchema, vectorIndexParams: { key: string; value: string }[]): Record<string, unknown> {
  return {
    name: schema.name,
    description: schema.description,
    autoID: schema.fields.some((f) => f.autoId),
    enable_dynamic_field: false,
    fields: schema.fields.map((f, i) => ({
      fieldID: String(100 + i),
      name: f.name,
      is_primary_key: !!f.isPrimary,
      autoID: !!f.autoId,
      description: f.description ?? '',
      data_type: DATA_TYPE_NAMES[f.type],
      type_params: [...(f.dim !== undefined ? [{ key: 'dim', value: String(f.dim) }] : []), ...(f.maxLength !== undefined ? [{ key: 'max_length', value: String(f.maxLength) }] : [])],
      index_params: f.type === 'float_vector' ? vectorIndexParams : [],
    })),
  };
}

/** PlaceholderGroup bytes → nq × dim float32 (each value is one little-endian float32 vector). */
export function decodeQueryVectors(bytes: Buffer): Buffer {
  const group = PlaceholderGroupType.decode(bytes) as unknown as { placeholders: { values: Uint8Array[] }[] };
  const values = group.placeholders[0]?.values ?? [];
  return Buffer.concat(values.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
}

export interface FieldDataIn {
  field_name: string;
  scalars?: Record<string, { data: unknown[] } | string | undefined>;
  vectors?: { dim: string; float_vector?: { data: number[] } };
}

/** Columns of an InsertRequest: scalars as JSON-friendly arrays, the float vector as float32 bytes. */
export function insertColumns(schema: CollectionSchema, fieldsData: FieldDataIn[]): { columns: Record<string, unknown[]>; vectorField?: string; vectors?: Buffer } {
  const columns: Record<string, unknown[]> = {};
  let vectors: Buffer | undefined;
  let vectorField: string | undefined;
  for (const data of fieldsData) {
    const field = schema.fields.find((f) => f.name === data.field_name);
    if (!field) throw Object.assign(new Error(`field "${data.field_name}" does not exist in collection "${schema.name}"`), { code: 'invalid_argument' });
    if (field.type === 'float_vector') {
      const values = data.vectors?.float_vector?.data ?? [];
      if (Number(data.vectors?.dim) !== field.dim) throw Object.assign(new Error(`field "${field.name}": vector dim ${data.vectors?.dim} does not match the collection dim ${field.dim}`), { code: 'invalid_argument' });
      vectors = Buffer.from(new Float32Array(values).buffer);
      vectorField = field.name;
    } else {
      const scalars = data.scalars ?? {};
      const key = typeof scalars.data === 'string' ? scalars.data : Object.keys(scalars).find((k) => k !== 'data' && scalars[k]);
      columns[field.name] = ((key ? scalars[key] : undefined) as { data: unknown[] } | undefined)?.data ?? [];
    }
  }
  return { columns, ...(vectorField ? { vectorField, vectors: vectors! } : {}) };
}

/** One output column (Milvus FieldData) from row values. */
export function fieldData(field: FieldSchema, values: unknown[], fieldId: number): Record<string, unknown> {
  const base = { field_name: field.name, type: DATA_TYPE_NAMES[field.type], field_id: String(fieldId), is_dynamic: false, valid_data: [] };
  switch (field.type) {
    case 'int64':
      return { ...base, scalars: { long_data: { data: values.map((v) => String(v)) } } };
    case 'float':
      return { ...base, scalars: { float_data: { data: values } } };
    case 'bool':
      return { ...base, scalars: { bool_data: { data: values } } };
    case 'varchar':
      return { ...base, scalars: { string_data: { data: values } } };
    case 'float_vector':
      return { ...base, vectors: { dim: String(field.dim), float_vector: { data: (values as number[][]).flat() } } };
  }
}

export const dataTypeNumber = (name: string): number => DATA_TYPE_NUMBERS[name] ?? 0;
export type { FieldValue };

/** One float vector query as PlaceholderGroup bytes (what the SDK sends); used by load generators. */
export function encodePlaceholderGroup(vector: Float32Array): Buffer {
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  return Buffer.from(PlaceholderGroupType.encode({ placeholders: [{ tag: '$0', type: 101, values: [bytes] }] }).finish());
}
