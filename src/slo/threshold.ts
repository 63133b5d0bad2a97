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

const FORMAT = '<op><number>[unit]: op <, <=, >, >=, ==, !=; unit ms, s, m or %; e.g. "<100ms"';
const ALLOWED_BY_KIND: Record<Exclude<MetricKind, 'exact'>, string> = {
  time: 'times such as "<100ms", "<1.5s", "<2m" or a plain number of ms',
  ratio: 'fractions such as ">=0.95" or percentages such as "<0.1%"',
  count: 'plain numbers such as "==0" or "<10", without a unit',
  rate: 'plain numbers such as ">500", without a unit',
};

/** Parses `text` for a metric of `kind`; returns the problem (without the key) when it does not fit. */
export function parseThreshold(text: string, kind: MetricKind): Threshold | string {
  const shown = JSON.stringify(text);
  if (kind === 'exact') return text.trim() === 'exact' ? { comparator: '==', limit: 1, unit: '' } : `${shown} is not allowed for this key (allowed: "exact")`;
  const match = THRESHOLD.exec(text);
  if (!match) return `${shown} is not a threshold${malformedHint(text)} (allowed: ${FORMAT}; here ${ALLOWED_BY_KIND[kind]})`;
  const comparator = match[1] as Comparator;
  const number = Number(match[2]);
  const unit = (match[3] ?? '').toLowerCase();
  if (kind === 'time') {
    if (unit === '%') return `${shown} is a percentage, not a time (allowed: ${ALLOWED_BY_KIND.time})`;
    return { comparator, limit: number * TIME_UNITS[unit || 'ms'], unit: unit || 'ms' };
  }
  if (kind === 'ratio') {
    if (unit !== '' && unit !== '%') return `${shown} is a time, not a ratio (allowed: ${ALLOWED_BY_KIND.ratio})`;
    return { comparator, limit: unit === '%' ? number / 100 : number, unit };
  }
  if (unit !== '') return `${shown} has the unit "${unit}" (allowed: ${ALLOWED_BY_KIND[kind]})`;
  return { comparator, limit: number, unit };
}

/** What a careless threshold usually gets wrong. */
function malformedHint(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return ' (empty)';
  if (/^\d/.test(trimmed)) return ': no comparison operator';
  if (/^(=|=<|=>|<>|≤|≥)/.test(trimmed)) return ': unknown operator';
  const unit = /\d\s*([a-zµ]+)\s*$/i.exec(trimmed)?.[1];
  if (unit && !['ms', 's', 'm'].includes(unit.toLowerCase())) return `: unknown unit "${unit}"`;
  return '';
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
