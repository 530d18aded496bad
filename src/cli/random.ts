/**
 * The one seeded PRNG of the repository (mulberry32) and the weighted choices `generate`
 * builds on it. `wirefilter generate --seed`, the property-style unit tests and the benchmark
 * data all draw from {@link mulberry32}, so a seed means the same sequence everywhere. Not
 * part of the library's public API.
 *
 * @module
 */

/**
 * mulberry32: a small, fast, deterministic 32-bit PRNG. Each call returns the next unsigned
 * 32-bit integer of the seed's sequence.
 */
export function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** {@link mulberry32} scaled to floats in [0, 1): each value is the integer divided by 2^32. */
export function createRandom(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** A weighted choice among fixed entries, its cumulative weights built once. */
export class WeightedTable<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  /** `entries`: each item with its weight (any non-negative scale; they need not sum to 1). */
  constructor(entries: readonly (readonly [T, number])[]) {
    this.items = entries.map(([item]) => item);
    let sum = 0;
    this.cumulative = entries.map(([, weight]) => (sum += weight));
    this.total = sum;
  }

  /** One item, drawn with one call of `random` (floats in [0, 1)). */
  pick(random: () => number): T {
    const x = random() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.cumulative[mid]! > x) high = mid;
      else low = mid + 1;
    }
    return this.items[low]!;
  }
}

const HEX = '0123456789abcdef';
const TOKEN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The draws the traffic generator makes, each from one or more calls of `next`. */
export class Rng {
  /** `next`: floats in [0, 1), e.g. from {@link createRandom}. */
  constructor(readonly next: () => number) {}
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** `length` lowercase hexadecimal digits. */
  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += HEX[Math.floor(this.next() * 16)];
    return out;
  }
  /** `length` characters of the base64url alphabet. */
  token(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += TOKEN[Math.floor(this.next() * TOKEN.length)];
    return out;
  }
}
