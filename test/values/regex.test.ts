import { describe, expect, it } from 'vitest';
import { compileRegex, type CompiledRegex, type RegexOptions } from '../../src/values/regex/index.js';
import { cloudflareScheme } from '../../src/index.js';
import { toBinaryString } from '../../src/values/bytes.js';

/** Bytes helper. */
const b = (...xs: number[]): Uint8Array => new Uint8Array(xs);

function compile(pattern: string, options?: RegexOptions): CompiledRegex {
  const r = compileRegex(pattern, options);
  if (!r.ok) throw new Error(`${pattern}: ${r.message} at ${r.offset}`);
  return r.regex;
}

type Value = string | Uint8Array;
const show = (v: Value): string => (typeof v === 'string' ? JSON.stringify(v) : `bytes[${Array.from(v).join(',')}]`);

/** [pattern, values that match, values that do not match] */
const ACCEPTED: readonly (readonly [string, readonly Value[], readonly Value[]])[] = [
  // literals, escapes
  ['abc', ['abc', 'xxabcxx'], ['ab', 'ABC']],
  ['a\\.b', ['a.b'], ['axb']],
  ['\\\\', ['a\\b'], ['ab']],
  ['\\/\\"\\%\\!\\@\\ \\,', ['/"%!@ ,'], ['/"%!@,']],
  ['\\t\\n\\r\\f\\v\\a', ['\t\n\r\f\v\x07'], ['tnrfva']],
  ['\\x41\\x{42}\\u0043\\U00000044', ['ABCD'], ['abcd']],
  ['\\x{7F}', ['\x7f'], ['\x7e']],
  // byte semantics
  ['^.$', ['a', b(0xe9), b(0xff)], ['é', '\n', '']],
  ['^..$', ['é', 'ab'], ['a', 'abc']],
  ['^\\xE9$', [b(0xe9)], ['é', b(0xc3, 0xa9)]],
  ['\\xC3\\xA9', ['é', 'café'], ['e', b(0xe9)]],
  ['^[^a]$', [b(0xff), b(0x80), 'b'], ['a', 'é']],
  ['^[\\x80-\\xFF]+$', ['é', 'ü€', b(0x80, 0xff)], ['aé', '']],
  ['\\w', ['a', '_', '9'], ['é', '-', ' ']],
  ['^\\W+$', ['é', '-+', b(0xff)], ['a']],
  ['\\d', ['5'], ['٣', 'x']],
  ['\\s', [' ', '\t', '\n', '\v', '\f', '\r'], ['\u00a0', '\u2003', 'x']],
  ['(?i)abc', ['ABC', 'aBc'], ['ab']],
  ['(?i)[a-c]+$', ['ABC'], ['D']],
  ['(?i)k', ['k', 'K'], ['\u212a']],
  ['(?i)[^k]', ['a'], ['k', 'K']],
  ['(?i)\\xE9', [b(0xe9)], [b(0xc9)]],
  // dot and flags
  ['a.b', ['a\rb', 'axb'], ['a\nb']],
  ['(?s)a.b', ['a\nb'], ['ab']],
  ['(?R)a.b', ['axb'], ['a\rb', 'a\nb']],
  ['(?sR)a.b', ['a\rb', 'a\nb'], []],
  ['a$', ['xa'], ['a\n', 'ab']],
  ['^b', ['b'], ['a\nb']],
  ['(?m)^b$', ['a\nb', 'b\nc', 'a\nb\nc'], ['ab', 'bc']],
  ['\\Aa\\z', ['a'], ['a\n', '\na']],
  ['(?m)\\Ab', ['b\n'], ['a\nb']],
  ['a(?i)b|c', ['aB', 'C'], ['AB', 'd']],
  ['(?i:a)b', ['Ab'], ['aB']],
  ['(?i)a(?-i)b', ['Ab'], ['aB']],
  ['((?i)a)b', ['Ab'], ['AB']],
  ['(?x) a b c # a comment\n d', ['abcd'], ['a b c d']],
  ['(?x)a\\ b [\\ ]c \\#', ['a b c#'], ['abc#', 'a bc#']],
  ['(?x)a{ 2 , 3 }', ['aa'], ['a']],
  ['a{ 2 }', ['aa'], ['a']],
  // classes
  ['[[:alpha:]]+$', ['abcXYZ'], ['123']],
  ['^[[:^alpha:]]+$', ['123', 'é'], ['a1']],
  ['^[[:digit:][:upper:]]+$', ['A1'], ['a']],
  ['[:alpha:]', [':', 'a', 'p'], ['b']],
  ['^[]a]+$', [']a]'], ['b']],
  ['^[^]a]$', ['b'], [']', 'a']],
  ['^[-a]+$', ['-a'], ['b']],
  ['^[a-]+$', ['-a'], ['b']],
  ['^[a\\-z]+$', ['-az'], ['b']],
  ['^[a-z&&[^aeiou]]+$', ['xyz'], ['xaz']],
  ['^[a-z--[aeiou]]+$', ['xyz'], ['xaz']],
  ['^[a-c~~b-d]+$', ['ad'], ['b', 'c']],
  ['^[\\w--\\d]+$', ['ab_'], ['a1']],
  ['^[a[bc]]+$', ['abc'], ['d']],
  ['^[\\[\\]]+$', ['[]'], ['a']],
  ['^[\\x00-\\x1F]$', ['\x01'], [' ']],
  ['^[\\d\\s]+$', ['1 2'], ['a']],
  ['^[^\\D]$', ['5'], ['a']],
  ['(?i)^[^x]$', ['a'], ['x', 'X']],
  ['^[\\xE9]$', [b(0xe9)], ['é']],
  ['[&&]', [], ['a', '&', '']],
  ['^[a&&b]?$', [''], ['a', 'b']],
  // alternation, groups
  ['cat|dog', ['cat', 'hotdog'], ['cow']],
  ['^(?:cat|dog)$', ['cat'], ['cats']],
  ['^(?P<name>a)(?<other>b)$', ['ab'], ['a']],
  ['a|', ['', 'x'], []],
  ['^()$', [''], ['a']],
  // repetition
  ['^a*$', ['', 'aaa'], ['b']],
  ['^a+$', ['a'], ['']],
  ['^a?$', ['', 'a'], ['aa']],
  ['^a{3}$', ['aaa'], ['aa', 'aaaa']],
  ['^a{2,}$', ['aa', 'aaaa'], ['a']],
  ['^a{2,3}$', ['aa', 'aaa'], ['a', 'aaaa']],
  ['^a{0}$', [''], ['a']],
  ['^a{1500}$', ['a'.repeat(1500)], ['a'.repeat(1499), 'a'.repeat(1501)]],
  ['^a{1000,1500}$', ['a'.repeat(1000), 'a'.repeat(1500)], ['a'.repeat(999), 'a'.repeat(1501)]],
  ['^a{1001,}$', ['a'.repeat(1001), 'a'.repeat(3000)], ['a'.repeat(1000)]],
  ['^(?:ab{10}){200}$', ['abbbbbbbbbb'.repeat(200)], ['abbbbbbbbbb'.repeat(199)]],
  ['^(?:(?:a{10}){10}){20}$', ['a'.repeat(2000)], ['a'.repeat(1990)]],
  ['^a**$', ['', 'aa'], ['b']],
  ['^a*+$', ['', 'aa'], ['b']],
  ['^a++$', ['aa'], ['']],
  ['^a?+$', ['', 'aaa'], ['b']],
  ['^a{2}{3}$', ['aaaaaa'], ['aaaa']],
  ['^\\b{2}a$', ['a'], []],
  ['^a+?$', ['aaa'], ['']],
  ['^a{2,3}?$', ['aaa'], ['a']],
  // assertions
  ['\\bfoo\\b', ['a foo b', 'foo'], ['afoo', 'foob']],
  ['\\Bfoo', ['afoo'], ['a foo']],
  ['foo\\b', ['foo\u00e9'], ['foobar']],
  ['\\b{start}foo', ['foo', ' foo'], ['xfoo']],
  ['foo\\b{end}', ['foo', 'foo '], ['foox']],
  ['\\<foo\\>', ['a foo b'], ['afoo', 'foob']],
  ['^\\b{start-half}x', ['x'], []],
  ['-\\b{start-half}', ['-', '--'], []],
  ['a\\b{start-half}', [], ['a', 'a-', 'ab']],
  ['x\\b{end-half}', ['x', 'x-'], ['xa']],
  ['\\b{end-half}-', ['a-', '--'], []],
  ['\\b{end-half}x', [], ['-x', 'ax']],
  // Unicode mode
  ['(?u)^.$', ['é', '€', '😀', 'a'], ['', 'ab', b(0xe9), b(0xff)]],
  ['(?u)\\p{Hangul}+', ['한국어', 'a한'], ['abc', 'é']],
  ['(?u)^\\p{Greek}+$', ['αβγ'], ['abc']],
  ['(?u)^\\pL+$', ['héllo', 'мир'], ['1']],
  ['(?u)^\\p{Lu}$', ['É', 'A'], ['é']],
  ['(?u)^\\P{L}$', ['1', '€'], ['a', 'é']],
  ['(?u)^\\p{sc=Latin}$', ['é'], ['α']],
  ['(?u)^\\p{Script_Extensions=Greek}$', ['α'], ['a']],
  ['(?u)^\\p{gc:Nd}$', ['٣', '5'], ['x']],
  ['(?u)^\\p{IsGreek}$', ['α'], ['a']],
  ['(?u)^\\p{ greek }$', ['α'], ['a']],
  ['(?u)^\\p{Any}$', ['\u{10FFFF}'], []],
  ['(?u)^\\p{ASCII}$', ['a'], ['é']],
  ['(?u)^\\p{White_Space}$', ['\u3000'], ['a']],
  ['(?u)^\\p{Emoji}$', ['😀'], ['a']],
  ['(?u)^\\P{scx!=Greek}$', ['α'], ['a']],
  ['(?u)^\\w+$', ['héllo', 'мир_1'], ['a-b']],
  ['(?u)^\\d$', ['٣'], ['a']],
  ['(?u)^\\s$', ['\u00a0', '\u2003'], ['a']],
  ['(?u)^\\W$', ['-'], ['é']],
  ['(?u)(?i)k', ['K', '\u212a'], ['x']],
  ['(?u)(?i)^é$', ['É', 'é'], ['e']],
  ['(?ui)^σ$', ['Σ', 'ς', 'σ'], ['s']],
  ['(?ui)^[a-z]$', ['K', '\u212a', '\u017f'], ['1']],
  ['(?ui)^\\p{Ll}$', ['A'], ['1']],
  ['(?u)^[é-ü]$', ['ö'], ['e']],
  ['(?u)^[^é]$', ['e', '€'], ['é']],
  ['(?u)^[\\p{Greek}&&\\p{Ll}]$', ['α'], ['Α', 'a']],
  ['(?u)^\\xE9$', ['é'], [b(0xe9)]],
  ['(?u)^\\x{1F600}$', ['😀'], []],
  ['(?u)é(?-u:\\xE9)', [b(0xc3, 0xa9, 0xe9)], ['éé']],
  ['(?u:é)', ['café'], ['cafe']],
  ['(?u)^[[:alpha:]]$', ['a'], ['é']],
  // assertions RE2 cannot express run on the Pike VM
  ['(?u)\\bé', ['é', ' é', 'éé'], ['aé', 'xé', '_é']],
  ['(?u)\\bx\\b', ['x', 'é x', b(0xff, 0x78, 0xff)], ['éx', 'xé']],
  ['(?u)x\\B', ['xé', 'xa'], ['x', 'x-', b(0x78, 0xff)]],
  ['(?u)\\<мир\\>', ['мир', 'a мир!'], ['миры']],
  ['(?u)\\b{start-half}é', ['é', '-é'], ['aé', b(0xff, 0xc3, 0xa9)]],
  ['(?u)é\\b{end-half}', ['é', 'é-'], ['éa']],
  ['(?mR)^b$', ['a\r\nb', 'a\rb\r', 'b\r\n'], ['ab', 'a\nbc']],
  ['(?mR)^$', ['', '\r\n'], ['a']],
  ['(?mR)a$\r', ['a\r'], []],
  // the supported-by-everyone user agent shape
  ['(?i)(bot|crawler|spider|curl)', ['Mozilla/5.0 (compatible; Googlebot/2.1)', 'CURL/8'], ['Mozilla/5.0 Firefox']],
];

