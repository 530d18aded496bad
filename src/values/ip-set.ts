/**
 * `IpRangeSet`: the compiled form of an IP set (`ip.src in { … }`) and of IP lists.
 *
 * Layout, chosen for lookups in sets of 100,000+ items:
 *
 * * Every item becomes an inclusive range. Ranges are sorted and merged (overlapping and
 *   adjacent ranges fused) per family, so membership is "find the last range starting at
 *   or before x, check that it ends at or after x".
 * * IPv4 ranges live in one `Uint32Array` as `[start, end]` pairs; IPv6 ranges in one
 *   `Uint32Array` as eight words per range (four for the start, four for the end, most
 *   significant first). Comparisons are plain number comparisons word by word, never
 *   BigInt, and the end a lookup finally checks sits in the same cache line as the start
 *   the search stopped at.
 * * A bucket index over the (first) word narrows the binary search to the few ranges that
 *   start in the same bucket as x. Buckets split the interval between the lowest and the
 *   highest start (not the whole address space), so clustered data such as IPv6 inside
 *   `2000::/3` or IPv4 inside `10.0.0.0/8` still spreads over all buckets. There are about
 *   two buckets per range (at most 2¹⁸), so small sets stay small.
 *
 * Building sorts with the native `BigUint64Array` sort (IPv4: the 64-bit key
 * `start · 2³² + end` is the whole record; IPv6: one 32-bit word at a time with the record
 * index as payload), then sweeps once to merge. On a 2-vCPU VM, 100,000 mixed CIDRs build
 * in about 25–35 ms when the code is warm and 40–65 ms on a cold start.
 *
 * @module
 */

import { type IpAddress, type IpSetItem, ipv4Address, ipv6Address } from './ip.js';

/** Up to this many IPv6 records, an insertion sort beats setting up a native sort. */
const SMALL_SORT = 16;
/** Families of up to this many ranges are scanned instead of searched. */
const SMALL_SET_SCAN = 8;
/** Upper limit on the bucket index size (2¹⁸ entries = 1 MiB). */
const MAX_BUCKET_BITS = 18;
/** A bound greater than any 32-bit word: the "lowest start" of an empty family. */
const NO_START = 0x100000000;
const EMPTY_U32 = new Uint32Array(0);
const EMPTY_BUCKETS = new Uint32Array(2);

/** An inclusive range of addresses of one family, as returned by {@link IpRangeSet.ranges}. */
export interface IpRange {
  readonly first: IpAddress;
  readonly last: IpAddress;
}

/** The 32-bit mask with the first `bits` (clamped to 0…32) bits set. */
function wordMask(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  // `<< 32` is a no-op in JavaScript, hence the explicit bounds above.
  return (0xffffffff << (32 - bits)) >>> 0;
}

/** A bucket index over sorted 32-bit keys; see {@link buildBuckets}. */
interface Buckets {
  table: Uint32Array;
  /** Lowest key (the first range's key), or {@link NO_START} when there are no ranges. */
  min: number;
  /** Highest key. */
  max: number;
  shift: number;
}

/**
 * Builds the bucket index over the sorted ranges in `r` (`stride` words per range; the key
 * is word `keyWord` of the range's start). Key k falls in bucket `(k - min) >>> shift`;
 * `table[b]` is the index of the first range whose key's bucket is ≥ b, for b in
 * 0 … 2^bits, so the ranges starting in bucket b are `[table[b], table[b+1])`.
 */
function buildBuckets(r: Uint32Array, stride: number, keyWord: number): Buckets {
  const count = r.length / stride;
  if (count === 0) return { table: EMPTY_BUCKETS, min: NO_START, max: 0, shift: 0 };
  // Lookups scan families this small and never read the table.
  if (count <= SMALL_SET_SCAN) return { table: EMPTY_BUCKETS, min: r[keyWord]!, max: r[(count - 1) * stride + keyWord]!, shift: 0 };
  let bits = 1;
  while (bits < MAX_BUCKET_BITS && 1 << (bits - 1) < count) bits++;
  const size = 1 << bits;
  const min = r[keyWord];
  const max = r[(count - 1) * stride + keyWord];
  const span = max - min;
  // The smallest shift that brings the span under `size`: span < 2^(bits + shift).
  const shift = span === 0 ? 0 : Math.max(0, 32 - Math.clz32(span) - bits);
  const table = new Uint32Array(size + 1);
  // Record, for each range in order, where its bucket begins; buckets no range starts in
  // inherit the next range's index.
  let b = 0;
  for (let i = 0; i < count; i++) {
    const bucket = (r[i * stride + keyWord] - min) >>> shift;
    while (b <= bucket) table[b++] = i;
  }
  while (b <= size) table[b++] = count;
  return { table, min, max, shift };
}

