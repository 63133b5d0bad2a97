// Typed columns of a segment: building them from an input batch, binary encoding, concatenation and row access.
import { invalidArgument } from './errors.js';
import { vectorField } from './schema.js';
import type { CollectionSchema, ColumnInput, FieldSchema, FieldValue, RowBatch, SegmentColumns } from './types.js';

export function emptyColumns(schema: CollectionSchema): SegmentColumns {
  const columns: SegmentColumns = { rowCount: 0, int64: new Map(), float: new Map(), bool: new Map(), varchar: new Map(), vectors: new Float32Array(0) };
  for (const field of schema.fields) {
    if (field.type === 'int64') columns.int64.set(field.name, new BigInt64Array(0));
    else if (field.type === 'float') columns.float.set(field.name, new Float32Array(0));
    else if (field.type === 'bool') columns.bool.set(field.name, new Uint8Array(0));
    else if (field.type === 'varchar') columns.varchar.set(field.name, []);
  }
  return columns;
}

/** Validates a batch against the schema; `assignedIds` fills an autoId primary key. */
export function columnsFromBatch(schema: CollectionSchema, batch: RowBatch, assignedIds?: BigInt64Array): SegmentColumns {
  const rows = batch.rowCount;
  if (!Number.isInteger(rows) || rows < 1) throw invalidArgument(`rowCount must be a positive integer, got ${rows}`);
  const known = new Set(schema.fields.map((f) => f.name));
  for (const name of Object.keys(batch.columns)) {
    if (!known.has(name)) throw invalidArgument(`field "${name}" does not exist in collection "${schema.name}"`);
  }
  const columns = emptyColumns(schema);
  columns.rowCount = rows;
  for (const field of schema.fields) {
    const input = batch.columns[field.name];
    if (field.autoId) {
      if (input !== undefined) throw invalidArgument(`field "${field.name}" is autoId: do not pass it`);
      columns.int64.set(field.name, assignedIds!);
      continue;
    }
    if (input === undefined) throw invalidArgument(`field "${field.name}" is missing from the insert`);
    const expected = field.type === 'float_vector' ? rows * field.dim! : rows;
    if (input.length !== expected) {
      throw invalidArgument(`field "${field.name}" has ${input.length} values, expected ${expected}${field.type === 'float_vector' ? ` (${rows} rows × dim ${field.dim})` : ''}`);
    }
    setColumn(columns, field, input);
  }
  return columns;
}

function setColumn(columns: SegmentColumns, field: FieldSchema, input: ColumnInput): void {
  const name = field.name;
  switch (field.type) {
    case 'float_vector': {
      const vectors = Float32Array.from(input as ArrayLike<number>);
      if (!vectors.every(Number.isFinite)) throw invalidArgument(`field "${name}" contains a non-finite number`);
      columns.vectors = vectors;
      return;
    }
    case 'int64':
      columns.int64.set(name, BigInt64Array.from(input as ArrayLike<unknown>, (v) => toInt64(name, v)));
      return;
    case 'float':
      columns.float.set(name, Float32Array.from(input as ArrayLike<unknown>, (v) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidArgument(`field "${name}" expects finite numbers, got ${String(v)}`);
        return v;
      }));
      return;
    case 'bool':
      columns.bool.set(name, Uint8Array.from(input as ArrayLike<unknown>, (v) => {
        if (typeof v !== 'boolean') throw invalidArgument(`field "${name}" expects booleans, got ${String(v)}`);
        return v ? 1 : 0;
      }));
      return;
    case 'varchar':
      columns.varchar.set(name, Array.from(input as ArrayLike<unknown>, (v) => {
        if (typeof v !== 'string') throw invalidArgument(`field "${name}" expects strings, got ${String(v)}`);
        if (Buffer.byteLength(v) > field.maxLength!) throw invalidArgument(`field "${name}": value longer than maxLength ${field.maxLength} bytes`);
        return v;
      }));
  }
}

function toInt64(name: string, value: unknown): bigint {
  if (typeof value === 'bigint') return BigInt.asIntN(64, value) === value ? value : fail();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) {
    const parsed = BigInt(value);
    return BigInt.asIntN(64, parsed) === parsed ? parsed : fail();
  }
  return fail();
  function fail(): never {
    throw invalidArgument(`field "${name}" expects int64 values (bigint, safe integer or decimal string), got ${String(value)}`);
  }
}

const pad8 = (n: number): number => (n + 7) & ~7;

