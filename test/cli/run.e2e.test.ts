// `run` end to end through the CLI against a real local cluster: exit codes 0 and 3, result.json and the
// report files, --json on stdout, `report` and `compare` on what a run wrote.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, runCli, scratchDir, writeFile, writeLocalConfig } from './harness.js';

const PORT = 19931;
const dir = scratchDir('run');

const scenario = (name: string, slo: string) =>
  writeFile(
    dir,
    `${name}.ts`,
    `import { defineScenario } from 'milvus-bench';
export default defineScenario({
  name: '${name}',
  collection: { name: 'e2e_run', dim: 16, index: { type: 'FLAT' }, replicas: 2 },
  ingest: { rows: 1500, batchSize: 500, vectors: { random: { seed: 7, distribution: 'clustered' } } },
  phases: [
    { name: 'closed', duration: '3s', concurrency: 4, operations: [{ search: { topK: 10 } }] },
    { name: 'open', duration: '3s', rate: 80, operations: [{ search: { topK: 5 }, weight: 3 }, { query: { expr: 'count' }, weight: 1 }] },
  ],
  slo: ${slo},
  verify: { recallQueries: 20 },
  metrics: { interval: '500ms' },
});
`,
  );

beforeAll(async () => {
  writeLocalConfig(dir, PORT);
  const up = await runCli(['local', 'up', '--detach', '--port', String(PORT)], { cwd: dir, timeoutMs: 60_000 });
  expect(up.code, up.stderr).toBe(0);
});

afterAll(async () => {
  await runCli(['local', 'down'], { cwd: dir, timeoutMs: 30_000 });
});

