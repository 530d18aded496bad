/**
 * The native fast path: patterns a safety analysis proves cannot backtrack badly run on
 * JavaScript's own `RegExp` (≈ 10× faster than the linear-time engine), with exactly the same
 * byte semantics.
 *
 * Safety. A backtracking matcher is only dangerous when it can try exponentially (or
 * polynomially) many ways to match the same text. The fast path accepts only patterns whose
 * repetitions repeat a single byte (a literal byte or a byte class), bounded ones at most
 * {@link MAX_REPEAT} times, and whose number of ways to match — the product over the pattern
 * of the choices each alternation and each bounded variable repetition offers — is at most
 * {@link MAX_CHOICES}. An unbounded repetition (`[0-9]+`, `[^()]*`) must be *deterministic*:
 * every byte that can come right after it lies outside the repeated class (`[0-9]+/`,
 * `[0-9]+$`). Nothing after the loop can then consume a byte it gives back, so each loop
 * costs one pass over its run plus one short failed (or zero-width) step per byte given back. A match attempt thus explores at most `choices` paths,
 * each of at most the pattern's size plus two steps per input byte per loop. What that means
 * for a whole search — the attempts at every start position — is bounded by
 * {@link nativeInputLimit}: longer inputs go to the linear-time engine. Literals, alternations
 * of literals (`(?i)(bot|crawler|spider)`), classes, anchors and deterministic loops
 * (`^/api/v[0-9]+/users/[0-9]+/?$`) — the bulk of firewall regexes — qualify.
 *
 * Exactness. The pattern is emitted over "binary strings" (one char per byte, 0–255), with
 * every byte written as `\xHH` and every class as explicit byte ranges, no flags: no case
 * folding, no Unicode mode, `.` already expanded to a class. Anchors: Rust `\A`/`\z` are JS
 * `^`/`$` without the `m` flag; ASCII word boundaries are JS `\b`/`\B` without the `u` flag
 * (both use `[0-9A-Za-z_]`). Multi-line anchors, Unicode classes and the special word
 * boundaries are left to the linear-time engine.
 *
 * @module
 */
import type { Hir } from './hir.js';
import { isMatchEmpty } from './size.js';

/** The largest bounded repetition the fast path accepts. */
export const MAX_REPEAT = 64;

/** The most paths a match attempt may explore (see the module comment). */
export const MAX_CHOICES = 4096;

/** Patterns longer than this (as emitted) stay on the linear-time engine. */
const MAX_SOURCE_LENGTH = 4096;

class NotEligible extends Error {}

const hex = (b: number): string => `\\x${b.toString(16).padStart(2, '0')}`;

function byteClass(ranges: readonly number[]): string {
  if (ranges.length === 0) return '[^\\x00-\\xff]';
  if (ranges.length === 2 && ranges[0] === ranges[1]) return hex(ranges[0]!);
  let out = '[';
  for (let i = 0; i < ranges.length; i += 2) {
    out += ranges[i] === ranges[i + 1] ? hex(ranges[i]!) : `${hex(ranges[i]!)}-${hex(ranges[i + 1]!)}`;
  }
  return `${out}]`;
}

/** True for a node that matches exactly one byte (so repeating it cannot backtrack badly). */
function isSingleByte(h: Hir): boolean {
  if (h.kind === 'byteClass') return true;
  if (h.kind === 'literal') return h.bytes.length === 1;
  if (h.kind === 'capture') return isSingleByte(h.sub);
  return false;
}

/** How many ways `h` can match at one position (saturating at Infinity). */
function choices(h: Hir): number {
  switch (h.kind) {
    case 'capture':
      return choices(h.sub);
    case 'concat':
      return h.subs.reduce((n, sub) => n * choices(sub), 1);
    case 'alternation':
      return h.subs.reduce((n, sub) => n + choices(sub), 0);
    case 'repeat':
      // A deterministic unbounded loop (see `checkLoops`) has one way to succeed; the
      // steps it gives back are counted by nativeInputLimit.
      return h.max === undefined ? 1 : h.max - h.min + 1;
    default:
      return 1;
  }
}

