// The CLI's contract without any server: help, version, exit code 2 for bad input, exit 4 for an unreachable target.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResult, REPO_ROOT, runCli, scratchDir, writeFile } from './harness.js';

const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('milvus-bench CLI basics', () => {
  it('prints help with the commands, examples and exit codes', async () => {
    const run = await runCli(['--help'], { cwd: REPO_ROOT });
    expect(run.code).toBe(0);
    for (const word of ['run <scenario>', 'validate <scenario>', 'init', 'compare <base> <head>', 'report <result>', 'local']) {
      expect(run.stdout).toContain(word);
    }
    expect(run.stdout).toMatch(/Exit codes: 0 every SLO met, 2 invalid input, 3 SLO breached/);
  });

  it('prints its version', async () => {
    const run = await runCli(['--version'], { cwd: REPO_ROOT });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });

  it('rejects an unknown command and an unknown flag with exit 2 and one line', async () => {
    const unknown = await runCli(['frobnicate'], { cwd: REPO_ROOT });
    expect(unknown.code).toBe(2);
    const flag = await runCli(['run', 'scenarios/smoke.ts', '--concurency', '3'], { cwd: REPO_ROOT });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/concurency/);
    expect(flag.stderr).not.toMatch(/\n\s+at /);
  });

  it('validates every shipped scenario', async () => {
    for (const name of ['smoke', 'seed-baseline', 'throughput', 'ha-failover', 'proxy-failover', 'querynode-single-replica', 'rolling']) {
      const run = await runCli(['validate', `scenarios/${name}.ts`], { cwd: REPO_ROOT });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('valid');
    }
  });

  it('lists every problem of a bad scenario with dot paths and exits 2, no stack trace', async () => {
    const dir = scratchDir('bad');
    const file = writeFile(
      dir,
      'bad.ts',
      `import { defineScenario } from 'milvus-bench';
export default defineScenario({
  name: 'bad',
  collection: { name: 'c', dimm: 8 },
  phases: [{ name: 'p', duration: '5s', rate: -5, operations: [{ search: { topK: 10 } }] }],
  slo: { 'search.p42': '<1s' },
} as never);
`,
    );
    const run = await runCli(['validate', file], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/dimm/);
    expect(run.stderr).toMatch(/phases\[0\]\.rate/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the missing scenario file', async () => {
    const dir = scratchDir('missing');
    const run = await runCli(['run', 'nope.ts'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/nope\.ts/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fails within seconds with exit 4 and the address when the target is unreachable, and still writes result.json', async () => {
    const dir = scratchDir('unreachable');
    const run = await runCli(['run', join(REPO_ROOT, 'scenarios/smoke.ts'), '--target', '127.0.0.1:19989', '--quiet'], {
      cwd: dir,
      timeoutMs: 30_000,
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('127.0.0.1:19989');
    expect(run.elapsedMs).toBeLessThan(10_000);
    const { result } = readResult(dir);
    expect(result.pass).toBe(false);
    expect(result.exitCode).toBe(4);
    expect(result.error).toContain('127.0.0.1:19989');
  });

  it('--dry-run on the local target with no cluster running starts nothing and prints the schedule', async () => {
    const dir = scratchDir('dry');
    const run = await runCli(['run', join(REPO_ROOT, 'scenarios/rolling.ts'), '--dry-run'], { cwd: dir, timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/a run would start one \(2 proxies, 2 querynodes/);
    expect(run.stdout).toMatch(/restart querynode \(pick querynode-1\)/);
    expect(existsSync(join(dir, '.milvus-bench'))).toBe(false);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
  });

  it('never prints or stores credentials (env token/password, user:password in the address)', async () => {
    const dir = scratchDir('secrets');
    const run = await runCli(['run', join(REPO_ROOT, 'scenarios/smoke.ts'), '--target', 'http://admin:hunter2-url@127.0.0.1:19988'], {
      cwd: dir,
      env: { MILVUS_TOKEN: 'tok-s3cr3t-123', MILVUS_USER: 'root', MILVUS_PASSWORD: 'pw-s3cr3t-456' },
      timeoutMs: 30_000,
    });
    expect(run.code).toBe(4);
    const { folder } = readResult(dir);
    const texts = [run.stdout, run.stderr, ...['result.json', 'report.html', 'junit.xml', 'summary.md'].map((f) => readFileSync(join(folder, f), 'utf8'))];
    for (const text of texts) {
      expect(text).not.toContain('tok-s3cr3t-123');
      expect(text).not.toContain('pw-s3cr3t-456');
      expect(text).not.toContain('hunter2-url');
    }
    expect(run.stderr).toContain('127.0.0.1:19988');
  });

  it('init writes a config and a scenario that validate, and refuses to overwrite', async () => {
    const dir = scratchDir('init');
    const first = await runCli(['init'], { cwd: dir });
    expect(first.code).toBe(0);
    const validate = await runCli(['validate', 'scenarios/ha-failover.ts'], { cwd: dir });
    expect(validate.code).toBe(0);
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/bench\.config\.ts|ha-failover\.ts/);
  });
});