/**
 * The first start word in which the sorted IPv6 ranges of `r` differ (0 … 3): all starts
 * share the words before it (e.g. a list of /64s inside one /32), so bucketing on them
 * would put every range in the same bucket.
 */
function firstVaryingWord(r: Uint32Array): number {
  const last = r.length - 8;
  let w = 0;
  while (w < 3 && r[w] === r[last + w]) w++;
  return w;
}

/**
 * A set of IPv4 and IPv6 addresses built from set items, with fast membership tests.
 * Immutable once built. IPv4 addresses only ever match IPv4 items and IPv6 addresses only
 * IPv6 items (an IPv4-mapped IPv6 address does not match an IPv4 CIDR).
 */
export class IpRangeSet {
  /** Number of items the set was built from (before merging). */
  readonly itemCount: number;
  /** Number of merged IPv4 ranges. */
  readonly ipv4RangeCount: number;
  /** Number of merged IPv6 ranges. */
  readonly ipv6RangeCount: number;

  // IPv4: range i is [r4[2i], r4[2i+1]]; sorted, disjoint and non-adjacent.
  private readonly r4: Uint32Array;
  private readonly t4: Uint32Array;
  private readonly min4: number;
  private readonly max4: number;
  private readonly shift4: number;
  // IPv6: range i is words [8i, 8i+4) (start) and [8i+4, 8i+8) (end) of r6.
  private readonly r6: Uint32Array;
  // Buckets are keyed on start word `key6`; every start shares words [0, key6) with r6[0…3].
  private readonly key6: number;
  private readonly t6: Uint32Array;
  private readonly min6: number;
  private readonly max6: number;
  private readonly shift6: number;

  /**
   * Builds the set. Items may repeat and overlap. A CIDR item whose address has host bits
   * set is widened to its enclosing block (the literal parser rejects those anyway).
   *
   * @throws RangeError for a malformed item: a prefix outside 0…32 / 0…128, or a range
   *   whose ends differ in family or are out of order.
   */
  constructor(items: readonly IpSetItem[]) {
    this.itemCount = items.length;
    const n4 = countIpv4Items(items);
    // IPv4 items become 64-bit sort keys `start << 32 | end`; IPv6 items eight-word records.
    // A handful of IPv4 items (the usual literal set) are sorted by insertion in a plain word
    // array: setting up the native 64-bit sort cost more than the whole rest of a small set.
    const keys4 = n4 <= SMALL_SORT ? undefined : new BigUint64Array(n4);
    const words4 = keys4 === undefined ? new Uint32Array(n4 * 2) : new Uint32Array(keys4.buffer);
    const n6 = items.length - n4;
    const rec6 = n6 === 0 ? EMPTY_U32 : new Uint32Array(n6 * 8);
    collectRecords(items, words4, rec6);

    if (keys4 === undefined) insertionSortIpv4(words4);
    else keys4.sort();
    const r4 = mergeIpv4(words4);
    this.r4 = r4;
    this.ipv4RangeCount = r4.length >>> 1;
    const b4 = buildBuckets(r4, 2, 0);
    this.t4 = b4.table;
    this.min4 = b4.min;
    this.max4 = b4.max;
    this.shift4 = b4.shift;

    // One record is already sorted and merged (and no record needs either).
    const r6 = n6 <= 1 ? rec6 : mergeIpv6(rec6, sortIpv6(rec6));
    this.r6 = r6;
    this.ipv6RangeCount = r6.length >>> 3;
    this.key6 = r6.length === 0 ? 0 : firstVaryingWord(r6);
    const b6 = buildBuckets(r6, 8, this.key6);
    this.t6 = b6.table;
    this.min6 = b6.min;
    this.max6 = b6.max;
    this.shift6 = b6.shift;
  }

