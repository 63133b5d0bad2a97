// Deterministic data vectors by row index: the same (source, dim, row) gives the same floats in any
// process and for any batch boundaries, so ingest, exact neighbours and query vectors agree.
import type { VectorSource } from '../model/index.js';
import { RowRandom, Stream } from './prng.js';
import { readVectorFileRows } from './vector-files.js';

/** Gaussian-mixture settings for `clustered`: few enough centres for IVF to matter, tight enough to be clusters. */
export const CLUSTER_COUNT = 128;
export const CLUSTER_SIGMA = 0.05;

type RandomSource = Extract<VectorSource, { kind: 'random' }>;

const centreCache = new Map<string, Float32Array>();

/** CLUSTER_COUNT × dim centres, uniform in [0, 1), from the seed alone. */
export function clusterCentres(seed: number, dim: number): Float32Array {
  const key = `${seed}:${dim}`;
  let centres = centreCache.get(key);
  if (!centres) {
    centres = new Float32Array(CLUSTER_COUNT * dim);
    const random = new RowRandom();
    for (let c = 0; c < CLUSTER_COUNT; c++) {
      random.reseed(seed, Stream.centre, c);
      for (let d = 0; d < dim; d++) centres[c * dim + d] = random.nextFloat();
    }
    if (centreCache.size > 16) centreCache.clear();
    centreCache.set(key, centres);
  }
  return centres;
}

function fillRandomRows(source: RandomSource, dim: number, start: number, out: Float32Array): void {
  const count = out.length / dim;
  const random = new RowRandom();
  const centres = source.distribution === 'clustered' ? clusterCentres(source.seed, dim) : null;
  for (let r = 0; r < count; r++) {
    random.reseed(source.seed, Stream.vector, start + r);
    const base = r * dim;
    if (source.distribution === 'uniform') {
      for (let d = 0; d < dim; d++) out[base + d] = random.nextFloat();
    } else if (source.distribution === 'normal') {
      for (let d = 0; d < dim; d++) out[base + d] = random.nextNormal();
    } else {
      const centre = (random.nextUint32() % CLUSTER_COUNT) * dim;
      for (let d = 0; d < dim; d++) out[base + d] = centres![centre + d] + CLUSTER_SIGMA * random.nextNormal();
    }
  }
}

/** Fills `out` (a multiple of dim long) with rows start, start+1, … */
export function fillVectorRows(source: VectorSource, dim: number, start: number, out: Float32Array): void {
  if (source.kind === 'random') fillRandomRows(source, dim, start, out);
  else readVectorFileRows(source.path, source.format, dim, start, out);
}

/** Rows [start, start + count) as one flat row-major Float32Array. */
export function vectorRows(source: VectorSource, dim: number, start: number, count: number): Float32Array {
  const out = new Float32Array(count * dim);
  fillVectorRows(source, dim, start, out);
  return out;
}
