// How SLO values read: plain numbers at a sensible precision, times in their own scale.

export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1000) return String(Math.round(value));
  if (abs >= 1) return String(Number(value.toFixed(1)));
  if (abs === 0) return '0';
  return String(Number(value.toPrecision(4)));
}

/** times read best in their own scale: 84.2 ms, 1.52 s, 2.1 min */
export function formatMs(ms: number): string {
  if (Math.abs(ms) < 1000) return `${formatNumber(ms)} ms`;
  if (Math.abs(ms) < 120_000) return `${formatNumber(ms / 1000)} s`;
  return `${formatNumber(ms / 60_000)} min`;
}
