// Seeded latency distributions (ms) and exact percentiles from raw samples, for the accuracy benches.

import { seededRandom } from '../../dist/random.js';

export { seededRandom };

export const DISTRIBUTIONS = {
  /** uniform in [1, 20) ms */
  uniform: (random) => 1 + 19 * random(),
  /** lognormal, median 5 ms, σ = 0.6 (p99 ≈ 20 ms) */
  lognormal: (random) => 5 * Math.exp(0.6 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())),
  /** 99 % uniform in [2, 8) ms, 1 % at 1 s (+ up to 5 ms): a slow replica or a GC pause */
  bimodal: (random) => (random() < 0.01 ? 1000 + 5 * random() : 2 + 6 * random()),
};

export function sampler(name, seed) {
  const draw = DISTRIBUTIONS[name];
  if (!draw) throw new Error(`unknown distribution ${name} (known: ${Object.keys(DISTRIBUTIONS).join(', ')})`);
  const random = seededRandom(seed);
  return () => draw(random);
}

/** the same definition as HdrHistogram's getValueAtPercentile: the smallest sample with ≥ p % at or below it */
export function exactPercentile(sorted, p) {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}
