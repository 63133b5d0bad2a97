// On-disk formats: sealed segment files, growing logs (WAL) and atomic JSON metadata, all checksummed.
import { open, readFile, rename } from 'node:fs/promises';
import { openSync, closeSync, fsyncSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { corruptFile } from './errors.js';
import { decodeColumns, encodeColumns } from './columns.js';
import { vectorField } from './schema.js';
import type { CollectionSchema, SegmentColumns } from './types.js';

const SEGMENT_MAGIC = 'MVBSEG01';
const WAL_MAGIC = 'MVBWAL01';
const RECORD_MAGIC = 0x5741_4c52;
const VERSION = 1;
export const SEGMENT_HEADER_BYTES = 32;
const WAL_HEADER_BYTES = 16;
const RECORD_HEADER_BYTES = 16;

export function syncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** tmp + fsync + rename + directory fsync: readers see the old or the new content, never a mix. */
export async function writeFileAtomic(path: string, data: Buffer | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  syncDirectory(dirname(path));
}

export async function writeSegmentFile(path: string, schema: CollectionSchema, columns: SegmentColumns): Promise<number> {
  const body = encodeColumns(schema, columns);
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  header.write(SEGMENT_MAGIC, 0, 'latin1');
  header.writeUInt32LE(VERSION, 8);
  header.writeUInt32LE(columns.rowCount, 12);
  header.writeUInt32LE(vectorField(schema).dim!, 16);
  header.writeUInt32LE(body.length, 20);
  const checksum = crc32(body);
  header.writeUInt32LE(checksum, 24);
  await writeFileAtomic(path, Buffer.concat([header, body]));
  return checksum;
}

export interface SegmentFile {
  columns: SegmentColumns;
  checksum: number;
}

export async function readSegmentFile(path: string, schema: CollectionSchema): Promise<SegmentFile> {
  const data = await readFile(path);
  if (data.length < SEGMENT_HEADER_BYTES) {
    throw corruptFile(path, `truncated: ${data.length} bytes, the header alone needs ${SEGMENT_HEADER_BYTES}`);
  }
  if (data.toString('latin1', 0, 8) !== SEGMENT_MAGIC) throw corruptFile(path, `not a segment file (bad magic)`);
  const version = data.readUInt32LE(8);
  if (version !== VERSION) throw corruptFile(path, `unsupported segment version ${version}, expected ${VERSION}`);
  const rows = data.readUInt32LE(12);
  const dim = data.readUInt32LE(16);
  const expectedDim = vectorField(schema).dim!;
  if (dim !== expectedDim) throw corruptFile(path, `dim ${dim} in header, collection dim is ${expectedDim}`);
  const bodyLength = data.readUInt32LE(20);
  const actual = data.length - SEGMENT_HEADER_BYTES;
  if (actual !== bodyLength) throw corruptFile(path, `truncated or padded: header says ${bodyLength} body bytes, file has ${actual}`);
  const body = data.subarray(SEGMENT_HEADER_BYTES);
  const checksum = data.readUInt32LE(24);
  if (crc32(body) !== checksum) throw corruptFile(path, `checksum mismatch (content corrupted)`);
  try {
    return { columns: decodeColumns(schema, body, rows), checksum };
  } catch (error) {
    throw corruptFile(path, (error as Error).message);
  }
}

export function walHeader(schema: CollectionSchema): Buffer {
  const header = Buffer.alloc(WAL_HEADER_BYTES);
  header.write(WAL_MAGIC, 0, 'latin1');
  header.writeUInt32LE(VERSION, 8);
  header.writeUInt32LE(vectorField(schema).dim!, 12);
  return header;
}

/** One framed, checksummed batch of rows: written with a single write() so a crash leaves at most a torn tail. */
export function walRecord(schema: CollectionSchema, columns: SegmentColumns): Buffer {
  const body = encodeColumns(schema, columns);
  const header = Buffer.alloc(RECORD_HEADER_BYTES);
  header.writeUInt32LE(RECORD_MAGIC, 0);
  header.writeUInt32LE(columns.rowCount, 4);
  header.writeUInt32LE(body.length, 8);
  header.writeUInt32LE(crc32(body), 12);
  return Buffer.concat([header, body]);
}

export interface WalRead {
  batches: SegmentColumns[];
  /** Byte offset just past the last complete, valid record. */
  end: number;
}

/**
 * Reads complete records from `data`, which holds the log from its start (`withHeader`) or from a record boundary.
 * A torn or invalid tail ends the log: it was never acknowledged. `end` is relative to `data`.
 */
export function parseWal(path: string, data: Buffer, schema: CollectionSchema, withHeader: boolean): WalRead {
  let at = 0;
  if (withHeader) {
    if (data.length < WAL_HEADER_BYTES) return { batches: [], end: 0 };
    if (data.toString('latin1', 0, 8) !== WAL_MAGIC) throw corruptFile(path, 'not a growing log (bad magic)');
    const dim = data.readUInt32LE(12);
    if (dim !== vectorField(schema).dim) throw corruptFile(path, `dim ${dim} in header, collection dim is ${vectorField(schema).dim}`);
    at = WAL_HEADER_BYTES;
  }
  const batches: SegmentColumns[] = [];
  while (at + RECORD_HEADER_BYTES <= data.length) {
    if (data.readUInt32LE(at) !== RECORD_MAGIC) break;
    const rows = data.readUInt32LE(at + 4);
    const length = data.readUInt32LE(at + 8);
    const bodyStart = at + RECORD_HEADER_BYTES;
    if (bodyStart + length > data.length) break;
    const body = data.subarray(bodyStart, bodyStart + length);
    if (crc32(body) !== data.readUInt32LE(at + 12)) break;
    batches.push(decodeColumns(schema, body, rows));
    at = bodyStart + length;
  }
  return { batches, end: at };
}

/** Bytes of `path` from `offset` to its current end. */
export async function readTail(path: string, offset: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    let read = 0;
    while (read < buffer.length) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, offset + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buffer.subarray(0, read);
  } finally {
    await handle.close();
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export async function readJson<T>(path: string): Promise<T> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw corruptFile(path, `invalid JSON: ${(error as Error).message}`);
  }
}
