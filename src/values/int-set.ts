/**
 * `IntRangeSet`: the compiled form of an Int set (`port in {80 443 8000..8099}`) and of
 * ASN lists.
 *
 * Items become inclusive ranges, sorted and merged (overlapping and adjacent ranges fused).
 * The part of every range inside the safe-integer range (|v| ≤ 2⁵³−1, where all real field
 * values live) is stored in two `Float64Array`s and searched with a binary search on plain
 * numbers, narrowed first by a bucket index over the starts (about two buckets per range)
 * so that large sets such as ASN lists cost a couple of cache misses, not log₂(n).
 * The parts beyond it (int64 values that only a `bigint` can hold) are kept in a
 * separate, usually empty, list of `bigint` ranges, so the common path never touches
 * BigInt.
 *
 * @module
 */

import { type IntSetItem, type IntValue, toIntValue } from './int.js';

const SAFE_MIN = Number.MIN_SAFE_INTEGER;
const SAFE_MAX = Number.MAX_SAFE_INTEGER;
const SAFE_MIN_BIG = BigInt(SAFE_MIN);
const SAFE_MAX_BIG = BigInt(SAFE_MAX);

/** An inclusive range of Int values, as returned by {@link IntRangeSet.ranges}. */
export interface IntRange {
  readonly first: IntValue;
  readonly last: IntValue;
}

/**
 * A set of Int values built from set items, with fast membership tests. Immutable once built.
 */
export class IntRangeSet {
  /** Number of items the set was built from (before merging). */
  readonly itemCount: number;
  // Safe-integer parts: merged ranges [starts[i], ends[i]], sorted, disjoint, non-adjacent.
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  // Bucket index over the starts (see buildIndex): bucket of x is floor((x - min) * scale).
  private readonly table: Uint32Array;
  private readonly min: number;
  private readonly max: number;
  private readonly scale: number;
  // Parts below −(2⁵³−1) or above 2⁵³−1: [bigStarts[i], bigEnds[i]], merged and sorted.
  private readonly bigStarts: bigint[];
  private readonly bigEnds: bigint[];

  /**
   * Builds the set. Items may repeat and overlap; bounds may be `number`s or `bigint`s in
   * the int64 range, canonical or not (`5n` and `5` are the same value).
   *
   * @throws RangeError for a bound that is not an int64 integer or a range with first > last.
   */
  constructor(items: readonly IntSetItem[]) {
    this.itemCount = items.length;
    const s = new Float64Array(items.length);
    const e = new Float64Array(items.length);
    const big: [bigint, bigint][] = [];
    let n = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const first = bound(item.kind === 'value' ? item.value : item.first);
      const last = item.kind === 'value' ? first : bound(item.last);
      if (first > last) throw new RangeError('incompatible range bounds');
      if (typeof first === 'number' && typeof last === 'number') {
        s[n] = first;
        e[n++] = last;
        continue;
      }
      // Split the range into [below safe] [safe] [above safe] pieces.
      if (typeof first === 'bigint' && first < SAFE_MIN_BIG) {
        big.push([first, last < SAFE_MIN_BIG ? BigInt(last) : SAFE_MIN_BIG - 1n]);
      }
      if (typeof last === 'bigint' && last > SAFE_MAX_BIG) {
        big.push([first > SAFE_MAX_BIG ? BigInt(first) : SAFE_MAX_BIG + 1n, last]);
      }
      if (first <= SAFE_MAX && last >= SAFE_MIN) {
        s[n] = first < SAFE_MIN ? SAFE_MIN : Number(first);
        e[n++] = last > SAFE_MAX ? SAFE_MAX : Number(last);
      }
    }
    const merged = mergeNumbers(s.subarray(0, n), e.subarray(0, n));
    this.starts = merged.starts;
    this.ends = merged.ends;
    const index = buildIndex(this.starts);
    this.table = index.table;
    this.min = index.min;
    this.max = index.max;
    this.scale = index.scale;
    const mergedBig = mergeBig(big);
    this.bigStarts = mergedBig.map((r) => r[0]);
    this.bigEnds = mergedBig.map((r) => r[1]);
  }

  /** Same as `new IntRangeSet(items)`; accepts any iterable. */
  static fromItems(items: Iterable<IntSetItem>): IntRangeSet {
    return new IntRangeSet(Array.isArray(items) ? items : Array.from(items));
  }

  /** Number of merged ranges: a measure of the set's memory and lookup cost. */
  get size(): number {
    return this.starts.length + this.bigStarts.length;
  }

  /** True when the set matches nothing (e.g. built from `{}`). */
  get isEmpty(): boolean {
    return this.size === 0;
  }

  /**
   * Membership test. Accepts canonical and non-canonical values (`443n`, or an integral
   * double beyond 2⁵³); anything that is not an integer is never a member.
   */
  has(v: IntValue): boolean {
    if (typeof v === 'number') {
      if (v >= SAFE_MIN && v <= SAFE_MAX) {
        // Fractions fall between integer bounds or on no bound exactly; reject them up front.
        return Number.isInteger(v) && this.hasSafe(v);
      }
      if (this.bigStarts.length === 0 || !Number.isInteger(v)) return false;
      return this.hasBig(BigInt(v));
    }
    if (typeof v === 'bigint') {
      if (v >= SAFE_MIN_BIG && v <= SAFE_MAX_BIG) return this.hasSafe(Number(v));
      return this.bigStarts.length !== 0 && this.hasBig(v);
    }
    return false;
  }

  /** Membership of a safe integer (no checks: the compiled-filter fast path). */
  hasSafe(x: number): boolean {
    // Below the first start: no range can contain x (this also covers an empty set).
    if (x < this.min) return false;
    const starts = this.starts;
    let lo: number;
    let hi: number;
    if (x > this.max) {
      lo = hi = starts.length; // only the last range can contain x
    } else {
      const b = Math.floor((x - this.min) * this.scale);
      lo = this.table[b];
      hi = this.table[b + 1];
    }
    // Upper bound within the bucket: the first range starting after x. Ranges before the
    // bucket start below x and ranges after it above x (the bucket function is monotonic),
    // so range lo - 1 is the last one starting at or before x.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && x <= this.ends[lo - 1];
  }

  private hasBig(x: bigint): boolean {
    const starts = this.bigStarts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && x <= this.bigEnds[lo - 1];
  }

  /** The merged ranges in ascending order, with canonical bounds. For diagnostics and tests. */
  *ranges(): IterableIterator<IntRange> {
    // Order: big ranges below the safe range, safe ranges, big ranges above. Pieces of one
    // original range split at ±(2⁵³−1) are re-joined so callers see true merged ranges.
    const all: { first: IntValue; last: IntValue }[] = [];
    const push = (first: IntValue, last: IntValue) => {
      const prev = all[all.length - 1];
      if (prev !== undefined && BigInt(prev.last) + 1n === BigInt(first)) prev.last = last;
      else all.push({ first, last });
    };
    let b = 0;
    while (b < this.bigStarts.length && this.bigStarts[b] < 0n) {
      push(this.bigStarts[b], this.bigEnds[b]);
      b++;
    }
    for (let i = 0; i < this.starts.length; i++) push(this.starts[i], this.ends[i]);
    for (; b < this.bigStarts.length; b++) push(this.bigStarts[b], this.bigEnds[b]);
    yield* all;
  }
}

