import { describe, expect, test } from 'vitest';
import {
  HISTOGRAM_SETTINGS,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeEncoded,
  percentilesFromEncoded,
  recordMs,
} from '../../src/metrics/index.js';

function lcg(seed: number): () => number {
  let state = seed;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('histogram settings', () => {
  test('µs, 3 significant digits, 1 µs .. at least 10 minutes', () => {
    expect(HISTOGRAM_SETTINGS.lowestDiscernibleValue).toBe(1);
    expect(HISTOGRAM_SETTINGS.numberOfSignificantValueDigits).toBe(3);
    expect(HISTOGRAM_SETTINGS.highestTrackableValue).toBeGreaterThanOrEqual(600_000_000);
    const h = createHistogram();
    recordMs(h, 9 * 60 * 1000); // a 9-minute stall is recorded at its value, not clipped
    expect(h.maxValue / 1e6).toBeCloseTo(540, 0);
  });
});

describe('merging worker histograms', () => {
  test('percentiles of merged encoded histograms equal those of one histogram of every sample', () => {
    const random = lcg(42);
    const all = createHistogram();
    const workers = [createHistogram(), createHistogram(), createHistogram(), createHistogram()];
    for (let i = 0; i < 40_000; i++) {
      // a long-tailed latency (ms): mostly 1–20 ms, some seconds
      const ms = random() < 0.02 ? 500 + random() * 4000 : 1 + random() ** 3 * 20;
      recordMs(all, ms);
      recordMs(workers[i % 4], ms);
    }
    const merged = mergeEncoded(workers.map(encodeHistogram));
    expect(merged.totalCount).toBe(all.totalCount);
    for (const p of [50, 90, 99, 99.9, 100]) {
      const expected = all.getValueAtPercentile(p);
      expect(Math.abs(merged.getValueAtPercentile(p) - expected)).toBeLessThanOrEqual(expected * 0.001 + 1);
    }
    const summary = percentilesFromEncoded(workers.map(encodeHistogram))!;
    expect(summary.p99).toBeCloseTo(all.getValueAtPercentile(99) / 1000, 2);
    expect(Math.abs(summary.max - all.maxValue / 1000)).toBeLessThanOrEqual((all.maxValue / 1000) * 0.001);
  });

  test('empty and missing histograms merge to nothing', () => {
    expect(percentilesFromEncoded([null, undefined, encodeHistogram(createHistogram())])).toBeNull();
    const h = createHistogram();
    recordMs(h, 12.5);
    expect(decodeHistogram(encodeHistogram(h)).totalCount).toBe(1);
  });
});
