// The look-alike fixes the conformance suite found, checked on the look-alike alone (runs without real Milvus):
// a 10 000 × 128 insert (5.3 MB, above grpc-js's 4 MB default on internal hops), AllocTimestamp, an oversized request
// failing as RESOURCE_EXHAUSTED (never "coordinator unavailable"), Delete, and Milvus's metric names.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { ROWS, sdkClient, vectorsFor, loadedCollection } from './flows.js';
import { startLookAlike, type Target } from './targets.js';
import { milvusServiceDefinition } from '../../src/local/milvus-proto.js';

type Reply = { status?: { error_code: string; code: number; reason: string }; error_code?: string; timestamp?: string };
/** A bare gRPC client of MilvusService (no SDK retries, no client-side size limit on what it sends). */
function rawCall(method: string, request: Record<string, unknown>): Promise<Reply> {
  const Client = grpc.makeGenericClientConstructor(milvusServiceDefinition(), 'MilvusService');
  const raw = new Client(target.address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1 }) as unknown as Record<string, Function> & grpc.Client;
  return new Promise<Reply>((resolve, reject) => raw[method]!(request, { deadline: Date.now() + 30_000 }, (e: Error | null, r: Reply) => (e ? reject(e) : resolve(r)))).finally(() => raw.close());
}

let target: Target;
let client: MilvusClient;

beforeAll(async () => {
  target = await startLookAlike();
  client = sdkClient(target.address);
}, 120_000);

afterAll(async () => {
  await client?.closeConnection();
  await target?.stop();
}, 120_000);

describe('look-alike fixes', () => {
  it('takes a 10 000 × 128 insert in one request and counts it', async () => {
    await client.createCollection({ collection_name: 'big', fields: [{ name: 'id', data_type: DataType.Int64, is_primary_key: true }, { name: 'vec', data_type: DataType.FloatVector, dim: 128 }] });
    const rows = vectorsFor(10_000, 128, 3).map((vec, id) => ({ id, vec }));
    const reply = await client.insert({ collection_name: 'big', data: rows });
    expect([reply.status.error_code, reply.status.reason, Number(reply.insert_cnt)]).toEqual(['Success', '', 10_000]);
    const stats = await client.getCollectionStatistics({ collection_name: 'big' });
    expect(Number(stats.data.row_count)).toBe(10_000);
  });

  it('answers AllocTimestamp with a hybrid timestamp of now (physical ms << 18), increasing', async () => {
    const [a, b] = [await rawCall('AllocTimestamp', {}), await rawCall('AllocTimestamp', {})];
    expect(a.status!.error_code).toBe('Success');
    expect(Math.abs(Number(BigInt(a.timestamp!) >> 18n) - Date.now())).toBeLessThan(5000);
    expect(BigInt(b.timestamp!) > BigInt(a.timestamp!)).toBe(true);
  });

  it('fails a request over the proxy\'s 64 MB limit with RESOURCE_EXHAUSTED, not "unavailable"', async () => {
    const rows = 13_200; // × 1280 float32 = 67.6 MB > 64 MB
    const insert = {
      collection_name: 'big',
      num_rows: rows,
      fields_data: [
        { field_name: 'id', type: 'Int64', scalars: { long_data: { data: Array.from({ length: rows }, (_, i) => String(100_000 + i)) } } },
        { field_name: 'vec', type: 'FloatVector', vectors: { dim: '1280', float_vector: { data: new Array<number>(rows * 1280).fill(0.5) } } },
      ],
    };
    const outcome = await rawCall('Insert', insert).then((r) => `status ${r.status?.code} ${r.status?.reason}`, (e: Error) => e.message);
    expect(outcome).toMatch(/RESOURCE_EXHAUSTED|larger than max/i);
    expect(outcome).not.toMatch(/unavailable/i);
  });

  it('deletes by key list and by expression; count, query and search no longer see the rows', async () => {
    await loadedCollection(client, 'del');
    const byKeys = await client.delete({ collection_name: 'del', filter: 'id in [0, 1, 2]' });
    const byExpr = await client.delete({ collection_name: 'del', filter: 'n >= 590' });
    expect([Number(byKeys.delete_cnt), Number(byExpr.delete_cnt)]).toEqual([3, 10]);
    const count = await client.query({ collection_name: 'del', output_fields: ['count(*)'] });
    expect(Number(count.data[0]!['count(*)'])).toBe(ROWS - 13);
    const left = await client.query({ collection_name: 'del', filter: 'id in [0, 3, 595]', output_fields: ['n'] });
    expect(left.data.map((r) => Number(r.id))).toEqual([3]);
    const rows = await client.query({ collection_name: 'del', filter: 'id == 1', output_fields: ['vec'] });
    expect(rows.data).toEqual([]);
    const empty = await client.delete({ collection_name: 'del', filter: '' }).then((r) => r.status.code, () => 'thrown');
    expect(empty === 65535 || empty === 'thrown').toBe(true);
  });

  it('exports Milvus names: a proxy req_count with total beside success, search latency in ms buckets', async () => {
    const text = await (await fetch(target.metricsUrls[0]!.url)).text();
    const total = Number(/milvus_proxy_req_count\{node_id="1",function_name="Query",status="total"\} (\d+)/.exec(text)?.[1]);
    const success = Number(/milvus_proxy_req_count\{node_id="1",function_name="Query",status="success"\} (\d+)/.exec(text)?.[1]);
    expect(total).toBeGreaterThanOrEqual(3); // the three Query calls above (delete by expression queries internally)
    expect(total).toBe(success + Number(/function_name="Query",status="fail"\} (\d+)/.exec(text)?.[1] ?? 0));
    expect(text).not.toMatch(/function_name="(GetVersion|CheckHealth|HasCollection)"/);
    expect(text).toMatch(/milvus_proxy_sq_latency_bucket\{node_id="1",query_type="query",le="131072"\} \d+/);
  });
});
