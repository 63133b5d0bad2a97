// The process backend and the fault runner against real child processes: kill, pause/unpause, revertAll, repeats.
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { describePlan, FaultRunner, type FaultEvent } from '../../src/faults/index.js';
import { ProcessFaultBackend } from '../../src/faults/process.js';
import type { FaultSpec } from '../../src/model/index.js';
import { ChildGroup, processStateOf, waitFor } from './children.js';

let group: ChildGroup | undefined;
afterEach(() => group?.close());

function setup(querynodes: number): { group: ChildGroup; backend: ProcessFaultBackend } {
  group = new ChildGroup();
  for (let i = 0; i < querynodes; i += 1) group.spawn('querynode', i);
  const backend = new ProcessFaultBackend({ patterns: { querynode: group.pattern('querynode') } }, ['process']);
  return { group, backend };
}

const spec = (over: Partial<FaultSpec>): FaultSpec => ({
  atMs: 0,
  action: 'kill',
  target: { role: 'querynode', pick: 'one' },
  options: {},
  ...over,
});

describe('process fault backend + runner', () => {
  it('kills one seeded-random process at its time and sees the supervisor replace it', async () => {
    const { group, backend } = setup(3);
    group.supervise = true;
    const before = group.pids();
    const events: FaultEvent[] = [];
    const runner = new FaultRunner(backend, [spec({ atMs: 150 })], { onEvent: (e) => events.push(e), recoveryTimeoutMs: 10_000 });
    const loadStart = Date.now();
    runner.start(loadStart);
    await waitFor(() => (runner.records()[0].backendRecoveredMs ? true : undefined), 15_000, 'recovery');
    const [record] = runner.records();
    expect(record.scheduledAtMs).toBe(loadStart + 150);
    expect(record.injectedMs).toBeGreaterThanOrEqual(loadStart + 150);
    expect(record.targets).toHaveLength(1);
    expect(record.pickDetail).toMatch(/^seeded random \(seed \d+\) 1 of 3$/);
    const killedPid = Number(record.targets[0].split('-').pop());
    expect(before).toContain(killedPid);
    expect([null, 'Z']).toContain(await processStateOf(killedPid));
    expect(group.restarts).toBe(1);
    expect(record.backendRecoveredMs).toBeGreaterThanOrEqual(record.injectedMs ?? Infinity);
    expect(events.map((e) => e.kind)).toEqual(['injected', 'recovered']);
    await runner.revertAll();
    // a killed process has nothing to undo: no revert time, no manual command
    expect(runner.records()[0].revertedMs).toBeNull();
    expect(runner.records()[0].manualRevert).toBeUndefined();
    expect(events).toHaveLength(2);
  });

  it('pauses with SIGSTOP and resumes on its own after revertAfterMs', async () => {
    const { backend } = setup(2);
    const runner = new FaultRunner(backend, [spec({ action: 'pause', target: { role: 'querynode', pick: 'all' }, revertAfterMs: 600 })]);
    runner.start(Date.now());
    const record = await waitFor(() => runner.records().find((r) => r.injectedMs), 5000, 'injection');
    const pids = record.targets.map((t) => Number(t.split('-').pop()));
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await processStateOf(pid)).toBe('T');
    const reverted = await waitFor(() => runner.records().find((r) => r.revertedMs), 10_000, 'automatic revert');
    expect(reverted.revertedMs! - reverted.injectedMs!).toBeGreaterThanOrEqual(590);
    for (const pid of pids) expect(await processStateOf(pid)).toMatch(/^[SR]$/);
    expect(reverted.manualRevert).toBe(`kill -CONT ${pids.join(' ')}`);
    await runner.settle(5000);
    expect(runner.records()[0].backendRecoveredMs).toBeGreaterThanOrEqual(reverted.revertedMs! - 5);
  });

  it('revertAll after an abort leaves nothing stopped, even when called twice at once', async () => {
    const { backend, group } = setup(2);
    const runner = new FaultRunner(backend, [
      spec({ action: 'pause', target: { role: 'querynode', pick: 'all' } }),
      spec({ atMs: 60_000, action: 'pause', target: { role: 'querynode', pick: 'all' } }),
    ]);
    runner.start(Date.now());
    await waitFor(() => runner.records().find((r) => r.injectedMs), 5000, 'injection');
    for (const pid of group.pids()) expect(await processStateOf(pid)).toBe('T');
    await Promise.all([runner.revertAll(), runner.revertAll()]);
    for (const pid of group.pids()) expect(await processStateOf(pid)).toMatch(/^[SR]$/);
    const records = runner.records();
    expect(records[0].revertedMs).not.toBeNull();
    expect(records[1].injectedMs).toBeNull();
    await runner.revertAll();
    expect(runner.records()[0].revertedMs).toBe(records[0].revertedMs);
  });

  it('expands repeats into occurrences on their own times', async () => {
    const { backend, group } = setup(2);
    group.supervise = true;
    const runner = new FaultRunner(backend, [spec({ atMs: 50, repeat: { everyMs: 400, times: 3 } })], { recoveryTimeoutMs: 5000 });
    const loadStart = Date.now();
    runner.start(loadStart);
    await waitFor(() => (runner.records().every((r) => r.injectedMs) ? true : undefined), 10_000, 'three kills');
    const records = runner.records();
    expect(records.map((r) => r.occurrence)).toEqual([0, 1, 2]);
    expect(records.map((r) => r.scheduledAtMs - loadStart)).toEqual([50, 450, 850]);
    for (const r of records) expect(r.injectedMs! - r.scheduledAtMs).toBeLessThan(2000);
    await waitFor(() => (group.restarts === 3 ? true : undefined), 5000, 'three restarts');
    await runner.revertAll();
  });

  it('refuses in preflight unless allow names the process scope', async () => {
    const refused = new ProcessFaultBackend({ patterns: { querynode: 'x' } }, ['my-namespace']);
    await expect(refused.preflight()).rejects.toThrow(/faults\.allow must contain 'process'/);
    await expect(refused.preflight()).rejects.toBeInstanceOf(UsageError);
  });

  it('rejects actions it cannot do before anything runs', () => {
    const { backend } = setup(1);
    expect(() => new FaultRunner(backend, [spec({ action: 'partition' })])).toThrow(
      /faults\[0\] \(partition querynode\): fault action 'partition' is not supported by the process fault backend/,
    );
  });

  it('dry run describes resolved targets and touches nothing', async () => {
    const { backend, group } = setup(2);
    const lines = await describePlan(backend, [spec({ atMs: 1000, repeat: { everyMs: 1000, times: 2 } }), spec({ atMs: 500, action: 'pause', target: { role: 'querynode', pick: 'all' }, revertAfterMs: 2000 })]);
    expect(lines[0]).toMatch(/^fault backend: local processes by command line/);
    expect(lines[1]).toMatch(/^at \+0\.5s: pause querynode pick=all → querynode-\d+, querynode-\d+ \(all 2\), revert after 2s$/);
    expect(lines[2]).toMatch(/^at \+1s #1\/2: kill querynode pick=one → querynode-\d+ \(seeded random/);
    expect(lines[3]).toMatch(/^at \+2s #2\/2: kill querynode pick=one/);
    for (const pid of group.pids()) expect(await processStateOf(pid)).toMatch(/^[SR]$/);
  });

  it('reports a failed revert loudly with the manual command', async () => {
    const { backend } = setup(1);
    const events: FaultEvent[] = [];
    const runner = new FaultRunner(
      backend,
      [spec({ action: 'exec', options: { command: 'test -n "$MILVUS_BENCH_FAULT_TARGETS"', revertCommand: 'echo cannot >&2; exit 3' } })],
      { onEvent: (e) => events.push(e) },
    );
    runner.start(Date.now());
    await waitFor(() => runner.records().find((r) => r.injectedMs), 5000, 'exec');
    await runner.revertAll();
    const [record] = runner.records();
    expect(record.revertError).toMatch(/exit 3.*cannot/);
    const failed = events.find((e) => e.kind === 'revert-failed');
    expect(failed?.message).toMatch(/^REVERT FAILED for exec querynode-\d+: .* Finish it by hand: echo cannot >&2; exit 3$/);
  });
});