  /** Same as `new IpRangeSet(items)`; accepts any iterable. */
  static fromItems(items: Iterable<IpSetItem>): IpRangeSet {
    return new IpRangeSet(Array.isArray(items) ? items : Array.from(items));
  }

  /** Total number of merged ranges (IPv4 + IPv6): a measure of the set's memory and lookup cost. */
  get size(): number {
    return this.ipv4RangeCount + this.ipv6RangeCount;
  }

  /** True when the set matches nothing (e.g. built from `{}`). */
  get isEmpty(): boolean {
    return this.ipv4RangeCount + this.ipv6RangeCount === 0;
  }

  /** Membership test. Family-aware: an address only matches items of its own family. */
  has(ip: IpAddress): boolean {
    return ip.family === 4 ? this.hasIpv4(ip.value) : this.hasIpv6(ip.w0, ip.w1, ip.w2, ip.w3);
  }

  /** Membership of the IPv4 address with unsigned 32-bit value `x` (the fast path behind {@link has}). */
  hasIpv4(x: number): boolean {
    // Below the first start: no range can contain x (this also covers the empty family).
    if (x < this.min4) return false;
    const r = this.r4;
    if (this.ipv4RangeCount <= SMALL_SET_SCAN) {
      // A handful of sorted, disjoint ranges: scanning beats the bucket table and search.
      const end = this.ipv4RangeCount << 1;
      let i = 0;
      while (i < end && x > r[i + 1]) i += 2;
      return i < end && x >= r[i];
    }
    let lo: number;
    let hi: number;
    if (x > this.max4) {
      lo = hi = this.ipv4RangeCount; // only the last range can contain x
    } else {
      const b = (x - this.min4) >>> this.shift4;
      lo = this.t4[b];
      hi = this.t4[b + 1];
    }
    // Upper bound within the bucket: the first range starting after x. Ranges before the
    // bucket start below x and ranges after it above x, so range lo - 1 is the last one
    // starting at or before x even when the bucket is empty.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (r[mid << 1] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && x <= r[(lo << 1) - 1];
  }

  /** Membership of the IPv6 address with 32-bit words `x0 … x3` (most significant first). */
  hasIpv6(x0: number, x1: number, x2: number, x3: number): boolean {
    if (this.ipv6RangeCount <= SMALL_SET_SCAN) return this.scanIpv6(x0, x1, x2, x3);
    if (this.key6 !== 0) return this.hasIpv6SharedPrefix(x0, x1, x2, x3);
    // Below the first start: no range can contain x (this also covers the empty family).
    if (x0 < this.min6) return false;
    if (x0 > this.max6) return this.searchIpv6(this.ipv6RangeCount, this.ipv6RangeCount, x0, x1, x2, x3);
    const b = (x0 - this.min6) >>> this.shift6;
    return this.searchIpv6(this.t6[b], this.t6[b + 1], x0, x1, x2, x3);
  }

  /** {@link hasIpv6} for a handful of ranges: the first range ending at or after x decides. */
  private scanIpv6(x0: number, x1: number, x2: number, x3: number): boolean {
    const r = this.r6;
    for (let k = 0, end = this.ipv6RangeCount << 3; k < end; k += 8) {
      // x ≤ end(range), word by word (the first word nearly always decides).
      let w = r[k + 4];
      const le = w !== x0 ? x0 < w : (w = r[k + 5]) !== x1 ? x1 < w : (w = r[k + 6]) !== x2 ? x2 < w : x3 <= r[k + 7];
      if (!le) continue;
      // start(range) ≤ x?
      w = r[k];
      return w !== x0 ? w < x0 : (w = r[k + 1]) !== x1 ? w < x1 : (w = r[k + 2]) !== x2 ? w < x2 : r[k + 3] <= x3;
    }
    return false;
  }