/** Body layout: fields in schema order, each section padded to 8 bytes. */
export function encodeColumns(schema: CollectionSchema, columns: SegmentColumns): Buffer {
  const parts: Buffer[] = [];
  const rows = columns.rowCount;
  for (const field of schema.fields) {
    if (field.type === 'varchar') {
      const texts = columns.varchar.get(field.name)!;
      const bytes = texts.map((t) => Buffer.from(t));
      const offsets = new Uint32Array(rows + 1);
      for (let i = 0; i < rows; i++) offsets[i + 1] = offsets[i]! + bytes[i]!.length;
      parts.push(padded(Buffer.from(offsets.buffer, offsets.byteOffset, offsets.byteLength)), padded(Buffer.concat(bytes)));
    } else {
      const array = typedColumn(columns, field);
      parts.push(padded(Buffer.from(array.buffer, array.byteOffset, array.byteLength)));
    }
  }
  return Buffer.concat(parts);
}

function padded(buffer: Buffer): Buffer {
  const size = pad8(buffer.length);
  return size === buffer.length ? buffer : Buffer.concat([buffer, Buffer.alloc(size - buffer.length)]);
}

function typedColumn(columns: SegmentColumns, field: FieldSchema): BigInt64Array | Float32Array | Uint8Array {
  if (field.type === 'int64') return columns.int64.get(field.name)!;
  if (field.type === 'float') return columns.float.get(field.name)!;
  if (field.type === 'bool') return columns.bool.get(field.name)!;
  return columns.vectors;
}

/** Inverse of encodeColumns; throws a plain Error describing the first inconsistency (callers add the file name). */
export function decodeColumns(schema: CollectionSchema, body: Buffer, rows: number): SegmentColumns {
  const columns = emptyColumns(schema);
  columns.rowCount = rows;
  let at = 0;
  const take = (bytes: number, what: string): Uint8Array => {
    if (at + bytes > body.length) throw new Error(`body too short for ${what}: needs ${at + bytes} bytes, has ${body.length}`);
    const copy = new Uint8Array(bytes); // own ArrayBuffer at offset 0: aligned for any typed view
    copy.set(body.subarray(at, at + bytes));
    at += pad8(bytes);
    return copy;
  };
  for (const field of schema.fields) {
    const name = field.name;
    if (field.type === 'int64') columns.int64.set(name, new BigInt64Array(take(8 * rows, name).buffer, 0, rows));
    else if (field.type === 'float') columns.float.set(name, new Float32Array(take(4 * rows, name).buffer, 0, rows));
    else if (field.type === 'bool') columns.bool.set(name, take(rows, name));
    else if (field.type === 'float_vector') columns.vectors = new Float32Array(take(4 * rows * field.dim!, name).buffer, 0, rows * field.dim!);
    else {
      const offsets = new Uint32Array(take(4 * (rows + 1), name).buffer, 0, rows + 1);
      const text = take(offsets[rows]!, name);
      const values: string[] = new Array(rows);
      const decoder = new TextDecoder();
      for (let i = 0; i < rows; i++) values[i] = decoder.decode(text.subarray(offsets[i], offsets[i + 1]));
      columns.varchar.set(name, values);
    }
  }
  return columns;
}

export function concatColumns(schema: CollectionSchema, parts: SegmentColumns[]): SegmentColumns {
  if (parts.length === 1) return parts[0]!;
  const out = emptyColumns(schema);
  out.rowCount = parts.reduce((n, p) => n + p.rowCount, 0);
  const dim = vectorField(schema).dim!;
  out.vectors = joinTyped(parts.map((p) => p.vectors), new Float32Array(out.rowCount * dim));
  for (const name of out.int64.keys()) out.int64.set(name, joinTyped(parts.map((p) => p.int64.get(name)!), new BigInt64Array(out.rowCount)));
  for (const name of out.float.keys()) out.float.set(name, joinTyped(parts.map((p) => p.float.get(name)!), new Float32Array(out.rowCount)));
  for (const name of out.bool.keys()) out.bool.set(name, joinTyped(parts.map((p) => p.bool.get(name)!), new Uint8Array(out.rowCount)));
  for (const name of out.varchar.keys()) out.varchar.set(name, parts.flatMap((p) => p.varchar.get(name)!));
  return out;
}

function joinTyped<T extends Float32Array | BigInt64Array | Uint8Array>(arrays: T[], target: T): T {
  let at = 0;
  for (const array of arrays) {
    (target as Float32Array).set(array as Float32Array, at);
    at += array.length;
  }
  return target;
}

/** Value of one field at one row, in the engine's public value types. */
export function fieldValue(columns: SegmentColumns, field: FieldSchema, row: number): FieldValue {
  switch (field.type) {
    case 'int64': return columns.int64.get(field.name)![row]!;
    case 'float': return columns.float.get(field.name)![row]!;
    case 'bool': return columns.bool.get(field.name)![row] === 1;
    case 'varchar': return columns.varchar.get(field.name)![row]!;
    case 'float_vector': return columns.vectors.slice(row * field.dim!, (row + 1) * field.dim!);
  }
}
