// Faults end to end through the CLI on the local cluster: a querynode kill with 2 replicas (no outage worth the
// name), with 1 replica (a real outage whose length follows the configured detection + reload), a proxy kill
// behind the balancer, and Ctrl-C during a pause that must leave no process stopped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/report/index.js';
import { runCli, scratchDir, writeFile } from './harness.js';

const SESSION_TTL_MS = 2000;

interface Setup {
  dir: string;
  port: number;
}
const started: Setup[] = [];

afterEach(async () => {
  // a cluster kept with --keep-local, or left by a failed assertion, never outlives its test
  for (const { dir } of started.splice(0)) await runCli(['local', 'down'], { cwd: dir, timeoutMs: 30_000 });
});

function setup(label: string, port: number, local: string, scenarioBody: string, config = ''): { dir: string; file: string } {
  const dir = scratchDir(label);
  started.push({ dir, port });
  writeFile(
    dir,
    'bench.config.ts',
    `import { defineConfig } from 'milvus-bench';
export default defineConfig({ local: { port: ${port}, ${local} }, ${config} });
`,
  );
  const file = writeFile(dir, `${label}.ts`, `import { defineScenario } from 'milvus-bench';\nexport default defineScenario(${scenarioBody});\n`);
  return { dir, file };
}

const collection = (replicas: number) =>
  `collection: { name: 'ha', dim: 16, index: { type: 'IVF_FLAT', params: { nlist: 16 } }, replicas: ${replicas} },
  ingest: { rows: 3000, batchSize: 1000, vectors: { random: { seed: 3, distribution: 'clustered' } } },
  verify: { recallQueries: 20 },
  metrics: { interval: '500ms', recoverySuccesses: 5 },`;

function readRun(dir: string, out: string): RunResult {
  return JSON.parse(readFileSync(join(dir, out, 'result.json'), 'utf8')) as RunResult;
}

