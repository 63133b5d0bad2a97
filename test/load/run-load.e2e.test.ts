// End to end through real Piscina workers and a real gRPC server (the Milvus double, not Milvus).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { IntervalPoint } from '../../src/metrics/index.js';
import { startMilvusDouble } from '../support/milvus-double.js';
import type { MilvusDouble } from '../support/milvus-double.js';
import { DIM, ROWS, expectBalanced, load, metrics, planFor, runsTotal, search, seriesTotals } from './plan.js';

let double: MilvusDouble;

beforeAll(async () => {
  double = await startMilvusDouble({ rows: ROWS, dim: DIM, port: 19711 });
});
afterAll(async () => double?.close());

describe('runLoad', () => {
  test('closed loop keeps `concurrency` in flight, streams intervals while running, measures recall', async () => {
    double.clear();
    double.inject({ effect: 'delay', ms: 20, methods: ['Search'] });
    double.resetMax();
    const streamed: Array<{ point: IntervalPoint; atMs: number }> = [];
    let phaseStartMs = 0;
    const outcome = await load.runLoad(
      planFor(double.address, double.vectors, [{ name: 'steady', mode: 'closed', concurrency: 6, durationMs: 1500, timeoutMs: 3000, operations: [search] }]),
      {
        onInterval: (point) => streamed.push({ point, atMs: Date.now() }),
        onPhase: (_name, event) => void (event === 'start' && (phaseStartMs = Date.now())),
      },
    );
    const [phase] = outcome.phases;
    expect(double.concurrency.max).toBeLessThanOrEqual(6);
    expect(double.concurrency.max).toBeGreaterThanOrEqual(5);
    expect(Math.max(...outcome.timeSeries.map((p) => p.inFlight))).toBeLessThanOrEqual(6 * 2); // per-worker maxima summed
    expect(phase.counters.ok).toBeGreaterThan(100);
    expect(phase.latency!.p50).toBeGreaterThanOrEqual(19);
    expectBalanced(phase.counters);
    expect(outcome.recall).toBe(1);
    // live: buckets arrived while the phase ran (1500 ms in buckets of 200 ms), not all at the end
    expect(streamed.filter((s) => s.atMs < phaseStartMs + 1500).length, JSON.stringify(streamed.map((s) => s.atMs - phaseStartMs))).toBeGreaterThanOrEqual(3);
    expect(streamed.length).toBeGreaterThanOrEqual(7);
    expect(outcome.total.counters).toEqual(phase.counters);
  });

  test('open loop ramps to the target rate on schedule', async () => {
    double.clear();
    const outcome = await load.runLoad(
      planFor(double.address, double.vectors, [
        { name: 'ramp', mode: 'open', rate: 50, rampTo: 250, maxInFlight: 200, durationMs: 2000, timeoutMs: 3000, operations: [search] },
      ]),
    );
    const [phase] = outcome.phases;
    const scheduled = load.scheduledRequests(50, 250, 2000);
    expect(phase.counters.sent + phase.counters.dropped).toBeGreaterThanOrEqual(scheduled - 2);
    expect(phase.counters.sent + phase.counters.dropped).toBeLessThanOrEqual(scheduled + 2);
    const startMs = outcome.loadStartEpochMs + phase.startMs;
    const completed = (fromMs: number) => metrics.goodCompletions(outcome.runs, startMs + fromMs, startMs + fromMs + 500);
    // rate 50→100 in the first 500 ms (~37 requests), 200→250 in the last (~112)
    expect(completed(1500)).toBeGreaterThan(completed(0) * 2);
    expect(phase.sendRate).toBeGreaterThan(110);
  });

  test('every request ends in exactly one outcome under errors, timeouts and drops', async () => {
    double.clear();
    const hooks = {
      onPhase: (_name: string, event: 'start' | 'end') => {
        if (event !== 'start') return;
        const t0 = Date.now();
        double.inject({ effect: 'unavailable', methods: ['Search'], fromMs: t0 + 500, toMs: t0 + 800 });
        double.inject({ effect: 'status', code: 65535, reason: 'injected', methods: ['Search'], fromMs: t0 + 900, toMs: t0 + 1200 });
        double.inject({ effect: 'short', hits: 2, methods: ['Search'], fromMs: t0 + 1300, toMs: t0 + 1600 });
        double.inject({ effect: 'delay', ms: 400, fromMs: t0 + 1700, toMs: t0 + 2000 });
      },
    };
    const outcome = await load.runLoad(
      planFor(double.address, double.vectors, [
        { name: 'faulty', mode: 'open', rate: 200, maxInFlight: 12, durationMs: 2600, timeoutMs: 150, operations: [search, { kind: 'query', weight: 1, expr: 'count', limit: 1, outputFields: [] }] },
      ]),
      hooks,
    );
    const [phase] = outcome.phases;
    const c = phase.counters;
    expectBalanced(c);
    expect(c.errorsByKind.unavailable).toBeGreaterThan(0);
    expect(c.errorsByKind.server_error).toBeGreaterThan(0);
    expect(c.errorsByKind.short_result).toBeGreaterThan(0);
    expect(c.timeouts).toBeGreaterThan(0);
    expect(c.dropped).toBeGreaterThan(0);
    expect(c.ok).toBeGreaterThan(0);
    expect(seriesTotals(outcome.timeSeries)).toEqual({ ok: c.ok, errors: c.errors, timeouts: c.timeouts, dropped: c.dropped });
    // dropped requests are bad intervals for downtime too; abandoned ones are evidence of nothing
    expect(runsTotal(outcome)).toBe(c.sent - c.abandoned + c.dropped);
    const perOp = Object.values(phase.operations).map((o) => o.counters);
    expect(perOp.reduce((a, o) => a + o.sent, 0)).toBe(c.sent);
    expect(perOp.reduce((a, o) => a + o.dropped, 0)).toBe(c.dropped);
    for (const o of perOp) expectBalanced(o);
  });

  test('abort stops within a second and returns everything measured so far', async () => {
    double.clear();
    double.inject({ effect: 'delay', ms: 400, methods: ['Search'] });
    const abort = new AbortController();
    let abortedAt = 0;
    const outcome = await load.runLoad(
      planFor(double.address, double.vectors, [
        { name: 'long', mode: 'closed', concurrency: 8, durationMs: 20_000, timeoutMs: 5000, operations: [search] },
        { name: 'never', mode: 'closed', concurrency: 1, durationMs: 1000, timeoutMs: 1000, operations: [search] },
      ]),
      {
        signal: abort.signal,
        onPhase: (name, event) => {
          if (name === 'long' && event === 'start') setTimeout(() => ((abortedAt = Date.now()), abort.abort()), 1000);
        },
      },
    );
    expect(Date.now() - abortedAt).toBeLessThan(1500);
    expect(outcome.interrupted).toBe(true);
    expect(outcome.phases.map((p) => p.name)).toEqual(['long']);
    const c = outcome.phases[0].counters;
    expectBalanced(c);
    // cut short by the stop, not failed by the server: abandoned, outside latency and outage evidence
    expect(c.abandoned).toBeGreaterThan(0);
    expect(c.errorsByKind.cancelled ?? 0).toBe(0);
    expect(c.ok).toBeGreaterThan(0);
    expect(runsTotal(outcome)).toBe(c.sent - c.abandoned);
    expect(seriesTotals(outcome.timeSeries).ok).toBe(c.ok);
  });

  test('bad plans fail with one line naming the field', async () => {
    const plan = planFor(double.address, double.vectors, [{ name: 'x', mode: 'closed', concurrency: 0, durationMs: 100, timeoutMs: 100, operations: [search] }], { intervalMs: 10 });
    await expect(load.runLoad(plan)).rejects.toThrow(/intervalMs must be at least 100.*phases\[0\] \(x\)\.concurrency must be a positive integer/);
  });

  test('an unknown collection is a target error, not a hang', async () => {
    const plan = planFor(double.address, double.vectors, [{ name: 'x', mode: 'closed', concurrency: 1, durationMs: 100, timeoutMs: 100, operations: [search] }]);
    plan.collection.name = 'missing';
    await expect(load.runLoad(plan)).rejects.toMatchObject({ exitCode: 4, message: expect.stringMatching(/cannot describe collection missing/) });
  });
});

test('a worker that cannot build its requests fails the load with one line naming the phase', async () => {
  const plan = planFor(double.address, double.vectors, [{ name: 'wrong-field', mode: 'closed', concurrency: 2, durationMs: 500, timeoutMs: 500, operations: [search] }]);
  plan.collection.vectorField = 'no_such_field';
  await expect(load.runLoad(plan)).rejects.toMatchObject({ exitCode: 4, message: expect.stringMatching(/^load: a worker failed in phase wrong-field: /) });
});