  /**
   * {@link hasIpv6} for sets whose starts all share their leading `key6` words (e.g. a list
   * of /64s inside one /32): compare x with those words first, then bucket on the first
   * word that varies. Kept apart so the common path stays small enough to inline.
   */
  private hasIpv6SharedPrefix(x0: number, x1: number, x2: number, x3: number): boolean {
    const r = this.r6;
    const kw = this.key6;
    // Sign of x's leading words minus the shared ones.
    let c = 0;
    if (x0 !== r[0]) c = x0 < r[0] ? -1 : 1;
    else if (kw > 1 && x1 !== r[1]) c = x1 < r[1] ? -1 : 1;
    else if (kw > 2 && x2 !== r[2]) c = x2 < r[2] ? -1 : 1;
    if (c < 0) return false;
    const n = this.ipv6RangeCount;
    if (c > 0) return this.searchIpv6(n, n, x0, x1, x2, x3);
    const key = kw === 1 ? x1 : kw === 2 ? x2 : x3;
    if (key < this.min6) return false;
    if (key > this.max6) return this.searchIpv6(n, n, x0, x1, x2, x3);
    const b = (key - this.min6) >>> this.shift6;
    return this.searchIpv6(this.t6[b], this.t6[b + 1], x0, x1, x2, x3);
  }

  /**
   * Given that the last range starting at or before x has an index in [lo − 1, hi − 1]
   * (ranges before `lo` start below x, ranges from `hi` on above it), finds it and checks
   * that it ends at or after x.
   */
  private searchIpv6(lo: number, hi: number, x0: number, x1: number, x2: number, x3: number): boolean {
    const r = this.r6;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = mid << 3;
      // start(mid) <= x, word by word; the first word nearly always decides.
      let le: boolean;
      let w = r[k];
      if (w !== x0) le = w < x0;
      else if ((w = r[k + 1]) !== x1) le = w < x1;
      else if ((w = r[k + 2]) !== x2) le = w < x2;
      else le = r[k + 3] <= x3;
      if (le) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return false;
    // x <= end(lo - 1)
    const k = (lo << 3) - 4;
    let w = r[k];
    if (w !== x0) return x0 < w;
    if ((w = r[k + 1]) !== x1) return x1 < w;
    if ((w = r[k + 2]) !== x2) return x2 < w;
    return x3 <= r[k + 3];
  }

  /**
   * @internal The merged IPv4 ranges as `[start, end]` word pairs, ascending (the set's own
   * array: read it, never write it). For compiling small sets into inline comparisons.
   */
  get ipv4Bounds(): Uint32Array {
    return this.r4;
  }

  /** @internal The merged IPv6 ranges, eight words each (start then end, most significant first), as {@link ipv4Bounds}. */
  get ipv6Bounds(): Uint32Array {
    return this.r6;
  }

  /** The merged ranges, IPv4 first, each family in ascending order. For diagnostics and tests. */
  *ranges(): IterableIterator<IpRange> {
    const r4 = this.r4;
    for (let k = 0; k < r4.length; k += 2) {
      yield { first: ipv4Address(r4[k]), last: ipv4Address(r4[k + 1]) };
    }
    const r = this.r6;
    for (let k = 0; k < r.length; k += 8) {
      yield {
        first: ipv6Address(r[k], r[k + 1], r[k + 2], r[k + 3]),
        last: ipv6Address(r[k + 4], r[k + 5], r[k + 6], r[k + 7]),
      };
    }
  }
}

/** Number of IPv4 items (ranges count by their first address). */
function countIpv4Items(items: readonly IpSetItem[]): number {
  let n4 = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if ((item.kind === 'range' ? item.first : item.address).family === 4) n4++;
  }
  return n4;
}

// ---------------------------------------------------------------------------------------
// Building
//
// Cold start matters as much as steady state: a set is usually built once, so its loops
// run in V8's baseline tiers while the optimising compiler is still busy. The heavy lifting
// (sorting) is therefore done by the native `BigUint64Array.prototype.sort`, fed through a
// `Uint32Array` view of the same buffer so that no BigInt is ever created, and the few
// remaining loops are small, separate functions that read memory sequentially.

/** Word offsets of the high and low halves of a 64-bit element in a `Uint32Array` view. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = 1 - HI;

/**
 * Writes every item's inclusive bounds without allocating address objects per item:
 * IPv4 as 64-bit keys `start · 2³² + end` into `keys4` (a `Uint32Array` view of a
 * `BigUint64Array`, so the native sort orders by start, then end), IPv6 as eight-word
 * records `[start0…3, end0…3]` into `rec6`.
 */
