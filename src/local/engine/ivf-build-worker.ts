// Worker thread body: builds one segment's IVF index off the writer's event loop (a k-means over 16k × 128 rows at
// nlist ~400 takes seconds; on the main thread it starved the coordinator's RPCs and heartbeats).
import { parentPort, workerData } from 'node:worker_threads';
import { buildSegmentIndex, type SegmentIndexJob } from './index-builder.js';

const job = workerData as SegmentIndexJob;
buildSegmentIndex(job).then(
  () => parentPort!.postMessage({ ok: true }),
  (error: unknown) => parentPort!.postMessage({ ok: false, message: (error as Error).message ?? String(error) }),
);
