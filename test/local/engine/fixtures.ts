// Shared test data for the engine tests: seeded vectors, a mixed-type schema and a temp data dir.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom, type CollectionSpec, type RowBatch } from '../../../src/local/engine/index.js';

export const seeded = seededRandom;

export function uniformVectors(rows: number, dim: number, seed: number): Float32Array {
  return Float32Array.from({ length: rows * dim }, seeded(seed));
}

/** Gaussian mixture: `clusters` centres in [0,1)^dim, σ 0.05 around them. */
export function clusteredVectors(rows: number, dim: number, seed: number, clusters = 200): Float32Array {
  const centres = uniformVectors(clusters, dim, 99);
  const random = seeded(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(random() * clusters);
    for (let i = 0; i < dim; i++) out[r * dim + i] = centres[c * dim + i]! + 0.05 * gauss();
  }
  return out;
}

export const DIM = 16;

export function mixedSpec(name = 'books', autoId = false): CollectionSpec {
  return {
    name,
    fields: [
      { name: 'id', type: 'int64', isPrimary: true, autoId },
      { name: 'price', type: 'float' },
      { name: 'year', type: 'int64' },
      { name: 'available', type: 'bool' },
      { name: 'title', type: 'varchar', maxLength: 64 },
      { name: 'vec', type: 'float_vector', dim: DIM },
    ],
  };
}

/** Rows start..start+count: id = i, price = i / 2, year = 2000 + i % 25, available = even, title = `t${i}`. */
export function mixedBatch(start: number, count: number, vectors: Float32Array, withIds = true): RowBatch {
  const index = Array.from({ length: count }, (_, i) => start + i);
  return {
    rowCount: count,
    columns: {
      ...(withIds ? { id: index.map((i) => BigInt(i)) } : {}),
      price: index.map((i) => i / 2),
      year: index.map((i) => 2000 + (i % 25)),
      available: index.map((i) => i % 2 === 0),
      title: index.map((i) => `t${i}`),
      vec: vectors.subarray(start * DIM, (start + count) * DIM),
    },
  };
}

export async function tempDataDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'engine-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
