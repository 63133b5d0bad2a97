// Row-range views of segment columns (used to split an append across segment boundaries).
import { emptyColumns } from './columns.js';
import type { CollectionSchema, SegmentColumns } from './types.js';
import { vectorField } from './schema.js';

export function sliceColumns(schema: CollectionSchema, columns: SegmentColumns, start: number, end: number): SegmentColumns {
  const out = emptyColumns(schema);
  const dim = vectorField(schema).dim!;
  out.rowCount = end - start;
  out.vectors = columns.vectors.subarray(start * dim, end * dim);
  for (const [name, column] of columns.int64) out.int64.set(name, column.subarray(start, end));
  for (const [name, column] of columns.float) out.float.set(name, column.subarray(start, end));
  for (const [name, column] of columns.bool) out.bool.set(name, column.subarray(start, end));
  for (const [name, column] of columns.varchar) out.varchar.set(name, column.slice(start, end));
  return out;
}
