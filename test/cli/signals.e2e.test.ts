// Faults are undone on every exit path, checked through the real CLI against the real state of real processes (their
// /proc scheduler state), not the tool's own records: Ctrl-C and SIGTERM in the middle of a pause, a fault command that
// fails, and a pause that lands on two of three processes (the CLI runs as an unprivileged user; the third process
// belongs to root, so its SIGSTOP is refused with EPERM).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/report/index.js';
import { ChildGroup, processStateOf } from '../faults/children.js';
import { runCli, scratchDir, writeFile } from './harness.js';

const NOBODY = 65534;
const dir = scratchDir('signals');
chmodSync(dir, 0o777);
let port = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as { port: number };
      server.close(() => resolve(p));
    });
  });
}

/** /proc state read synchronously, at the moment the CLI prints something */
function stateNow(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/** the load phase of the signal and crash runs: a run that did not stop early would take this long after its fault */
const LONG_PHASE_MS = 90_000;

function scenario(name: string, fault: string, duration = `${LONG_PHASE_MS / 1000}s`): string {
  return writeFile(
    dir,
    `${name}.ts`,
    `import { defineScenario } from 'milvus-bench';
export default defineScenario({
  name: '${name}',
  collection: { name: 'e2e_signals', dim: 8, index: { type: 'FLAT' }, replicas: 2 },
  ingest: { rows: 400, batchSize: 400, vectors: { random: { seed: 3 } } },
  phases: [{ name: 'steady', duration: '${duration}', concurrency: 2, operations: [{ search: { topK: 5 } }] }],
  faults: [${fault}],
  verify: { recallQueries: 0 },
  metrics: { interval: '500ms' },
});
`,
  );
}

function config(pattern: string): string {
  return writeFile(
    dir,
    'bench.config.ts',
    `import { defineConfig } from 'milvus-bench';
export default defineConfig({
  target: { address: 'local', connectTimeout: '5s' },
  local: { port: ${port}, proxies: 1, querynodes: 2 },
  faults: { backend: 'process', allow: ['process'], process: { patterns: { querynode: ${JSON.stringify(pattern)} } } },
});
`,
  );
}

/** how the injection went: result.json keeps the runner's status as `injection` beside the fault's outcome `status` */
const injection = (fault: object) => {
  const f = fault as { injection?: string; status?: string };
  return f.injection ?? f.status;
};
const resultAt = (folder: string) => JSON.parse(readFileSync(join(dir, folder, 'result.json'), 'utf8')) as RunResult;

let group: ChildGroup;
const extra: ChildProcess[] = [];

beforeAll(async () => {
  port = await freePort();
  config('unused');
  const up = await runCli(['local', 'up', '--detach', '--port', String(port)], { cwd: dir, timeoutMs: 60_000 });
  expect(up.code, up.stderr).toBe(0);
}, 90_000);

afterEach(async () => {
  for (const child of extra.splice(0)) child.kill('SIGKILL');
  await group?.close();
});

afterAll(async () => {
  await runCli(['local', 'down'], { cwd: dir, timeoutMs: 30_000 });
});

describe.each(['SIGINT', 'SIGTERM'] as const)('%s in the middle of a fault', (signal) => {
  it('reverts it (the paused processes run again), writes result.json and exits 130', async () => {
    group = new ChildGroup();
    const pids = [group.spawn('querynode', 1).pid!, group.spawn('querynode', 2).pid!];
    config(group.pattern('querynode'));
    const file = scenario(`interrupt-${signal}`, `{ at: '1s', action: 'pause', target: { role: 'querynode', pick: 'all' }, revertAfter: '120s' }`);
    const statesAtSignal: Array<string | null> = [];
    let signalledAt = 0;
    const run = await runCli(['run', file, '--out', `reports/${signal}`], {
      cwd: dir,
      timeoutMs: 140_000,
      onOutput: {
        match: /fault injected: pause/,
        then: (child) => {
          statesAtSignal.push(...pids.map(stateNow));
          signalledAt = Date.now();
          child.kill(signal);
        },
      },
    });
    expect(run.code, run.stderr + run.stdout).toBe(130);
    expect(statesAtSignal).toEqual(['T', 'T']); // the fault really was in place when the signal came
    for (const pid of pids) expect(await processStateOf(pid)).toMatch(/^[RS]$/);
    const result = resultAt(`reports/${signal}`);
    expect(result.interrupted).toBe(true);
    expect(result.exitCode).toBe(130);
    expect(injection(result.faults[0])).toBe('injected');
    expect(result.faults[0].revertedMs).toBeGreaterThan(result.faults[0].injectedMs!);
    expect(run.stdout).toMatch(/fault reverted: .* reverted pause .* at \d\d:\d\d:\d\d\.\d{3} UTC/);
    expect(Date.now() - signalledAt).toBeLessThan(LONG_PHASE_MS / 2); // it stopped early, not at the phase's end
  }, 150_000);
});

describe('a second Ctrl-C', () => {
  it('reverts at once and exits 130 without waiting for the load to wind down', async () => {
    group = new ChildGroup();
    const pids = [group.spawn('querynode', 1).pid!];
    config(group.pattern('querynode'));
    const file = scenario('double-interrupt', `{ at: '1s', action: 'pause', target: { role: 'querynode', pick: 'all' }, revertAfter: '120s' }`, '60s');
    const states: Array<string | null> = [];
    const run = await runCli(['run', file, '--out', 'reports/double'], {
      cwd: dir,
      timeoutMs: 140_000,
      onOutput: {
        match: /fault injected: pause/,
        then: (child) => {
          states.push(...pids.map(stateNow));
          child.kill('SIGINT');
          setTimeout(() => child.kill('SIGINT'), 20);
        },
      },
    });
    expect(run.code, run.stderr + run.stdout).toBe(130);
    expect(states).toEqual(['T']);
    expect(await processStateOf(pids[0])).toMatch(/^[RS]$/);
    expect(run.stderr).toContain('milvus-bench: SIGINT again');
  }, 100_000);
});

describe.each([
  ['an unhandled rejection', "void Promise.reject(new Error('stray rejection'));"],
  ['an uncaught exception', "throw new Error('stray exception');"],
])('%s in the middle of a fault', (_what, crash) => {
  it('reverts it at once, still writes result.json with the error, exits 1', async () => {
    group = new ChildGroup();
    const pids = [group.spawn('querynode', 1).pid!];
    config(group.pattern('querynode'));
    const name = `crash-${crash.includes('reject') ? 'rejection' : 'exception'}`;
    // code in the scenario file runs inside the CLI process: it fires the stray error there once the pause is in place
    const file = scenario(name, `{ at: '200ms', action: 'pause', target: { role: 'querynode', pick: 'all' }, revertAfter: '120s' }`);
    const trigger = `const crashTimer = setInterval(() => {
  const stat = require('node:fs').readFileSync('/proc/${pids[0]}/stat', 'utf8');
  if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'T') return;
  clearInterval(crashTimer);
  ${crash}
}, 200);`;
    writeFile(dir, `${name}.ts`, `${readFileSync(file, 'utf8')}\n${trigger}\n`);
    const statesWhenInjected: Array<string | null> = [];
    let injectedAt = 0;
    const run = await runCli(['run', file, '--out', `reports/${name}`], {
      cwd: dir,
      timeoutMs: 140_000,
      onOutput: {
        match: /fault injected: pause/,
        then: () => {
          injectedAt = Date.now();
          statesWhenInjected.push(...pids.map(stateNow));
        },
      },
    });
    expect(run.code, run.stderr + run.stdout).toBe(1);
    expect(statesWhenInjected).toHaveLength(1); // injected; the stray error itself fires only once /proc shows T
    expect(await processStateOf(pids[0])).toMatch(/^[RS]$/);
    const result = resultAt(`reports/${name}`);
    expect(result.error).toMatch(/^internal error: stray (rejection|exception)$/);
    expect(result.exitCode).toBe(1);
    expect(result.faults[0].revertedMs).not.toBeNull();
    expect(Date.now() - injectedAt).toBeLessThan(LONG_PHASE_MS / 2); // the crash stopped the load early
  }, 150_000);
});

describe('a fault that did not happen as written', () => {
  it('a failing fault command: exit 4 (not an SLO breach), status failed with its message, result.json written', async () => {
    group = new ChildGroup();
    group.spawn('querynode', 1);
    config(group.pattern('querynode'));
    const fault = `{ at: '500ms', action: 'exec', target: { role: 'querynode', pick: 'all' }, command: 'echo no such switch >&2; exit 7' }`;
    const run = await runCli(['run', scenario('failing-command', fault, '2s'), '--out', 'reports/failing'], { cwd: dir, timeoutMs: 90_000 });
    expect(run.code, run.stderr + run.stdout).toBe(4);
    const result = resultAt('reports/failing');
    expect(injection(result.faults[0])).toBe('failed');
    expect(result.faults[0].error).toContain('failed (exit 7): no such switch');
    expect(result.exitCode).toBe(4);
    expect(result.pass).toBe(false);
    expect(run.stderr).toMatch(/milvus-bench: fault exec .* was not injected as written .*no such switch/);
  }, 100_000);

  it('a revert that fails: exit 4, and the command to finish it by hand is printed', async () => {
    group = new ChildGroup();
    group.spawn('querynode', 1);
    config(group.pattern('querynode'));
    const marker = join(dir, 'switched-off');
    const fault = `{ at: '500ms', action: 'exec', target: { role: 'querynode', pick: 'all' }, revertAfter: '1s', command: 'touch ${marker}', revertCommand: 'echo switch stuck >&2; exit 5' }`;
    const run = await runCli(['run', scenario('failing-revert', fault, '3s'), '--out', 'reports/failing-revert'], { cwd: dir, timeoutMs: 90_000 });
    expect(run.code, run.stderr + run.stdout).toBe(4);
    expect(run.stdout).toContain(`Finish it by hand: echo switch stuck >&2; exit 5`);
    const [record] = resultAt('reports/failing-revert').faults;
    expect(injection(record)).toBe('injected');
    expect(record.revertError).toContain('switch stuck');
    expect(record.revertedMs).toBeNull();
    expect(run.stderr).toMatch(/revert failed: .*switch stuck.*; finish it by hand: echo switch stuck/);
  }, 100_000);

  it('a pause that lands on two of three processes is undone on those two, exit 4', async () => {
    group = new ChildGroup();
    const mine = [1, 2].map((i) => spawnVictim(NOBODY, `${group.tag}-querynode-${i}`));
    const roots = spawnVictim(0, `${group.tag}-querynode-3`);
    extra.push(...mine.map((v) => v.child), roots.child);
    const pids = mine.map((v) => v.child.pid!);
    config(group.pattern('querynode'));
    const file = scenario('partial-pause', `{ at: '500ms', action: 'pause', target: { role: 'querynode', pick: 'all' }, revertAfter: '30s' }`, '3s');
    mkdirSync(join(dir, 'reports'), { recursive: true });
    chmodSync(join(dir, 'reports'), 0o777);
    const run = await runCli(['run', file, '--out', 'reports/partial'], { cwd: dir, timeoutMs: 140_000, uid: NOBODY });
    expect(run.code, run.stderr + run.stdout).toBe(4);
    // real state: every process runs; the two that were stopped got their SIGCONT, root's was never touched
    for (const pid of [...pids, roots.child.pid!]) expect(await processStateOf(pid)).toMatch(/^[RS]$/);
    for (const victim of mine) expect(victim.continued()).toBe(1);
    expect(roots.continued()).toBe(0);
    const [record] = resultAt('reports/partial').faults;
    expect(injection(record)).toBe('failed');
    expect(record.targets).toHaveLength(3);
    expect(record.error).toMatch(new RegExp(`SIGSTOP failed for 1 of 3 process\\(es\\): pid ${roots.child.pid}: .*EPERM`));
    expect(record.revertedMs).not.toBeNull();
    expect(record.manualRevert?.replace('kill -CONT ', '').split(' ').map(Number).sort()).toEqual([...pids].sort());
    expect(run.stderr).toContain('was not injected as written (what happened was reverted)');
  }, 100_000);
});

/** A process with a recognizable command line that notes every SIGCONT it gets (SIGSTOP itself cannot be observed from inside). */
function spawnVictim(uid: number, label: string): { child: ChildProcess; continued: () => number } {
  const log = join(dir, `${label}.cont`);
  writeFile(dir, `${label}.cont`, '');
  chmodSync(log, 0o666);
  const code = `process.on('SIGCONT', () => require('fs').appendFileSync(${JSON.stringify(log)}, 'cont\\n')); setInterval(() => {}, 1000)`;
  const child = spawn(process.execPath, ['-e', code, label], { stdio: 'ignore', uid, gid: uid });
  return { child, continued: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}