/** A set of bytes (bit `b` of word `b >>> 5`). */
type ByteSet = Uint32Array;

const byteSet = (): ByteSet => new Uint32Array(8);

function addRanges(set: ByteSet, ranges: readonly number[]): void {
  for (let i = 0; i < ranges.length; i += 2) for (let b = ranges[i]!; b <= ranges[i + 1]!; b++) set[b >>> 5]! |= 1 << (b & 31);
}

function addSet(into: ByteSet, from: ByteSet): void {
  for (let i = 0; i < 8; i++) into[i]! |= from[i]!;
}

function disjoint(a: ByteSet, b: ByteSet): boolean {
  for (let i = 0; i < 8; i++) if ((a[i]! & b[i]!) !== 0) return false;
  return true;
}

/** The bytes a match of `h` can start with (whether it can also match nothing: `isMatchEmpty`). */
function first(h: Hir): ByteSet {
  switch (h.kind) {
    case 'literal': {
      const bytes = byteSet();
      if (h.bytes.length > 0) addRanges(bytes, [h.bytes[0]!, h.bytes[0]!]);
      return bytes;
    }
    case 'byteClass': {
      const bytes = byteSet();
      addRanges(bytes, h.ranges);
      return bytes;
    }
    case 'capture':
    case 'repeat':
      return first(h.sub);
    case 'concat': {
      const bytes = byteSet();
      for (const sub of h.subs) {
        addSet(bytes, first(sub));
        if (!isMatchEmpty(sub)) break;
      }
      return bytes;
    }
    case 'alternation': {
      const bytes = byteSet();
      for (const sub of h.subs) addSet(bytes, first(sub));
      return bytes;
    }
    default:
      // empty, looks (zero-width): nothing consumed. Unicode classes never get here.
      return byteSet();
  }
}

/**
 * Throws {@link NotEligible} unless every unbounded repetition in `h` is deterministic given
 * the bytes that may follow `h`; returns the number of unbounded repetitions.
 */
function checkLoops(h: Hir, follow: ByteSet): number {
  switch (h.kind) {
    case 'capture':
      return checkLoops(h.sub, follow);
    case 'alternation':
      return h.subs.reduce((n, sub) => n + checkLoops(sub, follow), 0);
    case 'concat': {
      let loops = 0;
      // Walk backwards, building what may follow each element.
      let after = follow;
      for (let i = h.subs.length - 1; i >= 0; i--) {
        const sub = h.subs[i]!;
        loops += checkLoops(sub, after);
        const bytes = first(sub);
        if (isMatchEmpty(sub)) addSet(bytes, after);
        after = bytes;
      }
      return loops;
    }
    case 'repeat': {
      if (h.max !== undefined) return 0; // bounded: counted by choices()
      // A byte given back is one of `repeated`: when nothing that may follow can consume it,
      // the continuation fails there at once (or succeeds without consuming anything).
      if (!disjoint(first(h.sub), follow)) throw new NotEligible();
      return 1;
    }
    default:
      return 0;
  }
}

/** Whether every match of `h` must start at the start of the input (`^…`). */
function startAnchored(h: Hir): boolean {
  switch (h.kind) {
    case 'look':
      return h.look === 'start';
    case 'capture':
      return startAnchored(h.sub);
    case 'concat':
      for (const sub of h.subs) {
        if (startAnchored(sub)) return true;
        if (sub.kind !== 'look') return false; // another zero-width assertion may come first
      }
      return false;
    case 'alternation':
      return h.subs.length > 0 && h.subs.every(startAnchored);
    default:
      return false;
  }
}

