// k6-style threshold strings: '<100ms', '>=0.95', '<0.1%', '==0', 'exact'.
export type Comparator = '<' | '<=' | '>' | '>=' | '==' | '!=';
/** How a metric's values are measured and which threshold units it accepts. */
export type MetricKind = 'time' | 'ratio' | 'count' | 'rate' | 'exact';

export interface Threshold {
  comparator: Comparator;
  /** in the metric's base unit: ms for time, a fraction for ratios */
  limit: number;
  /** the unit written by the user, used to display values ('' for plain numbers) */
  unit: string;
}

const THRESHOLD = /^\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*(ms|s|m|%)?\s*$/i;
const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Parses `text` for a metric of `kind`; returns an error (without the key) when it does not fit. */
export function parseThreshold(text: string, kind: MetricKind): Threshold | string {
  if (kind === 'exact') return text.trim() === 'exact' ? { comparator: '==', limit: 1, unit: '' } : `threshold "${text}" is not allowed; use "exact"`;
  const match = THRESHOLD.exec(text);
  if (!match) {
    return `threshold "${text}" is not <op><number>[unit] with op one of <, <=, >, >=, ==, != and unit ms, s, m or % (e.g. "<100ms")`;
  }
  const comparator = match[1] as Comparator;
  const number = Number(match[2]);
  const unit = (match[3] ?? '').toLowerCase();
  if (kind === 'time') {
    if (unit === '%') return `threshold "${text}": a time needs ms, s or m (or a plain number of ms)`;
    return { comparator, limit: number * TIME_UNITS[unit || 'ms'], unit: unit || 'ms' };
  }
  if (kind === 'ratio') {
    if (unit !== '' && unit !== '%') return `threshold "${text}": a ratio takes a plain fraction (0.95) or a percentage (95%)`;
    return { comparator, limit: unit === '%' ? number / 100 : number, unit };
  }
  if (unit !== '') return `threshold "${text}": this metric is a plain number; remove the unit "${unit}"`;
  return { comparator, limit: number, unit };
}

export function compare(actual: number, threshold: Threshold): boolean {
  const { comparator, limit } = threshold;
  switch (comparator) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
    case '!=':
      return actual !== limit;
  }
}

/** A base-unit value in the threshold's unit, for display: 84.2 ms, 1.5 s, 0.12 %. */
export function inUnit(value: number, kind: MetricKind, unit: string): number {
  if (kind === 'time') return value / TIME_UNITS[unit || 'ms'];
  if (kind === 'ratio' && unit === '%') return value * 100;
  return value;
}
