// `local up --runtime docker`: components as real containers (host network, host node bound in) on a real Docker
// Engine, driven through the CLI; the SDK talks to 127.0.0.1; a `docker kill` is undone by the supervisor; `local
// down` leaves no container. Skipped with a printed reason when no engine answers (scripts/docker-test-env.sh).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { runCli } from '../cli/harness.js';
import { countRows, localApi, prepareCollection, sdkClient, tempDataDir } from './fixture.js';
import { DOCKER_SOCKET, dockerSkipReason, TEST_IMAGE } from '../support/docker-engine.js';

const PORT = 19871;
const PROJECT = 'mb-test-docker-runtime';
const IMAGE = TEST_IMAGE;
const docker = new Docker({ socketPath: DOCKER_SOCKET });
const engine = await dockerSkipReason(docker, 'test/local/docker-runtime.test.ts');

const dir = tempDataDir('docker');
const dataDir = join(dir, 'data');
const cli = (...args: string[]) => runCli(['local', ...args, '--data-dir', dataDir], { cwd: dir, timeoutMs: 60_000 });
const projectContainers = () => docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${PROJECT}`] } });
let client: MilvusClient | undefined;

afterAll(async () => {
  await client?.closeConnection();
  if (!engine) {
    await cli('down');
    for (const c of await projectContainers()) await docker.getContainer(c.Id).remove({ force: true });
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(engine !== null)('local up --runtime docker', () => {
  it('runs components as labelled containers, serves the SDK on 127.0.0.1, restarts a killed container, and down removes all', async () => {
    const up = await cli('up', '--runtime', 'docker', '--image', IMAGE, '--project', PROJECT, '--detach', '--port', String(PORT), '--restart-delay', '300', '--session-ttl', '1500');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toContain(`ready at 127.0.0.1:${PORT}`);

    const containers = await projectContainers();
    const services = containers.map((c) => c.Labels['com.docker.compose.service']).sort();
    expect(services).toEqual(['coordinator', 'proxy', 'proxy', 'querynode', 'querynode']);
    expect(containers.map((c) => c.Names[0]).sort()).toContain(`/${PROJECT}-querynode-1`);
    expect(containers.every((c) => c.HostConfig.NetworkMode === 'host' && c.State === 'running')).toBe(true);

    const status = await cli('status');
    expect(status.stdout).toContain(`runtime docker (compose project ${PROJECT})`);
    const querynode = containers.find((c) => c.Names[0] === `/${PROJECT}-querynode-1`)!;
    expect(status.stdout).toContain(querynode.Id.slice(0, 12));

    client = sdkClient(`127.0.0.1:${PORT}`);
    await prepareCollection(client, 'dockerflow', 500, 8, 2);
    expect(await countRows(client, 'dockerflow')).toBe(500);

    // docker kill counts as a manual stop for Docker's restart policy: the supervisor must bring it back
    const killedAt = Date.now();
    await docker.getContainer(querynode.Id).kill({ signal: 'SIGKILL' });
    const { waitComponentReady, findLocalCluster } = await localApi();
    await waitComponentReady(dataDir, 'querynode-1', 20_000);
    const info = await docker.getContainer(querynode.Id).inspect();
    expect(info.State.Running).toBe(true);
    expect(Date.parse(info.State.StartedAt)).toBeGreaterThanOrEqual(killedAt - 1000);
    const after = (await findLocalCluster(dataDir))!.components.find((c) => c.name === 'querynode-1')!;
    expect(after).toMatchObject({ restarts: 1, containerId: querynode.Id, pid: info.State.Pid });
    expect(await countRows(client, 'dockerflow')).toBe(500);

    // a second kill, then down: nothing labelled with the project may remain
    await docker.getContainer(querynode.Id).kill({ signal: 'SIGKILL' });
    const down = await cli('down');
    expect(down.code, down.stderr).toBe(0);
    expect(await projectContainers()).toEqual([]);
    expect(await findLocalCluster(dataDir)).toBeNull();
  }, 90_000);

  it('names the unreachable engine in one line', async () => {
    const { startLocalCluster } = await localApi();
    const attempt = startLocalCluster({ dataDir: join(dir, 'nosock'), port: PORT + 1, proxies: 1, querynodes: 1, runtime: 'docker', dockerSocket: join(dir, 'no-such.sock') });
    await expect(attempt).rejects.toThrow(new RegExp(`^cannot reach the Docker Engine at ${join(dir, 'no-such.sock')}: ENOENT$`));
  });
});