/** Validates and canonicalises a set-item bound. */
function bound(v: IntValue): IntValue {
  const c = toIntValue(v);
  if (c === undefined) throw new RangeError(`not an int64 integer: ${String(v)}`);
  return c;
}

/**
 * Union of the inclusive ranges [starts[i], ends[i]] (pairs in any order; sorted in place).
 *
 * Coverage of a point depends only on how many starts are ≤ it and how many ends are
 * < it, not on the pairing, so both arrays are sorted independently with the native
 * numeric sort (no comparator, no JIT warm-up) and swept together; adjacent ranges
 * (`end + 1 === nextStart`) are fused. Bounds are safe integers, so `end + 1` is exact.
 */
function mergeNumbers(starts: Float64Array, ends: Float64Array): { starts: Float64Array; ends: Float64Array } {
  const n = starts.length;
  if (n === 0) return { starts: new Float64Array(0), ends: new Float64Array(0) };
  starts.sort();
  ends.sort();
  // The union never has more ranges than the input, and the write index never passes
  // either read index, so the result is written over the inputs.
  let m = 0;
  let depth = 0;
  let open = 0;
  let i = 0;
  let j = 0;
  while (i < n) {
    const a = starts[i];
    if (a <= ends[j] + 1) {
      if (depth === 0) open = a;
      depth++;
      i++;
    } else {
      depth--;
      if (depth === 0) {
        starts[m] = open;
        ends[m] = ends[j];
        m++;
      }
      j++;
    }
  }
  const last = ends[n - 1];
  starts[m] = open;
  ends[m] = last;
  m++;
  return { starts: starts.slice(0, m), ends: ends.slice(0, m) };
}

/** Upper limit on the bucket index size (2¹⁸ entries = 1 MiB). */
const MAX_BUCKET_BITS = 18;

/**
 * Builds a bucket index over sorted starts, so that a lookup only binary-searches the few
 * ranges starting in x's bucket. The bucket of v is `floor((v - min) * scale)`, a monotonic
 * function (rounding included) that maps [min, max] onto about two buckets per range;
 * `table[b]` is the first range whose start's bucket is ≥ b.
 */
function buildIndex(starts: Float64Array): { table: Uint32Array; min: number; max: number; scale: number } {
  const count = starts.length;
  if (count === 0) return { table: new Uint32Array(2), min: Infinity, max: -Infinity, scale: 0 };
  let bits = 1;
  while (bits < MAX_BUCKET_BITS && 1 << (bits - 1) < count) bits++;
  const size = 1 << bits;
  const min = starts[0];
  const max = starts[count - 1];
  // Largest scale keeping bucket(max) < size despite rounding.
  let scale = max === min ? 0 : (size - 1) / (max - min);
  while (Math.floor((max - min) * scale) >= size) scale /= 2;
  const table = new Uint32Array(size + 1);
  let b = 0;
  for (let i = 0; i < count; i++) {
    const bucket = Math.floor((starts[i] - min) * scale);
    while (b <= bucket) table[b++] = i;
  }
  while (b <= size) table[b++] = count;
  return { table, min, max, scale };
}

/** Union of bigint ranges (rare: only bounds beyond ±(2⁵³−1)); a plain sort is fine. */
function mergeBig(ranges: [bigint, bigint][]): [bigint, bigint][] {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [s, e] of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && s <= last[1] + 1n) {
      if (e > last[1]) last[1] = e;
    } else {
      out.push([s, e]);
    }
  }
  return out;
}
