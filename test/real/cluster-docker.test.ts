// The real Milvus cluster as containers (`--runtime docker`): each role a container of an imported busybox image
// with the Milvus binary, Kafka jars and host libraries bound in, labelled like the seed's docker-compose services;
// `milvus-bench run scenarios/ha-failover.ts`, with `local.engine/topology/runtime` in bench.config.ts, starts it and
// kills one querynode container through the docker fault backend.
// Needs a Docker Engine (scripts/docker-test-env.sh) besides the real-cluster dependencies. ~1.5 min.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/report/index.js';
import { REPO_ROOT, runCli, scratchDir, writeFile } from '../cli/harness.js';
import { DOCKER_SOCKET, dockerSkipReason, TEST_IMAGE } from '../support/docker-engine.js';
import { countRows, freePort, processesOf, requireRealCluster, status } from './cluster-support.js';

const FILE = 'test/real/cluster-docker.test.ts';
const PROJECT = 'mb-test-real-cluster';
const docker = new Docker({ socketPath: DOCKER_SOCKET });
const runnable = requireRealCluster(FILE);
const engineMissing = runnable ? await dockerSkipReason(docker, FILE) : 'no real cluster';
if (engineMissing && runnable && process.env.CI === 'true') throw new Error(`${FILE}: CI=true and no Docker Engine: ${engineMissing}`);

const dir = scratchDir('real-cluster-docker');
const dataDir = join(dir, 'cluster');
const projectContainers = () => docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${PROJECT}`] } });

afterAll(async () => {
  if (engineMissing) return;
  await runCli(['local', 'down', '--data-dir', dataDir], { cwd: dir, timeoutMs: 60_000 });
  for (const c of await projectContainers()) await docker.getContainer(c.Id).remove({ force: true });
});

describe.runIf(!engineMissing)('real Milvus cluster as containers, docker fault backend', () => {
  it('run starts it from bench.config.ts, labels each role like docker-compose, and a querynode container kill recovers with every row', async () => {
    const port = await freePort();
    writeFile(dir, 'bench.config.ts', `export default {
  target: { address: 'local', connectTimeout: '5s' },
  local: { dataDir: ${JSON.stringify(dataDir)}, port: ${port}, engine: 'milvus', topology: 'cluster', runtime: 'docker', image: '${TEST_IMAGE}', project: '${PROJECT}' },
  faults: { backend: 'docker', allow: ['${PROJECT}'], docker: { project: '${PROJECT}' } },
};
`);
    // the run starts the cluster itself (kept afterwards to inspect it). The kill comes at 20 s; real Milvus 2.3.5 once still
    // answered short when a 30 s load ended 10 s after it (querycoord syncing with the dead node), so 30 s follow it.
    const run = await runCli(['run', join(REPO_ROOT, 'scenarios', 'ha-failover.ts'), '--duration', '50s', '--quiet', '--out', 'out', '--keep-local'], { cwd: dir, timeoutMs: 360_000 });
    const result = JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8')) as RunResult;
    expect(result.target.description, run.stdout + run.stderr).toMatch(/^Real Milvus 2\.3\.\d+ cluster/);
    const breached = result.slo.filter((slo) => !slo.pass).map((slo) => slo.key);
    expect(run.code, run.stdout + run.stderr).toBe(breached.length === 0 ? 0 : 3);
    expect(breached.filter((key) => !key.startsWith('search.') && key !== 'downtime'), run.stdout).toEqual([]);

    const containers = await projectContainers();
    expect(containers.map((c) => c.Labels['com.docker.compose.service']).sort()).toEqual(['datanode', 'etcd', 'indexnode', 'kafka', 'mixcoord', 'proxy', 'proxy', 'querynode', 'querynode']);
    expect(containers.every((c) => c.State === 'running' && c.Image === TEST_IMAGE)).toBe(true);
    const s = await status(dir, dataDir);
    const querynode = s.components.find((c) => c.role === 'querynode')!;
    // the container's init process is the real Milvus binary
    expect(readFileSync(`/proc/${querynode.pid}/cmdline`, 'utf8').split('\0').slice(1, 3)).toEqual(['run', 'querynode']);
    const fault = result.faults[0]!;
    expect(fault.backend).toBe('docker');
    expect(fault.targets).toHaveLength(1);
    expect(fault.targets[0]).toMatch(new RegExp(`^${PROJECT}-querynode-[12]$`));
    expect(fault.recoveryMs, 'the killed container came back').not.toBeNull();
    expect(fault.status, 'the service recovered').toMatch(/^(recovered|no-effect)$/);
    console.log(`real querynode container kill: downtime ${Math.round(fault.downtimeMs ?? 0)} ms, SLOs breached: ${breached.join(', ') || 'none'}`);
    expect(await countRows(`127.0.0.1:${port}`, 'bench_ha_failover')).toBe(100_000);

    // the killed container was started again by the supervisor: same container, a restart counted
    const killed = containers.find((c) => c.Names[0] === `/${fault.targets[0]}`)!;
    const info = await docker.getContainer(killed.Id).inspect();
    expect(info.State.Running).toBe(true);
    expect(s.components.find((c) => c.containerId === killed.Id)).toMatchObject({ restarts: 1, ready: true });

    const down = await runCli(['local', 'down', '--data-dir', dataDir], { cwd: dir, timeoutMs: 60_000 });
    expect(down.code, down.stderr).toBe(0);
    expect(await projectContainers()).toEqual([]);
    expect(processesOf(dataDir)).toEqual([]);
  }, 420_000);
});
