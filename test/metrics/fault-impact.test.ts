import { describe, expect, test } from 'vitest';
import type { IntervalPoint } from '../../src/metrics/index.js';
import { computeFaultImpact, createHistogram, encodeHistogram, recordMs } from '../../src/metrics/index.js';

const T0 = 1_700_000_000_000;

function point(tMs: number, ok: number, errors: number, latencyMs: number, extra: Partial<IntervalPoint> = {}): IntervalPoint {
  const h = createHistogram();
  for (let i = 0; i < ok + errors; i++) recordMs(h, latencyMs);
  return { phase: 'p', tMs, ok, errors, timeouts: 0, dropped: 0, errorsByKind: {}, qps: ok, p50: latencyMs, p95: latencyMs, p99: latencyMs, max: latencyMs, inFlight: 1, histogram: encodeHistogram(h), ...extra };
}

describe('computeFaultImpact', () => {
  test('latency and counts during the fault vs the same span before it', () => {
    const series = [
      ...Array.from({ length: 10 }, (_, i) => point(i * 1000, 100, 0, 5)),
      ...Array.from({ length: 10 }, (_, i) =>
        point(10_000 + i * 1000, 50, 10, 200, { timeouts: 2, dropped: 3, errorsByKind: { unavailable: 7, short_result: 3 } }),
      ),
    ];
    const impact = computeFaultImpact({ timeSeries: series, loadStartEpochMs: T0, fromMs: T0 + 10_000, toMs: T0 + 20_000 });
    expect(impact.before).toEqual({ p50: expect.closeTo(5, 1), p99: expect.closeTo(5, 1), ok: 1000, errors: 0 });
    expect(impact.during.p99).toBeCloseTo(200, 0);
    expect(impact.during).toMatchObject({ ok: 500, errors: 100, timeouts: 20, dropped: 30 });
    expect(impact.errorsByKind).toEqual({ unavailable: 70, short_result: 30 });
    expect(impact.shortResults).toBe(30);
  });

  test('an empty span has no latency, not a zero one', () => {
    const impact = computeFaultImpact({ timeSeries: [point(0, 10, 0, 5)], loadStartEpochMs: T0, fromMs: T0 + 50_000, toMs: T0 + 50_000 });
    expect(impact.during).toMatchObject({ p50: null, p99: null, ok: 0 });
  });
});
