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

// Latency percentiles (p50 … p99.9, max) are judged on the histograms themselves, not on per-interval summaries:
// a regression that moves only the tail (1 % of requests 10× slower) leaves every interval's median alone and
// barely moves a rank test, but it moves the merged p99. The noise band comes from a bootstrap over intervals:
// each resample draws a phase's intervals with replacement, merges their HDR counts and reads the percentile,
// so the spread reflects how much the figure wanders from one stretch of the run to another. Draws are paired
// by position in the phase (interval k of base with the interval at the same relative time of head): both runs
// follow the same schedule, so a fault at 20 s lands in both resamples or in neither, instead of making every
// tail look like noise. The change is significant when the TAIL_CONFIDENCE interval of head/base − 1 excludes 0.

export const BOOTSTRAP_RESAMPLES = 400;
/** a bootstrap cannot see past the data: each run needs this many requests above the percentile */
export const MIN_TAIL_SAMPLES = 10;
export const TAIL_CONFIDENCE = 0.99;

/** one interval's HDR counts, sparse: bucket index → count */
export interface SparseHistogram {
  indices: number[];
  counts: number[];
}

export interface TailShift {
  /** relative change of the percentile, head/base − 1, on the full runs */
  change: number | null;
  /** TAIL_CONFIDENCE bootstrap interval of the change */
  low: number | null;
  high: number | null;
  significant: boolean | null;
}

/** `valueOf(index)`: the histogram's value at a bucket index (the same for every histogram with the same settings) */
export function tailShift(
  base: SparseHistogram[],
  head: SparseHistogram[],
  percentile: number,
  valueOf: (index: number) => number,
  random: () => number,
): TailShift {
  const none: TailShift = { change: null, low: null, high: null, significant: null };
  if (base.length < MIN_INTERVALS || head.length < MIN_INTERVALS) return none;
  const total = (list: SparseHistogram[]) => list.reduce((sum, h) => sum + h.counts.reduce((a, b) => a + b, 0), 0);
  if (Math.min(total(base), total(head)) * (1 - percentile / 100) < MIN_TAIL_SAMPLES) return none;
  // one dense axis over every bucket either run used, so a resample's percentile is one cumulative walk
  const axis = [...new Set([...base, ...head].flatMap((h) => h.indices))].sort((a, b) => a - b);
  const position = new Map(axis.map((index, i) => [index, i]));
  const dense = (h: SparseHistogram) => ({ at: h.indices.map((i) => position.get(i)!), counts: h.counts });
  const baseDense = base.map(dense);
  const headDense = head.map(dense);
  const buffer = new Float64Array(axis.length);
  const valueAt = (parts: ReturnType<typeof dense>[], pick: (n: number) => number): number | null => {
    buffer.fill(0);
    let total = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[pick(i)];
      for (let j = 0; j < part.at.length; j++) (buffer[part.at[j]] += part.counts[j]), (total += part.counts[j]);
    }
    if (total === 0) return null;
    const wanted = Math.max(1, Math.ceil((percentile / 100) * total));
    let seen = 0;
    for (let k = 0; k < buffer.length; k++) if ((seen += buffer[k]) >= wanted) return valueOf(axis[k]);
    return valueOf(axis[axis.length - 1]);
  };
  const ratio = (b: number | null, h: number | null) => (b === null || h === null || b <= 0 ? null : h / b - 1);
  const change = ratio(valueAt(baseDense, (i) => i), valueAt(headDense, (i) => i));
  const draws: number[] = [];
  const slots = Math.max(baseDense.length, headDense.length);
  const picks = new Float64Array(slots);
  for (let r = 0; r < BOOTSTRAP_RESAMPLES; r++) {
    for (let i = 0; i < slots; i++) picks[i] = random();
    // `valueAt` asks for `parts.length` draws; each run reads the shared slot draws at its own resolution
    const draw = (n: number) => (i: number) => Math.min(n - 1, Math.floor(picks[Math.floor((i * slots) / n)] * n));
    const value = ratio(valueAt(baseDense, draw(baseDense.length)), valueAt(headDense, draw(headDense.length)));
    if (value !== null) draws.push(value);
  }
  if (change === null || draws.length < BOOTSTRAP_RESAMPLES / 2) return { change, low: null, high: null, significant: null };
  draws.sort((a, b) => a - b);
  const tail = (1 - TAIL_CONFIDENCE) / 2;
  const low = draws[Math.floor(tail * (draws.length - 1))];
  const high = draws[Math.ceil((1 - tail) * (draws.length - 1))];
  return { change, low, high, significant: low > 0 || high < 0 };
}
