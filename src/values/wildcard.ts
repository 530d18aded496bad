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
  /** @param segments literal pieces between the stars, as binary strings (folded if case-insensitive) */
  constructor(
    readonly segments: readonly string[],
    readonly caseSensitive: boolean,
  ) {}

  /** Number of `*` in the pattern. */
  get stars(): number {
    return this.segments.length - 1;
  }

  /** True if the whole of `value` matches the pattern. */
  matches(value: BytesValue): boolean {
    let text = toBinaryString(value);
    if (!this.caseSensitive) text = lowerAscii(text);
    const segments = this.segments;
    const first = segments[0]!;
    if (segments.length === 1) return text === first;
    const last = segments[segments.length - 1]!;
    if (text.length < first.length + last.length) return false;
    if (!text.startsWith(first) || !text.endsWith(last)) return false;
    let position = first.length;
    const limit = text.length - last.length;
    for (let i = 1; i < segments.length - 1; i++) {
      const segment = segments[i]!;
      const found = text.indexOf(segment, position);
      if (found < 0 || found + segment.length > limit) return false;
      position = found + segment.length;
    }
    return true;
  }

  /**
   * Matches and returns what each `*` captured, each as short as possible (as
   * `wildcard_replace` requires), or `undefined` when the value does not match.
   */
  captures(value: BytesValue): string[] | undefined {
    const original = toBinaryString(value);
    const text = this.caseSensitive ? original : lowerAscii(original);
    if (!this.matches(value)) return undefined;
    const segments = this.segments;
    const captures: string[] = [];
    let position = segments[0]!.length;
    const limit = text.length - segments[segments.length - 1]!.length;
    for (let i = 1; i < segments.length - 1; i++) {
      const found = text.indexOf(segments[i]!, position);
      captures.push(original.slice(position, found));
      position = found + segments[i]!.length;
    }
    captures.push(original.slice(position, limit));
    return captures;
  }
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
