// Reads the encoded HDR histograms of result.json (microseconds) back into latency-by-percentile curves (ms).
import type { Histogram } from '../model/index.js';
import { decodeHistogram as decodeEncoded } from '../model/index.js';

/** Points of the percentile axis: 1/(1−p) from 1 to 10^6 in 20 steps a decade (p = 0 … 99.9999%),
 * plus the exact points of p50 (2) and p95 (20) so the curve passes through the figures of the tables. */
export const PERCENTILE_AXIS: number[] = [...Array.from({ length: 121 }, (_, k) => 10 ** (k / 20)), 2, 20].sort((a, b) => a - b);

export function decodeHistogram(encoded: string | null | undefined): Histogram | null {
  if (!encoded) return null;
  try {
    return decodeEncoded(encoded);
  } catch {
    return null; // a damaged histogram must not stop the rest of the report
  }
}

/** Latency (ms) at each point of PERCENTILE_AXIS; null past what the sample count can resolve. */
export function percentileCurve(encoded: string | null | undefined): Array<number | null> {
  const histogram = decodeHistogram(encoded);
  if (!histogram || histogram.totalCount === 0) return PERCENTILE_AXIS.map(() => null);
  const count = histogram.totalCount;
  return PERCENTILE_AXIS.map((x) => {
    if (x > count * 2) return null;
    const percentile = x >= count ? 100 : (1 - 1 / x) * 100;
    return histogram.getValueAtPercentile(percentile) / 1000;
  });
}

export function percentileLabel(x: number): string {
  const p = (1 - 1 / x) * 100;
  if (p <= 0) return 'min';
  const digits = Math.max(0, Math.ceil(Math.log10(x)) - 2);
  return `${p.toFixed(digits)}%`;
}
