// Partial injections on a real Docker Engine: a fault that lands on two of three containers is undone on exactly those
// two, checked against the engine's own view of each container (not the runner's records).
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartialInjectionError } from '../../src/faults/common.js';
import { DockerFaultBackend } from '../../src/faults/docker.js';
import { FaultRunner, type FaultEvent } from '../../src/faults/index.js';
import type { FaultSpec } from '../../src/model/index.js';
import { dockerSkipReason, TEST_IMAGE } from '../support/docker-engine.js';
import { waitFor } from './children.js';

const docker = new Docker();
const skipReason = await dockerSkipReason(docker, 'test/faults/docker-partial.test.ts');
const project = `mbfp${randomBytes(3).toString('hex')}`;
const network = `${project}_default`;
const names = [1, 2, 3].map((i) => `${project}-querynode-${i}`);

async function createQuerynode(name: string, networkMode: string): Promise<void> {
  const container = await docker.createContainer({
    Image: TEST_IMAGE,
    name,
    Cmd: ['sleep', '3600'],
    Labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': 'querynode' },
    StopSignal: 'SIGKILL',
    HostConfig: { NetworkMode: networkMode },
    ...(networkMode === network && { NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: ['querynode'] } } } }),
  });
  await container.start();
}

const spec = (over: Partial<FaultSpec>): FaultSpec => ({ atMs: 0, action: 'pause', target: { role: 'querynode', pick: 'all' }, options: {}, ...over });
const inspect = (name: string) => docker.getContainer(name).inspect();

describe.skipIf(skipReason !== null)('docker partial injections (real Docker Engine)', () => {
  let backend: DockerFaultBackend;

  beforeAll(async () => {
    await docker.createNetwork({ Name: network, Driver: 'bridge' });
    await createQuerynode(names[0], network);
    await createQuerynode(names[1], network);
    await createQuerynode(names[2], 'none'); // nothing to disconnect: its partition fails
    backend = new DockerFaultBackend({ project, services: {}, namePatterns: {} }, [project]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(names.map((n) => docker.getContainer(n).remove({ force: true }).catch(() => {})));
    await docker.getNetwork(network).remove().catch(() => {});
  });

  it('a partition that cuts two of three containers is failed and both are reconnected, with their aliases', async () => {
    const events: FaultEvent[] = [];
    const runner = new FaultRunner(backend, [spec({ action: 'partition', revertAfterMs: 60_000 })], { onEvent: (e) => events.push(e) });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].revertedMs ?? runner.records()[0].revertError, 20_000, 'revert of the partial partition');
    const [record] = runner.records();
    expect(record.status).toBe('failed');
    expect(record.error).toContain(`1 of 3 container(s) not cut off: ${names[2]}: container ${names[2]} is on no network that can be disconnected`);
    expect(record.revertError).toBeUndefined();
    for (const name of names.slice(0, 2)) expect((await inspect(name)).NetworkSettings.Networks?.[network]?.Aliases).toContain('querynode');
    expect(Object.keys((await inspect(names[2])).NetworkSettings.Networks ?? {})).toEqual(['none']);
    expect(record.manualRevert).toBe(`docker network connect ${network} ${names[0]} && docker network connect ${network} ${names[1]}`);
    expect(events.map((e) => e.kind)).toEqual(['failed', 'reverted']);
    await runner.revertAll();
  }, 30_000);

  it('a pause the engine refuses for one of three containers (Promise over all three) is undone on the other two only', async () => {
    const { targets } = await backend.resolvePick(spec({}), 1);
    expect(targets.map((t) => t.name).sort()).toEqual(names);
    await docker.getContainer(names[2]).pause(); // paused by someone else after the pick: the engine refuses to pause it again
    const error = await backend.inject(spec({}), targets).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PartialInjectionError);
    const partial = (error as PartialInjectionError).partial;
    expect((error as Error).message).toMatch(new RegExp(`docker pause failed on 1 of 3 container\\(s\\): ${names[2]}: .*already paused`, 'i'));
    expect(partial.targets.map((t) => t.name).sort()).toEqual(names.slice(0, 2));
    for (const name of names.slice(0, 2)) expect((await inspect(name)).State.Paused).toBe(true);
    await backend.revert(partial);
    for (const name of names.slice(0, 2)) expect((await inspect(name)).State.Paused).toBe(false);
    expect((await inspect(names[2])).State.Paused).toBe(true); // not ours to undo
    await backend.revert(partial); // idempotent
    await docker.getContainer(names[2]).unpause();
  }, 30_000);
});
