// Turns a RunResult into chart specs (plain data) that the page script draws with uPlot: time series with
// fault bands and phase marks, the HDR percentile distribution per phase, server vs client latency.
import type { IntervalPoint } from '../model/index.js';
import type { RunResult } from '../model/index.js';
import { PERCENTILE_AXIS, percentileCurve } from './histogram.js';
import { formatMs } from './format.js';
import { downtimeText, faultName } from './model.js';

export interface ChartSeries {
  label: string;
  color: string;
  values: Array<number | null>;
  dash?: boolean;
  /** join points across empty buckets (sparse samples such as server metrics) */
  spanGaps?: boolean;
}

export interface FaultBand {
  label: string;
  fromS: number;
  toS: number;
  outages: Array<{ fromS: number; toS: number }>;
}

export interface ChartSpec {
  id: string;
  title: string;
  kind: 'time' | 'percentile';
  unit: string;
  logY: boolean;
  x: number[];
  /** fixed x extent (time charts start at the load start, not at the first bucket's middle) */
  xRange?: [number, number];
  series: ChartSeries[];
  bands: FaultBand[];
  phases: Array<{ name: string; atS: number }>;
}

const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

export function buildCharts(result: RunResult): ChartSpec[] {
  const points = mergeBuckets(result.timeSeries);
  const charts: ChartSpec[] = [];
  if (points.length > 0) {
    // a bucket's figures describe [t, t + interval): plot them at its middle so dips line up with fault bands
    const x = points.map((p) => (p.tMs + result.intervalMs / 2) / 1000);
    const xRange: [number, number] = [Math.min(0, x[0]), x[x.length - 1] + result.intervalMs / 2000];
    const base = { kind: 'time' as const, x, xRange, bands: faultBands(result, points), phases: phaseMarks(result) };
    const perSec = 1000 / Math.max(1, result.intervalMs);
    charts.push({ ...base, id: 'chart-qps', title: 'Throughput (requests/s)', unit: 'req/s', logY: false, series: [
      { label: 'ok', color: PALETTE[1], values: points.map((p) => p.qps) },
      { label: 'errors + timeouts', color: PALETTE[3], values: points.map((p) => (p.errors + p.timeouts) * perSec) },
    ] });
    charts.push({ ...base, id: 'chart-latency', title: 'Latency from intended start (ms, log scale)', unit: 'ms', logY: true, series: [
      { label: 'p50', color: PALETTE[0], values: points.map((p) => positive(p.p50)) },
      { label: 'p95', color: PALETTE[5], values: points.map((p) => positive(p.p95)) },
      { label: 'p99', color: PALETTE[2], values: points.map((p) => positive(p.p99)) },
      { label: 'max', color: PALETTE[3], values: points.map((p) => positive(p.max)), dash: true },
    ] });
    charts.push({ ...base, id: 'chart-errors', title: 'Errors by kind (per second)', unit: 'req/s', logY: false, series: errorSeries(points, perSec) });
    charts.push({ ...base, id: 'chart-inflight', title: 'In flight and dropped (open loop: never sent)', unit: '', logY: false, series: [
      { label: 'in flight (max)', color: PALETTE[4], values: points.map((p) => p.inFlight) },
      { label: 'dropped', color: PALETTE[3], values: points.map((p) => p.dropped) },
    ] });
  }
  const distribution = percentileChart(result);
  if (distribution) charts.push(distribution);
  const server = serverChart(result, points);
  if (server) charts.push(server);
  return charts;
}

function positive(value: number | null): number | null {
  return value !== null && value > 0 ? value : null; // a log scale cannot place 0
}

/** Buckets of two phases can share a start time at a phase boundary; a chart needs one point per x. */
function mergeBuckets(series: IntervalPoint[]): IntervalPoint[] {
  const byTime = new Map<number, IntervalPoint>();
  for (const p of [...series].sort((a, b) => a.tMs - b.tMs)) {
    const prev = byTime.get(p.tMs);
    if (!prev) { byTime.set(p.tMs, { ...p, errorsByKind: { ...p.errorsByKind } }); continue; }
    const kinds = { ...prev.errorsByKind };
    for (const [kind, n] of Object.entries(p.errorsByKind)) kinds[kind as keyof typeof kinds] = (kinds[kind as keyof typeof kinds] ?? 0) + (n ?? 0);
    const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
    byTime.set(p.tMs, {
      ...prev, ok: prev.ok + p.ok, errors: prev.errors + p.errors, timeouts: prev.timeouts + p.timeouts, dropped: prev.dropped + p.dropped,
      qps: prev.qps + p.qps, p50: maxOf(prev.p50, p.p50), p95: maxOf(prev.p95, p.p95), p99: maxOf(prev.p99, p.p99), max: maxOf(prev.max, p.max),
      inFlight: Math.max(prev.inFlight, p.inFlight), errorsByKind: kinds,
    });
  }
  return [...byTime.values()];
}

