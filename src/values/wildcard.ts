/**
 * `wildcard` / `strict wildcard` patterns (spec §6.4): `*` matches any run of bytes, `\*` is a
 * literal star, `\\` a literal backslash; the whole value must match. Matching is linear in
 * practice (each literal segment is searched once, leftmost first) and never backtracks.
 *
 * @module
 */
import { asciiLowerString, toBinaryString, type BytesValue } from './bytes.js';

/** Options for {@link compileWildcard}. */
export interface WildcardOptions {
  /** `strict wildcard` is case-sensitive; `wildcard` folds ASCII letters. */
  caseSensitive: boolean;
  /** Maximum number of `*` in one pattern (default: unlimited). */
  starLimit?: number;
}

/** Outcome of {@link compileWildcard}. */
export type WildcardCompileResult =
  | { ok: true; pattern: WildcardPattern }
  | { ok: false; message: string; /** byte offset of the problem in the pattern */ offset: number };

/** Binary strings hold bytes, so only A–Z may fold (byte 0xC9 É must stay). */
const lowerAscii = asciiLowerString;

/** A compiled wildcard pattern. */
export class WildcardPattern {
  /**
   * For a case-insensitive pattern, whether each segment (by index) contains an ASCII letter.
   * A middle segment without one cannot be affected by folding, so it is searched in the
   * original text; only one with letters needs the lowercased value (built at most once per
   * call, and only after both ends have matched). Computed here, once per pattern.
   */
  readonly #hasLetter: readonly boolean[];

  /** @param segments literal pieces between the stars, as binary strings (folded if case-insensitive) */
  constructor(
    readonly segments: readonly string[],
    readonly caseSensitive: boolean,
  ) {
    this.#hasLetter = segments.map((segment) => !caseSensitive && hasAsciiLetter(segment));
  }

  /** Number of `*` in the pattern. */
  get stars(): number {
    return this.segments.length - 1;
  }

  /** True if the whole of `value` matches the pattern. */
  matches(value: BytesValue): boolean {
    return this.#match(toBinaryString(value), undefined);
  }

  /**
   * Matches and returns what each `*` captured, each as short as possible (as
   * `wildcard_replace` requires), or `undefined` when the value does not match.
   * Captures are slices of the value itself, never of a lowercased copy.
   */
  captures(value: BytesValue): string[] | undefined {
    const captures: string[] = [];
    return this.#match(toBinaryString(value), captures) ? captures : undefined;
  }

  /**
   * The match itself: the first segment must start the text and the last end it, and each
   * middle segment is found leftmost-first after the previous one (so every `*` takes as little
   * as it can). Pushes what each `*` captured onto `captures` when given.
   *
   * The ends are compared in place (folding A–Z as they are read when case-insensitive), so
   * most values that do not match are rejected after a few characters without lowercasing or
   * copying anything; patterns with one star never lowercase at all.
   */
  #match(text: string, captures: string[] | undefined): boolean {
    const segments = this.segments;
    const first = segments[0]!;
    if (segments.length === 1) {
      if (text.length !== first.length || !this.#endMatches(text, 0, first)) return false;
      // What `wildcard_replace` has always been given for a pattern without stars.
      captures?.push('');
      return true;
    }
    const last = segments[segments.length - 1]!;
    if (text.length < first.length + last.length) return false;
    const limit = text.length - last.length;
    if (!this.#endMatches(text, 0, first) || !this.#endMatches(text, limit, last)) return false;
    let lowered: string | undefined;
    let position = first.length;
    for (let i = 1; i < segments.length - 1; i++) {
      const segment = segments[i]!;
      // Lowercasing keeps every byte where it was, so positions found in the lowered copy are
      // positions in `text`. Lowercasing and the built-in `indexOf` are native code, an order of
      // magnitude faster per character than a case-folding Knuth–Morris–Pratt scan written in
      // JavaScript (measured for issue 22), and stay linear on hostile input (see the tests).
      const haystack = this.#hasLetter[i] ? (lowered ??= asciiLowerString(text)) : text;
      const found = haystack.indexOf(segment, position);
      if (found < 0 || found + segment.length > limit) return false;
      captures?.push(text.slice(position, found));
      position = found + segment.length;
    }
    captures?.push(text.slice(position, limit));
    return true;
  }

  /** True if `text` at `start` reads `segment` (with A–Z folded when case-insensitive). */
  #endMatches(text: string, start: number, segment: string): boolean {
    if (this.caseSensitive) return text.startsWith(segment, start);
    for (let i = 0; i < segment.length; i++) if (foldAscii(text.charCodeAt(start + i)) !== segment.charCodeAt(i)) return false;
    return true;
  }
}

/** True if `text` contains an ASCII letter (the only characters `wildcard` folds). */
function hasAsciiLetter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (((text.charCodeAt(i) | 0x20) - 0x61) >>> 0 < 26) return true;
  return false;
}

/** The byte `c` with A–Z folded to a–z; every other byte (0xC9 É included) unchanged. */
function foldAscii(c: number): number {
  return (c - 0x41) >>> 0 < 26 ? c | 0x20 : c;
}

/** Parses a wildcard pattern given as bytes (after string-literal decoding). */
export function compileWildcard(pattern: Uint8Array, options: WildcardOptions): WildcardCompileResult {
  const segments: string[] = [];
  let current = '';
  let previousWasStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const b = pattern[i]!;
    if (b === 0x2a /* * */) {
      if (previousWasStar) return { ok: false, message: 'invalid wildcard: the pattern contains a double star `**`', offset: i - 1 };
      segments.push(current);
      current = '';
      previousWasStar = true;
      continue;
    }
    previousWasStar = false;
    if (b === 0x5c /* \ */) {
      const next = pattern[i + 1];
      if (next === 0x2a || next === 0x5c) {
        current += String.fromCharCode(next);
        i++;
        continue;
      }
      const what = next === undefined ? 'a trailing `\\`' : `the escape \`\\${String.fromCharCode(next)}\``;
      return { ok: false, message: `invalid wildcard: ${what}; only \`\\*\` and \`\\\\\` are escapes`, offset: i };
    }
    current += String.fromCharCode(b);
  }
  segments.push(current);
  const stars = segments.length - 1;
  if (options.starLimit !== undefined && stars > options.starLimit) {
    return { ok: false, message: `invalid wildcard: ${stars} stars, more than the limit of ${options.starLimit}`, offset: 0 };
  }
  const folded = options.caseSensitive ? segments : segments.map(lowerAscii);
  return { ok: true, pattern: new WildcardPattern(folded, options.caseSensitive) };
}
