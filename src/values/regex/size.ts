/**
 * Compiled-size estimate, modelled on `regex-automata`'s Thompson NFA
 * builder, whose `nfa_size_limit` Cloudflare's engine sets (default 10 MiB).
 *
 * The builder charges `size_of::<State>()` (32 bytes) per state plus the heap
 * of sparse transitions (8 bytes each) and union alternates (4 bytes each).
 * We follow the compiler's shapes for each HIR node (how `x{n,m}` becomes `n`
 * copies plus `m-n` optional copies, and so on) but compute the total
 * arithmetically, so `a{1000}{1000}` or `(a{1000}){1000}` are measured (and
 * rejected) instantly instead of being expanded.
 *
 * The numbers match Rust's for byte-mode patterns; for Unicode classes the
 * estimate uses a prefix trie of UTF-8 ranges, which is close to, but not
 * exactly, Rust's suffix-sharing compilation.
 *
 * @module
 */

import type { Hir } from './hir.js';
import { trieStats, utf8Trie } from './utf8trie.js';

const STATE = 32;
const TRANSITION = 8;
const STATE_ID = 4;
const UNION2 = STATE + 2 * STATE_ID;

/** Whether `h` can match the empty string (Rust's `is_match_empty`). */
export function isMatchEmpty(h: Hir): boolean {
  switch (h.kind) {
    case 'empty':
    case 'look':
      return true;
    case 'literal':
      return h.bytes.length === 0;
    case 'byteClass':
    case 'unicodeClass':
      return false;
    case 'repeat':
      return h.min === 0 || isMatchEmpty(h.sub);
    case 'capture':
      return isMatchEmpty(h.sub);
    case 'concat':
      return h.subs.every(isMatchEmpty);
    case 'alternation':
      return h.subs.some(isMatchEmpty);
  }
}

function classSize(ranges: number): number {
  // An empty "end" state plus one sparse state holding the transitions.
  return STATE + STATE + TRANSITION * ranges;
}

/**
 * Approximate size in bytes of the NFA Rust would build for `h` (without the
 * fixed overhead of the whole-match capture and unanchored prefix).
 */
export function hirSize(h: Hir): number {
  switch (h.kind) {
    case 'empty':
      return STATE;
    case 'literal':
      return h.bytes.length === 0 ? STATE : STATE * h.bytes.length;
    case 'byteClass':
      return h.ranges.length === 0 ? STATE : classSize(h.ranges.length / 2);
    case 'unicodeClass': {
      if (h.ranges.length === 0) return STATE;
      if (h.ranges[h.ranges.length - 1] <= 0x7f) return classSize(h.ranges.length / 2);
      const { nodes, edges } = trieStats(utf8Trie(h.ranges));
      return STATE + nodes * STATE + edges * TRANSITION;
    }
    case 'look':
      return STATE;
    case 'capture':
      return 2 * STATE + hirSize(h.sub);
    case 'concat': {
      let total = 0;
      for (const s of h.subs) total += hirSize(s);
      return total;
    }
    case 'alternation': {
      let total = STATE + STATE_ID * h.subs.length + STATE;
      for (const s of h.subs) total += hirSize(s);
      return total;
    }
    case 'repeat':
      return repeatSize(h.min, h.max, h.sub);
  }
}

function repeatSize(min: number, max: number | undefined, sub: Hir): number {
  if (max === 0) return STATE; // x{0}: the sub-expression is not compiled at all
  const s = hirSize(sub);
  if (min === 0 && max === 1) return UNION2 + s + STATE;
  if (max === undefined) {
    if (min === 0) return isMatchEmpty(sub) ? s + 2 * UNION2 + STATE : UNION2 + s;
    return min * s + UNION2;
  }
  const prefix = min === 0 ? STATE : min * s;
  if (min === max) return prefix;
  return prefix + STATE + (max - min) * (UNION2 + s);
}

/** Fixed cost of every regex: group-0 capture states, match state, unanchored prefix. */
export const BASE_SIZE = 2 * STATE + STATE + (UNION2 + classSize(1));
