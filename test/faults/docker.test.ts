// The docker backend against a real Docker Engine: compose-labelled busybox containers (image from
// scripts/docker-test-env.sh) are killed, paused, stopped, started, restarted and disconnected through the Engine API.
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePlan, FaultRunner, type FaultEvent } from '../../src/faults/index.js';
import { DockerFaultBackend } from '../../src/faults/docker.js';
import type { FaultSpec } from '../../src/model/index.js';
import { waitFor } from './children.js';

const IMAGE = process.env.MILVUS_BENCH_TEST_IMAGE ?? 'milvus-bench-busybox:test';
const docker = new Docker();

async function engineProblem(): Promise<string | null> {
  try {
    await docker.ping();
  } catch (error) {
    return `no Docker Engine answers on the default socket (${error instanceof Error ? error.message : String(error)}); run scripts/docker-test-env.sh as root`;
  }
  try {
    await docker.getImage(IMAGE).inspect();
  } catch {
    return `image ${IMAGE} is missing; run scripts/docker-test-env.sh`;
  }
  try {
    const probe = await docker.createNetwork({ Name: `mbft-probe-${randomBytes(3).toString('hex')}`, Driver: 'bridge' });
    await probe.remove();
  } catch (error) {
    return `the engine cannot create bridge networks (${error instanceof Error ? error.message : String(error)})`;
  }
  return null;
}

const skipReason = await engineProblem();
if (skipReason) console.warn(`SKIPPED docker fault backend tests: ${skipReason}`);

const project = `mbft${randomBytes(3).toString('hex')}`;
const network = `${project}_default`;

async function createService(service: string, index: number): Promise<Docker.Container> {
  const container = await docker.createContainer({
    Image: IMAGE,
    name: `${project}-${service}-${index}`,
    Cmd: ['sleep', '3600'],
    Labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': service },
    Healthcheck: { Test: ['CMD', 'true'], Interval: 300_000_000, Timeout: 1_000_000_000, Retries: 3 },
    StopSignal: 'SIGKILL',
    HostConfig: { NetworkMode: network },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [service] } } },
  });
  await container.start();
  return container;
}

const spec = (over: Partial<FaultSpec>): FaultSpec => ({ atMs: 0, action: 'kill', target: { role: 'querynode', pick: 'one' }, options: {}, ...over });
const state = async (name: string) => (await docker.getContainer(name).inspect()).State;