function emit(h: Hir): string {
  switch (h.kind) {
    case 'empty':
      return '';
    case 'literal':
      return h.bytes.map(hex).join('');
    case 'byteClass':
      return byteClass(h.ranges);
    case 'unicodeClass':
      throw new NotEligible();
    case 'look':
      switch (h.look) {
        case 'start':
          return '^';
        case 'end':
          return '$';
        case 'wordAscii':
          return '\\b';
        case 'wordAsciiNegate':
          return '\\B';
        default:
          throw new NotEligible();
      }
    case 'capture':
      return `(?:${emit(h.sub)})`;
    case 'concat':
      return h.subs.map(emit).join('');
    case 'alternation':
      return `(?:${h.subs.map(emit).join('|')})`;
    case 'repeat': {
      if ((h.max !== undefined && h.max > MAX_REPEAT) || !isSingleByte(h.sub)) throw new NotEligible();
      const quantifier = h.max === undefined ? `{${h.min},}` : h.min === h.max ? `{${h.min}}` : `{${h.min},${h.max}}`;
      return `(?:${emit(h.sub)})${quantifier}${h.greedy ? '' : '?'}`;
    }
  }
}

/** Backtracking steps (an upper bound) one native search may take; beyond it the linear engine runs. */
export const NATIVE_STEP_BUDGET = 20_000_000;

/** Leaves of a pattern, counting a bounded repetition's copies: the length of one path at most. */
function size(h: Hir): number {
  switch (h.kind) {
    case 'capture':
      return size(h.sub);
    case 'concat':
    case 'alternation':
      return h.subs.reduce((n, sub) => n + size(sub), 0);
    case 'repeat':
      // An unbounded loop's run is counted per input byte by nativeInputLimit.
      return (h.max ?? 1) * size(h.sub);
    case 'literal':
      return Math.max(1, h.bytes.length);
    default:
      return 1;
  }
}

/**
 * The longest input the native engine may search for `hir` within {@link NATIVE_STEP_BUDGET}.
 * "Linear in the input" is not enough: a match attempt explores up to `choices` paths of up
 * to `size` steps at *every* start position, so `a?a?a?a?a?a?a?a?a?a?a?a?[^a]` (4096 paths)
 * costs about a minute per megabyte of `a`s, where the linear-time engine needs milliseconds.
 * Each unbounded loop adds up to two steps per input byte to a path (its run, and the bytes
 * it gives back), so an unanchored pattern with loops is quadratic in the input: `[0-9]+x`
 * on a megabyte of digits would take minutes natively. A start-anchored pattern is attempted
 * at one position only.
 */
export function nativeInputLimit(hir: Hir, loops: number): number {
  const paths = Math.max(1, choices(hir));
  const steps = size(hir);
  if (loops === 0) return Math.floor(NATIVE_STEP_BUDGET / (paths * steps));
  // One attempt: paths × (steps + 2·loops·n); a search: that at each of n start positions.
  const perAttempt = (n: number): number => paths * (steps + 2 * loops * n);
  if (startAnchored(hir)) return Math.max(0, Math.floor((NATIVE_STEP_BUDGET / paths - steps) / (2 * loops)));
  let lo = 0;
  let hi = NATIVE_STEP_BUDGET;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (mid * perAttempt(mid) <= NATIVE_STEP_BUDGET) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A native `RegExp` equivalent to `hir` over binary strings and the longest input it may
 * search (see {@link nativeInputLimit}), or `undefined` when the pattern is not provably safe
 * for a backtracking engine (then the linear-time engine runs it).
 */
export function nativeFastPath(hir: Hir): { re: RegExp; maxInput: number } | undefined {
  try {
    const source = emit(hir);
    if (source.length > MAX_SOURCE_LENGTH || choices(hir) > MAX_CHOICES) return undefined;
    const loops = checkLoops(hir, byteSet());
    return { re: new RegExp(source), maxInput: nativeInputLimit(hir, loops) };
  } catch (error) {
    if (error instanceof NotEligible || error instanceof SyntaxError) return undefined;
    throw error;
  }
}
