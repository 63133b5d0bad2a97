// The run pipeline: scenario → target → ingest → load with faults → integrity → SLOs → reports.
// Every stage's failure still ends in a written result.json / report.html with what was measured.
import { availableParallelism } from 'node:os';
import { FaultInjectionError } from '../errors.js';
import type { FaultRecord } from '../faults/index.js';
import { createFaultBackend, describePlan, FaultRunner } from '../faults/index.js';
import type { LoadOutcome } from '../load/index.js';
import { runLoad } from '../load/index.js';
import { redactAddress } from '../model/address.js';
import type { RunResult, Scenario } from '../model/index.js';
import { evaluateSlos } from '../slo/index.js';
import type { PreparedCollection } from '../target/index.js';
import {
  connectTarget,
  countBaseline,
  createServerMetricsScraper,
  exactNeighboursOffThread,
  makeQueryVectors,
  prepareCollection,
  serverMetricsEndpoints,
  verifyIntegrity,
} from '../target/index.js';
import { localClusterControl } from '../target/local-cluster.js';
import { analyzeRun, emptyResult, finishResult } from './assemble.js';
import { describeUnstartedLocalPlan } from './dry-run.js';
import type { PreparedRun } from './prepare.js';
import { resolveTarget } from './resolve-target.js';
import { RunSession } from './session.js';
import type { RunUi } from './ui.js';

const QUERY_VECTORS = 1024;

export interface RunOptions {
  dryRun: boolean;
  keepLocal: boolean;
}

/** The collection ready for the load: its rows, the query vectors, their exact neighbours, the count before. */
interface LoadInputs {
  prep: PreparedCollection;
  queries: ReturnType<typeof makeQueryVectors>;
  recallSample: Awaited<ReturnType<typeof exactNeighboursOffThread>>;
  baseline: Awaited<ReturnType<typeof countBaseline>>;
}

export async function executeRun(prepared: PreparedRun, options: RunOptions, ui: RunUi): Promise<RunResult> {
  const result = emptyResult(prepared);
  const session = new RunSession(result, ui);
  try {
    if (await planOnly(prepared, options, session, result, ui)) return result;
    const inputs = await setUpCollection(prepared, session, result, ui);
    const load = await measureLoad(prepared, session, inputs, ui);
    result.interrupted ||= load.interrupted;
    // backend recovery (replacement ready / container healthy) is observed in the background; give it a bounded moment
    if (!result.interrupted) await session.runner?.settle(10_000);
    if (!result.interrupted) {
      result.integrity = await verifyIntegrity(session.connection!, prepared.scenario, inputs.baseline, inputs.recallSample, (step) => {
        result.steps.push(step);
        ui.step(step);
      });
    }
  } catch (error) {
    session.recordFailure(error);
  } finally {
    await session.release();
  }
  conclude(result, session.runner?.records() ?? [], session.load, prepared);
  return result;
}

/** Resolves the target and the fault backend; true when this is a dry run, whose plan is then printed. */
async function planOnly(prepared: PreparedRun, options: RunOptions, session: RunSession, result: RunResult, ui: RunUi): Promise<boolean> {
  const { scenario, config } = prepared;
  const unstartedPlan = options.dryRun ? await describeUnstartedLocalPlan(config, scenario) : null;
  if (unstartedPlan) {
    for (const line of unstartedPlan) ui.log(line);
    return true;
  }
  const target = await resolveTarget(config, { keepLocal: options.keepLocal, log: ui.log });
  session.target = target;
  result.target = { kind: target.kind, address: redactAddress(target.target.address), serverVersion: null, description: target.description };
  if (scenario.faults.length > 0) {
    session.backend = await createFaultBackend(config, {
      ...(target.localDataDir !== undefined ? { localCluster: localClusterControl(target.localDataDir) } : {}),
      faults: scenario.faults,
    });
    await session.backend.preflight();
    if (options.dryRun) for (const line of await describePlan(session.backend, scenario.faults)) ui.log(line);
  } else if (options.dryRun) ui.log('no faults in this scenario');
  session.throwIfAborted();
  return options.dryRun;
}

/** Connect, create or reuse, ingest, index and load the collection; the queries and their exact neighbours. */
async function setUpCollection(prepared: PreparedRun, session: RunSession, result: RunResult, ui: RunUi): Promise<LoadInputs> {
  const { scenario } = prepared;
  const connection = await connectTarget(session.target!.target);
  session.connection = connection;
  result.target.serverVersion = connection.serverVersion;
  const prep = await prepareCollection(connection, scenario, { onIngestProgress: ui.ingestProgress, onStep: ui.step, signal: session.abort.signal });
  result.steps.push(...prep.steps);
  result.ingest = prep.ingest;
  session.throwIfAborted();

  const queries = makeQueryVectors(scenario, QUERY_VECTORS);
  const topK = firstSearchTopK(scenario);
  const sampleIndices = Array.from({ length: Math.min(scenario.verify.recallQueries, QUERY_VECTORS) }, (_, i) => i);
  // count(*) before the load on a reused collection; exact neighbours over the rows it really holds, off the main thread
  const baseline = await countBaseline(connection, scenario, prep);
  const recallSample = topK && sampleIndices.length > 0 ? await exactNeighboursOffThread(scenario, queries, sampleIndices, topK, prep.rows) : [];
  return { prep, queries, recallSample, baseline };
}

/** The load phases with the fault schedule running beside them and the server's metrics scraped meanwhile. */
async function measureLoad(prepared: PreparedRun, session: RunSession, inputs: LoadInputs, ui: RunUi): Promise<LoadOutcome> {
  const { scenario, config } = prepared;
  const target = session.target!;
  const serverEndpoints = await serverMetricsEndpoints(
    target.localDataDir ? { localDataDir: target.localDataDir } : { metricsUrls: config.target.metrics ?? [] },
  );
  if (serverEndpoints.length > 0) {
    session.serverScraper = createServerMetricsScraper({ endpoints: serverEndpoints, intervalMs: scenario.metrics.intervalMs });
    session.serverScraper.start();
  }
  const runner = session.backend ? new FaultRunner(session.backend, scenario.faults, { onEvent: ui.faultEvent }) : undefined;
  session.runner = runner;
  session.load = await runLoad(
    {
      // the endpoint the SDK connected to: host:port, TLS and credentials parsed once from the address
      ...session.connection!.endpoint,
      collection: {
        name: scenario.collection.name,
        dim: scenario.collection.dim,
        metric: scenario.collection.metric,
        pkField: 'id',
        vectorField: 'vector',
        rows: inputs.prep.rows,
      },
      phases: scenario.phases,
      workers: config.workers > 0 ? config.workers : Math.min(availableParallelism(), 4),
      intervalMs: scenario.metrics.intervalMs,
      queries: inputs.queries,
      recallSample: inputs.recallSample,
      warmupMs: scenario.warmupMs,
    },
    {
      onInterval: ui.interval,
      onLoadStart: (epochMs: number) => runner?.start(epochMs),
      onPhase: ui.phase,
      signal: session.abort.signal,
    },
  );
  await runner?.revertAll(); // also cancels occurrences not yet injected
  return session.load;
}

/** Faults that did not happen as written end the run as a tool error; then downtime, steady state and the verdict. */
function conclude(result: RunResult, faultRecords: FaultRecord[], load: LoadOutcome | undefined, { scenario, slos }: PreparedRun): void {
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
