/**
 * The native fast path: patterns a safety analysis proves cannot backtrack badly run on
 * JavaScript's own `RegExp` (≈ 10× faster than the linear-time engine), with exactly the same
 * byte semantics.
 *
 * Safety. A backtracking matcher is only dangerous when it can try exponentially (or
 * polynomially) many ways to match the same text. The fast path accepts only patterns without
 * unbounded repetition, whose bounded repetitions repeat a single byte (a literal byte or a
 * byte class) at most {@link MAX_REPEAT} times, and whose number of ways to match — the
 * product over the pattern of the choices each alternation and each variable repetition
 * offers — is at most {@link MAX_CHOICES}. A match attempt then explores at most that many
 * paths, each no longer than the pattern, so a search is linear in the input. Literals,
 * alternations of literals (`(?i)(bot|crawler|spider)`), classes and anchors — the bulk of
 * firewall regexes — qualify.
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
      return h.max === undefined ? Infinity : h.max - h.min + 1;
    default:
      return 1;
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
      if (h.max === undefined || h.max > MAX_REPEAT || !isSingleByte(h.sub)) throw new NotEligible();
      const quantifier = h.min === h.max ? `{${h.min}}` : `{${h.min},${h.max}}`;
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
      return (h.max ?? Infinity) * size(h.sub);
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
 */
export function nativeInputLimit(hir: Hir): number {
  return Math.floor(NATIVE_STEP_BUDGET / Math.max(1, choices(hir) * size(hir)));
}

/**
 * A native `RegExp` equivalent to `hir` over binary strings, or `undefined` when the pattern
 * is not provably safe for a backtracking engine (then the linear-time engine runs it).
 */
export function nativeFastPath(hir: Hir): RegExp | undefined {
  try {
    const source = emit(hir);
    if (source.length > MAX_SOURCE_LENGTH || choices(hir) > MAX_CHOICES) return undefined;
    return new RegExp(source);
  } catch (error) {
    if (error instanceof NotEligible || error instanceof SyntaxError) return undefined;
    throw error;
  }
}
