// Every HDR histogram setting in one place (as autocannon's histUtil.js): values are microseconds.
import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { Percentiles } from './measures.js';

export const HISTOGRAM_SETTINGS = {
  lowestDiscernibleValue: 1,
  /** 10 minutes in µs: a stalled request is still recorded at its true latency */
  highestTrackableValue: 10 * 60 * 1_000_000,
  numberOfSignificantValueDigits: 3,
  autoResize: true,
} as const;

export type { Histogram };

export function createHistogram(): Histogram {
  return hdr.build({ ...HISTOGRAM_SETTINGS, useWebAssembly: false, bitBucketSize: 32 });
}

/** ms (float) → µs recorded; sub-µs values land on the lowest bucket */
export function recordMs(histogram: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  histogram.recordValue(Math.min(Math.max(us, 1), HISTOGRAM_SETTINGS.highestTrackableValue));
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/** One histogram holding every sample of the encoded ones; empty strings and nulls are skipped. */
export function mergeEncoded(encoded: Array<string | null | undefined>): Histogram {
  const merged = createHistogram();
  for (const item of encoded) {
    if (!item) continue;
    const histogram = decodeHistogram(item);
    merged.add(histogram);
    histogram.destroy();
  }
  return merged;
}

export function mergeEncodedToString(encoded: Array<string | null | undefined>): string | null {
  const present = encoded.filter((e): e is string => Boolean(e));
  if (present.length === 0) return null;
  const merged = mergeEncoded(present);
  if (merged.totalCount === 0) return null;
  return encodeHistogram(merged);
}

/** Summary in ms, or null when the histogram is empty. */
export function percentilesOf(histogram: Histogram): Percentiles | null {
  if (histogram.totalCount === 0) return null;
  const ms = (us: number) => us / 1000;
  return {
    min: ms(histogram.minNonZeroValue),
    mean: ms(histogram.mean),
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
  };
}

export function percentilesFromEncoded(encoded: Array<string | null | undefined> | string | null): Percentiles | null {
  const list = Array.isArray(encoded) ? encoded : [encoded];
  const merged = mergeEncoded(list);
  const result = percentilesOf(merged);
  merged.destroy();
  return result;
}

/** how many values the encoded histograms hold together (0 for none) */
export function countOfEncoded(encoded: Array<string | null | undefined> | string | null | undefined): number {
  const list = Array.isArray(encoded) ? encoded : [encoded];
  let count = 0;
  for (const item of list) {
    if (!item) continue;
    const histogram = decodeHistogram(item);
    count += histogram.totalCount;
    histogram.destroy();
  }
  return count;
}

/** the bucket-level view of a decoded histogram that a bootstrap needs (hdr-histogram-js's JS implementation) */
interface BucketAccess {
  countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
}

/** An encoded histogram's non-empty buckets: index → count (indices mean the same value in every histogram here). */
export function sparseCounts(encoded: string): { indices: number[]; counts: number[] } {
  const histogram = decodeHistogram(encoded);
  const buckets = histogram as unknown as BucketAccess;
  const indices: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < buckets.countsArrayLength; i++) {
    const count = buckets.getCountAtIndex(i);
    if (count > 0) (indices.push(i), counts.push(count));
  }
  histogram.destroy();
  return { indices, counts };
}

const reference = createHistogram() as unknown as BucketAccess;

/** ms at a bucket index, as the histogram reports percentiles (the bucket's highest equivalent value) */
export function msAtIndex(index: number): number {
  return reference.highestEquivalentValue(reference.valueFromIndex(index)) / 1000;
}
