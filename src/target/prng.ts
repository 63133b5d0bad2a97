// A seeded random stream per (seed, stream, row): any process regenerates row i alone, without rows 0..i-1.
// xoshiro128** on 32-bit integer ops (JS has no fast 64-bit math), seeded through a murmur-style mixer.

const TWO_POW_MINUS_24 = 2 ** -24;
const TWO_POW_MINUS_32 = 2 ** -32;
const TWO_PI = 2 * Math.PI;

/** Named streams keep vectors, scalars, centres and queries independent for one seed. */
export const Stream = {
  vector: 0x76656374,
  centre: 0x63656e74,
  query: 0x71756572,
  scalar: 0x7363616c,
} as const;

function mix32(value: number): number {
  let x = value | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) | 0;
}

/** Folds any finite number (negative, > 2^32, fractional) into 32 bits so every seed is usable. */
export function seed32(seed: number): number {
  const whole = Math.trunc(seed);
  const low = whole % 0x1_0000_0000;
  const high = Math.floor(whole / 0x1_0000_0000);
  return mix32(low ^ mix32(high + 0x5bd1e995));
}

export class RowRandom {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal = 0;
  private hasSpare = false;

  constructor(seed = 0, stream = 0, row = 0) {
    this.reseed(seed, stream, row);
  }

  /** Positions the stream at the start of `row`; cheap enough to call once per row. */
  reseed(seed: number, stream: number, row: number): this {
    const rowLow = row % 0x1_0000_0000;
    const rowHigh = Math.floor(row / 0x1_0000_0000);
    const base = mix32(seed32(seed) ^ mix32(stream + 0x9e3779b9));
    const key = mix32(base ^ mix32(rowLow ^ 0x85ebca6b) ^ mix32(rowHigh + 0xc2b2ae35));
    this.s0 = mix32(key + 0x6a09e667);
    this.s1 = mix32(key + 0xbb67ae85);
    this.s2 = mix32(key + 0x3c6ef372);
    this.s3 = mix32(key + 0xa54ff53a) | 1; // the all-zero state is a fixed point
    this.hasSpare = false;
    return this;
  }

  nextUint32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result >>> 0;
  }

  /** [0, 1) with 24 bits: exactly representable in float32, so it never rounds up to 1. */
  nextFloat(): number {
    return (this.nextUint32() >>> 8) * TWO_POW_MINUS_24;
  }

  /** [0, 1) with 32 bits, for ranges wider than float32 resolution (int64 scalars). */
  nextDouble(): number {
    return this.nextUint32() * TWO_POW_MINUS_32;
  }

  /** Standard normal (Box–Muller, both outputs used). */
  nextNormal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    const u1 = 1 - this.nextFloat(); // (0, 1]: log stays finite
    const u2 = this.nextFloat();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = TWO_PI * u2;
    this.spareNormal = radius * Math.sin(angle);
    this.hasSpare = true;
    return radius * Math.cos(angle);
  }
}
