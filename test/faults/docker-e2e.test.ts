// The docker fault backend end to end on a real Docker Engine: the local cluster runs as containers (docker
// runtime, host network), and `milvus-bench run` kills one querynode container and later pauses one through the
// Engine API while closed-loop search load runs; downtime and integrity come out of result.json. Skipped with a
// printed reason when no engine answers (scripts/docker-test-env.sh starts one).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/report/index.js';
import { runCli, scratchDir, writeFile } from '../cli/harness.js';
import { DOCKER_SOCKET, dockerSkipReason, TEST_IMAGE } from '../support/docker-engine.js';

const PORT = 19880;
const PROJECT = 'milvus-bench-local';
const IMAGE = TEST_IMAGE;
const docker = new Docker({ socketPath: DOCKER_SOCKET });
const engine = await dockerSkipReason(docker, 'test/faults/docker-e2e.test.ts');

const dir = scratchDir('docker-faults');
const projectContainers = () => docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${PROJECT}`, `io.milvus-bench.local.data-dir=${join(dir, '.milvus-bench/local')}`] } });

afterAll(async () => {
  if (!engine) {
    await runCli(['local', 'down'], { cwd: dir, timeoutMs: 30_000 });
    for (const c of await projectContainers()) await docker.getContainer(c.Id).remove({ force: true });
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(engine !== null)('docker fault backend on querynode containers under load', () => {
  it('kill and pause one querynode container each: exit 0, container names as targets, small downtime, exact count', async () => {
    writeFile(
      dir,
      'bench.config.ts',
      `import { defineConfig } from 'milvus-bench';
export default defineConfig({
  local: { port: ${PORT}, runtime: 'docker', image: '${IMAGE}', sessionTtl: '2000ms', restartDelay: '500ms' },
  faults: { backend: 'docker', allow: ['${PROJECT}'], docker: { project: '${PROJECT}' } },
});
`,
    );
    const file = writeFile(
      dir,
      'docker-faults.ts',
      `import { defineScenario } from 'milvus-bench';
export default defineScenario({ name: 'docker-faults',
  collection: { name: 'dk', dim: 16, index: { type: 'IVF_FLAT', params: { nlist: 16 } }, replicas: 2 },
  ingest: { rows: 3000, batchSize: 1000, vectors: { random: { seed: 5, distribution: 'clustered' } } },
  verify: { recallQueries: 20 },
  metrics: { interval: '500ms', recoverySuccesses: 5 },
  phases: [{ name: 'steady', duration: '10s', concurrency: 4, timeout: '2s', operations: [{ search: { topK: 10, params: { nprobe: 16 } } }] }],
  faults: [
    { at: '3s', action: 'kill', target: { role: 'querynode', pick: 'one' } },
    { at: '7s', action: 'pause', target: { role: 'querynode', pick: 'one' }, revertAfter: '1s' },
  ],
  slo: { downtime: '<5s', count: 'exact' } });
`,
    );
    // bench.config.ts alone makes `run` start the cluster as containers (kept afterwards to inspect them)
    const run = await runCli(['run', file, '--out', 'out', '--keep-local'], { cwd: dir, timeoutMs: 150_000 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8')) as RunResult;
    expect(result.faults.map((f) => f.action)).toEqual(['kill', 'pause']);
    for (const fault of result.faults) {
      expect(fault.targets).toHaveLength(1);
      expect(fault.targets[0]).toMatch(new RegExp(`^${PROJECT}-querynode-\\d$`));
      expect(fault.recoveryMs).not.toBeNull();
      expect(fault.downtimeMs!).toBeLessThan(3000);
    }
    expect(result.integrity).toMatchObject({ countMatches: true, countedRows: 3000 });
    expect(result.phases[0]!.counters.ok).toBeGreaterThan(100);

    // the killed container was started again (by the supervisor or the backend's revert) and nothing stays paused
    const containers = await projectContainers();
    expect(containers.filter((c) => c.Labels['com.docker.compose.service'] === 'querynode').map((c) => c.State)).toEqual(['running', 'running']);

    const down = await runCli(['local', 'down'], { cwd: dir, timeoutMs: 30_000 });
    expect(down.code, down.stderr).toBe(0);
    expect(await projectContainers()).toEqual([]);
  }, 150_000);
});
