// Request outcomes through the CLI against the Milvus double (not Milvus), with truths the test knows on its own:
// the schedule's request count, a known number of injected failures, a tail slowed on purpose.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhaseResult, RunResult } from '../../src/report/index.js';
import type { MilvusDouble } from '../support/milvus-double.js';
import { startMilvusDouble } from '../support/milvus-double.js';
import { runCli, scratchDir, writeFile } from './harness.js';

const dir = scratchDir('outcomes');
let double: MilvusDouble;

beforeAll(async () => {
  double = await startMilvusDouble({ rows: 200, dim: 8 });
  writeFile(dir, 'bench.config.ts', `import { defineConfig } from 'milvus-bench';
export default defineConfig({ target: { address: '${double.address}', connectTimeout: '5s' }, workers: 1 });
`);
});

afterAll(async () => {
  await double?.close();
});

function scenario(name: string, phase: string, slo = '{}', verify = '{ count: true, recallQueries: 0, spotChecks: 0 }'): string {
  return writeFile(
    dir,
    `${name}.ts`,
    `import { defineScenario } from 'milvus-bench';
export default defineScenario({
  name: '${name}',
  collection: { name: 'bench', dim: 8, metric: 'L2', index: { type: 'FLAT' } },
  ingest: { rows: 200, skip: true },
  warmup: 0,
  phases: [${phase}],
  verify: ${verify},
  slo: ${slo},
  metrics: { interval: '500ms' },
});
`,
  );
}

async function run(name: string, file: string, expectedCode: number): Promise<RunResult> {
  const cli = await runCli(['run', file, '--out', `reports/${name}`], { cwd: dir, timeoutMs: 60_000 });
  expect(cli.code, cli.stdout + cli.stderr).toBe(expectedCode);
  return JSON.parse(readFileSync(join(dir, 'reports', name, 'result.json'), 'utf8')) as RunResult;
}

/** every sum of MEASUREMENT.md, from result.json alone */
function expectBooksBalance(result: RunResult, phase: PhaseResult): void {
  const c = phase.counts;
  expect(c.scheduled).toBe(c.sent + c.dropped);
  expect(c.sent).toBe(c.ok + c.error + c.timeout + c.abandoned);
  expect(phase.errorRate).toBeCloseTo((c.error + c.timeout + c.dropped) / c.scheduled, 10);
  const points = result.timeSeries.filter((p) => p.phase === phase.name);
  const sum = (key: 'scheduled' | 'sent' | 'ok' | 'errors' | 'timeouts' | 'dropped') => points.reduce((n, p) => n + (p[key] ?? 0), 0);
  expect({ scheduled: sum('scheduled'), sent: sum('sent'), ok: sum('ok'), error: sum('errors'), timeout: sum('timeouts'), dropped: sum('dropped') }).toEqual({
    scheduled: c.scheduled, sent: c.sent, ok: c.ok, error: c.error, timeout: c.timeout, dropped: c.dropped,
  });
}

