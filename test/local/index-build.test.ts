// Background index builds and deadlines on the local cluster (not Milvus): CreateIndex returns before the build ends
// while DescribeIndex reports progress up to Finished; a querynode that loaded segments before the index picks the
// index up (IVF at nprobe 1 then misses neighbours an exact scan finds); an expired search is a gRPC DEADLINE_EXCEEDED.
import { rmSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { encodePlaceholderGroup, milvusServiceDefinition } from '../../src/local/milvus-proto.js';
import { eventually, localApi, sdkClient, seededVectors, sleep, tempDataDir } from './fixture.js';

let address = ''; // the cluster's balancer, on a free port the OS picks
const DIM = 32;
const ROWS = 2 * 16_384 + 500; // two sealed segments of the default size, then a small third one
const NAME = 'bg';
const dataDir = tempDataDir('index');
let client: MilvusClient;
let vectors: number[][];
const queries = seededVectors(12, DIM, 777);

beforeAll(async () => {
  const { startLocalCluster } = await localApi();
  ({ address } = await startLocalCluster({ dataDir, port: 0, proxies: 1, querynodes: 1 }));
  client = sdkClient(address);
  await client.createCollection({
    collection_name: NAME,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
      { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
    ],
  });
  vectors = seededVectors(ROWS, DIM, 5);
  for (let start = 0; start < ROWS; start += 8192) {
    const data = vectors.slice(start, start + 8192).map((vec, i) => ({ id: start + i, vec }));
    const inserted = await client.insert({ collection_name: NAME, data, timeout: 30_000 });
    if (inserted.status.error_code !== 'Success') throw new Error(inserted.status.reason);
  }
  await client.flushSync({ collection_names: [NAME] });
  await client.loadCollectionSync({ collection_name: NAME });
}, 120_000);

afterAll(async () => {
  await client?.closeConnection();
  await (await localApi()).downLocalCluster(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

async function topIds(nprobe: number): Promise<string[][]> {
  const result = await client.search({ collection_name: NAME, data: queries, limit: 10, params: { nprobe }, timeout: 10_000 });
  if (result.status.error_code !== 'Success') throw new Error(result.status.reason);
  return (result.results as unknown as { id: string }[][]).map((hits) => hits.map((h) => h.id));
}

const recall = (found: string[][], truth: string[][]): number => found.reduce((n, ids, q) => n + ids.filter((id) => truth[q]!.includes(id)).length, 0) / (10 * truth.length);

async function describeVecIndex(): Promise<{ state: string; indexed_rows: string; pending_index_rows: string; total_rows: string }> {
  const reply = await client.describeIndex({ collection_name: NAME, field_name: 'vec' });
  if (reply.status.error_code !== 'Success') throw new Error(reply.status.reason);
  return reply.index_descriptions[0] as never;
}

describe('background index builds', () => {
  let exact: string[][];

  it('CreateIndex returns at once; DescribeIndex reports progress until Finished; the proxy stays responsive', async () => {
    exact = await topIds(1); // no index yet: every segment is scanned exactly
    const started = Date.now();
    const created = await client.createIndex({ collection_name: NAME, field_name: 'vec', index_type: 'IVF_FLAT', metric_type: 'L2', params: { nlist: 1024 }, timeout: 10_000 });
    const acknowledgedMs = Date.now() - started;
    expect(created.error_code).toBe('Success');
    const first = await describeVecIndex();
    expect(first.state).toBe('InProgress');
    expect(Number(first.pending_index_rows)).toBeGreaterThan(0);
    expect(Number(first.total_rows)).toBe(ROWS);
    let sawPartial = false;
    let slowestDdlMs = 0;
    const finished = await eventually(async () => {
      const ddlStarted = Date.now();
      const described = await describeVecIndex();
      slowestDdlMs = Math.max(slowestDdlMs, Date.now() - ddlStarted);
      if (described.state === 'InProgress' && Number(described.indexed_rows) > 0) sawPartial = true;
      return described.state === 'Finished';
    }, 100_000, 100);
    const builtMs = Date.now() - started;
    expect(finished).toBe(true);
    const done = await describeVecIndex();
    expect([Number(done.indexed_rows), Number(done.pending_index_rows), Number(done.total_rows)]).toEqual([ROWS, 0, ROWS]);
    // Relative bounds (a loaded machine): the acknowledgement is a small part of the build; DDL never waits it out.
    expect(acknowledgedMs).toBeLessThan(builtMs / 2);
    expect(slowestDdlMs).toBeLessThan(3000);
    expect(sawPartial || builtMs < 3000).toBe(true);
  }, 120_000);

  it('a querynode that loaded the segments before the index searches them with the index once built', async () => {
    expect(recall(await topIds(4096), exact)).toBe(1); // every list probed = exact
    // nprobe 1 of ~420 lists per segment on uniform data must miss true neighbours once the IVF lists serve.
    const usesIndex = await eventually(async () => recall(await topIds(1), exact) < 0.8, 30_000, 300);
    expect(usesIndex).toBe(true);
  }, 60_000);
});

describe('deadlines', () => {
  it('a search whose deadline passes while its querynode is frozen fails with gRPC DEADLINE_EXCEEDED, not unavailable', async () => {
    const { signalComponent } = await localApi();
    const Client = grpc.makeGenericClientConstructor(milvusServiceDefinition(), 'MilvusService');
    const raw = new Client(address, grpc.credentials.createInsecure()) as unknown as Record<string, (...args: unknown[]) => void>;
    const request = {
      collection_name: NAME,
      dsl: '',
      dsl_type: 'BoolExprV1',
      nq: '1',
      output_fields: [],
      placeholder_group: encodePlaceholderGroup(Float32Array.from(queries[0]!)),
      search_params: [{ key: 'anns_field', value: 'vec' }, { key: 'topk', value: '10' }, { key: 'metric_type', value: 'L2' }, { key: 'params', value: '{"nprobe":4}' }],
    };
    const search = (timeoutMs: number): Promise<{ code: number; details: string; statusCode?: string }> =>
      new Promise((resolve) => {
        raw.Search!(request, { deadline: Date.now() + timeoutMs }, (error: grpc.ServiceError | null, reply: { status: { code: number; error_code: string } }) =>
          resolve(error ? { code: error.code, details: error.details } : { code: grpc.status.OK, details: '', statusCode: reply.status.error_code }),
        );
      });
    expect((await search(5000)).statusCode).toBe('Success');
    await signalComponent(dataDir, 'querynode-1', 'SIGSTOP');
    try {
      const outcome = await search(1500);
      expect(outcome.code).toBe(grpc.status.DEADLINE_EXCEEDED);
      expect(outcome.statusCode).toBeUndefined();
    } finally {
      await signalComponent(dataDir, 'querynode-1', 'SIGCONT');
    }
    expect(await eventually(async () => (await search(5000)).statusCode === 'Success', 15_000)).toBe(true);
    (raw as unknown as grpc.Client).close();
    await sleep(10);
  }, 60_000);
});
