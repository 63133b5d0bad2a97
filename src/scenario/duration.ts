// Durations as users write them ('20s', '500ms', '1.5m', '1h') or as plain milliseconds.
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds for '20s' / '500ms' / '1m' / '1h' / a number of ms; null when it is not a duration. */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const match = DURATION.exec(value);
  if (!match) return null;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 'ms']);
}

/** '1m 30s' style text for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = ms / 1000;
  if (seconds < 120 || !Number.isInteger(seconds)) return `${Number(seconds.toFixed(3))}s`;
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}
