// Setup before the load, each step timed: create (or reuse) the collection, ingest, flush, index, load.
import { TargetError, UsageError } from '../errors.js';
import type { IngestResult, StepTiming } from '../model/index.js';
import type { Scenario } from '../model/index.js';
import {
  collectionExists,
  createCollection,
  describeCollection,
  dropCollection,
  ensureVectorIndex,
  flushCollection,
  loadCollection,
  storedRowCount,
} from './collection.js';
import type { TargetConnection } from './connect.js';
import type { IngestProgress } from './ingest.js';
import { ingestRows } from './ingest.js';
import { forgetRows, rememberRows } from './row-ids.js';
import { schemaDifferences } from './schema.js';
import { checkVectorFile } from './vector-files.js';

export interface PrepareHooks {
  onIngestProgress?: (progress: IngestProgress) => void;
  onStep?: (step: StepTiming) => void;
  signal?: AbortSignal;
  /** deadlines of the server-side waits */
  timeouts?: { flushMs?: number; indexMs?: number; loadMs?: number };
}

export interface PreparedCollection {
  steps: StepTiming[];
  ingest: IngestResult | null;
  /** rows in the collection when the load starts (acknowledged inserts, or the rows found when reused) */
  rows: number;
}

type Existing = { kind: 'new' } | { kind: 'reused'; rows: number };

const DEFAULT_TIMEOUTS = { flushMs: 120_000, indexMs: 600_000, loadMs: 600_000 };

function stepRecorder(steps: StepTiming[], onStep?: (step: StepTiming) => void) {
  return async <T>(step: string, run: () => Promise<{ value: T; detail?: string }>): Promise<T> => {
    const startMs = Date.now();
    const { value, detail } = await run();
    const timing: StepTiming = { step, startMs, durationMs: Date.now() - startMs, ...(detail ? { detail } : {}) };
    steps.push(timing);
    onStep?.(timing);
    return value;
  };
}

function checkScenarioSource(scenario: Scenario): void {
  const { collection, ingest } = scenario;
  if (collection.recreate && ingest.skip) {
    throw new UsageError('collection.recreate and ingest.skip contradict each other: recreating empties the collection; set one of them to false');
  }
  if (!ingest.skip && ingest.vectors.kind === 'file') {
    checkVectorFile(ingest.vectors.path, ingest.vectors.format, collection.dim, ingest.rows);
  }
}

async function createOrReuse(conn: TargetConnection, scenario: Scenario): Promise<{ value: Existing; detail: string }> {
  const spec = scenario.collection;
  const exists = await collectionExists(conn, spec.name);
  if (exists && spec.recreate) {
    await dropCollection(conn, spec.name);
    await createCollection(conn, spec);
    return { value: { kind: 'new' }, detail: `'${spec.name}' dropped and created` };
  }
  if (exists) {
    const differences = schemaDifferences(spec, await describeCollection(conn, spec.name));
    if (differences.length > 0) {
      throw new TargetError(
        `collection '${spec.name}' exists with another schema (${differences.join('; ')}); set collection.recreate: true to drop and recreate it, or choose another collection.name`,
      );
    }
    const rows = await storedRowCount(conn, spec.name);
    return { value: { kind: 'reused', rows }, detail: `'${spec.name}' reused (${rows} rows)` };
  }
  if (scenario.ingest.skip) {
    throw new TargetError(`ingest.skip is set but collection '${spec.name}' does not exist at ${conn.address}`);
  }
  await createCollection(conn, spec);
  return { value: { kind: 'new' }, detail: `'${spec.name}' created` };
}

function skippedIngest(rows: number): IngestResult {
  return { rows, batches: 0, durationMs: 0, rowsPerSec: 0, batchLatency: null, batchHistogram: null, failedBatches: 0, skipped: true };
}

type TimedStep = ReturnType<typeof stepRecorder>;

/** Ingest + flush into a new (or empty) collection; skip when a reused one already holds the data. */
async function fillCollection(
  conn: TargetConnection,
  scenario: Scenario,
  existing: Existing,
  timed: TimedStep,
  hooks: PrepareHooks & { flushMs: number },
): Promise<{ ingest: IngestResult; rows: number }> {
  const name = scenario.collection.name;
  if (existing.kind === 'reused' && (scenario.ingest.skip || existing.rows === scenario.ingest.rows)) {
    const rows = existing.rows;
    // Explicit keys: the rows are the generator's rows 0..n-1; autoId keys of an earlier run are unknown.
    rememberRows(name, rows, null);
    const why = scenario.ingest.skip ? 'ingest.skip is set' : 'the row count already matches';
    await timed('ingest', async () => ({ value: null, detail: `skipped: ${why} (${rows} rows)` }));
    return { ingest: skippedIngest(rows), rows };
  }
  if (existing.kind === 'reused' && existing.rows > 0) {
    throw new TargetError(
      `collection '${name}' already holds ${existing.rows} rows but ingest.rows is ${scenario.ingest.rows}; set collection.recreate: true to rebuild it, or ingest.skip: true to use it as is`,
    );
  }
  forgetRows(name);
  const outcome = await timed('ingest', async () => {
    const value = await ingestRows(conn, scenario, { onProgress: hooks.onIngestProgress, signal: hooks.signal });
    return { value, detail: `${value.result.rows} rows in ${value.result.batches} batches, ${value.result.rowsPerSec} rows/s` };
  });
  rememberRows(name, outcome.result.rows, outcome.rowIds);
  await timed('flush', async () => {
    await flushCollection(conn, name, { timeoutMs: hooks.flushMs, signal: hooks.signal });
    return { value: null };
  });
  return { ingest: outcome.result, rows: outcome.result.rows };
}

export async function prepareCollection(conn: TargetConnection, scenario: Scenario, hooks: PrepareHooks = {}): Promise<PreparedCollection> {
  checkScenarioSource(scenario);
  const spec = scenario.collection;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...hooks.timeouts };
  const steps: StepTiming[] = [conn.connectStep];
  hooks.onStep?.(conn.connectStep);
  const timed = stepRecorder(steps, hooks.onStep);

  const existing = await timed('create', () => createOrReuse(conn, scenario));
  const { ingest, rows } = await fillCollection(conn, scenario, existing, timed, { ...hooks, flushMs: timeouts.flushMs });
  await timed('index', async () => ({
    value: null,
    detail: await ensureVectorIndex(conn, spec, { timeoutMs: timeouts.indexMs, signal: hooks.signal }),
  }));
  await timed('load', async () => {
    await loadCollection(conn, spec, { timeoutMs: timeouts.loadMs, signal: hooks.signal });
    return { value: null, detail: `${spec.replicas} replica${spec.replicas === 1 ? '' : 's'}` };
  });
  return { steps, ingest, rows };
}
