import { describe, expect, test } from 'vitest';
import type { IntervalPoint, OutcomeRun } from '../../src/metrics/index.js';
import { computeFaultImpact, createHistogram, encodeHistogram, recordMs } from '../../src/metrics/index.js';

const T0 = 1_700_000_000_000;

/** one worker's requests every `everyMs` from `fromMs`; `fails(t)` says which fail */
function workerRuns(fromMs: number, toMs: number, everyMs: number, fails: (t: number) => boolean): OutcomeRun[] {
  const runs: OutcomeRun[] = [];
  for (let t = fromMs; t <= toMs; t += everyMs) {
    const ok = !fails(t);
    const last = runs[runs.length - 1];
    if (last && last.ok === ok) (last.lastMs = t), last.count++;
    else runs.push({ ok, firstMs: t, lastMs: t, count: 1 });
  }
  return runs;
}

function point(tMs: number, ok: number, errors: number, latencyMs: number, extra: Partial<IntervalPoint> = {}): IntervalPoint {
  const h = createHistogram();
  for (let i = 0; i < ok + errors; i++) recordMs(h, latencyMs);
  return { phase: 'p', tMs, ok, errors, timeouts: 0, dropped: 0, errorsByKind: {}, qps: ok, p50: latencyMs, p95: latencyMs, p99: latencyMs, max: latencyMs, inFlight: 1, histogram: encodeHistogram(h), ...extra };
}

const input = (runs: OutcomeRun[], windowEndMs = T0 + 20_000, timeSeries: IntervalPoint[] = []) => ({
  runs,
  timeSeries,
  loadStartEpochMs: T0,
  injectedMs: T0 + 10_000,
  windowEndMs,
  recoverySuccesses: 5,
});

describe('computeFaultImpact', () => {
  test('no failures: zero downtime, no windows', () => {
    const impact = computeFaultImpact(input(workerRuns(T0, T0 + 20_000, 10, () => false)));
    expect(impact.downtimeMs).toBe(0);
    expect(impact.firstFailureMs).toBeNull();
    expect(impact.recoveredMs).toBeNull();
    expect(impact.outageWindows).toEqual([]);
  });

  test('one outage: first/last failure, first success, recovery after N successes', () => {
    const runs = workerRuns(T0, T0 + 20_000, 10, (t) => t >= T0 + 10_500 && t < T0 + 12_500);
    const impact = computeFaultImpact(input(runs));
    expect(impact.firstFailureMs).toBe(T0 + 10_500);
    expect(impact.lastFailureMs).toBe(T0 + 12_490);
    expect(impact.firstSuccessAfterLastFailureMs).toBe(T0 + 12_500);
    expect(impact.recoveredMs).toBe(T0 + 12_500);
    expect(impact.downtimeMs).toBe(2_000);
    expect(impact.outageWindows).toEqual([{ startMs: T0 + 10_500, endMs: T0 + 12_500, durationMs: 2_000, failures: 200 }]);
  });

  test('a success blip shorter than N does not end the outage', () => {
    const blip = (t: number) => t >= T0 + 11_000 && t < T0 + 11_030; // 3 successes
    const runs = workerRuns(T0, T0 + 20_000, 10, (t) => t >= T0 + 10_500 && t < T0 + 12_000 && !blip(t));
    const impact = computeFaultImpact(input(runs));
    expect(impact.outageWindows).toHaveLength(1);
    expect(impact.recoveredMs).toBe(T0 + 12_000);
    expect(impact.downtimeMs).toBe(1_500);
  });

  test('two separate outages split by sustained success', () => {
    const runs = workerRuns(T0, T0 + 20_000, 10, (t) => (t >= T0 + 10_100 && t < T0 + 10_600) || (t >= T0 + 14_000 && t < T0 + 15_000));
    const impact = computeFaultImpact(input(runs));
    expect(impact.outageWindows.map((w) => [w.startMs - T0, w.endMs - T0])).toEqual([
      [10_100, 10_600],
      [14_000, 15_000],
    ]);
    expect(impact.recoveredMs).toBe(T0 + 15_000);
    expect(impact.downtimeMs).toBe(4_900);
  });

  test('never recovers before the window ends: downtime runs to the window end', () => {
    const runs = workerRuns(T0, T0 + 20_000, 10, (t) => t >= T0 + 15_000);
    const impact = computeFaultImpact(input(runs));
    expect(impact.recoveredMs).toBeNull();
    expect(impact.firstSuccessAfterLastFailureMs).toBeNull();
    expect(impact.downtimeMs).toBe(5_000);
    expect(impact.outageWindows[0].endMs).toBe(T0 + 20_000);
  });

  test('failures before the fault are not its outage', () => {
    const runs = workerRuns(T0, T0 + 20_000, 10, (t) => t < T0 + 2_000);
    expect(computeFaultImpact(input(runs)).firstFailureMs).toBeNull();
  });

  test('interleaved workers: one worker failing while the other succeeds is still an outage', () => {
    const a = workerRuns(T0, T0 + 20_000, 10, (t) => t >= T0 + 11_000 && t < T0 + 13_000);
    const b = workerRuns(T0 + 5, T0 + 20_000, 10, () => false);
    // b's successes interleave with a's failures one by one: never 5 in a row while a fails
    const impact = computeFaultImpact(input([...b, ...a]));
    expect(impact.firstFailureMs).toBe(T0 + 11_000);
    expect(impact.outageWindows).toHaveLength(1);
    expect(impact.recoveredMs).toBeGreaterThanOrEqual(T0 + 12_990);
    expect(impact.recoveredMs).toBeLessThanOrEqual(T0 + 13_010);
  });

  test('latency and counts during the fault vs the same span before it', () => {
    const series = [
      ...Array.from({ length: 10 }, (_, i) => point(10_000 + i * 1000 - 10_000, 100, 0, 5)),
      ...Array.from({ length: 10 }, (_, i) =>
        point(10_000 + i * 1000, 50, 10, 200, { timeouts: 2, dropped: 3, errorsByKind: { unavailable: 7, short_result: 3 } }),
      ),
    ];
    const impact = computeFaultImpact(input(workerRuns(T0, T0 + 20_000, 10, () => false), T0 + 20_000, series));
    expect(impact.before).toEqual({ p50: expect.closeTo(5, 1), p99: expect.closeTo(5, 1), ok: 1000, errors: 0 });
    expect(impact.during.p99).toBeCloseTo(200, 0);
    expect(impact.during).toMatchObject({ ok: 500, errors: 100, timeouts: 20, dropped: 30 });
    expect(impact.errorsByKind).toEqual({ unavailable: 70, short_result: 30 });
    expect(impact.shortResults).toBe(30);
  });
});
