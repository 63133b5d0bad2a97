// A querynode that restarts within its session TTL (the coordinator still knows it) serves its segments again, and
// once it does, it keeps doing so: no search or query fails after the first good reply. Found by the conformance
// suite's pymilvus flow under CPU load: the coordinator routed by the new process's first, empty report until its
// next heartbeat, so a query right after recovery came back "no available shard delegator".
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { freePort } from '../real/cluster-support.js';
import { eventually, localApi, prepareCollection, sdkClient, sleep, tempDataDir } from './fixture.js';

const DIM = 16;
const ROWS = 3000;
const dataDir = tempDataDir('qn-restart');
let client: MilvusClient;

beforeAll(async () => {
  const port = await freePort();
  // The TTL outlives the restart (the restarted node is the same session to the coordinator), and its heartbeats,
  // every TTL/3 = 10 s, are far apart: the new process's loads must reach the coordinator without waiting for one.
  await (await localApi()).startLocalCluster({ dataDir, port, proxies: 1, querynodes: 1, sessionTtlMs: 30_000, restartDelayMs: 100 });
  client = sdkClient(`127.0.0.1:${port}`);
});

afterAll(async () => {
  await client?.closeConnection();
  await (await localApi()).downLocalCluster(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('querynode restart within its session TTL', () => {
  it('serves again within 1.5 s of reloading (not at its next heartbeat), and then every search and query for 4 s succeeds', async () => {
    // two inserts → two segments, the shape of the failure (one segment listed as served by nobody)
    const vectors = await prepareCollection(client, 'restart', ROWS, DIM, 1);
    const more = await client.insert({ collection_name: 'restart', data: vectors.slice(0, 500).map((vec, i) => ({ id: ROWS + i, vec, tag: 'more', n: ROWS + i })) });
    expect(more.status.error_code).toBe('Success');
    await client.flush({ collection_names: ['restart'] });
    const search = async (i: number): Promise<string> => {
      const reply = await client.search({ collection_name: 'restart', data: [vectors[i % ROWS]!], limit: 3 });
      return reply.status.error_code === 'Success' && reply.results.length === 3 ? 'ok' : `search: ${reply.status.reason}`;
    };
    const query = async (i: number): Promise<string> => {
      const reply = await client.query({ collection_name: 'restart', filter: `id in [${i}, ${ROWS + (i % 500)}]`, output_fields: ['n'] });
      return reply.status.error_code === 'Success' && reply.data.length === 2 ? 'ok' : `query: ${reply.status.reason} (${reply.data.length} rows)`;
    };
    expect(await eventually(async () => (await search(0)) === 'ok' && (await query(0)) === 'ok', 20_000, 100)).toBe(true);

    await (await localApi()).signalComponent(dataDir, 'querynode-1', 'SIGKILL');
    const killedAt = Date.now();
    expect(await eventually(async () => (await search(1).catch(() => 'transport')) === 'ok', 20_000, 20)).toBe(true);
    const recoveredAt = Date.now();
    // the restarted process's own log says when it had loaded its segments again
    const loadedAt = readFileSync(join(dataDir, 'logs', 'querynode-1.log'), 'utf8').split('\n')
      .filter((line) => line.includes('loaded segment')).map((line) => Date.parse(line.split(' ')[0]!)).filter((t) => t > killedAt);
    expect(loadedAt.length).toBeGreaterThanOrEqual(2);
    const servedAfterLoadMs = recoveredAt - Math.max(...loadedAt);
    const failures: string[] = [];
    for (let i = 0, until = Date.now() + 4000; Date.now() < until; i++) {
      for (const outcome of [await search(i), await query(i)]) if (outcome !== 'ok') failures.push(`${Date.now() - killedAt} ms after the kill: ${outcome}`);
      await sleep(10);
    }
    expect({ servedSoonAfterLoad: servedAfterLoadMs < 1500, failures: failures.slice(0, 3), failed: failures.length }).toEqual({ servedSoonAfterLoad: true, failures: [], failed: 0 });
    console.log(`querynode restart: served ${servedAfterLoadMs} ms after the new process loaded its segments, ${recoveredAt - killedAt} ms after the kill`);
  });
});
