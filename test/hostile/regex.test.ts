/**
 * Catastrophic regular expressions and inputs: classic ReDoS patterns, the native `RegExp`
 * fast path's worst cases (regression: up to a minute per megabyte), patterns over the size
 * and nesting limits — every match within a bounded time, with the linear-time engine's answer.
 */
import { describe, expect, it } from 'vitest';
import { compileRegex } from '../../src/values/regex/index.js';
import { nativeInputLimit } from '../../src/values/regex/native.js';
import { codes, hostileScheme, within } from './helpers.js';

const MB = 1024 * 1024;
const scheme = hostileScheme({ maxExpressionLength: 10_000_000 });

/** `http.request.body.raw matches <pattern>` on `input`, within `limitMs`, compared with the linear engine (never native). */
function matches(pattern: string, input: string | Uint8Array, limitMs = 3000): boolean {
  const filter = scheme.compile(`http.request.body.raw matches r###"${pattern}"###`);
  const result = within(limitMs, () => filter.execute({ 'http.request.body.raw': input }), pattern);
  const reference = compileRegex(pattern, { engine: 'linear' });
  if (reference.ok && (typeof input !== 'string' || input.length <= MB)) expect(result, pattern).toBe(reference.regex.test(input));
  return result;
}

const as = (n: number): string => 'a'.repeat(n);

describe('classic ReDoS patterns run in linear time', () => {
  const cases: [string, string][] = [
    ['(a+)+$', `${as(MB)}!`],
    ['(a|a)*b', as(MB)],
    ['(a|aa)+$', `${as(MB)}!`],
    ['((a*)*)*b', as(MB)],
    ['^(\\w+\\s?)*$', `${'word '.repeat(MB / 5)}!`],
    ['(.*a){12}', as(MB)],
    ['(a?){25}a{25}', as(25)],
    ['(x+x+)+y', 'x'.repeat(MB)],
    ['^(([a-z])+.)+[A-Z]([a-z])+$', as(MB)],
    ['(?i)(a|b|ab)*c', 'AB'.repeat(MB / 2)],
    ['(?u)(\\w|\\pL)+\\d$', 'é'.repeat(MB / 2)],
  ];
  for (const [pattern, input] of cases) {
    it(`${pattern} on ${input.length.toLocaleString('en')} characters`, { timeout: 60_000 }, () => {
      matches(pattern, input);
    });
  }
});

describe('the native RegExp fast path never backtracks for long (regression: ~1 minute per MB)', () => {
  // Patterns the fast path accepts (bounded repetitions of single bytes, ≤ 4096 paths), whose
  // backtracking explores every path at every start position of a non-matching input.
  const worst = [
    `${'a?'.repeat(12)}[^a]`,
    `${'(a|a)'.repeat(12)}[^a]`,
    'a{0,63}a{0,63}[^a]',
    '[ab]{0,7}[ab]{0,7}[ab]{0,7}[ab]{0,7}c',
    '(a|aa)(a|aa)(a|aa)(a|aa)(a|aa)(a|aa)(a|aa)(a|aa)(a|aa)(a|aa)(a|aa)(a|aa)b',
    `\\b${'[a-z]{0,9}'.repeat(3)}\\d`,
  ];
  for (const pattern of worst) {
    it(`${pattern} on 10 MB`, { timeout: 60_000 }, () => {
      expect(matches(pattern, as(10 * MB), 3000)).toBe(false);
      expect(matches(pattern, new Uint8Array(10 * MB).fill(0x61), 3000)).toBe(false);
    });
  }

  it('results are identical just below and above the native input limit', () => {
    for (const pattern of [`${'a?'.repeat(12)}[^a]`, '(?i)(bot|crawler|spider)', 'a{0,63}a{0,63}[^a]', '^x[a-c]{2,4}\\b']) {
      const compiled = compileRegex(pattern);
      const reference = compileRegex(pattern, { engine: 'linear' });
      if (!compiled.ok || !reference.ok) throw new Error(pattern);
      // Some engines accept the pattern natively; the limit is then finite.
      expect(nativeInputLimit).toBeTypeOf('function');
      for (const length of [10, 300, 377, 378, 5_000, 100_000]) {
        for (const input of [as(length), `${as(length)}!`, `x${'b'.repeat(length)} crawler`, `Xabc ${as(length)}`]) {
          expect(compiled.regex.test(input), `${pattern} on ${input.length}`).toBe(reference.regex.test(input));
        }
      }
    }
  });
});