describe('accepted patterns', () => {
  for (const [pattern, yes, no] of ACCEPTED) {
    it(pattern, () => {
      const re = compile(pattern);
      for (const v of yes) expect(re.test(v), `${pattern} should match ${show(v)}`).toBe(true);
      for (const v of no) expect(re.test(v), `${pattern} should not match ${show(v)}`).toBe(false);
    });
  }
});

/** [pattern, message fragment, offset, length] */
const REJECTED: readonly (readonly [string, string, number, number])[] = [
  ['(a', 'unclosed group', 0, 1],
  ['a(b(c)', 'unclosed group', 1, 1],
  ['a)', 'unopened group', 1, 1],
  ['a|b)', 'unopened group', 3, 1],
  ['(?=a)', 'look-around', 0, 3],
  ['(?!a)', 'look-around', 0, 3],
  ['(?<=a)b', 'look-around', 0, 4],
  ['(?<!a)b', 'look-around', 0, 4],
  ['(a)\\1', 'backreferences are not supported', 3, 2],
  ['\\0', 'backreferences are not supported', 0, 2],
  ['\\9', 'backreferences are not supported', 0, 2],
  ['\\k<n>', 'unrecognized escape sequence', 0, 2],
  ['(?>a)', 'unrecognized flag', 2, 1],
  ['(?1)', 'unrecognized flag', 2, 1],
  ['(?R)(?&name)', 'unrecognized flag', 6, 1],
  ['(?(1)a|b)', 'unrecognized flag', 2, 1],
  ['(?#comment)', 'unrecognized flag', 2, 1],
  ['a\\Z', 'unrecognized escape sequence', 1, 2],
  ['a\\K', 'unrecognized escape sequence', 1, 2],
  ['\\Ga', 'unrecognized escape sequence', 0, 2],
  ['\\Qa.b\\E', 'unrecognized escape sequence', 0, 2],
  ['\\y', 'unrecognized escape sequence', 0, 2],
  ['\\e', 'unrecognized escape sequence', 0, 2],
  ['\\é', 'unrecognized escape sequence', 0, 2],
  ['a\\', 'incomplete escape sequence', 1, 1],
  ['[]', 'unclosed character class', 0, 2],
  ['[^]', 'unclosed character class', 0, 3],
  ['[a', 'unclosed character class', 0, 1],
  ['[a-', 'unclosed character class', 0, 1],
  ['[[a]', 'unclosed character class', 0, 1],
  ['[', 'unclosed character class', 0, 1],
  ['[^', 'unclosed character class', 0, 2],
  ['[-', 'unclosed character class', 0, 0],
  ['(?x)[-#]', 'unclosed character class', 4, 0],
  ['\\xFG', 'invalid hexadecimal digit', 3, 1],
  ['\\uD800', 'not a Unicode scalar value', 2, 4],
  ['\\x{FFFFFFFFF}', 'not a Unicode scalar value', 3, 9],
  ['\\p{Greek', 'incomplete escape sequence', 8, 0],
  ['[z-a]', 'invalid character class range', 1, 3],
  ['[a-\\d]', 'invalid range boundary', 3, 2],
  ['[\\b]', 'invalid escape sequence found in character class', 1, 2],
  ['[\\A]', 'invalid escape sequence found in character class', 1, 2],
  ['*a', 'repetition operator missing expression', 0, 0],
  ['a|*', 'repetition operator missing expression', 2, 0],
  ['(*)', 'repetition operator missing expression', 1, 0],
  ['(?i)*', 'repetition operator missing expression', 4, 0],
  ['{1}', 'repetition operator missing expression', 0, 0],
  ['(?)', 'repetition operator missing expression', 1, 0],
  ['a{', 'unclosed counted repetition', 1, 1],
  ['a{1', 'unclosed counted repetition', 1, 2],
  ['a{1,2', 'unclosed counted repetition', 1, 4],
  ['a{1x}', 'unclosed counted repetition', 1, 2],
  ['a{}', 'repetition quantifier expects a valid decimal', 2, 0],
  ['a{,5}', 'repetition quantifier expects a valid decimal', 2, 0],
  ['a{2,1}', 'invalid repetition count range', 1, 5],
  ['a{4294967296}', 'decimal literal invalid', 2, 10],
  ['\\xZZ', 'invalid hexadecimal digit', 2, 1],
  ['\\x4', 'incomplete escape sequence', 3, 0],
  ['\\x{}', 'hexadecimal literal empty', 2, 2],
  ['\\x{110000}', 'not a Unicode scalar value', 3, 6],
  ['\\x{D800}', 'not a Unicode scalar value', 3, 4],
  ['\\x{12', 'incomplete escape sequence', 2, 3],
  ['(?i-i)', 'duplicate flag', 4, 1],
  ['(?--i)', 'flag negation operator repeated', 3, 1],
  ['(?i-)', 'dangling flag negation operator', 3, 1],
  ['(?z)', 'unrecognized flag', 2, 1],
  ['(?i', 'expected flag but got end of regex', 3, 0],
  ['(?', 'unclosed group', 0, 1],
  ['(?P<>a)', 'empty capture group name', 4, 0],
  ['(?P<1a>x)', 'invalid capture group character', 4, 1],
  ['(?P<a-b>x)', 'invalid capture group character', 5, 1],
  ['(?P<n', 'unclosed capture group name', 5, 0],
  ['(?P<n>a)(?P<n>b)', 'duplicate capture group name', 12, 1],
  ['\\b{foo}', 'unrecognized special word boundary', 3, 3],
  ['\\b{start', 'special word boundary assertion is either unclosed', 2, 6],
  ['\\b{', 'found either the beginning of a special word boundary', 0, 3],
  ['\\p\\', 'invalid Unicode character class', 2, 1],
  ['\\p{L', 'incomplete escape sequence', 4, 0],
  // byte mode: no Unicode
  ['\\p{L}', 'Unicode not allowed here', 0, 5],
  ['\\pL', 'Unicode not allowed here', 0, 3],
  ['[\\p{Greek}]', 'Unicode not allowed here', 1, 9],
  ['é', 'Unicode not allowed here', 0, 1],
  ['caf(?i)é', 'Unicode not allowed here', 7, 1],
  ['[é]', 'Unicode not allowed here', 1, 1],
  ['[a-é]', 'Unicode not allowed here', 3, 1],
  ['\\x{E9}', 'Unicode not allowed here', 0, 6],
  ['\\u00E9', 'Unicode not allowed here', 0, 6],
  ['😀', 'Unicode not allowed here', 0, 2],
  ['(?u:é)é', 'Unicode not allowed here', 6, 1],
  ['(?u)\\p{Foo}', 'Unicode property not found', 4, 7],
  ['(?u)\\p{sc=Foo}', 'Unicode property value not found', 4, 10],
  ['(?u)\\p{foo=bar}', 'Unicode property not found', 4, 11],
  ['(?u)\\p{age=3.0}', 'not supported by this implementation', 4, 11],
  ['(?u)\\p{Hyphen}', 'not supported by this implementation', 4, 10],
];

