// The outcome sums of MEASUREMENT.md as checks that name what broke, late snapshots, partial buckets, recall windows.
import { expect, test } from 'vitest';
import type { IntervalSnapshot } from '../../src/metrics/index.js';
import { counterViolations, createHistogram, emptyCounters, encodeHistogram, faultRecall, IntervalMerger, recordMs, seriesCounters } from '../../src/metrics/index.js';

const T0 = 1_700_000_000_000;

test('a broken sum is named with its counters and values', () => {
  const c = { ...emptyCounters(), scheduled: 10, sent: 9, dropped: 0, ok: 7, errors: 1, errorsByKind: { unavailable: 1 }, timeouts: 0, abandoned: 0 };
  expect(counterViolations(c, 'phase steady')).toEqual([
    'phase steady: scheduled 10 ≠ sent 9 + dropped 0',
    'phase steady: sent 9 ≠ ok 7 + error 1 + timeout 0 + abandoned 0',
  ]);
  expect(counterViolations({ ...c, sent: 10, scheduled: 11, dropped: 1, ok: 8, abandoned: 1 }, 'x')).toEqual([]);
});

function snapshot(workerId: number, bucket: number, ok: number, span: [number, number] = [0, 1000]): IntervalSnapshot {
  const h = createHistogram();
  for (let i = 0; i < ok; i++) recordMs(h, 5);
  const startMs = T0 + bucket * 1000;
  return {
    phase: 'steady', workerId, startMs, spanStartMs: startMs + span[0], spanEndMs: startMs + span[1],
    counters: { ...emptyCounters(), scheduled: ok, sent: ok, ok }, histogram: encodeHistogram(h), okHistogram: encodeHistogram(h), inFlightMax: 1, runs: [],
    recall: { sum: ok * 0.5, count: ok },
  };
}

test('a snapshot that arrives after its bucket was emitted is merged into it, never dropped', () => {
  const merger = new IntervalMerger(T0, 1000);
  merger.add(snapshot(0, 0, 10), 2);
  merger.flush('steady'); // the phase ended before worker 1's snapshot arrived
  expect(merger.points[0].ok).toBe(10);
  merger.add(snapshot(1, 0, 30), 2);
  expect(merger.points).toHaveLength(1);
  expect(merger.points[0]).toMatchObject({ ok: 40, scheduled: 40 });
  expect(merger.late).toBe(1);
  expect(seriesCounters(merger.points, 'steady')).toMatchObject({ ok: 40, sent: 40, scheduled: 40 });
});

test('the last partial bucket is scaled by its real length and marked partial', () => {
  const merger = new IntervalMerger(T0, 1000);
  merger.add(snapshot(0, 3, 50, [0, 250]), 1); // the phase ended 250 ms into the bucket
  expect(merger.points[0]).toMatchObject({ spanMs: 250, partial: true, qps: 200, goodput: 200 });
});

test('recall before / during / after a fault comes from the sampled searches of each window', () => {
  const merger = new IntervalMerger(T0, 1000);
  for (let b = 0; b < 9; b++) {
    const s = snapshot(0, b, 10);
    s.recall = { sum: b >= 3 && b < 6 ? 2 : 9, count: 10 }; // 0.9 outside the fault, 0.2 during it
    merger.add(s, 1);
  }
  const windows = faultRecall({ timeSeries: merger.points, loadStartEpochMs: T0, injectedMs: T0 + 3000, windowEndMs: T0 + 6000, loadEndMs: T0 + 9000 });
  expect(windows.before).toBeCloseTo(0.9);
  expect(windows.during).toBeCloseTo(0.2);
  expect(windows.after).toBeCloseTo(0.9);
  expect(windows.queries).toEqual({ before: 30, during: 30, after: 30 });
});

test('after the merge a phase whose histograms or series disagree with its counts is an exit-4 accounting error naming them', async () => {
  const { phaseAccounting, summarizePhase } = await import('../../src/load/summary.js');
  const { AccountingError } = await import('../../src/errors.js');
  const h = createHistogram();
  for (let i = 0; i < 9; i++) recordMs(h, 3);
  const counters = { ...emptyCounters(), scheduled: 10, sent: 10, ok: 10 }; // claims 10 ok, histograms hold 9
  const worker = {
    phase: 'steady', workerId: 0, startMs: T0, endMs: T0 + 1000, schedulingEndMs: T0 + 1000, counters,
    latency: { search: encodeHistogram(h) }, okLatency: { search: encodeHistogram(h) }, service: { search: encodeHistogram(h) },
    perOpCounters: { search: counters }, snapshots: 1, measured: { completions: 10, ok: 10 }, drain: { completions: 0, ok: 0 }, accountingErrors: [],
  };
  const phase = summarizePhase({ name: 'steady', mode: 'closed', concurrency: 1, durationMs: 1000, timeoutMs: 1000, operations: [] }, [worker], T0, T0);
  const violations = phaseAccounting(phase, [worker], { ...counters, ok: 8, sent: 8, scheduled: 8 });
  expect(violations).toEqual([
    'phase steady: interval series vs phase: scheduled 8 ≠ 10',
    'phase steady: interval series vs phase: sent 8 ≠ 10',
    'phase steady: interval series vs phase: ok 8 ≠ 10',
    'phase steady: latency histogram count 9 ≠ ok + error + timeout 10',
    'phase steady: ok latency histogram count 9 ≠ ok 10',
  ]);
  const error = new AccountingError(violations);
  expect(error.exitCode).toBe(4);
  expect(error.message).toMatch(/^measurement error, the counts do not add up: phase steady: interval series/);
});
