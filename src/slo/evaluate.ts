// Parses the SLO spec against a scenario (before any load) and judges a finished run against it.
import type { RunResult, SloResult } from '../report/result.js';
import { readMetric, resolveKey, type MetricRef, type SloContext } from './catalog.js';
import { compare, inUnit, parseThreshold, type MetricKind, type Threshold } from './threshold.js';

export interface ParsedSlo {
  key: string;
  /** as written, e.g. '<100ms' */
  threshold: string;
  kind: MetricKind;
  ref: MetricRef;
  limit: Threshold;
}

/** Pure. Every invalid key or threshold becomes one line in `errors`; nothing passes silently. */
export function parseSlos(spec: Record<string, string>, context: SloContext): { value: ParsedSlo[]; errors: string[] } {
  const value: ParsedSlo[] = [];
  const errors: string[] = [];
  for (const [key, threshold] of Object.entries(spec)) {
    const resolved = resolveKey(key, context);
    if (typeof resolved === 'string') {
      errors.push(`slo.${key}: ${resolved}`);
      continue;
    }
    if (typeof threshold !== 'string') {
      errors.push(`slo.${key}: must be a threshold string such as "<100ms" (got ${JSON.stringify(threshold)})`);
      continue;
    }
    const limit = parseThreshold(threshold, resolved.kind);
    if (typeof limit === 'string') errors.push(`slo.${key}: ${limit}`);
    else value.push({ key, threshold, kind: resolved.kind, ref: resolved.ref, limit });
  }
  return { value, errors };
}

/** Pure. One result per SLO, in spec order; an unmeasured metric fails with "not measured". */
export function evaluateSlos(parsed: readonly ParsedSlo[], result: RunResult): SloResult[] {
  return parsed.map((slo) => evaluateOne(slo, result));
}

function evaluateOne(slo: ParsedSlo, result: RunResult): SloResult {
  const base = { key: slo.key, threshold: slo.threshold };
  const label = slo.key.split('.').pop()!;
  const value = readMetric(result, slo.ref);
  if (value === null) {
    return { ...base, actual: null, pass: false, message: 'not measured', display: `${label} not measured ✗` };
  }
  if (slo.kind === 'exact') return evaluateCount(slo, result, value === 1);
  const pass = compare(value, slo.limit);
  const actual = inUnit(value, slo.kind, slo.limit.unit);
  const limit = inUnit(slo.limit.limit, slo.kind, slo.limit.unit);
  const unit = slo.limit.unit === '' ? '' : slo.limit.unit === '%' ? '%' : ` ${slo.limit.unit}`;
  const shown = (v: number, inThresholdUnit: number) => (slo.kind === 'time' ? formatMs(v) : `${formatNumber(inThresholdUnit)}${unit}`);
  const display = `${label} ${shown(value, actual)} ${slo.limit.comparator} ${shown(slo.limit.limit, limit)} ${pass ? '✓' : '✗'}`;
  return { ...base, actual: roundForJson(actual), pass, display };
}

function evaluateCount(slo: ParsedSlo, result: RunResult, matches: boolean): SloResult {
  const counted = result.integrity?.countedRows ?? null;
  const expected = result.integrity?.expectedRows ?? null;
  const actual = `${counted ?? '?'}/${expected ?? '?'}`;
  return {
    key: slo.key,
    threshold: slo.threshold,
    actual,
    pass: matches,
    display: `count ${counted ?? '?'} ${matches ? '==' : '!='} ${expected ?? '?'} expected ${matches ? '✓' : '✗'}`,
    ...(matches ? {} : { message: `counted ${counted ?? '?'} rows, expected ${expected ?? '?'}` }),
  };
}

export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1000) return String(Math.round(value));
  if (abs >= 1) return String(Number(value.toFixed(1)));
  if (abs === 0) return '0';
  return String(Number(value.toPrecision(4)));
}

/** times read best in their own scale: 84.2 ms, 1.52 s, 2.1 min */
function formatMs(ms: number): string {
  if (Math.abs(ms) < 1000) return `${formatNumber(ms)} ms`;
  if (Math.abs(ms) < 120_000) return `${formatNumber(ms / 1000)} s`;
  return `${formatNumber(ms / 60_000)} min`;
}

function roundForJson(value: number): number {
  return Number(value.toPrecision(6));
}