describe('rejected patterns (strict reading: utf8Literals false, Rust regex-syntax)', () => {
  for (const [pattern, message, offset, length] of REJECTED) {
    it(pattern, () => {
      const r = compileRegex(pattern, { utf8Literals: false });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.message).toContain(message);
      expect({ offset: r.offset, length: r.length }).toEqual({ offset, length });
    });
  }
});

describe('exec', () => {
  const span = (pattern: string, value: Value) => {
    const m = compile(pattern).exec(value);
    return m === undefined ? undefined : m.groups.map((g) => (g === undefined ? null : [...g]));
  };

  it('reports byte offsets of the leftmost-first match and its groups', () => {
    expect(span('^/old/(.*)$', '/old/a/b')).toEqual([
      [0, 8],
      [5, 8],
    ]);
    expect(span('(a)|(b)', 'xb')).toEqual([[1, 2], null, [1, 2]]);
    expect(span('b', 'aaa')).toBeUndefined();
  });

  it('counts offsets in bytes for non-ASCII input', () => {
    expect(span('(\\w+)$', 'héllo')).toEqual([
      [3, 6],
      [3, 6],
    ]);
    expect(span('(?u)(\\w+)$', 'héllo')).toEqual([
      [0, 6],
      [0, 6],
    ]);
  });

  it('is leftmost-first like Rust, not leftmost-longest', () => {
    expect(span('a|ab', 'ab')).toEqual([[0, 1]]);
    expect(span('a+?', 'aaa')).toEqual([[0, 1]]);
    expect(span('(?U)a+', 'aaa')).toEqual([[0, 1]]);
    expect(span('(?U)a+?', 'aaa')).toEqual([[0, 3]]);
    expect(span('(a*)*', 'b')).toEqual([[0, 0], [0, 0]]);
  });

  it('reports the last iteration of a repeated group, also when the repetition is unrolled', () => {
    expect(span('(a|b){3}', 'abb')).toEqual([
      [0, 3],
      [2, 3],
    ]);
    expect(span('^(?:(\\d)x){1200}$', '1x'.repeat(1199) + '7x')).toEqual([
      [0, 2400],
      [2398, 2399],
    ]);
    expect(span('^(?:(\\d)x){0,1500}$', '1x'.repeat(600) + '7x')).toEqual([
      [0, 1202],
      [1200, 1201],
    ]);
  });

  it('keeps group numbering with x{0}', () => {
    const re = compile('(a){0}(b)');
    expect(re.groupCount).toBe(2);
    expect(span('(a){0}(b)', 'b')).toEqual([[0, 1], null, [0, 1]]);
  });

  it('exposes the group count', () => {
    expect(compile('(a)(?:b)(?P<n>c)').groupCount).toBe(2);
    expect(compile('abc').groupCount).toBe(0);
  });
});

