// The collection schema a scenario asks for, and how an existing collection differs from it.
import { DataType } from '@zilliz/milvus2-sdk-node';
import type { DescribeCollectionResponse, FieldSchema, FieldType } from '@zilliz/milvus2-sdk-node';
import type { CollectionSpec, ScalarType } from '../model/index.js';
import { DEFAULT_VARCHAR_MAX_LENGTH, PK_FIELD, VECTOR_FIELD } from './rows.js';

const SCALAR_DATA_TYPES: Record<ScalarType, DataType> = {
  int64: DataType.Int64,
  float: DataType.Float,
  bool: DataType.Bool,
  varchar: DataType.VarChar,
};

export function collectionFields(spec: CollectionSpec): FieldType[] {
  return [
    { name: PK_FIELD, data_type: DataType.Int64, is_primary_key: true, autoID: spec.autoId },
    { name: VECTOR_FIELD, data_type: DataType.FloatVector, dim: spec.dim },
    ...spec.scalars.map(
      (field): FieldType =>
        field.type === 'varchar'
          ? { name: field.name, data_type: DataType.VarChar, max_length: field.maxLength ?? DEFAULT_VARCHAR_MAX_LENGTH }
          : { name: field.name, data_type: SCALAR_DATA_TYPES[field.type] },
    ),
  ];
}

/** DescribeCollection answers data types as names ('FloatVector') or numbers depending on the path. */
function dataTypeOf(field: FieldSchema): DataType {
  const raw = (field as { data_type: unknown }).data_type;
  if (typeof raw === 'number') return raw;
  return (DataType as unknown as Record<string, DataType>)[String(raw)] ?? DataType.None;
}

function typeParam(field: FieldSchema, key: string): string | undefined {
  const flat = (field as Record<string, unknown>)[key];
  if (flat !== undefined && flat !== null && flat !== '') return String(flat);
  return field.type_params?.find((p) => p.key === key)?.value?.toString();
}

function typeName(type: DataType): string {
  return DataType[type] ?? String(type);
}

/** Human-readable differences, empty when the existing collection can be reused as is. */
export function schemaDifferences(spec: CollectionSpec, described: DescribeCollectionResponse): string[] {
  const fields = new Map(described.schema.fields.map((f) => [f.name, f]));
  const problems: string[] = [];
  const pk = fields.get(PK_FIELD);
  if (!pk || !pk.is_primary_key || dataTypeOf(pk) !== DataType.Int64) {
    problems.push(`no int64 primary key '${PK_FIELD}'`);
  } else if (Boolean(pk.autoID) !== spec.autoId) {
    problems.push(`autoId is ${Boolean(pk.autoID)}, the scenario wants ${spec.autoId}`);
  }
  const vector = fields.get(VECTOR_FIELD);
  if (!vector || dataTypeOf(vector) !== DataType.FloatVector) {
    problems.push(`no float vector field '${VECTOR_FIELD}'`);
  } else if (Number(typeParam(vector, 'dim')) !== spec.dim) {
    problems.push(`vector dim is ${typeParam(vector, 'dim')}, the scenario wants ${spec.dim}`);
  }
  for (const scalar of spec.scalars) {
    const existing = fields.get(scalar.name);
    const wanted = SCALAR_DATA_TYPES[scalar.type];
    if (!existing) problems.push(`missing field '${scalar.name}'`);
    else if (dataTypeOf(existing) !== wanted) {
      problems.push(`field '${scalar.name}' is ${typeName(dataTypeOf(existing))}, the scenario wants ${typeName(wanted)}`);
    }
  }
  const known = new Set([PK_FIELD, VECTOR_FIELD, ...spec.scalars.map((s) => s.name)]);
  for (const name of fields.keys()) {
    const field = fields.get(name)!;
    if (!known.has(name) && !field.is_dynamic) problems.push(`extra field '${name}'`);
  }
  return problems;
}
