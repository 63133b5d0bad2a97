// The local backend against a real local test cluster (not Milvus): kill, pause, stop/start its components
// through the supervisor, from the compiled code in dist/ (run `npm run build` first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/model/index.js';
import { processStateOf, waitFor } from './children.js';

const dist = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;
const local = (await import(dist('local/index.js'))) as typeof import('../../src/local/index.js');
const { LocalFaultBackend } = (await import(dist('faults/local.js'))) as typeof import('../../src/faults/local.js');
const { FaultRunner } = (await import(dist('faults/index.js'))) as typeof import('../../src/faults/index.js');
const { localClusterControl } = (await import(dist('target/local-cluster.js'))) as typeof import('../../src/target/local-cluster.js');

const PORT = 19811;
const dataDir = mkdtempSync(join(tmpdir(), 'mbft-local-'));
const spec = (over: Partial<FaultSpec>): FaultSpec => ({ atMs: 0, action: 'kill', target: { role: 'querynode', pick: 'one' }, options: {}, ...over });
const component = async (name: string) => (await local.findLocalCluster(dataDir))?.components.find((c) => c.name === name);

describe('local fault backend (real local test cluster)', () => {
  let backend: InstanceType<typeof LocalFaultBackend>;

  beforeAll(async () => {
    await local.startLocalCluster({ dataDir, port: PORT, proxies: 1, querynodes: 2, restartDelayMs: 200, detach: true });
    backend = new LocalFaultBackend(localClusterControl(dataDir));
    await backend.preflight();
  });

  afterAll(async () => {
    for (const c of (await local.findLocalCluster(dataDir))?.components ?? []) {
      if (c.pid) process.kill(c.pid, 'SIGCONT');
    }
    await local.downLocalCluster(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('kills a querynode with SIGKILL and records when the supervisor has it ready again', async () => {
    const before = await component('querynode-2');
    const runner = new FaultRunner(backend, [spec({ target: { role: 'querynode', pick: 'querynode-2' } })], { recoveryTimeoutMs: 20_000 });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? runner.records()[0].error, 10_000, 'kill');
    await runner.settle(25_000);
    const [record] = runner.records();
    expect(record.error).toBeUndefined();
    expect(record.targets).toEqual(['querynode-2']);
    expect(record.backendRecoveredMs).toBeGreaterThan(record.injectedMs!);
    const after = await component('querynode-2');
    expect(after?.pid).not.toBe(before?.pid);
    expect(after?.ready).toBe(true);
    expect(after?.restarts).toBe((before?.restarts ?? 0) + 1);
    await runner.revertAll();
  });

  it('pauses a querynode (SIGSTOP) and resumes it after revertAfterMs', async () => {
    const runner = new FaultRunner(backend, [spec({ action: 'pause', target: { role: 'querynode', pick: 'querynode-1' }, revertAfterMs: 800 })], { recoveryTimeoutMs: 20_000 });
    const pid = (await component('querynode-1'))!.pid!;
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? runner.records()[0].error, 10_000, 'pause');
    expect(await processStateOf(pid)).toBe('T');
    await runner.settle(25_000);
    const [record] = runner.records();
    expect(record.revertedMs! - record.injectedMs!).toBeGreaterThanOrEqual(790);
    expect(record.backendRecoveredMs).toBeGreaterThanOrEqual(record.revertedMs!);
    expect(await processStateOf(pid)).toMatch(/^[SR]$/);
    expect((await component('querynode-1'))?.pid).toBe(pid);
  });

  it('stops the proxy, keeps it down, and starts it again on revertAll', async () => {
    const runner = new FaultRunner(backend, [spec({ action: 'stop', target: { role: 'proxy', pick: 'all' } })], { recoveryTimeoutMs: 20_000 });
    runner.start(Date.now());
    await waitFor(() => runner.records()[0].injectedMs ?? runner.records()[0].error, 15_000, 'stop');
    const stopped = await component('proxy-1');
    expect(stopped?.stopped).toBe(true);
    expect(stopped?.alive).toBe(false);
    await runner.revertAll();
    await runner.settle(25_000);
    expect(runner.records()[0].backendRecoveredMs).not.toBeNull();
    const started = await component('proxy-1');
    expect(started?.stopped).toBe(false);
    expect(started?.ready).toBe(true);
  });

  it('rejects network faults and roles the local cluster does not have, before the run', () => {
    expect(() => new FaultRunner(backend, [spec({ action: 'partition' })])).toThrow(
      /faults\[0\] \(partition querynode\): fault action 'partition' is not supported by the local fault backend/,
    );
    expect(backend.check(spec({ target: { role: 'etcd', pick: 'one' } }))).toBe("the local test cluster has no 'etcd' role; it has coordinator, proxy, querynode");
  });

  it('preflight fails with the command to start a cluster when none runs', async () => {
    await expect(new LocalFaultBackend(localClusterControl(join(dataDir, 'nothing-here'))).preflight()).rejects.toThrow(/no local cluster is running in .*nothing-here; start one with/);
  });
});