function errorSeries(points: IntervalPoint[], perSec: number): ChartSeries[] {
  const kinds = [...new Set(points.flatMap((p) => Object.keys(p.errorsByKind)))].sort();
  const series: ChartSeries[] = kinds.map((kind, i) => ({ label: kind, color: PALETTE[(i + 2) % PALETTE.length], values: points.map((p) => (p.errorsByKind[kind as keyof typeof p.errorsByKind] ?? 0) * perSec) }));
  series.push({ label: 'timeouts', color: PALETTE[7], values: points.map((p) => p.timeouts * perSec), dash: true });
  return series;
}

function faultBands(result: RunResult, points: IntervalPoint[]): FaultBand[] {
  const loadStart = result.loadStartEpochMs;
  const lastS = (points[points.length - 1]?.tMs ?? 0) / 1000 + result.intervalMs / 1000;
  const rel = (epochMs: number | null | undefined) => (epochMs == null || loadStart === null ? null : (epochMs - loadStart) / 1000);
  return result.faults.filter((f) => f.calledAtMs !== null).map((fault) => {
    const fromS = (fault.calledAtMs ?? 0) / 1000;
    const disruptions = [fault.disruption, ...fault.relapses].filter((d) => d !== null);
    const lastEndS = disruptions.length > 0 ? Math.max(...disruptions.map((d) => d.endAtMs)) / 1000 : null;
    const end = lastEndS ?? rel(fault.backendRecoveredMs) ?? rel(fault.revertedMs) ?? lastS;
    return {
      label: `${faultName(fault)} ${fault.targets.join(', ')} — downtime ${downtimeText(fault)}`,
      fromS,
      toS: Math.max(end, fromS),
      outages: disruptions.map((d) => ({ fromS: d.atMs / 1000, toS: d.endAtMs / 1000 })),
    };
  });
}

function phaseMarks(result: RunResult): Array<{ name: string; atS: number }> {
  return result.phases.map((p) => ({ name: p.name, atS: p.startMs / 1000 }));
}

function percentileChart(result: RunResult): ChartSpec | null {
  const curves = result.phases.map((phase, i) => ({ label: phase.name, color: PALETTE[i % PALETTE.length], values: percentileCurve(phase.histogram) }));
  const withData = curves.filter((c) => c.values.some((v) => v !== null && v > 0));
  if (withData.length === 0) return null;
  const lastIndex = Math.max(...withData.map((c) => c.values.reduce<number>((last, v, i) => (v !== null ? i : last), 0)));
  return {
    id: 'chart-percentiles', title: 'Latency by percentile per phase (ms, HDR histogram)', kind: 'percentile', unit: 'ms', logY: true,
    x: PERCENTILE_AXIS.slice(0, lastIndex + 1),
    series: withData.map((c) => ({ ...c, values: c.values.slice(0, lastIndex + 1).map((v) => (v !== null && v > 0 ? v : null)) })),
    bands: [], phases: [],
  };
}

/** Server-reported search p99 per component next to the client's p99, on one time axis. */
function serverChart(result: RunResult, points: IntervalPoint[]): ChartSpec | null {
  const samples = result.serverMetrics.filter((s) => s.searchP99Ms !== null);
  if (samples.length === 0) return null;
  const xs = [...new Set([...points.map((p) => p.tMs), ...samples.map((s) => s.tMs)])].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const client: Array<number | null> = xs.map(() => null);
  for (const p of points) client[index.get(p.tMs) ?? 0] = positive(p.p99);
  const components = [...new Set(samples.map((s) => s.component))].sort();
  const series: ChartSeries[] = [{ label: 'client p99', color: PALETTE[2], values: client, spanGaps: true }];
  components.forEach((component, i) => {
    const values: Array<number | null> = xs.map(() => null);
    for (const s of samples) if (s.component === component) values[index.get(s.tMs) ?? 0] = positive(s.searchP99Ms);
    series.push({ label: `server ${component} p99`, color: PALETTE[(i + 4) % PALETTE.length], values, dash: true, spanGaps: true });
  });
  const x = xs.map((t) => (t + result.intervalMs / 2) / 1000);
  return { id: 'chart-server', title: 'Server-side vs client-side search p99 (ms)', kind: 'time', unit: 'ms', logY: true, x, xRange: [Math.min(0, x[0]), x[x.length - 1] + result.intervalMs / 2000], series, bands: faultBands(result, points), phases: phaseMarks(result) };
}
