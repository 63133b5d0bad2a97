// The tables every report shows (phases, faults, SLOs, ingest, integrity) as plain rows of text, so the
// console, Markdown and HTML renderers lay out the same figures and cannot drift apart.
import type { FaultResult, IngestResult, IntegrityResult, PhaseResult, RunResult, SloResult } from '../model/index.js';
import { formatCount, formatMs, formatPercent, formatRate, sloMark } from './format.js';

export interface TextTable {
  head: string[];
  rows: string[][];
}

export function phaseTable(result: RunResult): TextTable {
  const head = ['phase', 'mode', 'duration', 'ops', 'QPS', 'p50', 'p95', 'p99', 'p99.9', 'max', 'errors', 'dropped'];
  const phases = result.total && result.phases.length > 1 ? [...result.phases, result.total] : result.phases;
  return { head, rows: phases.map((phase) => phaseRow(phase, phase === result.total ? 'all phases' : phase.name)) };
}

function phaseRow(phase: PhaseResult, name: string): string[] {
  const c = phase.counters;
  const failed = c.errors + c.timeouts;
  const errors = failed > 0 ? `${formatCount(failed)} (${formatPercent(phase.errorRate)})` : '0';
  const mode = name === 'all phases' ? '—' : phase.mode === 'open' ? `open ${phase.targetRate ?? '?'}${phase.rampTo ? `→${phase.rampTo}` : ''}/s` : `closed ×${phase.concurrency ?? '?'}`;
  const l = phase.latency;
  return [
    name,
    mode,
    `${(phase.durationMs / 1000).toFixed(1)} s`,
    formatCount(c.sent),
    formatRate(phase.qps),
    formatMs(l?.p50),
    formatMs(l?.p95),
    formatMs(l?.p99),
    formatMs(l?.p999),
    formatMs(l?.max),
    errors,
    formatCount(c.dropped),
  ];
}

export function sloTable(slo: SloResult[]): TextTable {
  return {
    head: ['', 'SLO', 'threshold', 'actual', 'note'],
    rows: slo.map((s) => [sloMark(s), s.key, s.threshold, s.display || (s.actual === null ? 'not measured' : String(s.actual)), s.message ?? '']),
  };
}

export function faultTable(result: RunResult): TextTable {
  const head = ['', 'fault', 'targets', 'called at', 'status', 'downtime', 'effect lag', 'in the disruption', 'relapses', 'resolution', 'p99 before', 'p99 during', 'backend recovery', 'note'];
  return { head, rows: result.faults.map((fault) => faultRow(fault)) };
}

export function faultName(fault: FaultResult): string {
  return `${fault.action} ${fault.role}${fault.occurrence > 0 ? ` #${fault.occurrence + 1}` : ''}`;
}

/** '1.52 s', '≥ 4.10 s (not recovered)', '0 ms (no effect observed)', 'not injected' */
export function downtimeText(fault: FaultResult): string {
  const d = fault.downtimeMs;
  if (fault.status === 'failed') return 'not injected (failed)';
  if (fault.status === 'skipped' || d === null) return 'never injected';
  if (fault.status === 'no-effect') return '0 ms (no effect observed)';
  if (fault.status === 'unrecovered') return `≥ ${formatMs(d)} (not recovered)`;
  return `${formatMs(d)}${fault.overlapping ? ' (overlapping)' : ''}`;
}

function faultMark(fault: FaultResult): string {
  return fault.status === 'recovered' || fault.status === 'no-effect' ? '✓' : '✗';
}

function disruptionText(fault: FaultResult): string {
  const d = fault.disruption;
  if (!d) return '—';
  const parts = [`${formatCount(d.bad)} bad`, `${formatCount(d.failed)} failed`, `${formatCount(d.timedOut)} timed out`];
  if (d.dropped > 0) parts.push(`${formatCount(d.dropped)} dropped`);
  if (d.slow > 0) parts.push(`${formatCount(d.slow)} slow`);
  return `${parts.join(', ')}; error rate ${formatPercent(d.errorRate)}`;
}

function faultRow(fault: FaultResult): string[] {
  const impact = fault.impact;
  const relapses = fault.relapses.length === 0 ? 'none' : fault.relapses.map((r) => `${formatMs(r.downtimeMs)} at ${(r.atMs / 1000).toFixed(1)} s${r.recovered ? '' : ' (not recovered)'}`).join(', ');
  const note = [
    fault.note,
    fault.overlapping && 'overlaps another fault',
    fault.error && `error: ${fault.error}`,
    fault.revertError && `revert failed: ${fault.revertError}`,
    fault.manualRevert && fault.revertError && `run: ${fault.manualRevert}`,
  ]
    .filter(Boolean)
    .join('; ');
  const call = fault.calledAtMs === null ? 'not called' : `${(fault.calledAtMs / 1000).toFixed(2)} s${fault.injectCallMs !== null ? ` (call ${formatMs(fault.injectCallMs)})` : ''}`;
  return [
    faultMark(fault),
    faultName(fault),
    fault.targets.join(', ') || '—',
    call,
    fault.status,
    downtimeText(fault),
    formatMs(fault.effectLagMs),
    disruptionText(fault),
    relapses,
    fault.resolutionMs === null ? 'unknown' : `± ${formatMs(fault.resolutionMs)}`,
    formatMs(impact?.before.p99),
    formatMs(impact?.during.p99),
    formatMs(fault.recoveryMs),
    note,
  ];
}

export function ingestLine(ingest: IngestResult | null): string | null {
  if (!ingest) return null;
  if (ingest.skipped) return `ingest skipped (collection already holds the data)`;
  const batch = ingest.batchLatency ? `, batch p50 ${formatMs(ingest.batchLatency.p50)} p99 ${formatMs(ingest.batchLatency.p99)}` : '';
  const failed = ingest.failedBatches > 0 ? `, ${ingest.failedBatches} failed batches` : '';
  return `ingested ${formatCount(ingest.rows)} rows in ${formatCount(ingest.batches)} batches, ${(ingest.durationMs / 1000).toFixed(1)} s, ${formatRate(ingest.rowsPerSec)} rows/s${batch}${failed}`;
}

export function integrityLine(integrity: IntegrityResult | null): string | null {
  if (!integrity) return null;
  const parts: string[] = [];
  if (integrity.countedRows !== null || integrity.expectedRows !== null) {
    const mark = integrity.countMatches === null ? '' : integrity.countMatches ? '✓ ' : '✗ ';
    parts.push(`${mark}count ${formatCount(integrity.countedRows)} of ${formatCount(integrity.expectedRows)} expected`);
  }
  if (integrity.recall !== null) parts.push(`recall@${integrity.topK ?? '?'} ${integrity.recall.toFixed(4)} over ${formatCount(integrity.recallQueries)} queries`);
  if (integrity.error) parts.push(`error: ${integrity.error}`);
  return parts.length ? `integrity: ${parts.join(', ')}` : null;
}

export function scenarioLine(result: RunResult): string {
  const s = result.scenario;
  return `${s.name}${s.description ? ` — ${s.description}` : ''}`;
}

/** How the target is named in every report: the description says what it is (the local cluster is not Milvus). */
export function targetLine(result: RunResult): string {
  const t = result.target;
  const what = t.description || (t.kind === 'local' ? 'local Milvus-compatible test cluster (not Milvus)' : 'Milvus');
  const version = t.serverVersion ? `, server version ${t.serverVersion}` : '';
  return `${what} at ${t.address}${version}`;
}