function collectRecords(items: readonly IpSetItem[], keys4: Uint32Array, rec6: Uint32Array): void {
  let k4 = 0;
  let k6 = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.kind === 'range') {
      const { first, last } = item;
      if (first.family === 4) {
        if (last.family !== 4 || first.value > last.value) throw new RangeError('incompatible range bounds');
        keys4[k4 + HI] = first.value;
        keys4[k4 + LO] = last.value;
        k4 += 2;
      } else {
        if (last.family !== 6 || compare6(first, last) > 0) throw new RangeError('incompatible range bounds');
        rec6[k6] = first.w0;
        rec6[k6 + 1] = first.w1;
        rec6[k6 + 2] = first.w2;
        rec6[k6 + 3] = first.w3;
        rec6[k6 + 4] = last.w0;
        rec6[k6 + 5] = last.w1;
        rec6[k6 + 6] = last.w2;
        rec6[k6 + 7] = last.w3;
        k6 += 8;
      }
      continue;
    }
    const a = item.address;
    let p = a.family === 4 ? 32 : 128;
    if (item.kind === 'cidr') {
      if (!Number.isInteger(item.prefix) || item.prefix < 0 || item.prefix > p) {
        throw new RangeError(`invalid prefix length ${item.prefix} for IPv${a.family}`);
      }
      p = item.prefix;
    }
    if (a.family === 4) {
      // Typed-array stores wrap the signed results of `&`/`|` back to unsigned words.
      const m = wordMask(p);
      const start = a.value & m;
      keys4[k4 + HI] = start;
      keys4[k4 + LO] = start | ~m;
      k4 += 2;
    } else {
      let m = wordMask(p);
      rec6[k6] = a.w0 & m;
      rec6[k6 + 4] = a.w0 | ~m;
      m = wordMask(p - 32);
      rec6[k6 + 1] = a.w1 & m;
      rec6[k6 + 5] = a.w1 | ~m;
      m = wordMask(p - 64);
      rec6[k6 + 2] = a.w2 & m;
      rec6[k6 + 6] = a.w2 | ~m;
      m = wordMask(p - 96);
      rec6[k6 + 3] = a.w3 & m;
      rec6[k6 + 7] = a.w3 | ~m;
      k6 += 8;
    }
  }
}

function compare6(a: IpAddress & { family: 6 }, b: IpAddress & { family: 6 }): number {
  if (a.w0 !== b.w0) return a.w0 < b.w0 ? -1 : 1;
  if (a.w1 !== b.w1) return a.w1 < b.w1 ? -1 : 1;
  if (a.w2 !== b.w2) return a.w2 < b.w2 ? -1 : 1;
  if (a.w3 !== b.w3) return a.w3 < b.w3 ? -1 : 1;
  return 0;
}

/**
 * The order of the IPv6 records in `rec` (eight words each) by start address: indices
 * into `rec`, sorted.
 *
 * Sorts by one 32-bit word at a time with the native 64-bit sort on keys
 * `word · 2³² + index`, then re-sorts each run of equal words by the next word; runs are
 * short in practice (prefixes sharing a /32), and tiny ones use an insertion sort.
 */
function sortIpv6(rec: Uint32Array): Uint32Array {
  const n = rec.length >>> 3;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n > 1 && n <= SMALL_SORT) insertionSortIpv6(rec, order, 0, n);
  else if (n > 1) {
    const keys = new BigUint64Array(n);
    sortIpv6Level(rec, order, keys, new Uint32Array(keys.buffer), 0, n, 0);
  }
  return order;
}

/** Sorts `order[lo, hi)` by start words `word` … 3 (earlier words are equal within the slice). */
function sortIpv6Level(
  rec: Uint32Array,
  order: Uint32Array,
  keys: BigUint64Array,
  kw: Uint32Array,
  lo: number,
  hi: number,
  word: number,
): void {
  if (hi - lo <= SMALL_SORT) {
    insertionSortIpv6(rec, order, lo, hi);
    return;
  }
  // Clustered data (everything inside one /32, say) shares whole words: sorting on a word
  // that is the same everywhere is a no-op, so go straight to the next one.
  if (word < 3 && sameWord(rec, order, lo, hi, word)) {
    sortIpv6Level(rec, order, keys, kw, lo, hi, word + 1);
    return;
  }
  for (let j = lo; j < hi; j++) {
    const r = order[j];
    kw[2 * j + HI] = rec[(r << 3) + word];
    kw[2 * j + LO] = r;
  }
  keys.subarray(lo, hi).sort();
  for (let j = lo; j < hi; j++) order[j] = kw[2 * j + LO];
  if (word === 3) return;
  // Runs of records with the same word: sort them by the next one. The recursion only
  // overwrites keys inside the run, so the scan can go on past it.
  let r = lo;
  while (r < hi) {
    const w = kw[2 * r + HI];
    let t = r + 1;
    while (t < hi && kw[2 * t + HI] === w) t++;
    if (t - r > 1) sortIpv6Level(rec, order, keys, kw, r, t, word + 1);
    r = t;
  }
}

