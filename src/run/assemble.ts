// Builds result.json's RunResult: the empty shell at start, fault impacts after the load, the verdict at the end.
import { ExitCode } from '../errors.js';
import type { FaultRecord } from '../faults/index.js';
import type { LoadOutcome } from '../load/index.js';
import { computeFaultImpact } from '../metrics/index.js';
import type { FaultResult, RunResult, SloResult } from '../report/index.js';
import { RESULT_SCHEMA_VERSION } from '../report/index.js';
import type { Scenario } from '../scenario/index.js';
import { toolVersion } from '../version.js';
import type { PreparedRun } from './prepare.js';
import { isLocalAddress } from './resolve-target.js';
import { redactAddress } from '../target/index.js';
import { LOCAL_CLUSTER_DESCRIPTION } from '../local/index.js';

export function emptyResult({ scenario, config }: PreparedRun): RunResult {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'milvus-bench', version: toolVersion() },
    scenario: { name: scenario.name, description: scenario.description, file: scenario.file, spec: scenario },
    target: isLocalAddress(config.target.address)
      ? { kind: 'local', address: 'local', serverVersion: null, description: LOCAL_CLUSTER_DESCRIPTION }
      : { kind: 'milvus', address: redactAddress(config.target.address), serverVersion: null, description: `Milvus at ${redactAddress(config.target.address)}` },
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
    integrity: null,
    serverMetrics: [],
    slo: [],
    pass: false,
    interrupted: false,
    error: null,
    exitCode: ExitCode.ok,
  };
}

export function buildFaultResults(records: FaultRecord[], load: LoadOutcome, scenario: Scenario): FaultResult[] {
  const loadEndMs = load.loadStartEpochMs + load.phases.reduce((sum, phase) => sum + phase.durationMs, 0);
  const injected = records.filter((r) => r.injectedMs !== null).sort((a, b) => a.injectedMs! - b.injectedMs!);
  return records.map((record) => {
    const next = injected.find((r) => r.injectedMs! > (record.injectedMs ?? Infinity));
    const windowEndMs = Math.min(next?.injectedMs ?? loadEndMs, loadEndMs);
    const impact =
      record.injectedMs === null
        ? null
        : computeFaultImpact({
            runs: load.runs,
            timeSeries: load.timeSeries,
            loadStartEpochMs: load.loadStartEpochMs,
            injectedMs: record.injectedMs,
            windowEndMs,
            recoverySuccesses: scenario.metrics.recoverySuccesses,
          });
    return {
      ...record,
      injectedAtMs: record.injectedMs === null ? null : record.injectedMs - load.loadStartEpochMs,
      impact,
      recoveryMs:
        record.injectedMs !== null && record.backendRecoveredMs !== null ? record.backendRecoveredMs - record.injectedMs : null,
    };
  });
}

export function finishResult(result: RunResult, slo: SloResult[]): void {
  result.slo = slo;
  result.finishedAt = new Date().toISOString();
  const sloPass = slo.every((s) => s.pass);
  result.pass = sloPass && !result.interrupted && result.error === null;
  if (result.error !== null) return; // exit code set where the error was caught
  if (result.interrupted) result.exitCode = ExitCode.interrupted;
  else result.exitCode = sloPass ? ExitCode.ok : ExitCode.sloBreached;
}