describe.skipIf(skipReason !== null)('docker fault backend (real Docker Engine)', () => {
  let backend: DockerFaultBackend;

  beforeAll(async () => {
    await docker.createNetwork({ Name: network, Driver: 'bridge' });
    await Promise.all([createService('querynode', 1), createService('querynode', 2), createService('proxy', 1)]);
    backend = new DockerFaultBackend({ project, services: {}, namePatterns: {} }, [project]);
    await waitFor(async () => ((await state(`${project}-querynode-1`)).Health?.Status === 'healthy' ? true : undefined), 20_000, 'healthy');
  });

  afterAll(async () => {
    const containers = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
    await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => {})));
    await docker.getNetwork(network).remove().catch(() => {});
    await backend?.close();
  });

  it('refuses a project that is not in allow, before touching anything', async () => {
    await expect(new DockerFaultBackend({ project, services: {}, namePatterns: {} }, ['other']).preflight()).rejects.toThrow(
      `faults.allow must contain compose project '${project}'`,
    );
    await expect(new DockerFaultBackend({ services: {}, namePatterns: {} }, [project]).preflight()).rejects.toThrow(/must contain 'docker'/);
    await backend.preflight();
  });

  it('dry run resolves compose services to container names and touches nothing', async () => {
    const lines = await describePlan(backend, [spec({ target: { role: 'querynode', pick: 'all' } }), spec({ action: 'pause', target: { role: 'proxy', pick: 'one' } })]);
    expect(lines[1]).toBe(`at +0s: kill querynode pick=all → ${project}-querynode-1, ${project}-querynode-2 (all 2)`);
    expect(lines[2]).toMatch(new RegExp(`pause proxy pick=one → ${project}-proxy-1 \\(all 1 \\(pick one\\)\\)`));
    expect((await state(`${project}-querynode-1`)).Running).toBe(true);
    expect((await state(`${project}-proxy-1`)).Paused).toBe(false);
  });

  it('kills a container and starts it again after revertAfterMs; recovery waits for healthy', async () => {
    const events: FaultEvent[] = [];
    const runner = new FaultRunner(backend, [spec({ target: { role: 'querynode', pick: `${project}-querynode-2` }, revertAfterMs: 400 })], {
      onEvent: (e) => events.push(e),
      recoveryTimeoutMs: 20_000,
    });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? undefined, 10_000, 'kill');
    const killed = await state(`${project}-querynode-2`);
    expect(killed.Running).toBe(false);
    expect(killed.ExitCode).toBe(137);
    await runner.settle(25_000);
    const [record] = runner.records();
    expect(record.manualRevert).toBe(`docker start ${project}-querynode-2`);
    expect(record.revertedMs! - record.injectedMs!).toBeGreaterThanOrEqual(390);
    expect(record.backendRecoveredMs).toBeGreaterThanOrEqual(record.revertedMs!);
    const after = await state(`${project}-querynode-2`);
    expect(after.Running).toBe(true);
    expect(after.Health?.Status).toBe('healthy');
    expect(events.map((e) => e.kind)).toEqual(['injected', 'reverted', 'recovered']);
  });

  it('pauses every querynode and unpauses them on revertAll', async () => {
    const runner = new FaultRunner(backend, [spec({ action: 'pause', target: { role: 'querynode', pick: 'all' } })]);
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? undefined, 10_000, 'pause');
    expect((await state(`${project}-querynode-1`)).Paused).toBe(true);
    expect((await state(`${project}-querynode-2`)).Paused).toBe(true);
    await Promise.all([runner.revertAll(), runner.revertAll()]);
    expect((await state(`${project}-querynode-1`)).Paused).toBe(false);
    expect((await state(`${project}-querynode-2`)).Paused).toBe(false);
  });

  it('stops, then starts the stopped container as a scheduled action; restart changes StartedAt', async () => {
    const before = (await state(`${project}-proxy-1`)).StartedAt;
    const runner = new FaultRunner(backend, [
      spec({ action: 'stop', target: { role: 'proxy', pick: 'one' } }),
      spec({ atMs: 700, action: 'start', target: { role: 'proxy', pick: 'all' } }),
    ]);
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? undefined, 15_000, 'stop');
    expect((await state(`${project}-proxy-1`)).Running).toBe(false);
    await waitFor(() => runner.records()[1].injectedMs ?? undefined, 15_000, 'start');
    expect(runner.records()[1].targets).toEqual([`${project}-proxy-1`]);
    const started = await state(`${project}-proxy-1`);
    expect(started.Running).toBe(true);
    expect(started.StartedAt > before).toBe(true);
    await runner.revertAll();

    const restartRunner = new FaultRunner(backend, [spec({ action: 'restart', target: { role: 'proxy', pick: 'one' } })]);
    restartRunner.start(Date.now());
    await waitFor(() => restartRunner.records()[0].injectedMs ?? undefined, 20_000, 'restart');
    expect((await state(`${project}-proxy-1`)).StartedAt > started.StartedAt).toBe(true);
    await restartRunner.revertAll();
  });

  it('partitions a container from its network and reconnects it with its aliases', async () => {
    const name = `${project}-querynode-1`;
    const runner = new FaultRunner(backend, [spec({ action: 'partition', target: { role: 'querynode', pick: name }, revertAfterMs: 300 })], { recoveryTimeoutMs: 10_000 });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? undefined, 10_000, 'partition');
    const cut = await docker.getContainer(name).inspect();
    expect(Object.keys(cut.NetworkSettings.Networks ?? {})).not.toContain(network);
    expect(runner.records()[0].manualRevert).toBe(`docker network connect ${network} ${name}`);
    await runner.settle(15_000);
    const joined = await docker.getContainer(name).inspect();
    expect(joined.NetworkSettings.Networks?.[network]?.Aliases).toContain('querynode');
    expect(runner.records()[0].backendRecoveredMs).not.toBeNull();
  });

  it('says clearly that delay is not supported here', () => {
    expect(backend.check(spec({ action: 'delay', options: { latencyMs: 100 } }))).toMatch(/'delay' is not supported by the docker fault backend \(delay needs tc\/netem/);
  });
});
