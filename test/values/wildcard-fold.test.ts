/**
 * Case-insensitive `wildcard` matching compares the pattern's ends with the original text,
 * folding A–Z as it reads, and lowercases the value only when a middle segment with letters has
 * to be searched (issue 22). These properties compare `matches` and
 * `captures` with the old algorithm — lowercase everything, then startsWith / endsWith /
 * indexOf — which defines the expected results, on patterns and values made of letters in both
 * cases, characters next to A–Z / a–z, bytes 0x80–0xFF (0xC9 É and 0xE9 é differ by 0x20 like
 * `A`/`a` but must never fold) and escapes. The growth tests show the search stays linear on
 * input that makes a naive scan O(value × segment).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiLowerString, toBinaryString, type BytesValue } from '../../src/values/bytes.js';
import { compileWildcard, type WildcardPattern } from '../../src/values/wildcard.js';
import { expectLinearGrowth } from '../hostile/helpers.js';

/** The matching algorithm before issue 22, kept as the oracle. */
function referenceMatches(pattern: WildcardPattern, value: BytesValue): boolean {
  let text = toBinaryString(value);
  if (!pattern.caseSensitive) text = asciiLowerString(text);
  const segments = pattern.segments;
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

/** The captures before issue 22, kept as the oracle. */
function referenceCaptures(pattern: WildcardPattern, value: BytesValue): string[] | undefined {
  const original = toBinaryString(value);
  const text = pattern.caseSensitive ? original : asciiLowerString(original);
  if (!referenceMatches(pattern, value)) return undefined;
  const segments = pattern.segments;
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

const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Pattern/value bytes: letters in both cases, their neighbours `@ [ ` {`, and 0xC9 / 0xE9. */
const BYTES = ['a', 'A', 'b', 'B', 'z', 'Z', '@', '[', '`', '{', '/', '.', '\xc9', '\xe9'];
const literal = fc.constantFrom(...BYTES, '\\*', '\\\\');
const segment = fc.array(literal, { maxLength: 4 }).map((xs) => xs.join(''));
/** Patterns as their source bytes: 1–5 segments joined by `*` (a `**` fails to compile and is skipped). */
const patternSource = fc.array(segment, { minLength: 1, maxLength: 5 }).map((xs) => xs.join('*'));

/** Flips the case of ASCII letters only, and sometimes swaps 0xC9 and 0xE9 (which must not match). */
const scramble = (text: string, flips: readonly boolean[]): string =>
  Array.from(text, (c, i) => {
    if (!flips[i % flips.length]) return c;
    if (/[a-z]/.test(c)) return c.toUpperCase();
    if (/[A-Z]/.test(c)) return c.toLowerCase();
    return c === '\xc9' ? '\xe9' : c === '\xe9' ? '\xc9' : c;
  }).join('');

/** Unescaped literal bytes of a pattern source, with the stars kept as `*`. */
const unescape = (source: string): string => source.replace(/\\(.)/g, (_, c: string) => (c === '*' ? '\u0000' : c)).replace(/\u0000/g, '*');

/**
 * A value: either random bytes, or the pattern itself with each star replaced by random filler
 * and letters re-cased (so that values match often, and near-misses are common).
 */
const valueFor = (source: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.array(fc.constantFrom(...BYTES, '*', '\\'), { maxLength: 12 }).map((xs) => xs.join('')),
    fc
      .tuple(fc.array(fc.array(fc.constantFrom(...BYTES, '*'), { maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), fc.integer({ min: -2, max: 2 }))
      .map(([fillers, flips, trim]) => {
        const pieces = unescape(source).split('*');
        const joined = pieces.map((piece, i) => (i === 0 ? '' : fillers[i % fillers.length]!.join('')) + piece).join('');
        const text = scramble(joined, flips);
        // Off by a byte or two at either end: values just shorter or longer than the segments.
        return trim < 0 ? text.slice(-trim) : text + 'a'.repeat(trim);
      }),
  );

const cases = patternSource.chain((source) => fc.tuple(fc.constant(source), valueFor(source), fc.boolean()));

function check(source: string, value: string, caseSensitive: boolean): void {
  const compiled = compileWildcard(bytes(source), { caseSensitive });
  if (!compiled.ok) return;
  const pattern = compiled.pattern;
  for (const v of [bytes(value), value] as BytesValue[]) {
    // As a JS string, bytes over 0x7F are UTF-8 encoded (É → C3 89, é → C3 A9): also never folded.
    const label = `${JSON.stringify(source)} ${caseSensitive ? 'strict ' : ''}on ${JSON.stringify(value)} (${typeof v})`;
    expect(pattern.matches(v), label).toBe(referenceMatches(pattern, v));
    expect(pattern.captures(v), label).toEqual(referenceCaptures(pattern, v));
  }
}

describe('case-insensitive wildcard without lowercasing the value', () => {
  it('matches and captures agree with lowercase-then-indexOf', () => {
    fc.assert(
      fc.property(cases, ([source, value, caseSensitive]) => check(source, value, caseSensitive)),
      { numRuns: 5_000 },
    );
  });

  it('folds A–Z only', () => {
    const pattern = (source: string) => {
      const compiled = compileWildcard(bytes(source), { caseSensitive: false });
      if (!compiled.ok) throw new Error(compiled.message);
      return compiled.pattern;
    };
    expect(pattern('*/WP-*.PHP').matches('/a/wp-x.php')).toBe(true);
    expect(pattern('\xc9*').matches(bytes('\xe9x'))).toBe(false);
    expect(pattern('*\xc9*').matches(bytes('xx\xe9x'))).toBe(false);
    expect(pattern('*\xc9').matches(bytes('\xc9'))).toBe(true);
    expect(pattern('*[*').matches('{')).toBe(false); // 0x5B and 0x7B differ by 0x20 but are not letters
    expect(pattern('*@*').matches('`')).toBe(false);
    expect(pattern('x*Ab*y').captures('XaAbBABy')).toEqual(['a', 'BAB']);
    expect(pattern('*').captures('AbC')).toEqual(['AbC']);
    expect(pattern('abc').captures('ABC')).toEqual(['']);
    expect(pattern('ab*ba').matches('aBa')).toBe(false); // the ends may not overlap
  });
});

describe('case-insensitive wildcard stays linear on hostile input', () => {
  const compile = (source: string) => {
    const compiled = compileWildcard(bytes(source), { caseSensitive: false });
    if (!compiled.ok) throw new Error(compiled.message);
    return compiled.pattern;
  };
  const sizes = [250_000, 500_000, 1_000_000];
  const growth = { repeats: 7 };

  it("'a'ⁿ against *a…ab* (a naive scan is O(n × 1000))", { timeout: 60_000 }, () => {
    const pattern = compile(`*${'a'.repeat(1000)}b*`);
    expectLinearGrowth(sizes, (n) => 'a'.repeat(n), (v) => expect(pattern.matches(v)).toBe(false), { ...growth, label: 'matches' });
    expectLinearGrowth(sizes, (n) => 'A'.repeat(n), (v) => expect(pattern.matches(v)).toBe(false), { ...growth, label: 'matches, upper case' });
    expectLinearGrowth(sizes, (n) => 'aA'.repeat(n / 2) + 'B', (v) => expect(pattern.captures(v)).toHaveLength(2), { ...growth, label: 'captures' });
  });

  it('many segments with letters, and letter-free segments', { timeout: 60_000 }, () => {
    const many = compile(`${'*Ab'.repeat(200)}*`);
    // Each segment is found a long way after the previous one: the whole value is scanned.
    const spread = (n: number): string => `${'x'.repeat(n / 200 - 2)}aB`.repeat(200);
    expectLinearGrowth(sizes, spread, (v) => expect(many.matches(v)).toBe(true), { ...growth, label: 'many segments' });
    expectLinearGrowth(sizes, (n) => spread(n).slice(0, -1), (v) => expect(many.matches(v)).toBe(false), { ...growth, label: 'many segments, no match' });
    const digits = compile(`*${'1'.repeat(1000)}2*`);
    expectLinearGrowth(sizes, (n) => '1'.repeat(n), (v) => expect(digits.matches(v)).toBe(false), { ...growth, label: 'letter-free' });
    const reversed = compile(`*2${'1'.repeat(1000)}*`);
    expectLinearGrowth(sizes, (n) => '1'.repeat(n), (v) => expect(reversed.matches(v)).toBe(false), { ...growth, label: 'letter-free, mismatch first' });
  });
});
