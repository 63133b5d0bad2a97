// The run pipeline: scenario → target → ingest → load with faults → integrity → SLOs → reports.
// Every stage's failure still ends in a written result.json / report.html with what was measured.
import { availableParallelism } from 'node:os';
import { ExitCode, ExitError, FaultInjectionError, InterruptedError, UsageError } from '../errors.js';
import type { FaultBackend, FaultRecord } from '../faults/index.js';
import { createFaultBackend, describePlan, FaultRunner } from '../faults/index.js';
import type { LoadOutcome } from '../load/index.js';
import { runLoad } from '../load/index.js';
import type { RunResult } from '../report/index.js';
import type { Scenario } from '../scenario/index.js';
import { evaluateSlos } from '../slo/index.js';
import type { TargetConnection } from '../target/index.js';
import type { ServerMetricsScraper } from '../target/index.js';
import { localClusterControl } from '../target/local-cluster.js';
import {
  connectTarget,
  countBaseline,
  createServerMetricsScraper,
  exactNeighboursOffThread,
  makeQueryVectors,
  prepareCollection,
  redactAddress,
  serverMetricsEndpoints,
  verifyIntegrity,
} from '../target/index.js';
import { analyzeRun, emptyResult, finishResult } from './assemble.js';
import { describeUnstartedLocalPlan } from './dry-run.js';
import type { PreparedRun } from './prepare.js';
import type { ResolvedTarget } from './resolve-target.js';
import { resolveTarget } from './resolve-target.js';
import { installRunGuards } from './signals.js';
import type { RunUi } from './ui.js';

const QUERY_VECTORS = 1024;

export interface RunOptions {
  dryRun: boolean;
  keepLocal: boolean;
}

