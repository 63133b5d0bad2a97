// Proxy and coordinator failures: the balancer stops routing to a killed proxy and the SDK reconnects to a live one;
// with the coordinator down, searches on loaded collections continue and DDL fails with a clear error; stop/start.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { eventually, localApi, prepareCollection, sdkClient, tempDataDir } from './fixture.js';

let address = ''; // the cluster's balancer, on a free port the OS picks
const dataDir = tempDataDir('proxy');
let client: MilvusClient;
let vectors: number[][];

beforeAll(async () => {
  const { startLocalCluster } = await localApi();
  ({ address } = await startLocalCluster({ dataDir, port: 0, proxies: 2, querynodes: 1, sessionTtlMs: 1500, restartDelayMs: 800 }));
  client = sdkClient(address);
  vectors = await prepareCollection(client, 'p', 1000, 16, 1);
});

afterAll(async () => {
  await client?.closeConnection();
  await (await localApi()).downLocalCluster(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

const searchOk = async (): Promise<boolean> => {
  const result = await client.search({ collection_name: 'p', data: [vectors[7]!], limit: 3, timeout: 2000 });
  return result.status.error_code === 'Success' && (result.results as unknown as { id: string }[])[0]?.id === '7';
};

describe('proxy and coordinator failures', () => {
  it('searches through the balancer recover after every proxy the client used is killed', async () => {
    const { signalComponent, findLocalCluster } = await localApi();
    expect(await searchOk()).toBe(true);
    await signalComponent(dataDir, 'proxy-1', 'SIGKILL');
    await signalComponent(dataDir, 'proxy-2', 'SIGKILL');
    const killedAt = Date.now();
    expect(await eventually(searchOk, 15_000, 100)).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    const status = (await findLocalCluster(dataDir))!;
    expect(status.components.filter((c) => c.role === 'proxy').every((c) => c.restarts >= 1)).toBe(true);
  });

  it('a stopped proxy stays down and the other one serves; start brings it back', async () => {
    const { stopComponent, startComponent, findLocalCluster, waitComponentReady } = await localApi();
    await stopComponent(dataDir, 'proxy-1');
    expect(await eventually(searchOk, 10_000, 100)).toBe(true);
    for (let i = 0; i < 5; i++) expect(await searchOk()).toBe(true);
    const stopped = (await findLocalCluster(dataDir))!.components.find((c) => c.name === 'proxy-1')!;
    expect(stopped).toMatchObject({ alive: false, stopped: true });
    await startComponent(dataDir, 'proxy-1');
    expect(await waitComponentReady(dataDir, 'proxy-1', 10_000)).toBeGreaterThan(0);
  });

  it('with the coordinator down, searches continue and DDL fails clearly until it is back', async () => {
    const { stopComponent, startComponent, waitComponentReady } = await localApi();
    await stopComponent(dataDir, 'coordinator');
    for (let i = 0; i < 10; i++) expect(await searchOk()).toBe(true);
    const ddl = await client.createCollection({ collection_name: 'during', fields: [{ name: 'id', data_type: 5, is_primary_key: true }, { name: 'v', data_type: 101, dim: 4 }] }).catch((e: { reason?: string; message?: string }) => ({ error_code: 'thrown', reason: e.reason ?? e.message })); // the SDK throws the status
    expect(ddl.error_code).not.toBe('Success');
    expect(ddl.reason).toMatch(/coordinator unavailable/);
    await startComponent(dataDir, 'coordinator');
    await waitComponentReady(dataDir, 'coordinator', 10_000);
    expect(await eventually(async () => (await client.hasCollection({ collection_name: 'p' })).value === true, 10_000)).toBe(true);
    expect(await eventually(searchOk, 10_000)).toBe(true);
  });
});
