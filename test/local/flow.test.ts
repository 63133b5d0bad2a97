// The whole SDK flow against a real local cluster (separate processes), plus bad input, status, metrics and down.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { alive, countRows, localApi, prepareCollection, sdkClient, tempDataDir } from './fixture.js';

let address = ''; // the cluster's balancer, on a free port the OS picks
const DIM = 32;
const ROWS = 3000;
const dataDir = tempDataDir('flow');
let client: MilvusClient;
let vectors: number[][];

beforeAll(async () => {
  const { startLocalCluster } = await localApi();
  ({ address } = await startLocalCluster({ dataDir, port: 0, proxies: 2, querynodes: 2, sessionTtlMs: 1500, restartDelayMs: 500 }));
  client = sdkClient(address);
  vectors = await prepareCollection(client, 'flow', ROWS, DIM, 2);
});

afterAll(async () => {
  await client?.closeConnection();
  await (await localApi()).downLocalCluster(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local cluster through the official SDK', () => {
  it('answers version and health', async () => {
    expect((await client.getVersion()).version).toContain('local');
    expect((await client.checkHealth()).isHealthy).toBe(true);
  });

  it('counts every inserted row and finds an inserted vector first', async () => {
    expect(await countRows(client, 'flow')).toBe(ROWS);
    const stats = await client.getCollectionStatistics({ collection_name: 'flow' });
    expect(Number(stats.data.row_count)).toBe(ROWS);
    const result = await client.search({ collection_name: 'flow', data: [vectors[123]!, vectors[2001]!], limit: 5, output_fields: ['tag', 'n'] });
    expect(result.status.error_code).toBe('Success');
    const [first, second] = result.results as unknown as Record<string, unknown>[][];
    expect(first![0]).toMatchObject({ id: '123', tag: 't3', n: '123' });
    expect(second![0]!.id).toBe('2001');
    expect(first).toHaveLength(5);
  });

  it('describes, checks existence, reports replicas and load state', async () => {
    expect((await client.hasCollection({ collection_name: 'flow' })).value).toBe(true);
    expect((await client.hasCollection({ collection_name: 'absent' })).value).toBe(false);
    const described = await client.describeCollection({ collection_name: 'flow' });
    expect(described.schema.fields.find((f) => f.name === 'vec')?.type_params).toContainEqual({ key: 'dim', value: String(DIM) });
    const replicas = await client.getReplicas({ collectionID: described.collectionID });
    expect(replicas.replicas).toHaveLength(2);
    const nodes = replicas.replicas.map((r) => r.node_ids.join(','));
    expect(new Set(nodes).size).toBe(2);
    expect((await client.getLoadState({ collection_name: 'flow' })).state).toBe('LoadStateLoaded');
    const index = await client.describeIndex({ collection_name: 'flow' });
    expect(index.index_descriptions[0]!.params).toContainEqual({ key: 'index_type', value: 'IVF_FLAT' });
  });

  it('queries by ids with output fields and searches with a filter', async () => {
    const rows = await client.query({ collection_name: 'flow', filter: 'id in [5, 6, 7]', output_fields: ['tag', 'n'] });
    expect(rows.data.map((r) => r.id).sort()).toEqual(['5', '6', '7']);
    expect(rows.data.find((r) => r.id === '6')).toMatchObject({ tag: 't2', n: '6' });
    const filtered = await client.search({ collection_name: 'flow', data: [vectors[10]!], limit: 10, filter: 'n >= 1000 and tag == "t1"', output_fields: ['tag', 'n'] });
    const hits = filtered.results as unknown as Record<string, string>[];
    expect(hits.length).toBe(10);
    for (const hit of hits) expect(Number(hit.n) >= 1000 && hit.tag === 't1').toBe(true);
  });

  it('answers bad input with a Milvus error status and keeps serving', async () => {
    const wrongDim = await client.search({ collection_name: 'flow', data: [[1, 2, 3]], limit: 3 });
    expect(wrongDim.status.error_code).not.toBe('Success');
    expect(wrongDim.status.reason).toMatch(/dim/);
    const badExpr = await client.query({ collection_name: 'flow', filter: 'n >>> 3', output_fields: ['n'] });
    expect(badExpr.status.error_code).not.toBe('Success');
    const badField = await client.query({ collection_name: 'flow', filter: 'id in [1]', output_fields: ['nope'] });
    expect(badField.status.reason).toMatch(/nope/);
    const missing = await client.getCollectionStatistics({ collection_name: 'absent' });
    expect(missing.status.error_code).toBe('CollectionNotExists');
    const unsupported = await client.createDatabase({ db_name: 'x' });
    expect(unsupported.reason).toMatch(/not supported by the local cluster/);
    expect(await countRows(client, 'flow')).toBe(ROWS);
  });

  it('names a truncated segment file when loading fails', async () => {
    await prepareCollection(client, 'broken', 500, 16, 1);
    await client.releaseCollection({ collection_name: 'broken' });
    const dir = join(dataDir, 'data', 'collections', 'broken');
    const segment = readdirSync(dir).find((f) => f.endsWith('.bin'))!;
    truncateSync(join(dir, segment), 100);
    await expect(client.loadCollectionSync({ collection_name: 'broken', replica_number: 1 })).rejects.toThrow(segment);
    expect((await client.dropCollection({ collection_name: 'broken' })).error_code).toBe('Success');
    expect((await client.hasCollection({ collection_name: 'broken' })).value).toBe(false);
  });

  it('lists components with ports and serves /healthz and /metrics on each', async () => {
    const { findLocalCluster } = await localApi();
    const status = (await findLocalCluster(dataDir))!;
    expect(status.description).toMatch(/not Milvus/);
    expect(status.components.map((c) => c.name)).toEqual(['coordinator', 'querynode-1', 'querynode-2', 'proxy-1', 'proxy-2', 'balancer']);
    for (const c of status.components) {
      expect(c.alive && c.ready).toBe(true);
      expect((await fetch(`http://127.0.0.1:${c.metricsPort}/healthz`)).status).toBe(200);
    }
    const proxies = status.components.filter((c) => c.role === 'proxy');
    const metrics = (await Promise.all(proxies.map(async (p) => (await fetch(`http://127.0.0.1:${p.metricsPort}/metrics`)).text()))).join('\n');
    expect(metrics).toMatch(/milvus_proxy_req_count\{node_id="\d",function_name="Search",status="success"\} \d+/);
    expect(metrics).toMatch(/milvus_proxy_sq_latency_bucket\{node_id="\d",query_type="search",le="1"\}/);
  });

  it('refuses a port in use with a one-line error naming it', async () => {
    const cli = new URL('../../bin/milvus-bench.js', import.meta.url).pathname;
    let stderr = '';
    let code = 0;
    try {
      execFileSync(process.execPath, [cli, 'local', 'up', '--detach', '--data-dir', tempDataDir('busy'), '--port', address.split(':')[1]!], { stdio: 'pipe' });
    } catch (error) {
      stderr = String((error as { stderr: Buffer }).stderr);
      code = (error as { status: number }).status;
    }
    expect(code).toBe(4);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`port ${address.split(':')[1]}`);
  });

  it('local down leaves no process behind', async () => {
    const { findLocalCluster, downLocalCluster } = await localApi();
    const status = (await findLocalCluster(dataDir))!;
    const pids = [status.supervisorPid, ...status.components.map((c) => c.pid!)];
    process.kill(status.components.find((c) => c.name === 'querynode-2')!.pid!, 'SIGKILL');
    await downLocalCluster(dataDir);
    expect(pids.filter(alive)).toEqual([]);
    expect(await findLocalCluster(dataDir)).toBeNull();
    expect(readFileSync(join(dataDir, 'logs', 'querynode-2.log'), 'utf8')).toMatch(/killed by SIGKILL/);
  });
});