export async function executeRun(prepared: PreparedRun, options: RunOptions, ui: RunUi): Promise<RunResult> {
  const { scenario, config, slos } = prepared;
  const result = emptyResult(prepared);
  const abort = new AbortController();
  let target: ResolvedTarget | undefined;
  let backend: FaultBackend | undefined;
  let runner: FaultRunner | undefined;
  let connection: TargetConnection | undefined;
  let load: LoadOutcome | undefined;
  let serverScraper: ServerMetricsScraper | undefined;

  const removeGuards = installRunGuards({
    onInterrupt: (signal) => {
      ui.log(`${signal}: stopping the load, reverting faults and writing the report (again to revert and exit now)`);
      runner?.stop(); // no new injection while the load winds down
      result.interrupted = true;
      abort.abort();
    },
    onCrash: (error) => {
      result.error ??= error.message;
      result.exitCode = error.exitCode;
      abort.abort();
    },
    revertFaults: async () => {
      await runner?.revertAll({ wait: false });
    },
    log: ui.log,
  });

  try {
    const unstartedPlan = options.dryRun ? await describeUnstartedLocalPlan(config, scenario) : null;
    if (unstartedPlan) {
      for (const line of unstartedPlan) ui.log(line);
      return result;
    }
    target = await resolveTarget(config, { keepLocal: options.keepLocal, log: ui.log });
    result.target = { kind: target.kind, address: redactAddress(target.target.address), serverVersion: null, description: target.description };
    if (scenario.faults.length > 0) {
      backend = await createFaultBackend(config, {
        ...(target.localDataDir !== undefined ? { localCluster: localClusterControl(target.localDataDir) } : {}),
        faults: scenario.faults,
      });
      await backend.preflight();
      if (options.dryRun) {
        for (const line of await describePlan(backend, scenario.faults)) ui.log(line);
        return result;
      }
    } else if (options.dryRun) {
      ui.log('no faults in this scenario');
      return result;
    }
    throwIfAborted(abort.signal);

    connection = await connectTarget(target.target);
    result.target.serverVersion = connection.serverVersion;
    const prep = await prepareCollection(connection, scenario, {
      onIngestProgress: ui.ingestProgress,
      onStep: ui.step,
      signal: abort.signal,
    });
    result.steps.push(...prep.steps);
    result.ingest = prep.ingest;
    throwIfAborted(abort.signal);

    const queries = makeQueryVectors(scenario, QUERY_VECTORS);
    const topK = firstSearchTopK(scenario);
    const sampleIndices = Array.from({ length: Math.min(scenario.verify.recallQueries, QUERY_VECTORS) }, (_, i) => i);
    // count(*) before the load on a reused collection; exact neighbours over the rows it really holds, off the main thread
    const baseline = await countBaseline(connection, scenario, prep);
    const recallSample = topK && sampleIndices.length > 0 ? await exactNeighboursOffThread(scenario, queries, sampleIndices, topK, prep.rows) : [];

    const serverEndpoints = await serverMetricsEndpoints(
      target.localDataDir ? { localDataDir: target.localDataDir } : { metricsUrls: config.target.metrics ?? [] },
    );
    if (serverEndpoints.length > 0) {
      serverScraper = createServerMetricsScraper({ endpoints: serverEndpoints, intervalMs: scenario.metrics.intervalMs });
      serverScraper.start();
    }
    runner = backend ? new FaultRunner(backend, scenario.faults, { onEvent: ui.faultEvent }) : undefined;
    load = await runLoad(
      {
        // the endpoint the SDK connected to: host:port, TLS and credentials parsed once from the address
        ...connection.endpoint,
        collection: {
          name: scenario.collection.name,
          dim: scenario.collection.dim,
          metric: scenario.collection.metric,
          pkField: 'id',
          vectorField: 'vector',
          rows: prep.rows,
        },
        phases: scenario.phases,
        workers: config.workers > 0 ? config.workers : Math.min(availableParallelism(), 4),
        intervalMs: scenario.metrics.intervalMs,
        queries,
        recallSample,
        warmupMs: scenario.warmupMs,
      },
      {
        onInterval: ui.interval,
        onLoadStart: (epochMs: number) => runner?.start(epochMs),
        onPhase: ui.phase,
        signal: abort.signal,
      },
    );
    await runner?.revertAll(); // also cancels occurrences not yet injected
    result.interrupted ||= load.interrupted;
    // backend recovery (replacement ready / container healthy) is observed in the background; give it a bounded moment
    if (!result.interrupted) await runner?.settle(10_000);
    if (!result.interrupted) {
      result.integrity = await verifyIntegrity(connection, scenario, baseline, recallSample, (step) => {
        result.steps.push(step);
        ui.step(step);
      });
    }
  } catch (error) {
    if (result.error !== null) {
      // a crash already recorded as the run's error; what it broke afterwards is a consequence
    } else if (error instanceof InterruptedError || (abort.signal.aborted && !(error instanceof ExitError))) {
      result.interrupted = true;
    } else {
      result.error = error instanceof Error ? error.message : String(error);
      result.exitCode = error instanceof ExitError ? error.exitCode : ExitCode.internal;
      if (error instanceof UsageError) throw error;
    }
  } finally {
    await runner?.revertAll();
    result.serverMetrics = (await serverScraper?.stop({ loadStartEpochMs: load?.loadStartEpochMs }).catch(() => [])) ?? [];
    await connection?.close().catch(() => {});
    await backend?.close().catch(() => {});
    await target?.release().catch((error: unknown) => ui.log(`could not stop the local cluster: ${String(error)}`));
    removeGuards(); // only now: a signal until here still reverts at once
  }

  const faultRecords: FaultRecord[] = runner?.records() ?? [];
  const faultProblem = faultFailure(faultRecords);
  if (faultProblem && result.error === null && !result.interrupted) {
    const error = new FaultInjectionError(faultProblem);
    result.error = error.message;
    result.exitCode = error.exitCode;
  }
  if (load) {
    result.loadStartEpochMs = load.loadStartEpochMs;
    result.phases = load.phases;
    result.total = load.total;
    result.timeSeries = load.timeSeries;
    ({ faults: result.faults, steady: result.steady } = analyzeRun(faultRecords, load, scenario));
  }
  finishResult(result, evaluateSlos(slos, result));
  return result;
}

/** Why the faults did not happen as written (failed or partial injections, failed reverts), or null. */
function faultFailure(records: FaultRecord[]): string | null {
  const problems: string[] = [];
  for (const record of records) {
    const what = `fault ${record.action} ${record.targets.join(', ') || record.role}`;
    const undone = record.revertError ? '' : ' (what happened was reverted)';
    if (record.status === 'failed') problems.push(`${what} was not injected as written${undone}: ${record.error ?? 'unknown error'}`);
    if (record.revertError) problems.push(`${what}: revert failed: ${record.revertError}; finish it by hand: ${record.manualRevert ?? 'see the backend'}`);
  }
  return problems.length > 0 ? problems.join('; ') : null;
}

function firstSearchTopK(scenario: Scenario): number | null {
  for (const phase of scenario.phases) {
    for (const op of phase.operations) if (op.kind === 'search') return op.topK;
  }
  return null;
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new InterruptedError();
}