describe('byte-mode edge cases', () => {
  it('non-ASCII literals outside classes are UTF-8 byte literals by default (the engine), errors in the strict reading', () => {
    for (const pattern of ['é', 'caf(?i)é', '\\x{E9}', '\\u00E9', '😀', '(?u:é)é']) {
      expect(compileRegex(pattern).ok, pattern).toBe(true);
      expect(compileRegex(pattern, { utf8Literals: false }).ok, pattern).toBe(false);
    }
    for (const pattern of ['[é]', '[a-é]']) expect(compileRegex(pattern).ok, pattern).toBe(false);
  });

  it('(?i)é is a UTF-8 byte literal without folding (an error in the strict reading, as in Rust)', () => {
    expect(compileRegex('(?i)é', { utf8Literals: false }).ok).toBe(false);
    const re = compile('(?i)é');
    expect(re.test('é')).toBe(true);
    expect(re.test('É')).toBe(false);
    expect(compile('^caf\\x{E9}$', { utf8Literals: true }).test('café')).toBe(true);
  });

  it('matches Uint8Array input byte for byte, including invalid UTF-8', () => {
    const re = compile('^\\xFF\\x00[\\x80-\\xBF]$');
    expect(re.test(b(0xff, 0x00, 0x80))).toBe(true);
    expect(re.test(b(0xff, 0x00, 0x7f))).toBe(false);
    expect(compile('(?u)^.$').test(b(0xc3))).toBe(false);
  });

  it('encodes lone surrogates as U+FFFD', () => {
    expect(compile('^\\xEF\\xBF\\xBD$').test('\ud800')).toBe(true);
  });
});

