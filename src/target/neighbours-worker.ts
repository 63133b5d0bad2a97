// Exact neighbours on a worker thread: the brute force over every ingested row takes seconds for 100k × 128,
// and the main thread must stay free (signals, progress, the fault runner's timers) while it runs.
import { parentPort, Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MetricType, VectorSource } from '../model/index.js';
import type { ExactNeighbours } from './neighbours.js';
import { exactTopK, scanSource } from './neighbours.js';

export interface NeighboursTask {
  metric: MetricType;
  source: VectorSource;
  dim: number;
  /** rows 0..rows-1 are what the collection holds (acknowledged inserts) */
  rows: number;
  queries: Float32Array;
  queryIndices: number[];
  k: number;
  /** primary key of each row with autoId; null: row i has key i */
  autoIds: string[] | null;
}

export function computeNeighbours(task: NeighboursTask): ExactNeighbours[] {
  const best = exactTopK(task.metric, scanSource(task.source, task.dim, task.rows), task.dim, task.queries, task.queryIndices, task.k);
  const idOf = task.autoIds ? (row: number) => task.autoIds![row] : (row: number) => String(row);
  return best.map((top, q) => ({ queryIndex: task.queryIndices[q], ids: top.rows.map(idOf) }));
}

const WORKER_FILE = fileURLToPath(new URL('./neighbours-worker.js', import.meta.url));

/** Runs `computeNeighbours` on a worker thread (in this thread when running from the TypeScript sources). */
export function computeNeighboursInWorker(task: NeighboursTask): Promise<ExactNeighbours[]> {
  if (!existsSync(WORKER_FILE)) return Promise.resolve(computeNeighbours(task));
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_FILE, { workerData: null });
    worker.once('message', (result: ExactNeighbours[] | { error: string }) => {
      void worker.terminate();
      if (Array.isArray(result)) resolve(result);
      else reject(new Error(`computing exact neighbours: ${result.error}`));
    });
    worker.once('error', reject);
    worker.postMessage(task);
  });
}

parentPort?.once('message', (task: NeighboursTask) => {
  try {
    parentPort!.postMessage(computeNeighbours(task));
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
