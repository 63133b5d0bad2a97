// The open-loop schedule (constant rate or linear ramp) and how a phase's load is split across workers.

/**
 * Intended start (ms after the phase start) of the phase's n-th request (0-based), or null past the end.
 * Requests are placed where the cumulative count r0·t + (r1−r0)·t²/2T reaches n, so a ramp is exact.
 */
export function intendedOffsetMs(n: number, rate: number, rampTo: number | undefined, durationMs: number): number | null {
  const seconds = durationMs / 1000;
  const r0 = rate;
  const r1 = rampTo ?? rate;
  const a = (r1 - r0) / (2 * seconds);
  let t: number;
  if (Math.abs(a) < 1e-12) {
    if (r0 <= 0) return null;
    t = n / r0;
  } else {
    const discriminant = r0 * r0 + 4 * a * n;
    if (discriminant < 0) return null;
    t = (-r0 + Math.sqrt(discriminant)) / (2 * a);
  }
  const ms = t * 1000;
  return ms < durationMs && ms >= 0 ? ms : null;
}

/** total requests the schedule places in the phase */
export function scheduledRequests(rate: number, rampTo: number | undefined, durationMs: number): number {
  return Math.ceil(((rate + (rampTo ?? rate)) / 2) * (durationMs / 1000));
}

/** worker `index` of `parts` gets its share of `total` (remainder to the first workers) */
export function shareOf(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

/** cumulative weights for picking an operation with one random number */
export function cumulativeWeights(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => (acc += total > 0 ? w / total : 1 / weights.length));
}

export function pickWeighted(cumulative: number[], random: number): number {
  for (let i = 0; i < cumulative.length; i++) if (random < cumulative[i]) return i;
  return cumulative.length - 1;
}