describe('toBinaryString', () => {
  it('returns ASCII strings unchanged', () => {
    const s = 'GET /index.html HTTP/1.1';
    expect(toBinaryString(s)).toBe(s);
  });
  it('UTF-8 encodes other strings and maps bytes one-to-one', () => {
    expect(toBinaryString('é')).toBe('\u00c3\u00a9');
    expect(toBinaryString(b(0, 0x80, 0xff))).toBe('\u0000\u0080\u00ff');
    const big = new Uint8Array(100_000).map((_, i) => i & 0xff);
    const s = toBinaryString(big);
    expect(s.length).toBe(100_000);
    expect(s.charCodeAt(99_999)).toBe(99_999 & 0xff);
  });
  it('remembers the last string but never a byte array, whose bytes may change', () => {
    expect(toBinaryString('ü')).toBe('\u00c3\u00bc');
    expect(toBinaryString('ü')).toBe('\u00c3\u00bc');
    expect(toBinaryString('ä')).toBe('\u00c3\u00a4');
    const bytes = b(0x61, 0x62);
    expect(toBinaryString(bytes)).toBe('ab');
    bytes[0] = 0x7a;
    expect(toBinaryString(bytes)).toBe('zb');
    const filter = cloudflareScheme().compile('http.user_agent matches "^zb"');
    expect(filter.execute({ 'http.user_agent': bytes })).toBe(true);
    bytes[0] = 0x61;
    expect(filter.execute({ 'http.user_agent': bytes })).toBe(false);
  });
});

