// Parallel batched insert through the SDK: `parallelBatches` lanes each take the next batch, generate its
// rows, insert with bounded retries, and record the batch latency.
import { InterruptedError, TargetError } from '../errors.js';
import type { IngestResult } from '../model/index.js';
import type { Scenario } from '../model/index.js';
import { createHistogram, encodeHistogram, percentilesOf, recordMs } from '../metrics/index.js';
import type { TargetConnection } from './connect.js';
import { checkStatus, describeFailure, sleep } from './failures.js';
import { buildInsertRows } from './rows.js';
import { vectorRows } from './vectors.js';

export interface IngestProgress {
  rows: number;
  total: number;
  rowsPerSec: number;
  /** time left at the rate so far */
  etaMs: number;
}

export interface IngestOptions {
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
  /** retries of one failed batch before the ingest fails */
  maxRetries?: number;
  batchTimeoutMs?: number;
  /** at most one progress call per interval (plus a final one) */
  progressIntervalMs?: number;
}

export interface IngestOutcome {
  result: IngestResult;
  /** autoId collections: the key the server gave each row index; null when the scenario sets keys */
  rowIds: string[] | null;
}

interface Batch {
  index: number;
  start: number;
  count: number;
}

const RETRY_BASE_MS = 200;

function insertedIds(reply: { IDs?: { int_id?: { data?: unknown[] }; str_id?: { data?: unknown[] } } }): string[] {
  const ids = reply.IDs?.int_id?.data ?? reply.IDs?.str_id?.data ?? [];
  return ids.map(String);
}

async function insertBatch(conn: TargetConnection, scenario: Scenario, batch: Batch, timeoutMs: number): Promise<string[]> {
  const vectors = vectorRows(scenario.ingest.vectors, scenario.collection.dim, batch.start, batch.count);
  const rows = buildInsertRows(scenario, batch.start, vectors);
  const reply = await conn.client.insert({ collection_name: scenario.collection.name, data: rows, timeout: timeoutMs });
  checkStatus(reply.status, 'insert');
  const acknowledged = Number(reply.insert_cnt);
  if (acknowledged !== batch.count) {
    throw new TargetError(`insert acknowledged ${acknowledged} of ${batch.count} rows`);
  }
  return insertedIds(reply);
}

export async function ingestRows(conn: TargetConnection, scenario: Scenario, options: IngestOptions = {}): Promise<IngestOutcome> {
  const { rows: total, batchSize, parallelBatches } = scenario.ingest;
  const maxRetries = options.maxRetries ?? 3;
  const batchTimeoutMs = options.batchTimeoutMs ?? 60_000;
  const progressIntervalMs = options.progressIntervalMs ?? 100;
  const batchCount = Math.ceil(total / batchSize);
  const histogram = createHistogram();
  const rowIds = scenario.collection.autoId ? new Array<string>(total) : null;
  const startMs = performance.now();
  let nextBatch = 0;
  let rowsDone = 0;
  let retriedBatches = 0;
  let failure: TargetError | null = null;
  let lastProgressMs = -Infinity;

  const progress = (): IngestProgress => {
    const elapsedMs = performance.now() - startMs;
    const rowsPerSec = elapsedMs > 0 ? (rowsDone * 1000) / elapsedMs : 0;
    // progress is only reported after a batch completed, so the rate is known
    const etaMs = rowsPerSec > 0 ? Math.round(((total - rowsDone) / rowsPerSec) * 1000) : 0;
    return { rows: rowsDone, total, rowsPerSec: Math.round(rowsPerSec), etaMs };
  };
  const report = (force: boolean) => {
    const now = performance.now();
    if (!options.onProgress || (!force && now - lastProgressMs < progressIntervalMs)) return;
    lastProgressMs = now;
    options.onProgress(progress());
  };

  const runBatch = async (batch: Batch): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const sentMs = performance.now();
      try {
        const ids = await insertBatch(conn, scenario, batch, batchTimeoutMs);
        recordMs(histogram, performance.now() - sentMs);
        if (rowIds) ids.forEach((id, i) => (rowIds[batch.start + i] = id));
        return;
      } catch (error) {
        if (attempt === 0) retriedBatches++;
        const reason = error instanceof TargetError ? error.message : describeFailure(error);
        if (attempt >= maxRetries || failure || options.signal?.aborted) {
          const last = batch.start + batch.count - 1;
          throw new TargetError(
            `insert of rows ${batch.start}..${last} into '${scenario.collection.name}' failed after ${attempt + 1} attempts: ${reason}`,
          );
        }
        await sleep(RETRY_BASE_MS * 2 ** attempt, options.signal);
      }
    }
  };

  const lane = async (): Promise<void> => {
    while (!failure && !options.signal?.aborted && nextBatch < batchCount) {
      const index = nextBatch++;
      const start = index * batchSize;
      const batch = { index, start, count: Math.min(batchSize, total - start) };
      try {
        await runBatch(batch);
      } catch (error) {
        failure ??= error instanceof TargetError ? error : new TargetError(String(error));
        return;
      }
      rowsDone += batch.count;
      report(false);
    }
  };

  // more lanes than pooled clients would only queue inside the SDK and inflate the batch latencies
  const lanes = Math.max(1, Math.min(parallelBatches, batchCount, conn.poolSize));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure) throw failure;
  if (options.signal?.aborted) throw new InterruptedError('interrupted during ingest');
  report(true);
  const durationMs = performance.now() - startMs;
  return {
    result: {
      rows: rowsDone,
      batches: batchCount,
      durationMs: Math.round(durationMs),
      rowsPerSec: durationMs > 0 ? Math.round((rowsDone * 1000) / durationMs) : 0,
      batchLatency: percentilesOf(histogram),
      batchHistogram: histogram.totalCount > 0 ? encodeHistogram(histogram) : null,
      failedBatches: retriedBatches,
      skipped: false,
    },
    rowIds,
  };
}