describe('faults through the CLI on the local cluster', () => {
  it('kill one querynode of two with replicas 2: passes, small downtime, no lost rows, restarted', async () => {
    const { dir, file } = setup(
      'qn-kill',
      19936,
      `sessionTtl: '${SESSION_TTL_MS}ms', restartDelay: '500ms'`,
      `{ name: 'qn-kill', ${collection(2)}
  phases: [{ name: 'steady', duration: '10s', concurrency: 4, timeout: '2s', operations: [{ search: { topK: 10, params: { nprobe: 16 } } }] }],
  faults: [{ at: '3s', action: 'kill', target: { role: 'querynode', pick: 'one' } }],
  slo: { downtime: '<5s', count: 'exact' } }`,
    );
    const run = await runCli(['run', file, '--out', 'out'], { cwd: dir, timeoutMs: 150_000 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = readRun(dir, 'out');
    expect(result.faults).toHaveLength(1);
    const fault = result.faults[0]!;
    expect(fault.targets).toHaveLength(1);
    expect(fault.targets[0]).toMatch(/^querynode-\d$/);
    expect(fault.injectedAtMs).toBeGreaterThanOrEqual(2900);
    expect(fault.downtimeMs!).toBeLessThan(2000);
    expect(fault.recoveryMs).not.toBeNull();
    expect(result.integrity).toMatchObject({ countMatches: true, countedRows: 3000 });
    expect(result.phases[0]!.counters.ok).toBeGreaterThan(100);
  });

  it('kill the only replica: a real outage, as long as detection + reload, then service and every row back', async () => {
    const { dir, file } = setup(
      'qn-single',
      19937,
      `sessionTtl: '${SESSION_TTL_MS}ms', autoRestart: false`,
      `{ name: 'qn-single', ${collection(1)}
  phases: [{ name: 'steady', duration: '14s', concurrency: 4, timeout: '1s', operations: [{ search: { topK: 10, params: { nprobe: 16 } } }] }],
  faults: [{ at: '3s', action: 'kill', target: { role: 'querynode', pick: 'one' } }],
  slo: { downtime: '<10s', count: 'exact' } }`,
    );
    const run = await runCli(['run', file, '--out', 'out'], { cwd: dir, timeoutMs: 150_000 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const impact = readRun(dir, 'out').faults[0]!;
    // Ground truth: the coordinator needs a missed session TTL to declare the node dead, then reloads its segments
    // elsewhere. The outage cannot be shorter than most of the TTL, nor much longer than TTL + reload.
    expect(impact.disruption).not.toBeNull();
    expect(impact.downtimeMs!).toBeGreaterThan(SESSION_TTL_MS * 0.5);
    expect(impact.downtimeMs!).toBeLessThan(SESSION_TTL_MS + 4000);
    expect(impact.status).toBe('recovered');
    expect(readRun(dir, 'out').integrity).toMatchObject({ countMatches: true, countedRows: 3000 });
  });

  it('kill one proxy of two behind the balancer: clients reconnect to the live proxy', async () => {
    const { dir, file } = setup(
      'proxy-kill',
      19938,
      `restartDelay: '1s'`,
      `{ name: 'proxy-kill', ${collection(1)}
  phases: [{ name: 'steady', duration: '10s', concurrency: 4, timeout: '2s', operations: [{ search: { topK: 10, params: { nprobe: 16 } } }] }],
  faults: [{ at: '3s', action: 'kill', target: { role: 'proxy', pick: 'one' } }],
  slo: { downtime: '<5s', count: 'exact' } }`,
    );
    const run = await runCli(['run', file, '--out', 'out'], { cwd: dir, timeoutMs: 150_000 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = readRun(dir, 'out');
    expect(result.faults[0]!.targets[0]).toMatch(/^proxy-\d$/);
    expect(result.faults[0]!.downtimeMs!).toBeLessThan(5000);
    // after the kill, searches succeed again through the balancer
    const after = result.timeSeries.filter((p) => p.tMs > 6000);
    expect(after.reduce((sum, p) => sum + p.ok, 0)).toBeGreaterThan(50);
  });

  it('measures a SIGSTOP of the only proxy for 2.000 s within ±100 ms', async () => {
    const { dir, file } = setup(
      'proxy-pause',
      19939,
      `proxies: 1`,
      `{ name: 'proxy-pause', ${collection(1)}
  phases: [{ name: 'steady', duration: '8s', rate: 50, maxInFlight: 200, timeout: '250ms', operations: [{ search: { topK: 10, params: { nprobe: 16 } } }] }],
  faults: [{ at: '3s', action: 'pause', target: { role: 'proxy', pick: 'one' }, revertAfter: '2s' }],
  slo: { count: 'exact' } }`,
      'workers: 1',
    );
    const run = await runCli(['run', file, '--out', 'out'], { cwd: dir, timeoutMs: 150_000 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const fault = readRun(dir, 'out').faults[0]!;
    const groundTruth = fault.revertedMs! - fault.injectedMs!;
    expect(Math.abs(groundTruth - 2000)).toBeLessThan(50);
    expect(Math.abs(fault.downtimeMs! - groundTruth)).toBeLessThanOrEqual(100);
  });

  it('Ctrl-C during a pause fault: exit 130, the paused process is resumed, the report says interrupted', async () => {
    const { dir, file } = setup(
      'pause-int',
      19940,
      `restartDelay: '1s'`,
      `{ name: 'pause-int', ${collection(2)}
  phases: [{ name: 'steady', duration: '60s', concurrency: 2, timeout: '1s', operations: [{ search: { topK: 10 } }] }],
  faults: [{ at: '1s', action: 'pause', target: { role: 'querynode', pick: 'all' }, revertAfter: '50s' }],
  slo: { count: 'exact' } }`,
    );
    const run = await runCli(['run', file, '--out', 'out', '--keep-local'], {
      cwd: dir,
      timeoutMs: 120_000,
      onOutput: { match: /\[\s*3\.\ds\]/, then: (child) => child.kill('SIGINT') },
    });
    expect(run.code, run.stdout + run.stderr).toBe(130);
    const result = readRun(dir, 'out');
    expect(result.interrupted).toBe(true);
    expect(result.faults[0]!.revertedMs).not.toBeNull();
    const status = await runCli(['local', 'status', '--json'], { cwd: dir });
    const components = (JSON.parse(status.stdout) as { components: { name: string; pid: number | null }[] }).components;
    for (const component of components) {
      if (component.pid === null) continue;
      const state = readFileSync(`/proc/${component.pid}/stat`, 'utf8').split(') ')[1]!.charAt(0);
      expect(state, `${component.name} is stopped`).not.toBe('T');
    }
  });
});
