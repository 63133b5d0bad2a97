// Parses the SLO spec against a scenario (before any load) and judges a finished run against it.
import type { RunResult, SloResult } from '../model/index.js';
import { readFaultFigure, readMetric, resolveKey, type MetricRef, type SloContext } from './catalog.js';
import { formatMs, formatNumber } from './format.js';
import { defaultGates } from './gate.js';

export { formatNumber } from './format.js';
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

/**
 * Pure. One result per SLO, in spec order (an unmeasured metric fails with "not measured"), then the default gates
 * that hold with or without SLOs: every fault recovered, requests succeeded, the error rate outside disruptions.
 */
export function evaluateSlos(parsed: readonly ParsedSlo[], result: RunResult): SloResult[] {
  return [...parsed.map((slo) => evaluateOne(slo, result)), ...defaultGates(result, parsed.map((slo) => slo.key))];
}

function evaluateOne(slo: ParsedSlo, result: RunResult): SloResult {
  const base = { key: slo.key, threshold: slo.threshold };
  const label = slo.key.split('.').pop()!;
  if (slo.ref.source === 'fault') return evaluateFault(slo, result, label);
  const value = readMetric(result, slo.ref);
  if (value === null) {
    return { ...base, actual: null, pass: false, message: 'not measured', display: `${label} not measured ✗` };
  }
  return judge(slo, value, label, result);
}

/** An unrecovered fault fails every downtime SLO with its lower bound; a fault without a figure leaves the key unmeasured. */
function evaluateFault(slo: ParsedSlo, result: RunResult, label: string): SloResult {
  const base = { key: slo.key, threshold: slo.threshold };
  const ref = slo.ref as Extract<MetricRef, { source: 'fault' }>;
  const figure = readFaultFigure(result, ref.index, ref.stat);
  if (figure.unrecovered) {
    const bound = figure.value === null ? '' : ` ≥ ${formatMs(figure.value)}`;
    return {
      ...base,
      actual: figure.value === null ? null : roundForJson(inUnit(figure.value, slo.kind, slo.limit.unit)),
      pass: false,
      message: 'not recovered: the downtime is a lower bound',
      display: `${label}${bound} (not recovered) ✗`,
    };
  }
  if (figure.value === null || figure.missing !== null) {
    const why = figure.missing ?? 'no figure';
    return { ...base, actual: null, pass: false, message: `not measured: ${why}`, display: `${label} not measured (${why}) ✗` };
  }
  const judged = judge(slo, figure.value, label, result);
  const resolution = figure.resolutionMs;
  if (slo.kind === 'time' && ref.stat === 'downtime' && resolution !== null && Math.abs(figure.value - slo.limit.limit) <= resolution) {
    judged.message = `within the resolution (±${formatMs(resolution)}) of the bound: traffic too sparse to resolve it`;
  }
  return judged;
}

function judge(slo: ParsedSlo, value: number, label: string, result: RunResult): SloResult {
  const base = { key: slo.key, threshold: slo.threshold };
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

function roundForJson(value: number): number {
  return Number(value.toPrecision(6));
}