describe('run through the CLI on the local cluster', () => {
  let passFolder = '';

  it('passes its SLOs (exit 0) and writes result.json, report.html, junit.xml and summary.md', async () => {
    const file = scenario('pass', `{ 'search.p99': '<5s', 'closed.search.errorRate': '<1%', count: 'exact', recall: '>=0.95', dropped: '==0' }`);
    const run = await runCli(['run', file, '--out', 'reports/pass', '--json'], { cwd: dir, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { pass: boolean; exitCode: number };
    expect(summary).toMatchObject({ pass: true, exitCode: 0 });
    passFolder = join(dir, 'reports/pass');
    for (const name of ['result.json', 'report.html', 'junit.xml', 'summary.md']) expect(existsSync(join(passFolder, name))).toBe(true);
    const result = JSON.parse(readFileSync(join(passFolder, 'result.json'), 'utf8'));
    expect(result.target.kind).toBe('local');
    expect(result.target.description).toMatch(/not Milvus/);
    expect(result.phases.map((p: { name: string }) => p.name)).toEqual(['closed', 'open']);
    for (const phase of result.phases) {
      const c = phase.counters;
      expect(c.sent).toBe(c.ok + c.errors + c.timeouts);
      expect(c.ok).toBeGreaterThan(20);
      expect(phase.histogram).toEqual(expect.any(String));
    }
    expect(Object.keys(result.phases[1].operations).sort()).toEqual(['query', 'search']);
    expect(result.integrity).toMatchObject({ expectedRows: 1500, countedRows: 1500, countMatches: true });
    expect(result.integrity.recall).toBeGreaterThanOrEqual(0.95);
    expect(result.timeSeries.length).toBeGreaterThanOrEqual(10);
    expect(result.steps.map((s: { step: string }) => s.step)).toEqual(expect.arrayContaining(['connect', 'ingest', 'flush', 'index', 'load', 'verify']));
    expect(result.slo.every((s: { pass: boolean }) => s.pass)).toBe(true);
  });

  it('exits 3 on a breached SLO and still writes every report', async () => {
    const file = scenario('breach', `{ 'search.p50': '<0.01ms', count: 'exact' }`);
    const run = await runCli(['run', file, '--out', 'reports/breach'], { cwd: dir, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/search\.p50/);
    const folder = join(dir, 'reports/breach');
    const result = JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8'));
    expect(result.pass).toBe(false);
    expect(result.exitCode).toBe(3);
    expect(result.slo.find((s: { key: string }) => s.key === 'search.p50').pass).toBe(false);
    expect(readFileSync(join(folder, 'junit.xml'), 'utf8')).toMatch(/<failure/);
    expect(existsSync(join(folder, 'report.html'))).toBe(true);
  });

  it('re-renders reports and compares a run with itself (no regression)', async () => {
    const report = await runCli(['report', join(passFolder, 'result.json'), '--out', 'rerender'], { cwd: dir });
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(dir, 'rerender/report.html'), 'utf8')).toMatch(/<canvas|uPlot/);
    const same = await runCli(['compare', join(passFolder, 'result.json'), join(passFolder, 'result.json')], { cwd: dir });
    expect(same.code, same.stderr).toBe(0);
    const bad = await runCli(['compare', join(passFolder, 'result.json'), join(passFolder, 'result.json'), '--max-regression', 'latency=5%'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/latency/);
  });

  it('run --baseline compares with an earlier result and writes the comparison', async () => {
    const file = scenario('baseline', `{ count: 'exact' }`);
    const run = await runCli(['run', file, '--out', 'reports/baseline', '--baseline', join(passFolder, 'result.json'), '--max-regression', 'p99=1000%,qps=90%'], {
      cwd: dir,
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/closed/);
    expect(readFileSync(join(dir, 'reports/baseline/comparison.md'), 'utf8')).toMatch(/p99/);
    expect(existsSync(join(dir, 'reports/baseline/comparison.html'))).toBe(true);
  });

  it('--dry-run resolves faults against the running cluster and touches nothing', async () => {
    const before = await runCli(['local', 'status', '--json'], { cwd: dir });
    const pids = (JSON.parse(before.stdout) as { components: { pid: number | null }[] }).components.map((c) => c.pid);
    const file = scenario('dry', `{ count: 'exact' }`).replace('dry.ts', 'dry.ts');
    writeFile(dir, 'dry-faults.ts', readFileSync(file, 'utf8').replace("slo: {", "faults: [{ at: '1s', action: 'kill', target: { role: 'querynode', pick: 'all' } }],\n  slo: {"));
    const run = await runCli(['run', join(dir, 'dry-faults.ts'), '--dry-run', '--out', 'reports/dry'], { cwd: dir, timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/querynode-1/);
    expect(run.stdout).toMatch(/querynode-2/);
    expect(existsSync(join(dir, 'reports/dry'))).toBe(false);
    const after = await runCli(['local', 'status', '--json'], { cwd: dir });
    expect((JSON.parse(after.stdout) as { components: { pid: number | null }[] }).components.map((c) => c.pid)).toEqual(pids);
  });

  it('stops on Ctrl-C with exit 130 and writes what was measured (interrupted: true)', async () => {
    const file = scenario('interrupt', `{ count: 'exact' }`).replace('interrupt.ts', 'interrupt.ts');
    const run = await runCli(['run', file, '--out', 'reports/interrupt', '--duration', '60s'], {
      cwd: dir,
      timeoutMs: 120_000,
      onOutput: { match: /\[\s*1\.\ds\]/, then: (child) => child.kill('SIGINT') },
    });
    expect(run.code, run.stderr).toBe(130);
    const result = JSON.parse(readFileSync(join(dir, 'reports/interrupt/result.json'), 'utf8'));
    expect(result.interrupted).toBe(true);
    expect(result.pass).toBe(false);
    const c = result.phases[0].counters;
    expect(c.sent).toBeGreaterThan(0);
    expect(c.sent).toBe(c.ok + c.errors + c.timeouts + c.abandoned);
    expect(c.scheduled).toBe(c.sent + c.dropped);
    expect(run.elapsedMs).toBeLessThan(60_000);
  });
});

void readResult;
