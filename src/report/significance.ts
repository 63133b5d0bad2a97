// Run-to-run noise: is the difference between two runs' per-interval values larger than their own spread?
//
// Rule: each time-series interval of a phase is one sample of the metric (its p99, its QPS …). Requests
// inside a run are autocorrelated (a GC pause or a fault slows many at once), so resampling single requests
// would call every tiny shift "significant"; intervals are the smallest unit that varies independently enough.
// We run a two-sided Mann-Whitney U test (normal approximation with tie correction) on the two runs'
// per-interval values. A change counts as significant only when p < ALPHA; otherwise it is inside the noise.
// With fewer than MIN_INTERVALS intervals on a side the spread cannot be measured and the result is null.

export const ALPHA = 0.01;
export const MIN_INTERVALS = 4;

export interface SignificanceTest {
  pValue: number | null;
  significant: boolean | null;
}

export function mannWhitney(base: number[], head: number[]): SignificanceTest {
  const n1 = base.length;
  const n2 = head.length;
  if (n1 < MIN_INTERVALS || n2 < MIN_INTERVALS) return { pValue: null, significant: null };
  const pooled = [...base.map((v) => ({ v, fromBase: true })), ...head.map((v) => ({ v, fromBase: false }))].sort((a, b) => a.v - b.v);
  const n = n1 + n2;
  let rankSumBase = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && pooled[j + 1].v === pooled[i].v) j++;
    const rank = (i + j) / 2 + 1; // average rank of the tied block, 1-based
    const ties = j - i + 1;
    tieTerm += ties ** 3 - ties;
    for (let k = i; k <= j; k++) if (pooled[k].fromBase) rankSumBase += rank;
    i = j + 1;
  }
  const u = rankSumBase - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { pValue: 1, significant: false }; // every value identical: nothing changed
  const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance); // continuity correction
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.max(0, z))));
  return { pValue, significant: pValue < ALPHA };
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf approximation, error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
