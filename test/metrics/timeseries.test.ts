import { expect, test } from 'vitest';
import type { IntervalPoint, IntervalSnapshot } from '../../src/metrics/index.js';
import { createHistogram, encodeHistogram, IntervalMerger, recordMs } from '../../src/metrics/index.js';

const T0 = 1_700_000_000_000;

function snapshot(workerId: number, bucket: number, ok: number, ms: number): IntervalSnapshot {
  const h = createHistogram();
  for (let i = 0; i < ok; i++) recordMs(h, ms);
  return {
    phase: 'steady',
    workerId,
    startMs: T0 + bucket * 500,
    counters: { scheduled: ok + 3, sent: ok + 1, ok, errors: 1, timeouts: 0, errorsByKind: { unavailable: 1 }, dropped: 2, abandoned: 0 },
    histogram: encodeHistogram(h),
    okHistogram: encodeHistogram(h),
    spanStartMs: T0 + bucket * 500,
    spanEndMs: T0 + bucket * 500 + 500,
    inFlightMax: 3,
    runs: [{ ok: true, firstMs: T0 + bucket * 500 + workerId, lastMs: T0 + bucket * 500 + 400, count: ok }],
  };
}

test('a bucket is emitted once every worker reported it, merged across workers', () => {
  const points: IntervalPoint[] = [];
  const merger = new IntervalMerger(T0, 500, (p) => points.push(p));
  merger.add(snapshot(0, 0, 10, 2), 2);
  expect(points).toHaveLength(0);
  merger.add(snapshot(0, 1, 10, 2), 2);
  merger.add(snapshot(1, 0, 30, 50), 2);
  expect(points).toHaveLength(1);
  expect(points[0]).toMatchObject({ tMs: 0, ok: 40, errors: 2, dropped: 4, qps: 84, goodput: 80, partial: false, spanMs: 500, inFlight: 6, errorsByKind: { unavailable: 2 } });
  expect(points[0].p50).toBeCloseTo(50, 0);
  expect(points[0].max).toBeCloseTo(50, 0);
  merger.flush();
  expect(points).toHaveLength(2);
  expect(points[1]).toMatchObject({ tMs: 500, ok: 10 });
  expect(merger.sortedRuns().map((r) => r.firstMs - T0)).toEqual([0, 1, 500]);
});
