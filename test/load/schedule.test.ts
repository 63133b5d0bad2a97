import { describe, expect, test } from 'vitest';
import { intendedOffsetMs, scheduledRequests, shareOf } from '../../src/load/index.js';

function scheduleOf(rate: number, rampTo: number | undefined, durationMs: number): number[] {
  const times: number[] = [];
  for (let n = 0; n < 1_000_000; n++) {
    const t = intendedOffsetMs(n, rate, rampTo, durationMs);
    if (t === null) break;
    times.push(t);
  }
  return times;
}

describe('open-loop schedule', () => {
  test('a constant rate places requests every 1/rate', () => {
    const times = scheduleOf(200, undefined, 2000);
    expect(times).toHaveLength(400);
    expect(times[1] - times[0]).toBeCloseTo(5, 6);
    expect(times[399]).toBeCloseTo(1995, 6);
    expect(scheduledRequests(200, undefined, 2000)).toBe(400);
  });

  test('a linear ramp reaches the target rate and places the ramp integral', () => {
    const times = scheduleOf(100, 500, 4000);
    expect(times.length).toBeGreaterThanOrEqual(1199);
    expect(times.length).toBeLessThanOrEqual(1201);
    const rateAt = (fromMs: number) => times.filter((t) => t >= fromMs && t < fromMs + 200).length * 5;
    expect(rateAt(0)).toBeGreaterThanOrEqual(100);
    expect(rateAt(0)).toBeLessThanOrEqual(125);
    expect(rateAt(3800)).toBeGreaterThanOrEqual(475);
    expect(rateAt(3800)).toBeLessThanOrEqual(500);
  });

  test('a ramp down ends at the lower rate', () => {
    const times = scheduleOf(400, 0, 2000);
    expect(times.length).toBeGreaterThanOrEqual(399);
    expect(times.length).toBeLessThanOrEqual(401);
    expect(times.filter((t) => t >= 1800).length).toBeLessThan(times.filter((t) => t < 200).length / 4);
  });

  test('shares split a total with the remainder to the first workers', () => {
    expect([0, 1, 2].map((i) => shareOf(10, 3, i))).toEqual([4, 3, 3]);
    expect([0, 1, 2, 3].map((i) => shareOf(2, 4, i))).toEqual([1, 1, 0, 0]);
  });
});
