/**
 * Seeded random numbers.
 *
 * Contract: a generator created with the same seed yields the same sequence bit for bit, on any
 * machine running the same Node.js major version. Integer outputs use only 32-bit integer arithmetic
 * (`Math.imul`, shifts), so they are identical everywhere; floating-point outputs are derived from
 * them by exact operations, except `normal()`, which goes through `Math.log`, `Math.sqrt` and
 * `Math.cos`/`Math.sin` (V8 implements these in software, the same on every platform).
 *
 * The generator is xoshiro128** (Blackman and Vigna), seeded through splitmix32 so that nearby seeds
 * give unrelated streams. It is fast, has a period of 2^128 − 1 and passes BigCrush; it is not
 * cryptographic.
 */
export interface Rng {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number;
  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A uniform double in [lo, hi). */
  range(lo: number, hi: number): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** A standard normal variate (Box–Muller; the second variate of each pair is kept for the next call). */
  normal(): number;
  /** Fills `out` with standard normal variates and returns it. */
  fillNormal<T extends Float32Array | Float64Array>(out: T): T;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A new generator whose stream is independent of this one's future output. */
  split(): Rng;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Hashes a string seed to 32 bits (FNV-1a), so that `createRng('chair-17')` is reproducible too. */
export function hashSeed(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Creates a generator. Integer seeds are taken modulo 2^32 (so use integers below 2^32 to keep them
 * distinct); string seeds are hashed.
 */
export function createRng(seed: number | string): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) throw new Error(`createRng: seed must be finite, got ${seed}`);
  const sm = splitmix32(typeof seed === 'string' ? hashSeed(seed) : Math.trunc(seed) >>> 0);
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  if ((a | b | c | d) === 0) a = 1; // the all-zero state is a fixed point

  let spare = 0;
  let hasSpare = false;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };

  const uniform = (): number => {
    const hi = nextUint32() >>> 5; // 27 bits
    const lo = nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  };

  const rng: Rng = {
    nextUint32,
    uniform,
    range: (lo, hi) => lo + (hi - lo) * uniform(),
    int: (n) => {
      if (!(n >= 1)) throw new Error(`Rng.int: n must be ≥ 1, got ${n}`);
      return Math.floor(uniform() * Math.floor(n));
    },
    normal: () => {
      if (hasSpare) {
        hasSpare = false;
        return spare;
      }
      const u1 = 1 - uniform(); // (0, 1]: log stays finite
      const u2 = uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      spare = r * Math.sin(theta);
      hasSpare = true;
      return r * Math.cos(theta);
    },
    fillNormal: (out) => {
      for (let i = 0; i < out.length; i++) out[i] = rng.normal();
      return out;
    },
    pick: (items) => {
      if (items.length === 0) throw new Error('Rng.pick: empty array');
      return items[rng.int(items.length)];
    },
    split: () => createRng(nextUint32() ^ Math.imul(nextUint32(), 0x27d4eb2d)),
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
