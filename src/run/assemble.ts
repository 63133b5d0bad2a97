// Builds result.json's RunResult: the empty shell at start, fault impacts after the load, the verdict at the end.
import { ExitCode } from '../errors.js';
import type { FaultRecord } from '../faults/index.js';
import type { LoadOutcome } from '../load/index.js';
import type { Disruption } from '../metrics/index.js';
import { analyzeDowntime, computeFaultImpact, faultRecall } from '../metrics/index.js';
import type { DisruptionResult, FaultResult, RunResult, SloResult, SteadyStateResult } from '../report/index.js';
import { RESULT_SCHEMA_VERSION } from '../report/index.js';
import type { Scenario } from '../scenario/index.js';
import { toolVersion } from '../version.js';
import type { PreparedRun } from './prepare.js';
import { isLocalAddress, redactAddress } from '../model/address.js';
import { LOCAL_CLUSTER_DESCRIPTION } from '../target/local-cluster.js';

export function emptyResult({ scenario, config }: PreparedRun): RunResult {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'milvus-bench', version: toolVersion() },
    scenario: { name: scenario.name, description: scenario.description, file: scenario.file, spec: scenario },
    target: isLocalAddress(config.target.address)
      ? { kind: 'local', address: 'local', serverVersion: null, description: LOCAL_CLUSTER_DESCRIPTION }
      : { kind: 'milvus', address: redactAddress(config.target.address), serverVersion: null, description: 'Milvus' },
    startedAt: new Date().toISOString(),
    finishedAt: '',
    loadStartEpochMs: null,
    intervalMs: scenario.metrics.intervalMs,
    workers: config.workers,
    steps: [],
    ingest: null,
    phases: [],
    total: null,
    timeSeries: [],
    faults: [],
    steady: null,
    integrity: null,
    serverMetrics: [],
    slo: [],
    pass: false,
    interrupted: false,
    error: null,
    exitCode: ExitCode.ok,
  };
}

/** Downtime per fault (MEASUREMENT.md "Failover downtime") and the steady state outside the faults' disruptions. */
export function analyzeRun(records: FaultRecord[], load: LoadOutcome, scenario: Scenario): { faults: FaultResult[]; steady: SteadyStateResult } {
  const loadEndMs = load.loadStartEpochMs + load.phases.reduce((sum, phase) => sum + phase.durationMs, 0);
  const windowMs = scenario.recovery.windowMs;
  const analysis = analyzeDowntime({
    runs: load.runs,
    faults: records.map((r) => ({ callStartedMs: r.callStartedMs, revertedMs: r.revertedMs, failed: r.status === 'failed' })),
    loadEndMs,
    windowMs,
    minGood: scenario.metrics.recoverySuccesses,
  });
  const since = (epochMs: number | null) => (epochMs === null ? null : Math.round(epochMs - load.loadStartEpochMs));
  const shown = (d: Disruption): DisruptionResult => ({
    atMs: since(d.startMs)!,
    endAtMs: since(d.endMs)!,
    downtimeMs: Math.round(d.durationMs),
    recovered: d.recovered,
    bad: d.bad,
    failed: d.failed,
    timedOut: d.timedOut,
    dropped: d.dropped,
    slow: d.slow,
    good: d.good,
    errorRate: Number(d.errorRate.toPrecision(4)),
  });
  const faults = records.map((record, i): FaultResult => {
    const downtime = analysis.faults[i];
    const { status: injection, ...rest } = record;
    const last = [downtime.disruption, ...downtime.relapses].filter((d) => d !== null).pop();
    const fromMs = record.callStartedMs;
    const toMs = fromMs === null ? null : (last?.endMs ?? Math.min(loadEndMs, Math.max(record.revertedMs ?? 0, fromMs + 10_000)));
    const impact =
      fromMs === null || toMs === null ? null : computeFaultImpact({ timeSeries: load.timeSeries, loadStartEpochMs: load.loadStartEpochMs, fromMs, toMs });
    const recall =
      fromMs === null || toMs === null
        ? undefined
        : faultRecall({ timeSeries: load.timeSeries, loadStartEpochMs: load.loadStartEpochMs, injectedMs: fromMs, windowEndMs: toMs, loadEndMs });
    return {
      ...rest,
      injection,
      status: downtime.status,
      downtimeMs: downtime.downtimeMs === null ? null : Math.round(downtime.downtimeMs),
      recovered: downtime.recovered,
      effectLagMs: downtime.effectLagMs === null ? null : Math.round(downtime.effectLagMs),
      calledAtMs: since(record.callStartedMs),
      injectedAtMs: since(record.injectedMs),
      revertedAt: since(record.revertedMs),
      disruption: downtime.disruption ? shown(downtime.disruption) : null,
      relapses: downtime.relapses.map(shown),
      overlapping: downtime.overlapping,
      resolutionMs: downtime.resolutionMs,
      note: downtime.note,
      impact,
      ...(recall ? { recall } : {}),
      recoveryMs:
        record.callStartedMs !== null && record.backendRecoveredMs !== null ? record.backendRecoveredMs - record.callStartedMs : null,
    };
  });
  const steady: SteadyStateResult = { ...analysis.outside, good: analysis.good, slowMs: scenario.availability.slowMs, windowMs };
  return { faults, steady };
}

/**
 * The verdict (MEASUREMENT.md "The gate"): a fault that was not injected as written, or an SLO on a metric the run
 * did not produce, is a tool error (exit 4), never an SLO breach; any failed SLO or default gate is exit 3.
 */
export function finishResult(result: RunResult, slo: SloResult[]): void {
  result.slo = slo;
  result.finishedAt = new Date().toISOString();
  const sloPass = slo.every((s) => s.pass);
  const notInjected = result.faults.filter((f) => f.status === 'failed' || (f.status === 'skipped' && !result.interrupted));
  const unmeasured = slo.filter((s) => !s.pass && s.message?.startsWith('not measured'));
  result.pass = sloPass && !result.interrupted && result.error === null && notInjected.length === 0;
  if (result.error !== null) return; // exit code set where the error was caught
  if (result.interrupted) result.exitCode = ExitCode.interrupted;
  else if (notInjected.length > 0) {
    result.error = notInjected.map((f) => `fault ${f.index} ${f.action} was not injected as written: ${f.error ?? f.status}`).join('; ');
    result.exitCode = ExitCode.targetFailed;
  } else if (unmeasured.length > 0) {
    result.error = unmeasured.map((s) => `slo.${s.key}: the run did not produce this metric (${s.message})`).join('; ');
    result.exitCode = ExitCode.targetFailed;
  } else result.exitCode = sloPass ? ExitCode.ok : ExitCode.sloBreached;
}