describe('catastrophic patterns run in linear time', () => {
  const a100k = 'a'.repeat(100_000);
  const cases: readonly (readonly [string, string, boolean])[] = [
    ['(a+)+$', a100k + 'b', false],
    ['^(a+)+$', a100k, true],
    ['(a|a)*b', a100k, false],
    ['(a|aa)+c', a100k, false],
    ['(x+x+)+y', 'x'.repeat(100_000), false],
    ['(.*a){20}', a100k, true],
    ['(.*a){20}b', a100k, false],
    ['^(\\w+\\s?)*$', 'word '.repeat(20_000) + '!', false],
    ['(?i)(bot|crawler|spider|curl)', 'Mozilla/5.0 '.repeat(8_000), false],
  ];
  for (const [pattern, input, expected] of cases) {
    it(pattern, () => {
      expect(compile(pattern).test(input)).toBe(expected);
    });
  }
});

describe('size and nesting limits', () => {
  it('rejects patterns whose compiled size exceeds the limit, instantly', () => {
    for (const p of ['(a{1000}){1000}', 'a{1000}{1000}', '(?:a{65535}){65535}', '[a-z]{4294967295}', '(?u)\\w{1000}{100}']) {
      const r = compileRegex(p);
      expect(r.ok, p).toBe(false);
      if (!r.ok) {
        expect(r.message).toBe('Compiled regex exceeds size limit of 10485760 bytes.');
        expect(r.kind).toBe('CompiledTooBig');
      }
    }
  });

  it('measures .{4079,65535} like wirefilter: too big for 1 MiB, fine for the default', () => {
    const small = compileRegex('.{4079,65535}', { sizeLimit: 1024 * 1024 });
    expect(small.ok).toBe(false);
    if (!small.ok) expect(small.message).toBe('Compiled regex exceeds size limit of 1048576 bytes.');
    const re = compile('^.{4079,65535}$');
    expect(re.test('x'.repeat(4079))).toBe(true);
    expect(re.test('x'.repeat(4078))).toBe(false);
  });

  it('rejects deep nesting with an error, not a stack overflow', () => {
    const deep = '('.repeat(100_000) + 'a' + ')'.repeat(100_000);
    const r = compileRegex(deep);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toBe('exceed the maximum number of nested parentheses/brackets (250)');
      expect(r.offset).toBe(250);
    }
    expect(compileRegex('[['.repeat(50_000) + ']]'.repeat(50_000)).ok).toBe(false);
    // Each group is one level; the limit itself is allowed.
    expect(compileRegex('(?:'.repeat(250) + 'a' + ')'.repeat(250)).ok).toBe(true);
    expect(compileRegex('(?:'.repeat(251) + 'a' + ')'.repeat(251)).ok).toBe(false);
    expect(compileRegex('(a|'.repeat(120) + 'b' + ')'.repeat(120)).ok).toBe(true);
    expect(compileRegex('a', { nestingLimit: 0 }).ok).toBe(true);
    expect(compileRegex('ab', { nestingLimit: 0 }).ok).toBe(false);
  });

  it('compiles and runs patterns at the nesting limit', () => {
    const nested = '(?:a*'.repeat(124) + ')'.repeat(124);
    expect(compile(nested).test('aaa')).toBe(true);
    const groups = '((a)|'.repeat(83) + 'b' + ')'.repeat(83);
    expect(compile(groups).test('b')).toBe(true);
  });
});
