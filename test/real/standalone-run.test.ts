// `milvus-bench run` with local.engine 'milvus': scenarios/smoke.ts against a real standalone the run starts and
// stops; scenarios/seed-baseline.ts against one it leaves running (--keep-local), counted afterwards by the server
// itself; and a SIGKILL of the standalone under load through the local fault backend, unchanged.
// On 2 shared cores the latency figures are measurements (printed), not promises: the exit code must follow the SLO
// verdict, and only latency SLOs may be breached; integrity (count exact) and recovery must hold.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/report/index.js';
import { REPO_ROOT, runCli, scratchDir, writeFile } from '../cli/harness.js';
import { countRows, freePort, processesOf, status } from './cluster-support.js';
import { requireRealMilvus } from '../support/real-milvus.js';

const skip = requireRealMilvus('test/real/standalone-run.test.ts');

function config(dir: string, name: string, dataDir: string, port: number): string {
  return writeFile(dir, name, `export default { target: { address: 'local', connectTimeout: '5s' }, local: { engine: 'milvus', dataDir: ${JSON.stringify(dataDir)}, port: ${port} } };\n`);
}

function checkVerdict(run: { code: number | null; stdout: string; stderr: string }, result: RunResult): string[] {
  const breached = result.slo.filter((slo) => !slo.pass).map((slo) => slo.key);
  expect(run.code, run.stdout + run.stderr).toBe(breached.length === 0 ? 0 : 3);
  expect(breached.filter((key) => !key.startsWith('search.p') && key !== 'downtime'), run.stdout).toEqual([]);
  expect(result.target.description).toMatch(/^Real Milvus 2\.3\.\d+ standalone/);
  expect(result.target.serverVersion).toMatch(/^v2\.3\.\d+/);
  return breached;
}

function summary(result: RunResult): string {
  const p = result.phases[0]!;
  const ms = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(1)} ms`);
  const latency = p.latency;
  return `${p.counters.ok} ok, QPS ${p.qps.toFixed(1)}, p50 ${ms(latency?.p50)}, p99 ${ms(latency?.p99)}, errors ${(p.errorRate * 100).toFixed(2)}%`;
}

const readResult = (dir: string, out: string): RunResult => JSON.parse(readFileSync(join(dir, out, 'result.json'), 'utf8')) as RunResult;

describe.skipIf(skip)('milvus-bench run against a real Milvus standalone', () => {
  let dir: string;
  let keptDataDir: string;

  beforeAll(() => {
    dir = scratchDir('real-standalone-run');
    keptDataDir = join(dir, 'kept');
  });

  afterAll(async () => {
    if (keptDataDir) await runCli(['local', 'down', '--data-dir', keptDataDir], { cwd: dir, timeoutMs: 60_000 });
  });

  it('scenarios/smoke.ts: starts the real standalone, counts every row, stops it leaving no process', async () => {
    const dataDir = join(dir, 'smoke');
    const cfg = config(dir, 'smoke.config.ts', dataDir, await freePort());
    const run = await runCli(['run', join(REPO_ROOT, 'scenarios', 'smoke.ts'), '--config', cfg, '--quiet', '--out', 'out-smoke'], { cwd: dir, timeoutMs: 240_000 });
    const result = readResult(dir, 'out-smoke');
    const breached = checkVerdict(run, result);
    expect(run.stdout + run.stderr).toContain('starting the real Milvus standalone');
    expect(result.integrity?.countedRows).toBe(2000);
    expect(result.integrity?.countMatches).toBe(true);
    console.log(`smoke on real standalone: ${summary(result)}; SLOs breached: ${breached.join(', ') || 'none'}`);
    expect(processesOf(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'cluster.json'))).toBe(false);
  }, 260_000);

  it('scenarios/seed-baseline.ts: 100 000 rows, counted by the server itself after the run', async () => {
    const port = await freePort();
    const cfg = config(dir, 'kept.config.ts', keptDataDir, port);
    const run = await runCli(['run', join(REPO_ROOT, 'scenarios', 'seed-baseline.ts'), '--config', cfg, '--quiet', '--out', 'out-seed', '--keep-local'], { cwd: dir, timeoutMs: 480_000 });
    const result = readResult(dir, 'out-seed');
    const breached = checkVerdict(run, result);
    expect(result.integrity?.countedRows).toBe(100_000);
    expect(result.phases[0]!.counters.ok).toBe(1000);
    console.log(`seed-baseline on real standalone: ${summary(result)}; ingest ${result.ingest?.rowsPerSec.toFixed(0) ?? '?'} rows/s; SLOs breached: ${breached.join(', ') || 'none'}`);
    expect(await countRows(`127.0.0.1:${port}`, 'bench_seed_baseline')).toBe(100_000);
    const s = await status(dir, keptDataDir);
    const pid = s.components[0]!.pid!;
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    console.log(`real standalone RSS after seed-baseline: ${(rssKb / 1024).toFixed(0)} MiB`);
  }, 500_000);

  it('a kill of the standalone under load through the local fault backend: outage seen, restarted, every row there', async () => {
    const before = (await status(dir, keptDataDir)).components[0]!;
    writeFile(dir, 'standalone-kill.ts', `import { defineScenario } from 'milvus-bench';
export default defineScenario({
  name: 'standalone-kill',
  description: 'SIGKILL the real standalone at 5 s of a 40 s search load',
  collection: { name: 'bench_standalone_kill', dim: 16, metric: 'L2', index: { type: 'FLAT' }, recreate: true },
  ingest: { rows: 2000, batchSize: 1000, vectors: { random: { seed: 3, distribution: 'uniform' } } },
  phases: [{ name: 'steady', duration: '40s', concurrency: 2, timeout: '2s', operations: [{ search: { nq: 1, topK: 5 } }] }],
  faults: [{ at: '5s', action: 'kill', target: { role: 'standalone', pick: 'one' } }],
  slo: { count: 'exact' },
  verify: { count: true, recallQueries: 10 },
  metrics: { interval: '1s', recoverySuccesses: 5 },
});
`);
    const run = await runCli(['run', 'standalone-kill.ts', '--config', join(dir, 'kept.config.ts'), '--quiet', '--out', 'out-kill'], { cwd: dir, timeoutMs: 240_000 });
    const result = readResult(dir, 'out-kill');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const fault = result.faults[0]!;
    expect(fault.targets).toEqual(['standalone']);
    expect(fault.recoveryMs, 'the supervisor restarted the standalone').not.toBeNull();
    // the only server was dead at least for the supervisor's restart delay (1 s): requests must have failed
    const downtimeMs = fault.downtimeMs ?? 0;
    console.log(`real standalone SIGKILL under load: downtime ${Math.round(downtimeMs)} ms, backend recovery ${fault.recoveryMs} ms, ${fault.disruption?.bad ?? 0} failed requests`);
    expect(downtimeMs).toBeGreaterThan(1000);
    expect(fault.recovered, 'searches succeeded again before the load ended').toBe(true);
    const after = (await status(dir, keptDataDir)).components[0]!;
    expect(after.pid).not.toBe(before.pid);
    expect(after.restarts).toBe(before.restarts + 1);
    const address = (await status(dir, keptDataDir)).address;
    expect(await countRows(address, 'bench_standalone_kill')).toBe(2000);
    expect(await countRows(address, 'bench_seed_baseline')).toBe(100_000);
    const down = await runCli(['local', 'down', '--data-dir', keptDataDir], { cwd: dir, timeoutMs: 60_000 });
    expect(down.code, down.stderr).toBe(0);
    expect(processesOf(keptDataDir)).toEqual([]);
  }, 260_000);
});
