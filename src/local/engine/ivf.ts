// IVF_FLAT: k-means coarse quantizer trained on a sample, inverted lists of row numbers, persisted beside the segment.
// HNSW and AUTOINDEX specs are served by this same structure (no graph index in this test cluster): honest about
// recall and speed, documented in index.ts and the report.
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { corruptFile } from './errors.js';
import { writeFileAtomic } from './files.js';
import { dot, normalizedRows, seededRandom, squaredNorms } from './kernels.js';
import type { MetricType } from './types.js';

/** Faiss warns below 39 training points per centroid; we cap nlist so each list holds at least that many rows. */
export const MIN_ROWS_PER_LIST = 39;
const SAMPLE_PER_LIST = 48;
const TRAIN_ITERATIONS = 8;
const INDEX_MAGIC = 'MVBIDX01';
const INDEX_VERSION = 1;
const HEADER_BYTES = 40;

export interface IvfIndex {
  metric: MetricType;
  dim: number;
  nlist: number;
  centroids: Float32Array;
  /** Squared norms of the centroids (derived, not persisted). */
  centroidNorms: Float32Array;
  /** listOffsets[l]..listOffsets[l+1] index into listRows. */
  listOffsets: Uint32Array;
  listRows: Uint32Array;
  /** Checksum of the segment file the index was built from; a mismatch means the index is stale. */
  segmentChecksum: number;
}

export function effectiveNlist(requested: number, rows: number): number {
  return Math.max(1, Math.min(requested, Math.floor(rows / MIN_ROWS_PER_LIST)));
}

/** Vectors the coarse quantizer works on: unit rows for COSINE (so L2 order = cosine order), raw otherwise. */
export function quantizerSpace(vectors: Float32Array, dim: number, metric: MetricType): Float32Array {
  return metric === 'COSINE' ? normalizedRows(vectors, dim) : vectors;
}

/**
 * Trains and fills the lists. Async only to yield to the event loop between k-means rounds, so a writer process
 * building an index (≈1 s per 16k×128 segment) keeps answering its RPCs and heartbeats.
 */
export async function buildIvf(vectors: Float32Array, dim: number, metric: MetricType, requestedNlist: number, segmentChecksum: number, seed = 42): Promise<IvfIndex> {
  const space = quantizerSpace(vectors, dim, metric);
  const rows = space.length / dim;
  const nlist = effectiveNlist(requestedNlist, rows);
  const random = seededRandom(seed ^ rows);
  const centroids = await trainCentroids(space, dim, nlist, random);
  const assignment = await assignRowsYielding(space, dim, centroids, nlist);
  const listOffsets = new Uint32Array(nlist + 1);
  for (let r = 0; r < rows; r++) listOffsets[assignment[r]! + 1]!++;
  for (let l = 0; l < nlist; l++) listOffsets[l + 1]! += listOffsets[l]!;
  const cursor = listOffsets.slice(0, nlist);
  const listRows = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) listRows[cursor[assignment[r]!]!++] = r;
  return { metric, dim, nlist, centroids, centroidNorms: squaredNorms(centroids, dim), listOffsets, listRows, segmentChecksum };
}

async function trainCentroids(space: Float32Array, dim: number, nlist: number, random: () => number): Promise<Float32Array> {
  const rows = space.length / dim;
  const sample = sampleRows(space, dim, Math.min(rows, nlist * SAMPLE_PER_LIST), random);
  const sampleRowsCount = sample.length / dim;
  const centroids = seedCentroids(sample, dim, nlist, random);
  const sums = new Float64Array(nlist * dim);
  const counts = new Uint32Array(nlist);
  for (let iteration = 0; iteration < TRAIN_ITERATIONS; iteration++) {
    await yieldToLoop();
    const assignment = assignRows(sample, dim, centroids, nlist);
    sums.fill(0);
    counts.fill(0);
    for (let r = 0; r < sampleRowsCount; r++) {
      const l = assignment[r]!;
      counts[l]!++;
      for (let i = 0; i < dim; i++) sums[l * dim + i]! += sample[r * dim + i]!;
    }
    for (let l = 0; l < nlist; l++) {
      if (counts[l] === 0) {
        // Empty list: reseed on a random sample row so every list carries data.
        const r = Math.floor(random() * sampleRowsCount);
        centroids.set(sample.subarray(r * dim, (r + 1) * dim), l * dim);
        continue;
      }
      for (let i = 0; i < dim; i++) centroids[l * dim + i] = sums[l * dim + i]! / counts[l]!;
    }
  }
  return centroids;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function assignRowsYielding(space: Float32Array, dim: number, centroids: Float32Array, nlist: number): Promise<Uint32Array> {
  const rows = space.length / dim;
  const assignment = new Uint32Array(rows);
  const chunk = 4_096;
  for (let start = 0; start < rows; start += chunk) {
    await yieldToLoop();
    assignment.set(assignRows(space.subarray(start * dim, Math.min(rows, start + chunk) * dim), dim, centroids, nlist), start);
  }
  return assignment;
}

/**
 * k-means++ seeding (D² sampling): seeds land in distinct dense regions, so lists come out balanced. With random
 * seeds two true clusters often share one list, and queries, landing mostly in big lists, scan 2–3× more rows.
 */
function seedCentroids(sample: Float32Array, dim: number, nlist: number, random: () => number): Float32Array {
  const rows = sample.length / dim;
  const centroids = new Float32Array(nlist * dim);
  const nearest = new Float64Array(rows).fill(Infinity);
  let chosen = Math.floor(random() * rows);
  for (let l = 0; l < nlist; l++) {
    centroids.set(sample.subarray(chosen * dim, (chosen + 1) * dim), l * dim);
    if (l === nlist - 1) break;
    let total = 0;
    for (let r = 0; r < rows; r++) {
      let d = 0;
      for (let i = 0; i < dim; i++) {
        const diff = sample[r * dim + i]! - centroids[l * dim + i]!;
        d += diff * diff;
      }
      if (d < nearest[r]!) nearest[r] = d;
      total += nearest[r]!;
    }
    let target = random() * total;
    chosen = rows - 1;
    for (let r = 0; r < rows; r++) {
      target -= nearest[r]!;
      if (target <= 0) {
        chosen = r;
        break;
      }
    }
  }
  return centroids;
}

/** Nearest centroid (L2) per row, using ‖c‖² − 2 x·c. */
export function assignRows(space: Float32Array, dim: number, centroids: Float32Array, nlist: number): Uint32Array {
  const rows = space.length / dim;
  const centroidNorms = squaredNorms(centroids, dim);
  const assignment = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = Infinity;
    let bestList = 0;
    for (let l = 0; l < nlist; l++) {
      const d = centroidNorms[l]! - 2 * dot(space, r * dim, centroids, l * dim, dim);
      if (d < best) {
        best = d;
        bestList = l;
      }
    }
    assignment[r] = bestList;
  }
  return assignment;
}

