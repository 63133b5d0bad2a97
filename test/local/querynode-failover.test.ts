// kill -9 of a querynode under search load: replica_number=2 keeps serving; replica_number=1 fails with a Milvus
// "channel not available" status and recovers after session-TTL detection + reload; no acknowledged row is lost.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { countRows, eventually, localApi, prepareCollection, sdkClient, sleep, tempDataDir } from './fixture.js';

let address = ''; // the cluster's balancer, on a free port the OS picks
const DIM = 16;
const dataDir = tempDataDir('qn');
let client: MilvusClient;

beforeAll(async () => {
  const { startLocalCluster } = await localApi();
  ({ address } = await startLocalCluster({ dataDir, port: 0, proxies: 1, querynodes: 2, sessionTtlMs: 1200, restartDelayMs: 1500 }));
  client = sdkClient(address);
});

afterAll(async () => {
  await client?.closeConnection();
  await (await localApi()).downLocalCluster(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

async function querynodePid(name: string): Promise<number> {
  const status = await (await localApi()).findLocalCluster(dataDir);
  return status!.components.find((c) => c.name === name)!.pid!;
}

async function searchOk(collection: string, vector: number[]): Promise<{ ok: boolean; reason: string; firstId?: string }> {
  const result = await client.search({ collection_name: collection, data: [vector], limit: 5 });
  const hits = result.results as unknown as { id: string }[];
  return { ok: result.status.error_code === 'Success', reason: result.status.reason, firstId: hits[0]?.id };
}

async function replicaCount(collection: string): Promise<number> {
  const { collectionID } = await client.describeCollection({ collection_name: collection });
  const { replicas } = await client.getReplicas({ collectionID });
  return replicas.filter((r) => r.node_ids.length > 0).length;
}

describe('querynode failure', () => {
  it('replica_number=2: searches keep succeeding through a kill -9 and the replica count returns to 2', async () => {
    const vectors = await prepareCollection(client, 'r2', 2000, DIM, 2);
    expect(await replicaCount('r2')).toBe(2);
    const pid = await querynodePid('querynode-1');
    let errors = 0;
    let successes = 0;
    const until = Date.now() + 4000;
    let killed = false;
    for (let i = 0; Date.now() < until && i < 2000; i++) {
      if (!killed && i === 20) {
        process.kill(pid, 'SIGKILL');
        killed = true;
      }
      const outcome = await searchOk('r2', vectors[i % vectors.length]!).catch(() => ({ ok: false, reason: 'transport', firstId: undefined }));
      if (outcome.ok && outcome.firstId === String(i % vectors.length)) successes++;
      else errors++;
      await sleep(10);
    }
    expect(killed).toBe(true);
    expect(successes).toBeGreaterThan(50);
    expect(errors).toBeLessThanOrEqual(5);
    expect(await eventually(async () => (await querynodePid('querynode-1')) !== pid && (await replicaCount('r2')) === 2, 20_000)).toBe(true);
    expect(await countRows(client, 'r2')).toBe(2000);
    const status = await (await localApi()).findLocalCluster(dataDir);
    expect(status!.components.find((c) => c.name === 'querynode-1')!.restarts).toBeGreaterThanOrEqual(1);
  });

  it('replica_number=1: searches fail with channel-not-available after the kill and succeed after reload', async () => {
    const vectors = await prepareCollection(client, 'r1', 2000, DIM, 1);
    // Appended after load: acknowledged (in the growing log), served once a querynode tails it.
    const late = await client.insert({ collection_name: 'r1', data: [{ id: 99_999, vec: vectors[0]!, tag: 'late', n: 1 }] });
    expect(late.status.error_code).toBe('Success');
    expect(await eventually(async () => (await countRows(client, 'r1')) === 2001, 10_000)).toBe(true);
    const { collectionID } = await client.describeCollection({ collection_name: 'r1' });
    const holder = `querynode-${(await client.getReplicas({ collectionID })).replicas[0]!.node_ids[0]}`;
    await (await localApi()).signalComponent(dataDir, holder, 'SIGKILL');
    const failure = await searchOk('r1', vectors[1]!);
    expect(failure.ok).toBe(false);
    expect(failure.reason).toMatch(/channel not available|no available shard delegator/);
    const started = Date.now();
    expect(await eventually(async () => (await searchOk('r1', vectors[1]!)).ok, 15_000, 100)).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await countRows(client, 'r1')).toBe(2001);
    expect(await (await localApi()).waitComponentReady(dataDir, holder, 10_000)).toBeGreaterThan(started);
  });
});
