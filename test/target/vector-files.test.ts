import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { readVectorFileLayout, vectorRows } from '../../src/target/index.js';
import { checkVectorFile } from '../../src/target/vector-files.js';

const dir = mkdtempSync(join(tmpdir(), 'milvus-bench-vectors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a .npy the way numpy does: magic, version, little-endian header length, dict padded to 64 bytes. */
function writeNpy(name: string, header: string, payload: Uint8Array, version = 1): string {
  const prefixLength = version === 1 ? 10 : 12;
  let dict = header;
  const total = prefixLength + dict.length + 1;
  dict += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(prefixLength);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(prefix);
  if (version === 1) prefix.writeUInt16LE(dict.length, 8);
  else prefix.writeUInt32LE(dict.length, 8);
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(dict, 'latin1'), Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)]));
  return path;
}

function matrix(rows: number, dim: number): Float32Array {
  return Float32Array.from({ length: rows * dim }, (_, i) => i * 0.5 - 3);
}

function writeFvecs(name: string, rows: number, dim: number, badRow = -1): string {
  const data = matrix(rows, dim);
  const buffer = Buffer.alloc(rows * (4 + dim * 4));
  for (let r = 0; r < rows; r++) {
    const base = r * (4 + dim * 4);
    buffer.writeInt32LE(r === badRow ? dim + 1 : dim, base);
    for (let d = 0; d < dim; d++) buffer.writeFloatLE(data[r * dim + d], base + 4 + d * 4);
  }
  const path = join(dir, name);
  writeFileSync(path, buffer);
  return path;
}

const npyHeader = (descr: string, shape: string, fortran = 'False') =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('.npy', () => {
  it('reads any row range of a float32 (rows, dim) array, versions 1 and 2', () => {
    const data = matrix(10, 3);
    for (const version of [1, 2]) {
      const path = writeNpy(`ok-v${version}.npy`, npyHeader('<f4', '(10, 3)'), new Uint8Array(data.buffer), version);
      const source = { kind: 'file' as const, path, format: 'npy' as const };
      expect(readVectorFileLayout(path, 'npy')).toMatchObject({ rows: 10, dim: 3 });
      expect(vectorRows(source, 3, 0, 10)).toEqual(data);
      expect(vectorRows(source, 3, 4, 3)).toEqual(data.subarray(12, 21));
    }
  });

  it('rejects other dtypes, Fortran order, non-2-D shapes, truncated data and non-npy files, naming the file', () => {
    const payload = new Uint8Array(10 * 3 * 8);
    const f8 = writeNpy('f8.npy', npyHeader('<f8', '(10, 3)'), payload);
    expect(usageMessage(() => readVectorFileLayout(f8, 'npy'))).toBe(
      `${f8}: dtype '<f8' is not supported; only little-endian float32 ('<f4') is (numpy: arr.astype('<f4'))`,
    );
    const big = writeNpy('big-endian.npy', npyHeader('>f4', '(10, 3)'), payload);
    expect(usageMessage(() => readVectorFileLayout(big, 'npy'))).toContain("dtype '>f4' is not supported");
    const fortran = writeNpy('fortran.npy', npyHeader('<f4', '(10, 3)', 'True'), payload);
    expect(usageMessage(() => readVectorFileLayout(fortran, 'npy'))).toContain(`${fortran}: Fortran-order arrays are not supported`);
    const oneD = writeNpy('1d.npy', npyHeader('<f4', '(30,)'), payload);
    expect(usageMessage(() => readVectorFileLayout(oneD, 'npy'))).toBe(`${oneD}: shape (30,) is not 2-D; a (rows, dim) float32 array is required`);
    const threeD = writeNpy('3d.npy', npyHeader('<f4', '(2, 3, 5)'), payload);
    expect(usageMessage(() => readVectorFileLayout(threeD, 'npy'))).toContain('is not 2-D');
    const short = writeNpy('short.npy', npyHeader('<f4', '(100, 3)'), payload);
    expect(usageMessage(() => readVectorFileLayout(short, 'npy'))).toContain(`${short}: truncated`);
    const text = join(dir, 'text.npy');
    writeFileSync(text, 'hello, not numpy');
    expect(usageMessage(() => readVectorFileLayout(text, 'npy'))).toContain(`${text}: not a .npy file`);
    expect(usageMessage(() => readVectorFileLayout(join(dir, 'missing.npy'), 'npy'))).toContain('cannot open');
  });

  it('dim mismatch names the file and both dims; too few rows names the counts', () => {
    const path = writeNpy('dim.npy', npyHeader('<f4', '(10, 3)'), new Uint8Array(matrix(10, 3).buffer));
    expect(usageMessage(() => checkVectorFile(path, 'npy', 4, 10))).toBe(`${path}: vectors have dim 3 but collection.dim is 4`);
    expect(usageMessage(() => checkVectorFile(path, 'npy', 3, 11))).toBe(`${path}: holds 10 vectors but ingest.rows is 11`);
    expect(usageMessage(() => vectorRows({ kind: 'file', path, format: 'npy' }, 4, 0, 1))).toContain('collection.dim is 4');
    expect(usageMessage(() => vectorRows({ kind: 'file', path, format: 'npy' }, 3, 8, 5))).toContain('holds 10 vectors');
  });
});

describe('.fvecs', () => {
  it('reads any row range, dropping the per-row dim headers', () => {
    const path = writeFvecs('ok.fvecs', 7, 5);
    const source = { kind: 'file' as const, path, format: 'fvecs' as const };
    expect(readVectorFileLayout(path, 'fvecs')).toMatchObject({ rows: 7, dim: 5 });
    expect(vectorRows(source, 5, 0, 7)).toEqual(matrix(7, 5));
    expect(vectorRows(source, 5, 2, 3)).toEqual(matrix(7, 5).subarray(10, 25));
  });

  it('rejects ragged files, bad row headers and dim mismatches', () => {
    const ragged = join(dir, 'ragged.fvecs');
    const bytes = Buffer.alloc(4 + 5 * 4 + 3);
    bytes.writeInt32LE(5, 0);
    writeFileSync(ragged, bytes);
    expect(usageMessage(() => readVectorFileLayout(ragged, 'fvecs'))).toContain(`${ragged}: size 27 bytes is not a whole number of dim-5 .fvecs rows`);
    const badRow = writeFvecs('bad-row.fvecs', 4, 5, 2);
    expect(usageMessage(() => vectorRows({ kind: 'file', path: badRow, format: 'fvecs' }, 5, 0, 4))).toBe(
      `${badRow}: row 2 declares dim 6, expected 5`,
    );
    const path = writeFvecs('dim.fvecs', 3, 5);
    expect(usageMessage(() => checkVectorFile(path, 'fvecs', 8, 3))).toBe(`${path}: vectors have dim 5 but collection.dim is 8`);
    const garbage = join(dir, 'garbage.fvecs');
    writeFileSync(garbage, Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]));
    expect(usageMessage(() => readVectorFileLayout(garbage, 'fvecs'))).toContain('not an .fvecs file');
  });
});
