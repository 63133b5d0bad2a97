import type { DescribeCollectionResponse } from '@zilliz/milvus2-sdk-node';
import { describe, expect, it } from 'vitest';
import type { CollectionSpec } from '../../src/model/index.js';
import { collectionFields, schemaDifferences } from '../../src/target/schema.js';

const spec: CollectionSpec = {
  name: 'docs',
  dim: 64,
  metric: 'COSINE',
  index: { type: 'HNSW', params: { M: 16 } },
  shards: 2,
  replicas: 1,
  scalars: [
    { name: 'price', type: 'int64' },
    { name: 'tag', type: 'varchar', maxLength: 32 },
  ],
  recreate: false,
  autoId: false,
};

/** The shape the SDK gives back from DescribeCollection: enum names, type params as key/value pairs. */
function described(fields: Array<Record<string, unknown>>): DescribeCollectionResponse {
  return { schema: { fields } } as unknown as DescribeCollectionResponse;
}

const matching = [
  { name: 'id', data_type: 'Int64', is_primary_key: true, autoID: false, type_params: [] },
  { name: 'vector', data_type: 'FloatVector', is_primary_key: false, type_params: [{ key: 'dim', value: '64' }] },
  { name: 'price', data_type: 'Int64', type_params: [] },
  { name: 'tag', data_type: 'VarChar', type_params: [{ key: 'max_length', value: '32' }] },
];

describe('collection schema', () => {
  it('builds the pk, vector and scalar fields from the spec', () => {
    expect(collectionFields(spec)).toEqual([
      { name: 'id', data_type: 5, is_primary_key: true, autoID: false },
      { name: 'vector', data_type: 101, dim: 64 },
      { name: 'price', data_type: 5 },
      { name: 'tag', data_type: 21, max_length: 32 },
    ]);
  });

  it('finds no difference in a matching collection', () => {
    expect(schemaDifferences(spec, described(matching))).toEqual([]);
  });

  it('lists every difference in words', () => {
    const other = [
      { ...matching[0], autoID: true },
      { ...matching[1], type_params: [{ key: 'dim', value: '128' }] },
      { name: 'price', data_type: 'Float', type_params: [] },
      { name: 'colour', data_type: 'VarChar', type_params: [] },
    ];
    expect(schemaDifferences(spec, described(other))).toEqual([
      'autoId is true, the scenario wants false',
      'vector dim is 128, the scenario wants 64',
      "field 'price' is Float, the scenario wants Int64",
      "missing field 'tag'",
      "extra field 'colour'",
    ]);
    expect(schemaDifferences(spec, described([matching[1]]))).toContain("no int64 primary key 'id'");
  });
});