function sampleRows(space: Float32Array, dim: number, count: number, random: () => number): Float32Array {
  const rows = space.length / dim;
  if (count >= rows) return space;
  // Partial Fisher-Yates over row numbers: distinct rows, deterministic for a seed.
  const order = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (rows - i));
    const picked = order[j]!;
    order[j] = order[i]!;
    order[i] = picked;
    out.set(space.subarray(picked * dim, (picked + 1) * dim), i * dim);
  }
  return out;
}

const METRIC_CODES: MetricType[] = ['L2', 'IP', 'COSINE'];

export async function writeIvfFile(path: string, index: IvfIndex): Promise<void> {
  const body = Buffer.concat([asBytes(index.centroids), asBytes(index.listOffsets), asBytes(index.listRows)]);
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(INDEX_MAGIC, 0, 'latin1');
  header.writeUInt32LE(INDEX_VERSION, 8);
  header.writeUInt32LE(METRIC_CODES.indexOf(index.metric), 12);
  header.writeUInt32LE(index.dim, 16);
  header.writeUInt32LE(index.nlist, 20);
  header.writeUInt32LE(index.listRows.length, 24);
  header.writeUInt32LE(index.segmentChecksum, 28);
  header.writeUInt32LE(body.length, 32);
  header.writeUInt32LE(crc32(body), 36);
  await writeFileAtomic(path, Buffer.concat([header, body]));
}

export async function readIvfFile(path: string): Promise<IvfIndex> {
  const data = await readFile(path);
  if (data.length < HEADER_BYTES) throw corruptFile(path, `truncated: ${data.length} bytes, the header alone needs ${HEADER_BYTES}`);
  if (data.toString('latin1', 0, 8) !== INDEX_MAGIC) throw corruptFile(path, 'not an index file (bad magic)');
  if (data.readUInt32LE(8) !== INDEX_VERSION) throw corruptFile(path, `unsupported index version ${data.readUInt32LE(8)}`);
  const metric = METRIC_CODES[data.readUInt32LE(12)];
  if (!metric) throw corruptFile(path, `unknown metric code ${data.readUInt32LE(12)}`);
  const dim = data.readUInt32LE(16);
  const nlist = data.readUInt32LE(20);
  const rows = data.readUInt32LE(24);
  const bodyLength = data.readUInt32LE(32);
  const expected = 4 * (nlist * dim + nlist + 1 + rows);
  if (bodyLength !== expected || data.length - HEADER_BYTES !== bodyLength) {
    throw corruptFile(path, `truncated: expected ${expected} body bytes, file has ${data.length - HEADER_BYTES}`);
  }
  const body = new Uint8Array(data.length - HEADER_BYTES); // aligned copy for the typed views
  body.set(data.subarray(HEADER_BYTES));
  if (crc32(body) !== data.readUInt32LE(36)) throw corruptFile(path, 'checksum mismatch (content corrupted)');
  const words = new Uint32Array(body.buffer, 0, body.length / 4);
  const centroids = new Float32Array(body.buffer, 0, nlist * dim);
  const listOffsets = words.subarray(nlist * dim, nlist * dim + nlist + 1);
  const listRows = words.subarray(nlist * dim + nlist + 1);
  return { metric, dim, nlist, centroids, centroidNorms: squaredNorms(centroids, dim), listOffsets, listRows, segmentChecksum: data.readUInt32LE(28) };
}

function asBytes(array: Float32Array | Uint32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}
