// Smoke test of the bench harness: the scripts run against real processes and print their side-by-side figures.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));

function bench(args: string[], timeoutMs: number): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8', timeout: timeoutMs });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** the value under `column` in the table row that follows the header line containing it */
function tableValue(stdout: string, column: string): string {
  const lines = stdout.split('\n');
  const header = lines.findIndex((line) => line.includes(column));
  expect(header, `no column ${column} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
  const end = lines[header].indexOf(column) + column.length;
  const row = lines[header + 1];
  return row.slice(0, end).trim().split(/\s{2,}/).pop() ?? '';
}

describe('bench harness', () => {
  it('coordinated omission: the corrected max shows the 2 s stall while the naive client p99 does not', () => {
    const { status, stdout, stderr } = bench(['bench/coordinated-omission.mjs', '--seconds', '6'], 50_000);
    expect(status, stderr).toBe(0);
    const lines = stdout.split('\n');
    const max = lines.find((line) => /^\s*max\s/.test(line))!.trim().split(/\s+/).map(Number);
    const p99 = lines.find((line) => /^\s*p99\s/.test(line))!.trim().split(/\s+/).map(Number);
    // columns: figure, expected corrected, corrected, service, expected uncorrected, naive
    expect(max[2]).toBeGreaterThan(1800);
    expect(p99[2]).toBeGreaterThan(1000);
    expect(p99[5]).toBeLessThan(1000);
  }, 60_000);

  it('recording cost prints ns per sample next to the empty loop', () => {
    const { status, stdout, stderr } = bench(['bench/recording-cost.mjs', '--quick'], 50_000);
    expect(status, stderr).toBe(0);
    const perSample = Number(tableValue(stdout, 'recorder − empty ns'));
    expect(perSample).toBeGreaterThan(0);
    expect(Number(tableValue(stdout, 'empty loop ns/sample'))).toBeGreaterThan(0);
  }, 60_000);

  it('rejects an unknown flag with one line and exit 2', () => {
    const { status, stderr } = bench(['bench/run-all.mjs', '--only', 'nope'], 10_000);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('unknown bench nope');
  });
});
