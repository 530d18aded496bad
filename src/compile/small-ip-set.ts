/**
 * `ip.src in {…}` for a handful of ranges (the common literal: a few CIDRs and addresses):
 * the ranges become closure constants compared inline, instead of a call into the
 * {@link IpRangeSet} scanning its typed array.
 *
 * Why this is faster: an IPv4 address is an unsigned 32-bit number, so every address and
 * range bound at or above 2³¹ (128.0.0.0) is a heap number, and a closure holding such
 * bounds unboxes each one on every comparison, while the scan reads them from a typed array
 * with bounds checks. Flipping the top bit (`x ^ 0x80000000`) maps the unsigned order onto
 * the signed int32 order: the bounds become small integers (Smis), the address is truncated
 * once, and every comparison is an int32 comparison, as in hand-written code testing
 * constants.
 *
 * @module
 */
import type { IpAddress } from '../values/ip.js';
import type { IpRangeSet } from '../values/ip-set.js';
import type { ConditionFn } from './compiler.js';

/** Sets with at most this many IPv4 ranges are compiled inline. */
const MAX_V4 = 4;
/** An empty biased range: no int32 `x` has `x >= EMPTY_LO && x <= EMPTY_HI`. */
const EMPTY_LO = 0x7fffffff;
const EMPTY_HI = -0x80000000;

/** The unsigned 32-bit `x` as a signed int32 with the same order. */
const bias = (x: number): number => (x ^ 0x80000000) | 0;

/**
 * The membership test of `slot in set` as one closure, or `undefined` when the set has more
 * than {@link MAX_V4} IPv4 ranges. IPv6 addresses are tested inline when the set has no IPv6
 * range or one range whose ends differ only in the first word (a /32 or shorter prefix, the
 * usual case); otherwise by the set itself.
 */
export function smallIpSetTest(slot: number, set: IpRangeSet): ConditionFn | undefined {
  if (set.ipv4RangeCount > MAX_V4) return undefined;
  const b: number[] = [];
  for (const bound of set.ipv4Bounds) b.push(bias(bound));
  let lo6 = EMPTY_LO;
  let hi6 = EMPTY_HI;
  const r6 = set.ipv6Bounds;
  // No IPv6 range, or one whose ends differ only in the first word, is tested inline.
  let inline6 = r6.length === 0;
  if (r6.length === 8 && firstWordOnly(r6)) {
    lo6 = bias(r6[0]!);
    hi6 = bias(r6[4]!);
    inline6 = true;
  }
  while (b.length < 2 * MAX_V4) b.push(EMPTY_LO, EMPTY_HI);
  const [l0, h0, l1, h1, l2, h2, l3, h3] = b as [number, number, number, number, number, number, number, number];
  if (!inline6) {
    return set.ipv4RangeCount <= 2
      ? (s) => {
          const v = s[slot] as IpAddress | undefined;
          if (v === undefined) return false;
          if (v.family !== 4) return set.hasIpv6(v.w0, v.w1, v.w2, v.w3);
          const x = v.value ^ 0x80000000;
          return (x >= l0 && x <= h0) || (x >= l1 && x <= h1);
        }
      : (s) => {
          const v = s[slot] as IpAddress | undefined;
          if (v === undefined) return false;
          if (v.family !== 4) return set.hasIpv6(v.w0, v.w1, v.w2, v.w3);
          const x = v.value ^ 0x80000000;
          return (x >= l0 && x <= h0) || (x >= l1 && x <= h1) || (x >= l2 && x <= h2) || (x >= l3 && x <= h3);
        };
  }
  return set.ipv4RangeCount <= 2
    ? (s) => {
        const v = s[slot] as IpAddress | undefined;
        if (v === undefined) return false;
        if (v.family !== 4) {
          const w = v.w0 ^ 0x80000000;
          return w >= lo6 && w <= hi6;
        }
        const x = v.value ^ 0x80000000;
        return (x >= l0 && x <= h0) || (x >= l1 && x <= h1);
      }
    : (s) => {
        const v = s[slot] as IpAddress | undefined;
        if (v === undefined) return false;
        if (v.family !== 4) {
          const w = v.w0 ^ 0x80000000;
          return w >= lo6 && w <= hi6;
        }
        const x = v.value ^ 0x80000000;
        return (x >= l0 && x <= h0) || (x >= l1 && x <= h1) || (x >= l2 && x <= h2) || (x >= l3 && x <= h3);
      };
}

/** Whether the IPv6 range in `r` (eight words) is every address whose first word lies in [r[0], r[4]]. */
function firstWordOnly(r: Uint32Array): boolean {
  return r[1] === 0 && r[2] === 0 && r[3] === 0 && r[5] === 0xffffffff && r[6] === 0xffffffff && r[7] === 0xffffffff;
}
