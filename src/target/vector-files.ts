// Readers for vector files (.npy float32 2-D C-order, .fvecs) that read only the rows asked for,
// so ingest batches and exact-neighbour scans never hold the whole file.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../errors.js';

export type VectorFileFormat = 'npy' | 'fvecs';

export interface VectorFileLayout {
  rows: number;
  dim: number;
  /** byte offset of row 0 */
  dataOffset: number;
  /** bytes from one row to the next */
  rowStride: number;
  /** bytes before the floats inside a row (the fvecs per-row dim header) */
  rowHeader: number;
}

const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

function withFile<T>(path: string, use: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`ingest.vectors.path: cannot open ${path} (${code})`);
  }
  try {
    return use(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

function readExactly(fd: number, target: Uint8Array, position: number): number {
  let done = 0;
  while (done < target.byteLength) {
    const n = readSync(fd, target, done, target.byteLength - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function parseNpyHeader(path: string, fd: number, size: number): VectorFileLayout {
  const prefix = new Uint8Array(12);
  const got = readExactly(fd, prefix, 0);
  if (got < 10 || !Buffer.from(prefix.subarray(0, 6)).equals(NPY_MAGIC)) {
    throw new UsageError(`${path}: not a .npy file (missing the \\x93NUMPY magic)`);
  }
  const major = prefix[6];
  const view = new DataView(prefix.buffer);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const headerBytes = new Uint8Array(headerLength);
  readExactly(fd, headerBytes, headerStart);
  const header = Buffer.from(headerBytes).toString('latin1');

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  if (descr !== '<f4' && descr !== '=f4') {
    throw new UsageError(
      `${path}: dtype '${descr ?? 'unknown'}' is not supported; only little-endian float32 ('<f4') is (numpy: arr.astype('<f4'))`,
    );
  }
  if (/'fortran_order'\s*:\s*True/.test(header)) {
    throw new UsageError(`${path}: Fortran-order arrays are not supported; save a C-order array (numpy: np.ascontiguousarray(arr))`);
  }
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  const shape = (shapeText ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(Number);
  if (shape.length !== 2 || shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new UsageError(`${path}: shape (${shapeText ?? '?'}) is not 2-D; a (rows, dim) float32 array is required`);
  }
  const [rows, dim] = shape;
  const dataOffset = headerStart + headerLength;
  if (size < dataOffset + rows * dim * 4) {
    throw new UsageError(`${path}: truncated: shape (${rows}, ${dim}) needs ${dataOffset + rows * dim * 4} bytes, the file has ${size}`);
  }
  return { rows, dim, dataOffset, rowStride: dim * 4, rowHeader: 0 };
}

function parseFvecsLayout(path: string, fd: number, size: number): VectorFileLayout {
  if (size === 0) return { rows: 0, dim: 0, dataOffset: 0, rowStride: 4, rowHeader: 4 };
  const head = new Uint8Array(4);
  if (readExactly(fd, head, 0) < 4) throw new UsageError(`${path}: not an .fvecs file (shorter than one row header)`);
  const dim = new DataView(head.buffer).getInt32(0, true);
  if (dim <= 0 || dim > 65_536) throw new UsageError(`${path}: not an .fvecs file (first row declares dim ${dim})`);
  const rowStride = 4 + dim * 4;
  if (size % rowStride !== 0) {
    throw new UsageError(`${path}: size ${size} bytes is not a whole number of dim-${dim} .fvecs rows (${rowStride} bytes each)`);
  }
  return { rows: size / rowStride, dim, dataOffset: 0, rowStride, rowHeader: 4 };
}

function layoutOf(path: string, format: VectorFileFormat, fd: number, size: number): VectorFileLayout {
  return format === 'npy' ? parseNpyHeader(path, fd, size) : parseFvecsLayout(path, fd, size);
}

export function readVectorFileLayout(path: string, format: VectorFileFormat): VectorFileLayout {
  return withFile(path, (fd, size) => layoutOf(path, format, fd, size));
}

/** Checks the file against the collection before any data moves; names the file and both dims. */
export function checkVectorFile(path: string, format: VectorFileFormat, dim: number, rows: number): VectorFileLayout {
  const layout = readVectorFileLayout(path, format);
  if (layout.dim !== dim) {
    throw new UsageError(`${path}: vectors have dim ${layout.dim} but collection.dim is ${dim}`);
  }
  if (layout.rows < rows) {
    throw new UsageError(`${path}: holds ${layout.rows} vectors but ingest.rows is ${rows}`);
  }
  return layout;
}

/** Reads rows [start, start + out.length / dim) into `out` (little-endian host assumed, as on x86 and arm64). */
export function readVectorFileRows(path: string, format: VectorFileFormat, dim: number, start: number, out: Float32Array): void {
  const count = out.length / dim;
  withFile(path, (fd, size) => {
    const layout = layoutOf(path, format, fd, size);
    if (layout.dim !== dim) throw new UsageError(`${path}: vectors have dim ${layout.dim} but collection.dim is ${dim}`);
    if (start + count > layout.rows) {
      throw new UsageError(`${path}: holds ${layout.rows} vectors; rows ${start}..${start + count - 1} were asked for`);
    }
    const position = layout.dataOffset + start * layout.rowStride;
    if (layout.rowHeader === 0) {
      readExactly(fd, new Uint8Array(out.buffer, out.byteOffset, count * dim * 4), position);
      return;
    }
    const block = new Uint8Array(count * layout.rowStride);
    readExactly(fd, block, position);
    const headers = new DataView(block.buffer);
    for (let r = 0; r < count; r++) {
      const rowDim = headers.getInt32(r * layout.rowStride, true);
      if (rowDim !== dim) throw new UsageError(`${path}: row ${start + r} declares dim ${rowDim}, expected ${dim}`);
      const floats = new Float32Array(block.buffer, r * layout.rowStride + layout.rowHeader, dim);
      out.set(floats, r * dim);
    }
  });
}
