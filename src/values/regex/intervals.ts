/**
 * Sets of integers (bytes or Unicode scalar values) as sorted, merged,
 * inclusive ranges, with the set algebra Rust's character classes need.
 *
 * Representation: a flat array `[lo0, hi0, lo1, hi1, …]`, strictly increasing
 * and with no two ranges adjacent. Every function returns a fresh canonical
 * array.
 *
 * @module
 */

/** Canonical flat list of inclusive ranges. */
export type Ranges = readonly number[];

/** The empty set. */
export const EMPTY: Ranges = [];

/** Sorts and merges arbitrary (possibly overlapping) ranges. */
export function canonicalize(flat: readonly number[]): Ranges {
  const n = flat.length / 2;
  if (n === 0) return EMPTY;
  // Range indexes in order of (lo, hi): insertion sort, as classes have few ranges (and are
  // often sorted already); a comparator sort beyond that.
  const before = (a: number, b: number): boolean => flat[2 * a] < flat[2 * b] || (flat[2 * a] === flat[2 * b] && flat[2 * a + 1] < flat[2 * b + 1]);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) idx.push(i);
  if (n <= 32) {
    for (let i = 1; i < n; i++) {
      const current = idx[i];
      let j = i - 1;
      while (j >= 0 && before(current, idx[j])) {
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = current;
    }
  } else {
    idx.sort((a, b) => flat[2 * a] - flat[2 * b] || flat[2 * a + 1] - flat[2 * b + 1]);
  }
  const out: number[] = [];
  for (const i of idx) {
    const lo = flat[2 * i];
    const hi = flat[2 * i + 1];
    const last = out.length - 1;
    if (last > 0 && lo <= out[last] + 1) {
      if (hi > out[last]) out[last] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

/** `a ∪ b`. */
export function union(a: Ranges, b: Ranges): Ranges {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return canonicalize([...a, ...b]);
}

/** `a ∩ b`. */
export function intersect(a: Ranges, b: Ranges): Ranges {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i], b[j]);
    const hi = Math.min(a[i + 1], b[j + 1]);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return canonicalize(out);
}

/** Complement of `a` within `universe` (itself canonical). */
export function complement(a: Ranges, universe: Ranges): Ranges {
  return difference(universe, a);
}

/** `a \ b`. */
export function difference(a: Ranges, b: Ranges): Ranges {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i];
    const hi = a[i + 1];
    while (j < b.length && b[j + 1] < lo) j += 2;
    let k = j;
    while (k < b.length && b[k] <= hi) {
      if (b[k] > lo) out.push(lo, b[k] - 1);
      lo = Math.max(lo, b[k + 1] + 1);
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

/** `(a \ b) ∪ (b \ a)`. */
export function symmetricDifference(a: Ranges, b: Ranges): Ranges {
  return union(difference(a, b), difference(b, a));
}

/** Whether `x` is a member of `a`. */
export function contains(a: Ranges, x: number): boolean {
  let lo = 0;
  let hi = a.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (x < a[2 * mid]) hi = mid - 1;
    else if (x > a[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Whether every member of `a` is below 0x80. */
export function isAllAscii(a: Ranges): boolean {
  return a.length === 0 || a[a.length - 1] <= 0x7f;
}

/**
 * ASCII-only simple case folding (what Rust does for byte classes): for
 * every letter in the set, add the other case.
 */
export function asciiCaseFold(a: Ranges): Ranges {
  const lower = intersect(a, [0x61, 0x7a]);
  const upper = intersect(a, [0x41, 0x5a]);
  if (lower.length === 0 && upper.length === 0) return a;
  const extra: number[] = [];
  for (let i = 0; i < lower.length; i += 2) extra.push(lower[i] - 0x20, lower[i + 1] - 0x20);
  for (let i = 0; i < upper.length; i += 2) extra.push(upper[i] + 0x20, upper[i + 1] + 0x20);
  return canonicalize([...a, ...extra]);
}

/** Number of members (used for size estimates). */
export function cardinality(a: Ranges): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 2) n += a[i + 1] - a[i] + 1;
  return n;
}

/** All bytes. */
export const ALL_BYTES: Ranges = [0x00, 0xff];

/** All Unicode scalar values (surrogates excluded, like Rust's `char`). */
export const ALL_SCALARS: Ranges = [0x0000, 0xd7ff, 0xe000, 0x10ffff];
