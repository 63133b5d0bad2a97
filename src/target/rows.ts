// Insert rows for a batch: primary key, vector and scalar fields, every value a function of the row index.
import type { Scenario, ScalarField, VectorSource } from '../model/index.js';
import { RowRandom, Stream } from './prng.js';

export const PK_FIELD = 'id';
export const VECTOR_FIELD = 'vector';
export const DEFAULT_VARCHAR_MAX_LENGTH = 256;

export type ScalarValue = number | boolean | string;
export type InsertRow = Record<string, ScalarValue | number[]>;

/** Seed for scalars: the vector seed when there is one, so a scenario is reproducible from one number. */
export function dataSeed(source: VectorSource): number {
  return source.kind === 'random' ? source.seed : 0;
}

export function scalarValue(field: ScalarField, fieldIndex: number, seed: number, row: number, random = new RowRandom()): ScalarValue {
  random.reseed(seed, Stream.scalar + fieldIndex, row);
  switch (field.type) {
    case 'int64': {
      const min = Math.ceil(field.min ?? 0);
      const max = Math.floor(field.max ?? 1_000_000);
      return max <= min ? min : min + Math.floor(random.nextDouble() * (max - min));
    }
    case 'float': {
      const min = field.min ?? 0;
      const max = field.max ?? 1;
      return min + random.nextDouble() * (max - min);
    }
    case 'bool':
      return random.nextFloat() < 0.5;
    case 'varchar': {
      const maxLength = field.maxLength ?? DEFAULT_VARCHAR_MAX_LENGTH;
      const values = field.values ?? [];
      const value = values.length > 0 ? values[Math.floor(random.nextFloat() * values.length)] : `row-${row}`;
      return value.slice(0, maxLength);
    }
  }
}

/**
 * Rows for an insert call. `vectors` holds `count` rows starting at `start`.
 * With autoId the server assigns keys, so `id` is left out.
 */
export function buildInsertRows(scenario: Scenario, start: number, vectors: Float32Array): InsertRow[] {
  const { dim, autoId, scalars } = scenario.collection;
  const count = vectors.length / dim;
  const seed = dataSeed(scenario.ingest.vectors);
  const random = new RowRandom();
  const rows: InsertRow[] = new Array(count);
  for (let r = 0; r < count; r++) {
    const rowIndex = start + r;
    // The SDK flattens number[] vectors; a plain array keeps its typings and its checks happy.
    const row: InsertRow = { [VECTOR_FIELD]: Array.from(vectors.subarray(r * dim, (r + 1) * dim)) };
    if (!autoId) row[PK_FIELD] = rowIndex;
    scalars.forEach((field, fieldIndex) => {
      row[field.name] = scalarValue(field, fieldIndex, seed, rowIndex, random);
    });
    rows[r] = row;
  }
  return rows;
}
