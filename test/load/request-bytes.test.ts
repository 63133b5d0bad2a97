// The hot path's pre-encoded requests must be the very bytes the SDK's own search()/query() send.
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SearchOp } from '../../src/scenario/index.js';
import {
  MilvusChannel,
  decodeDescribeCollection,
  decodeSearchReply,
  describeCollectionRequest,
  encodeQueryRequest,
  encodeSearchRequest,
} from '../../src/load/index.js';
import type { CollectionInfo } from '../../src/load/index.js';
import { nearestIds, startMilvusDouble } from '../support/milvus-double.js';
import type { MilvusDouble } from '../support/milvus-double.js';

let double: MilvusDouble;
let sdk: MilvusClient;
let channel: MilvusChannel;
let info: CollectionInfo;
const target = { collectionName: 'bench', vectorField: 'vector', metric: 'L2' as const };
const op: SearchOp = { kind: 'search', weight: 1, nq: 1, topK: 7, params: { nprobe: 8 }, outputFields: [] };

beforeAll(async () => {
  double = await startMilvusDouble({ rows: 120, dim: 8 });
  sdk = new MilvusClient({ address: double.address, logLevel: 'error' });
  await sdk.connectPromise;
  channel = new MilvusChannel({ address: double.address, tls: false });
  const described = decodeDescribeCollection(await channel.callAsync('DescribeCollection', describeCollectionRequest('bench'), 5000));
  if (!('info' in described)) throw new Error(described.reason);
  info = described.info;
});

afterAll(async () => {
  channel?.close();
  await sdk?.closeConnection();
  await double?.close();
});

const lastRaw = (method: string) => double.rawRequests[method][double.rawRequests[method].length - 1];

describe('pre-encoded requests', () => {
  test('search bytes equal what MilvusClient.search() sends', async () => {
    const vector = Array.from(double.vectors.subarray(8 * 5, 8 * 6));
    const result = await sdk.search({ collection_name: 'bench', data: vector, anns_field: 'vector', limit: 7, metric_type: 'L2', params: { nprobe: 8 }, output_fields: [] });
    expect(result.status.error_code).toBe('Success');
    const fromSdk = lastRaw('Search');
    const ours = encodeSearchRequest(target, op, [vector], info);
    expect(ours.equals(fromSdk)).toBe(true);
  });

  test('nq > 1 and a filter build the same bytes as the SDK', async () => {
    const vectors = [0, 1, 2].map((i) => Array.from(double.vectors.subarray(8 * i, 8 * (i + 1))));
    await sdk.search({ collection_name: 'bench', data: vectors, anns_field: 'vector', limit: 7, metric_type: 'L2', params: { nprobe: 8 }, output_fields: [], filter: 'id > 3' });
    const ours = encodeSearchRequest(target, { ...op, nq: 3, filter: 'id > 3' }, vectors, info);
    expect(ours.equals(lastRaw('Search'))).toBe(true);
  });

  test('count(*) query bytes equal what MilvusClient.count() sends (an empty filter, count(*) as the output)', async () => {
    await sdk.count({ collection_name: 'bench' });
    const ours = encodeQueryRequest(target, 'count(*)', { kind: 'query', weight: 1, expr: 'count', limit: 10, outputFields: [] });
    expect(ours.equals(lastRaw('Query'))).toBe(true);
  });

  test('the double accepts our bytes and the reply decodes to the exact neighbours', async () => {
    const query = double.vectors.subarray(8 * 9, 8 * 10);
    const reply = await channel.callAsync('Search', encodeSearchRequest(target, op, [Array.from(query)], info), 5000);
    const decoded = decodeSearchReply(reply, 'id', true);
    expect(decoded.success).toBe(true);
    expect(decoded.topks).toEqual([7]);
    expect(decoded.ids).toEqual(nearestIds(double.vectors, 8, 'L2', query, 7).map(String));
  });

  test('metadata carries the SDK-style authorization and dbname', async () => {
    const { authorizationFor } = await import('../../src/load/index.js');
    expect(authorizationFor({ token: 'root:Milvus' })).toBe(Buffer.from('root:Milvus').toString('base64'));
    expect(authorizationFor({ username: 'u', password: 'p' })).toBe(Buffer.from('u:p').toString('base64'));
    expect(authorizationFor({ username: 'u' })).toBe('');
  });
});