describe('regex limits', () => {
  it('a pattern over the compiled-size limit is `invalid-regex`, quickly', () => {
    for (const pattern of ['(?u)\\w{1000}{1000}', 'a{1000}{1000}{1000}', '(?u)\\pL{100}{100}{100}']) {
      const found = within(2000, () => codes(scheme, `http.host matches "${pattern}"`), pattern);
      expect(found, pattern).toEqual(['invalid-regex']);
    }
    expect(codes(scheme, 'http.host matches "a{100}"', { regexSizeLimit: 100 })).toEqual(['invalid-regex']);
  });

  // Regression: one 4 KB expression holding 111 regexes just under the 10 MiB size limit
  // (`(?u)\pL{300}`, `(?u)\pL{301}`, …) compiled them all — ~60 MB of heap each — and the
  // process died of heap exhaustion. The size limit now holds for an expression's regexes together.
  it('the regex size limit holds for all the regexes of an expression together', { timeout: 60_000 }, () => {
    const parts: string[] = [];
    for (let i = 300; parts.join(' or ').length < 3900; i++) parts.push(`http.host matches "(?u)\\pL{${i}}"`);
    const expression = parts.join(' or ');
    const diagnostics = within(5000, () => scheme.validate(expression), 'validate');
    expect(diagnostics.filter((d) => d.code === 'invalid-regex').length).toBe(parts.length - 1);
    expect(diagnostics[1]!.message).toBe('the regular expressions of this expression together exceed the size limit of 10485760 bytes');
    expect(codes(scheme, 'http.host matches ".{100}"', { regexSizeLimit: 12_000 })).toEqual([]);
    expect(codes(scheme, 'http.host matches ".{100}" or http.host matches ".{100}"', { regexSizeLimit: 12_000 })).toEqual(['invalid-regex']);
    // Ordinary expressions are far from it: a hundred everyday regexes compile.
    const many = Array.from({ length: 100 }, (_, i) => `http.request.uri.path matches "^/api/v${i}/[a-z]+/[0-9]{1,6}$"`).join(' or ');
    expect(codes(scheme, many)).toEqual([]);
  });

  // Matching is linear in the input but proportional to the pattern's size too (the NFA's states
  // are all live for `.{n}`): ~13 µs per byte for a pattern of 720 KB estimated size. SECURITY.md
  // recommends a lower regexSizeLimit where expressions come from untrusted tenants.
  it('large patterns cost time proportional to their size, and regexSizeLimit bounds it', { timeout: 60_000 }, () => {
    const input = 'a'.repeat(100_000);
    expect(matches('(?s-u:.){3000}', input, 3000)).toBe(true);
    expect(codes(scheme, 'http.host matches "(?s-u:.){3000}"', { regexSizeLimit: 64 * 1024 })).toEqual(['invalid-regex']);
    expect(codes(scheme, 'http.host matches "(?s-u:.){500}"', { regexSizeLimit: 64 * 1024 })).toEqual([]);
  });

  it('regex nesting: 300 groups is over Rust’s limit of 250; 100,000 never overflows the stack', () => {
    expect(codes(scheme, `http.host matches "${'('.repeat(300)}a${')'.repeat(300)}"`)).toEqual(['invalid-regex']);
    expect(codes(scheme, `http.host matches "${'('.repeat(250)}a${')'.repeat(250)}"`)).toEqual([]);
    for (const inner of ['(', '(?:', '(?i:', '[', 'a|(']) {
      const pattern = `${inner.repeat(100_000)}a`;
      const found = within(3000, () => codes(scheme, `http.host matches r"${pattern}"`), inner);
      expect(found, inner).toEqual(['invalid-regex']);
    }
  });

  // The capturing search behind regex_replace is linear too, at ~0.3 µs per byte (3 s for 10 MB).
  it('regex_replace with catastrophic patterns on 1 MB and 10 MB', { timeout: 60_000 }, () => {
    const filter = scheme.compile('len(regex_replace(http.request.body.raw, r"(a|aa)+$", "x")) eq 1');
    expect(within(2000, () => filter.execute({ 'http.request.body.raw': as(MB) }))).toBe(true);
    const miss = scheme.compile(`regex_replace(http.request.body.raw, r"${'a?'.repeat(12)}[^a]", "x") eq "x"`);
    expect(within(3000, () => miss.execute({ 'http.request.body.raw': as(10 * MB) }))).toBe(false);
  });
});

describe('the cost of large patterns per input byte', () => {
  // Regression: under the default size limit, `.{1,1000}`-style patterns cost 0.1–1 ms per
  // input byte on the old engine (29 s for a 128 KB value). The lazy DFA bounds the cost by
  // construction (at worst one state built per byte, O(pattern)); large patterns are reported.
  it('large patterns are slow-regex warnings (errors on request), small ones are not', () => {
    expect(codes(scheme, 'http.host matches "(?s).{1,1000}x"')).toEqual(['slow-regex']);
    expect(codes(scheme, 'http.host matches "(?s).{1,1000}x"', { regexCostAction: 'error' })).toEqual(['slow-regex']);
    expect(() => scheme.compile('http.host matches "(?s).{1,1000}x"', { regexCostAction: 'error' })).toThrow(/may cost microseconds per input byte/);
    expect(scheme.compile('http.host matches "(?s).{1,1000}x"').diagnostics.map((d) => d.code)).toEqual(['slow-regex']);
    expect(codes(scheme, 'http.host matches "(?s).{1,100}x"')).toEqual([]);
    expect(codes(scheme, 'http.host matches "(?s).{1,100}x"', { regexCostLimit: 1000 })).toEqual(['slow-regex']);
    // Unicode classes are large but cheap; Unicode word boundaries run on the Pike VM and are
    // held to an eighth of the limit.
    expect(codes(scheme, 'http.host matches "(?u)\\w+"')).toEqual([]);
    expect(codes(scheme, 'http.host matches "(?:(?u:\\B)(?s-u:.)){470}x"')).toEqual(['slow-regex']);
  });

  it('128 KB through the worst patterns under the default limits stays well under a second each', { timeout: 60_000 }, () => {
    const letters = 'abcdefghij'.repeat(400);
    for (const [pattern, input] of [
      ['(?s).{1,1000}x', 'y'.repeat(128 * 1024)],
      [`(?i)${letters}`, 'ABCDEFGHIJ'.repeat(13_107)],
      ['[a-z]{1,1000}0', 'q'.repeat(128 * 1024)],
      ['(a|b){1,500}c', 'ab'.repeat(64 * 1024)],
      // Found by the second attack pass: more states than the DFA cache holds (27 µs per byte
      // before the uncached mode, 5–7 now).
      ['(?s-u:.)*a(?s-u:.){200}c', Array.from({ length: 128 * 1024 }, (_, i) => ((i * 2654435761) >>> 16) & 1 ? 'a' : 'b').join('')],
    ] as const) {
      matches(pattern, input, 3000);
    }
  });
});
