// Hot loops: dot products, norms and a bounded max-heap for top-K selection (smaller distance = better).

export function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  const end4 = dim - (dim & 3);
  for (; i < end4; i += 4) {
    s0 += a[aOffset + i]! * b[bOffset + i]!;
    s1 += a[aOffset + i + 1]! * b[bOffset + i + 1]!;
    s2 += a[aOffset + i + 2]! * b[bOffset + i + 2]!;
    s3 += a[aOffset + i + 3]! * b[bOffset + i + 3]!;
  }
  for (; i < dim; i++) s0 += a[aOffset + i]! * b[bOffset + i]!;
  return s0 + s1 + s2 + s3;
}

/** Squared L2 norm of each row. */
export function squaredNorms(vectors: Float32Array, dim: number): Float32Array {
  const rows = vectors.length / dim;
  const norms = new Float32Array(rows);
  for (let r = 0; r < rows; r++) norms[r] = dot(vectors, r * dim, vectors, r * dim, dim);
  return norms;
}

/** Unit-length copy of each row (zero rows stay zero). */
export function normalizedRows(vectors: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(vectors.length);
  const rows = vectors.length / dim;
  for (let r = 0; r < rows; r++) {
    const norm = Math.sqrt(dot(vectors, r * dim, vectors, r * dim, dim));
    const scale = norm > 0 ? 1 / norm : 0;
    for (let i = 0; i < dim; i++) out[r * dim + i] = vectors[r * dim + i]! * scale;
  }
  return out;
}

/** Keeps the k smallest distances seen; the worst kept one sits at the root. */
export class TopK {
  private readonly distances: Float64Array;
  private readonly rows: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.distances = new Float64Array(k);
    this.rows = new Int32Array(k);
  }

  /** Distance a candidate must beat to enter (Infinity until full). */
  bound(): number {
    return this.size < this.k ? Infinity : this.distances[0]!;
  }

  push(distance: number, row: number): void {
    const d = this.distances;
    const r = this.rows;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (d[parent]! >= distance) break;
        d[i] = d[parent]!;
        r[i] = r[parent]!;
        i = parent;
      }
      d[i] = distance;
      r[i] = row;
      return;
    }
    if (distance >= d[0]!) return;
    let i = 0;
    const n = this.size;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && d[right]! > d[left]! ? right : left;
      if (d[child]! <= distance) break;
      d[i] = d[child]!;
      r[i] = r[child]!;
      i = child;
    }
    d[i] = distance;
    r[i] = row;
  }

  /** Best first. */
  sorted(): { row: number; distance: number }[] {
    const out = [];
    for (let i = 0; i < this.size; i++) out.push({ row: this.rows[i]!, distance: this.distances[i]! });
    return out.sort((a, b) => a.distance - b.distance || a.row - b.row);
  }
}

/** Deterministic PRNG in [0, 1): k-means sampling and seeded test / bench data. */
export { seededRandom } from '../../random.js';