/** True when every record in `order[lo, hi)` has the same start word `word`. */
function sameWord(rec: Uint32Array, order: Uint32Array, lo: number, hi: number, word: number): boolean {
  const w = rec[(order[lo] << 3) + word];
  for (let j = lo + 1; j < hi; j++) {
    if (rec[(order[j] << 3) + word] !== w) return false;
  }
  return true;
}

/** Insertion sort of `order[lo, hi)` by full start address. */
function insertionSortIpv6(rec: Uint32Array, order: Uint32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const r = order[i];
    let j = i - 1;
    while (j >= lo && startAfter(rec, order[j], r)) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = r;
  }
}

/** True when the start of record a is greater than the start of record b. */
function startAfter(rec: Uint32Array, a: number, b: number): boolean {
  const ka = a << 3;
  const kb = b << 3;
  for (let w = 0; w < 4; w++) {
    if (rec[ka + w] !== rec[kb + w]) return rec[ka + w] > rec[kb + w];
  }
  return false;
}

/**
 * Union of IPv4 ranges given as sorted 64-bit keys `start · 2³² + end` (viewed as 32-bit
 * words): sweeps once keeping the furthest end, fusing overlapping and adjacent ranges, and
 * returns interleaved `[start, end]` pairs.
 */
/** Sorts the 64-bit keys of a small IPv4 family in place (the order of the native sort). */
function insertionSortIpv4(kw: Uint32Array): void {
  for (let i = 2; i < kw.length; i += 2) {
    const start = kw[i + HI]!;
    const end = kw[i + LO]!;
    let j = i - 2;
    while (j >= 0 && (kw[j + HI]! > start || (kw[j + HI] === start && kw[j + LO]! > end))) {
      kw[j + 2 + HI] = kw[j + HI]!;
      kw[j + 2 + LO] = kw[j + LO]!;
      j -= 2;
    }
    kw[j + 2 + HI] = start;
    kw[j + 2 + LO] = end;
  }
}

function mergeIpv4(kw: Uint32Array): Uint32Array {
  if (kw.length === 0) return EMPTY_U32;
  const out = new Uint32Array(kw.length);
  const m = sweepIpv4(kw, out);
  return m === out.length ? out : out.slice(0, m);
}

/**
 * The sweep of {@link mergeIpv4}; returns the number of words written to `out`. Branch-free
 * for the same reason as {@link sweepIpv6}.
 */
function sweepIpv4(kw: Uint32Array, out: Uint32Array): number {
  let o = 0; // the range being extended is at out[o], out[o + 1]
  out[0] = kw[HI];
  let ce = kw[LO];
  for (let k = 2; k < kw.length; k += 2) {
    const a = kw[k + HI];
    const b = kw[k + LO];
    // Overlapping or adjacent (`ce + 1` is computed in doubles, so 2³²−1 + 1 does not wrap).
    const touches = +(a <= ce + 1);
    out[o + 1] = ce;
    o += (1 - touches) * 2;
    const s = out[o];
    out[o] = touches ? s : a;
    const further = b > ce ? b : ce;
    ce = touches ? further : b;
  }
  out[o + 1] = ce;
  return o + 2;
}

/**
 * Sign of the 128-bit comparison a − b, without data-dependent branches (so V8 never meets
 * a path it has no type feedback for, which would deoptimise the caller mid-build): each
 * word's sign is weighted so that the first differing word dominates (8 > 4 + 2 + 1).
 */
function sign128(
  a0: number, a1: number, a2: number, a3: number,
  b0: number, b1: number, b2: number, b3: number,
): number {
  return (
    (+(a0 > b0) - +(a0 < b0)) * 8 +
    (+(a1 > b1) - +(a1 < b1)) * 4 +
    (+(a2 > b2) - +(a2 < b2)) * 2 +
    (+(a3 > b3) - +(a3 < b3))
  );
}

