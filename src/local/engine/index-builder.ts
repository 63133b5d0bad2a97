// Background index builds for the writer: one sealed segment at a time, in a worker thread when the compiled
// worker is available (else on this thread, yielding between k-means rounds). Progress is what DescribeIndex reports.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readSegmentFile } from './files.js';
import { buildIvf, writeIvfFile } from './ivf.js';
import { vectorField } from './schema.js';
import { DEFAULT_NLIST } from './types.js';
import type { CollectionSchema, IndexSpec } from './types.js';

export interface SegmentIndexJob {
  segmentPath: string;
  indexPath: string;
  schema: CollectionSchema;
  spec: IndexSpec;
}

export type IndexState = 'None' | 'InProgress' | 'Finished' | 'Failed';

export interface IndexProgress {
  state: IndexState;
  /** Sealed rows whose segment has its index. */
  indexedRows: number;
  /** Sealed rows still waiting for their index. */
  pendingRows: number;
  /** Every acknowledged row (growing rows are searched exactly and never wait for an index). */
  totalRows: number;
  failReason: string;
}

/** Reads the segment, trains the IVF lists and writes the index file (atomically). */
export async function buildSegmentIndex(job: SegmentIndexJob): Promise<void> {
  const { columns, checksum } = await readSegmentFile(job.segmentPath, job.schema);
  const dim = vectorField(job.schema).dim!;
  const index = await buildIvf(columns.vectors, dim, job.spec.metric, job.spec.params.nlist ?? DEFAULT_NLIST, checksum);
  await writeIvfFile(job.indexPath, index);
}

const workerUrl = new URL('./ivf-build-worker.js', import.meta.url);
// Under a TypeScript runner this module is the .ts source and the compiled worker does not exist next to it.
const workerAvailable = workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl)) && import.meta.url.endsWith('.js');

/** Runs one build in a fresh worker thread (its memory goes when it exits). */
export function buildInBackground(job: SegmentIndexJob): Promise<void> {
  if (!workerAvailable) return buildSegmentIndex(job);
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl, { workerData: job });
    let settled = false;
    worker.once('message', (reply: { ok: boolean; message?: string }) => {
      settled = true;
      if (reply.ok) resolve();
      else reject(new Error(reply.message));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`index build worker exited with code ${code} before finishing`));
    });
  });
}
