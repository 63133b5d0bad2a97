// Validation of collection and index specs, and lookups of the primary and vector fields.
import { EngineError, invalidArgument } from './errors.js';
import type { CollectionSchema, CollectionSpec, FieldSchema, FieldType, IndexSpec, IndexType, MetricType } from './types.js';

const FIELD_TYPES: readonly FieldType[] = ['int64', 'float', 'bool', 'varchar', 'float_vector'];
const INDEX_TYPES: readonly IndexType[] = ['FLAT', 'IVF_FLAT', 'HNSW', 'AUTOINDEX'];
const METRICS: readonly MetricType[] = ['L2', 'IP', 'COSINE'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
export const MAX_DIM = 32_768;

/** Throws EngineError('invalid_argument') naming the field and what is allowed. */
export function validateCollectionSpec(spec: CollectionSpec): void {
  if (!NAME.test(spec.name)) {
    throw invalidArgument(`collection name "${spec.name}" is invalid: use letters, digits and _, starting with a letter or _`);
  }
  if (spec.shards !== undefined && (!Number.isInteger(spec.shards) || spec.shards < 1 || spec.shards > 16)) {
    throw invalidArgument(`shards must be an integer in 1..16, got ${spec.shards}`);
  }
  const seen = new Set<string>();
  for (const field of spec.fields) {
    validateField(field);
    if (seen.has(field.name)) throw invalidArgument(`field "${field.name}" is declared twice`);
    seen.add(field.name);
  }
  const primaries = spec.fields.filter((f) => f.isPrimary);
  if (primaries.length !== 1) throw invalidArgument(`collection "${spec.name}" needs exactly one primary field, found ${primaries.length}`);
  const vectors = spec.fields.filter((f) => f.type === 'float_vector');
  if (vectors.length !== 1) throw invalidArgument(`collection "${spec.name}" needs exactly one float_vector field, found ${vectors.length}`);
}

function validateField(field: FieldSchema): void {
  if (!NAME.test(field.name)) throw invalidArgument(`field name "${field.name}" is invalid: use letters, digits and _`);
  if (!FIELD_TYPES.includes(field.type)) {
    throw invalidArgument(`field "${field.name}": type "${field.type}" is not supported; allowed: ${FIELD_TYPES.join(', ')}`);
  }
  if (field.isPrimary && field.type !== 'int64' && field.type !== 'varchar') {
    throw invalidArgument(`field "${field.name}": a primary key must be int64 or varchar, got ${field.type}`);
  }
  if (field.autoId && !(field.isPrimary && field.type === 'int64')) {
    throw invalidArgument(`field "${field.name}": autoId is only allowed on an int64 primary key`);
  }
  if (field.type === 'float_vector' && !(Number.isInteger(field.dim) && field.dim! >= 1 && field.dim! <= MAX_DIM)) {
    throw invalidArgument(`field "${field.name}": dim must be an integer in 1..${MAX_DIM}, got ${field.dim}`);
  }
  if (field.type === 'varchar' && !(Number.isInteger(field.maxLength) && field.maxLength! >= 1 && field.maxLength! <= 65_535)) {
    throw invalidArgument(`field "${field.name}": maxLength must be an integer in 1..65535, got ${field.maxLength}`);
  }
}

export function validateIndexSpec(schema: CollectionSchema, spec: IndexSpec): void {
  const field = vectorField(schema);
  if (spec.field !== field.name) {
    throw invalidArgument(`index field "${spec.field}" is not the vector field of "${schema.name}"; use "${field.name}"`);
  }
  if (!INDEX_TYPES.includes(spec.type)) throw invalidArgument(`index type "${spec.type}" is not supported; allowed: ${INDEX_TYPES.join(', ')}`);
  if (!METRICS.includes(spec.metric)) throw invalidArgument(`metric type "${spec.metric}" is not supported; allowed: ${METRICS.join(', ')}`);
  const nlist = spec.params.nlist;
  if (nlist !== undefined && !(Number.isInteger(nlist) && nlist >= 1 && nlist <= 65_536)) {
    throw invalidArgument(`index param nlist must be an integer in 1..65536, got ${nlist}`);
  }
}

export function primaryField(schema: CollectionSchema): FieldSchema {
  const field = schema.fields.find((f) => f.isPrimary);
  if (!field) throw new EngineError('invalid_argument', `collection "${schema.name}" has no primary field`);
  return field;
}

export function vectorField(schema: CollectionSchema): FieldSchema {
  const field = schema.fields.find((f) => f.type === 'float_vector');
  if (!field) throw new EngineError('invalid_argument', `collection "${schema.name}" has no float_vector field`);
  return field;
}

export function fieldByName(schema: CollectionSchema, name: string): FieldSchema {
  const field = schema.fields.find((f) => f.name === name);
  if (!field) {
    throw invalidArgument(`field "${name}" does not exist in collection "${schema.name}"; fields: ${schema.fields.map((f) => f.name).join(', ')}`);
  }
  return field;
}
