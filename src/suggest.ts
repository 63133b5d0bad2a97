// "Did you mean …?" for near-miss keys, enum values and metric names (shared by scenario/ and slo/).

/** The candidate closest to `value` by edit distance, when it is close enough to be a typo. */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(value.length / 3)) + 1;
  const normal = (text: string) => text.toLowerCase().replace(/[-_\s]/g, '');
  for (const candidate of candidates) {
    if (candidate === value) continue;
    const contained = value.length >= 3 && normal(candidate).includes(normal(value));
    const distance = normal(value) === normal(candidate) ? 0 : contained ? 1 : editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean "x"?` when one candidate is close enough, else '' */
export function didYouMean(value: string, candidates: readonly string[]): string {
  const suggestion = closest(value, candidates);
  return suggestion ? `; did you mean "${suggestion}"?` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
