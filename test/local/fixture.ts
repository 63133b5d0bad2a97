// Shared helpers for the local-cluster tests: start a real cluster (compiled dist/), talk to it with the official SDK.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';

type LocalApi = typeof import('../../src/local/index.js');

/** The compiled API (components are launched from dist/, so the test drives the same build). */
export async function localApi(): Promise<LocalApi> {
  return (await import(new URL('../../dist/local/index.js', import.meta.url).href)) as LocalApi;
}

export function tempDataDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `mb-local-${prefix}-`));
}

export function sdkClient(address: string): MilvusClient {
  return new MilvusClient({
    address,
    timeout: 5000,
    channelOptions: { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 300 },
  } as ConstructorParameters<typeof MilvusClient>[0]);
}

export function seededVectors(rows: number, dim: number, seed = 1): number[][] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: rows }, () => Array.from({ length: dim }, () => next()));
}

/** Creates, fills (ids 0..rows-1), flushes, indexes and loads a collection. */
export async function prepareCollection(client: MilvusClient, name: string, rows: number, dim: number, replicas: number): Promise<number[][]> {
  await client.dropCollection({ collection_name: name });
  const created = await client.createCollection({
    collection_name: name,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
      { name: 'vec', data_type: DataType.FloatVector, dim },
      { name: 'tag', data_type: DataType.VarChar, max_length: 16 },
      { name: 'n', data_type: DataType.Int64 },
    ],
  });
  if (created.error_code !== 'Success') throw new Error(created.reason);
  const vectors = seededVectors(rows, dim, rows + dim);
  const inserted = await client.insert({ collection_name: name, data: vectors.map((vec, i) => ({ id: i, vec, tag: `t${i % 4}`, n: i })) });
  if (inserted.status.error_code !== 'Success') throw new Error(inserted.status.reason);
  await client.flushSync({ collection_names: [name] });
  const indexed = await client.createIndex({ collection_name: name, field_name: 'vec', index_type: 'IVF_FLAT', metric_type: 'L2', params: { nlist: 16 } });
  if (indexed.error_code !== 'Success') throw new Error(indexed.reason);
  await client.loadCollectionSync({ collection_name: name, replica_number: replicas });
  return vectors;
}

export async function countRows(client: MilvusClient, name: string): Promise<number> {
  const result = await client.query({ collection_name: name, output_fields: ['count(*)'] });
  if (result.status.error_code !== 'Success') throw new Error(result.status.reason);
  return Number(result.data[0]!['count(*)']);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it succeeded. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await sleep(everyMs);
  }
  return false;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