describe('outcomes through the CLI (Milvus double)', () => {
  it('a run forced over capacity reports its drops in the error rate, and the sums add up from result.json alone', async () => {
    double.clear();
    // 4 in flight × 50 ms = at most ~80 replies/s; the schedule asks for 400/s for 3 s = exactly 1200 requests
    double.inject({ effect: 'delay', ms: 50, methods: ['Search'] });
    const file = scenario('overload', `{ name: 'flood', duration: '3s', rate: 400, maxInFlight: 4, timeout: '2s', operations: [{ search: { topK: 5 } }] }`, `{ 'flood.errorRate': '<1%' }`);
    const result = await run('overload', file, 3);
    const phase = result.phases[0];
    expectBooksBalance(result, phase);
    expect(phase.counts.scheduled).toBe(1200);
    expect(phase.counts.ok).toBeLessThanOrEqual(Math.ceil((4 / 0.05) * 3.5));
    expect(phase.counts.dropped).toBeGreaterThanOrEqual(1200 - 300);
    expect(phase.errorRate).toBeGreaterThan(0.7);
    // qps counts completions over the measured 3 s window; the drain (≤ 4 requests) is reported apart
    expect(phase.windowMs).toBeGreaterThanOrEqual(2900);
    expect(phase.windowMs).toBeLessThan(3300);
    expect(phase.qps).toBeLessThanOrEqual(90);
    expect(phase.drain.completions).toBeLessThanOrEqual(4);
    expect(result.slo.find((s) => s.key === 'flood.errorRate')).toMatchObject({ pass: false });
  });

  it('injected failures show in p99 and not in okLatency.p99; search.p99 gates them, search.ok.p99 does not', async () => {
    double.clear();
    // every search takes 20 ms; the first 30 searches take 400 ms and then fail. One of them is the worker thread's
    // unmeasured channel warm-up call (one per thread, workers: 1), so the run itself meets 29.
    double.inject({ effect: 'delay', ms: 20, methods: ['Search'] });
    double.inject({ effect: 'delay', ms: 400, methods: ['Search'], times: 30 });
    double.inject({ effect: 'status', code: 65535, reason: 'injected', methods: ['Search'], times: 30 });
    const file = scenario('failures', `{ name: 'steady', duration: '3s', concurrency: 4, operations: [{ search: { topK: 5 } }] }`, `{ 'search.p99': '<300ms', 'search.ok.p99': '<300ms' }`);
    const result = await run('failures', file, 3);
    const phase = result.phases[0];
    expectBooksBalance(result, phase);
    expect(phase.counts.error).toBe(29);
    expect(phase.counters.errorsByKind).toEqual({ server_error: 29 });
    // 29 of a few hundred requests is well over 1 %: they are p99
    expect(phase.counts.ok + phase.counts.error).toBeLessThan(29 * 100);
    expect(phase.latency!.p99).toBeGreaterThanOrEqual(400);
    expect(phase.okLatency!.p99).toBeLessThan(200);
    expect(phase.okLatency!.p50).toBeGreaterThanOrEqual(20);
    // the default gate on the error rate outside fault disruptions fails too: 29 failures with no fault to own them
    expect(result.slo.map((s) => [s.key, s.pass])).toEqual([['search.p99', false], ['search.ok.p99', true], ['steady.errorRate', false]]);
  });

  it('compare passes two noisy runs of the same build and catches a tail-only regression (3 % of searches +200 ms)', async () => {
    const file = scenario('same', `{ name: 'steady', duration: '4s', concurrency: 4, operations: [{ search: { topK: 5 } }] }`);
    double.clear();
    double.inject({ effect: 'delay', ms: 10, methods: ['Search'] });
    await run('base', file, 0);
    await run('again', file, 0);
    double.inject({ effect: 'delay', ms: 200, methods: ['Search'], every: 33 });
    const slow = await run('tail', file, 0);
    double.clear();
    expect(slow.phases[0].latency!.p50).toBeLessThan(50);
    const base = join(dir, 'reports/base/result.json');
    const same = await runCli(['compare', base, join(dir, 'reports/again/result.json'), '--json'], { cwd: dir, timeoutMs: 30_000 });
    expect(same.code, same.stdout + same.stderr).toBe(0);
    const tail = await runCli(['compare', base, join(dir, 'reports/tail/result.json'), '--json'], { cwd: dir, timeoutMs: 30_000 });
    expect(tail.code, tail.stdout + tail.stderr).toBe(3);
    const comparison = JSON.parse(tail.stdout) as { rows: Array<{ metric: string; verdict: string }> };
    expect(comparison.rows.find((r) => r.metric === 'p99')!.verdict).toBe('regressed');
    expect(comparison.rows.find((r) => r.metric === 'p50')!.verdict).not.toBe('regressed');
  });

  it('integrity: count before (measured on the reused collection) − known deletes = count after; deleted keys gone, spot-checked keys found', async () => {
    double.clear();
    const phase = `{ name: 'steady', duration: '1s', concurrency: 2, operations: [{ search: { topK: 5 } }] }`;
    const file = scenario('deletes', phase, `{ count: 'exact' }`, '{ count: true, recallQueries: 0, spotChecks: 20, deleteRows: 25 }');
    const result = await run('deletes', file, 0);
    // the double's own state is the truth: the verify step deleted exactly the last 25 keys, nothing else
    expect([...double.deleted].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => 175 + i));
    expect(result.integrity).toMatchObject({
      countBefore: 200, acknowledged: 0, expectedRows: 175, countedRows: 175, countMatches: true,
      spotChecked: 20, spotMissing: [], deletes: { requested: 25, acknowledged: 25, stillFound: [] },
    });
    expect(result.slo).toEqual([expect.objectContaining({ key: 'count', pass: true }), expect.objectContaining({ key: 'steady.errorRate', default: true, pass: true })]);
  });

  it('integrity fails when rows go missing during the run (the double loses 3 keys the spot check samples)', async () => {
    double.clear();
    double.deleted.clear();
    const phase = `{ name: 'steady', duration: '1s', concurrency: 2, operations: [{ search: { topK: 5 } }] }`;
    const file = scenario('lost', phase, `{ count: 'exact' }`, '{ count: true, recallQueries: 0, spotChecks: 200 }');
    // count(*) before the run is 200; the keys vanish once the load has started
    const cli = runCli(['run', file, '--out', 'reports/lost'], { cwd: dir, timeoutMs: 60_000, onOutput: { match: /steady/, then: () => [10, 20, 30].forEach((id) => double.lost.add(id)) } });
    const outcome = await cli;
    double.lost.clear();
    expect(outcome.code, outcome.stdout + outcome.stderr).toBe(3);
    const result = JSON.parse(readFileSync(join(dir, 'reports/lost/result.json'), 'utf8')) as RunResult;
    expect(result.integrity).toMatchObject({ countBefore: 200, expectedRows: 200, countedRows: 197, countMatches: false, spotMissing: ['10', '20', '30'] });
  });
});