/**
 * Union of the IPv6 records of `rec` taken in `order` (sorted by start): gathers them into
 * sorted order, then sweeps once keeping the furthest end, fusing overlapping and adjacent
 * ranges. Returns eight words per merged range.
 */
function mergeIpv6(rec: Uint32Array, order: Uint32Array): Uint32Array {
  if (order.length === 0) return EMPTY_U32;
  const r = gatherIpv6(rec, order);
  const m = sweepIpv6(r);
  return m === r.length ? r : r.slice(0, m);
}

/**
 * The records of `rec` in `order`. The random reads are unavoidable, but in a loop without
 * data-dependent branches the CPU overlaps many cache misses at once; inside the sweep,
 * branch mispredictions would serialise them (measured: several times slower).
 */
function gatherIpv6(rec: Uint32Array, order: Uint32Array): Uint32Array {
  const n = order.length;
  const out = new Uint32Array(n * 8);
  for (let i = 0; i < n; i++) {
    const k = order[i] << 3;
    const o = i << 3;
    out[o] = rec[k];
    out[o + 1] = rec[k + 1];
    out[o + 2] = rec[k + 2];
    out[o + 3] = rec[k + 3];
    out[o + 4] = rec[k + 4];
    out[o + 5] = rec[k + 5];
    out[o + 6] = rec[k + 6];
    out[o + 7] = rec[k + 7];
  }
  return out;
}

/**
 * The sweep of {@link mergeIpv6} over records sorted by start, in place (the write offset
 * never passes the read offset). Returns the number of words of merged ranges.
 */
function sweepIpv6(r: Uint32Array): number {
  let o = 0; // the range being extended is at r[o, o + 8)
  // Its end, kept in locals.
  let c0 = r[4];
  let c1 = r[5];
  let c2 = r[6];
  let c3 = r[7];
  for (let k = 8; k < r.length; k += 8) {
    const a0 = r[k];
    const a1 = r[k + 1];
    const a2 = r[k + 2];
    const a3 = r[k + 3];
    const b0 = r[k + 4];
    const b1 = r[k + 5];
    const b2 = r[k + 6];
    const b3 = r[k + 7];
    // Starts only grow, so this range overlaps or touches the current one iff a ≤ c + 1,
    // i.e. a ≤ c or a is c's successor. The first test settles the common case of
    // spread-out data cheaply (a set is built once, mostly before the JIT has optimised
    // this loop, so per-iteration work in the unoptimised tiers matters).
    const apart =
      a0 > c0 + 1 ||
      (sign128(a0, a1, a2, a3, c0, c1, c2, c3) > 0 && !isSuccessor(a0, a1, a2, a3, c0, c1, c2, c3));
    if (apart) {
      r[o + 4] = c0;
      r[o + 5] = c1;
      r[o + 6] = c2;
      r[o + 7] = c3;
      o += 8;
      r[o] = a0;
      r[o + 1] = a1;
      r[o + 2] = a2;
      r[o + 3] = a3;
      c0 = b0;
      c1 = b1;
      c2 = b2;
      c3 = b3;
    } else if (sign128(b0, b1, b2, b3, c0, c1, c2, c3) > 0) {
      c0 = b0;
      c1 = b1;
      c2 = b2;
      c3 = b3;
    }
  }
  r[o + 4] = c0;
  r[o + 5] = c1;
  r[o + 6] = c2;
  r[o + 7] = c3;
  return o + 8;
}

/** True when a = c + 1 as 128-bit unsigned integers (c + 1 computed with carries). */
function isSuccessor(
  a0: number, a1: number, a2: number, a3: number,
  c0: number, c1: number, c2: number, c3: number,
): boolean {
  // The carry into a word is 1 exactly when every less significant word of c is all ones;
  // computed arithmetically for the same reason as in sign128. `>>> 0` wraps 2³² to 0.
  const k2 = +(c3 === 0xffffffff);
  const k1 = k2 & +(c2 === 0xffffffff);
  const k0 = k1 & +(c1 === 0xffffffff);
  return (
    (+(a3 === (c3 + 1) >>> 0) &
      +(a2 === (c2 + k2) >>> 0) &
      +(a1 === (c1 + k1) >>> 0) &
      // No wrap-around here: when c is the last address, c0 + 1 = 2³² matches no word.
      +(a0 === c0 + k0)) ===
    1
  );
}
