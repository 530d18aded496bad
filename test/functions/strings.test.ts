/**
 * String functions: lower, upper, starts_with, ends_with, url_decode, substring, remove_bytes.
 */
import { describe, expect, it } from 'vitest';
import { STANDARD_FUNCTIONS } from '../../src/functions/standard-library.js';
import { evaluate, expectError, expectValid, hex } from './helpers.js';

const call = (name: string, ...args: unknown[]): unknown => STANDARD_FUNCTIONS.get(name)!.call(args);

describe('lower / upper', () => {
  it('docs example: lower(http.request.uri.path) contains "/wp-login.php"', () => {
    expect(evaluate('lower(http.request.uri.path) contains "/wp-login.php"', { 'http.request.uri.path': '/WP-Login.PHP' })).toBe(true);
  });

  it('change only ASCII letters', () => {
    expect(call('lower', 'ÀÉÎ ABC 123')).toBe('ÀÉÎ abc 123');
    expect(call('upper', 'àéî abc 123')).toBe('àéî ABC 123');
  });

  it('keep non-UTF-8 bytes exactly', () => {
    expect(call('lower', hex('41ff42'))).toEqual(hex('61ff62'));
    expect(call('upper', hex('61ff62'))).toEqual(hex('41ff42'));
    expect(evaluate('lower(test.bytes) eq "a\\xffb"', { 'test.bytes': hex('41ff42') })).toBe(true);
  });

  it('reject literals, wrong types and counts', () => {
    expectError('lower("A") eq "a"', 'invalid-argument-kind');
    expectError('upper(test.int) eq "a"', 'invalid-argument-type');
    expectError('lower() eq "a"', 'invalid-argument-count');
  });
});

describe('starts_with / ends_with', () => {
  it('docs example', () => {
    expect(evaluate('starts_with(http.request.uri.path, "/api/")', { 'http.request.uri.path': '/api/v1' })).toBe(true);
    expect(evaluate('starts_with(http.request.uri.path, "/api/")', { 'http.request.uri.path': '/apiv1' })).toBe(false);
  });

  it('are byte-wise and case-sensitive', () => {
    expect(evaluate('ends_with(test.bytes, "\\xa9")', { 'test.bytes': 'café' })).toBe(true);
    expect(evaluate('starts_with(test.bytes, "\\xc3")', { 'test.bytes': 'é' })).toBe(true);
    expect(evaluate('starts_with(test.bytes, "A")', { 'test.bytes': 'abc' })).toBe(false);
  });

  it('accept an empty prefix or suffix', () => {
    expect(evaluate('starts_with(test.bytes, "") and ends_with(test.bytes, "")', { 'test.bytes': 'x' })).toBe(true);
  });

  it('accept a field as the prefix (kind any)', () => {
    expect(evaluate('starts_with(test.bytes, test.bytes2)', { 'test.bytes': 'abc', 'test.bytes2': 'ab' })).toBe(true);
  });

  it('do not match half of a surrogate pair (a lone surrogate is U+FFFD in UTF-8)', () => {
    // '😀' is F0 9F 98 80; a lone high surrogate encodes as EF BF BD.
    expect(call('starts_with', '😀x', '\ud83d')).toBe(false);
    expect(call('ends_with', 'x😀', '\ude00')).toBe(false);
    expect(call('starts_with', '\ufffdx', '\ud83d')).toBe(true);
    expect(call('ends_with', 'x\ud800', '\ufffd')).toBe(true);
  });

  it('compare raw bytes with text', () => {
    expect(call('starts_with', hex('c3a9ff'), 'é')).toBe(true);
    expect(call('ends_with', 'aé', hex('a9'))).toBe(true);
  });

  it('reject a literal source and wrong counts', () => {
    expectError('starts_with("abc", "a")', 'invalid-argument-kind');
    expectError('ends_with(test.bytes)', 'invalid-argument-count');
    expectError('ends_with(test.int, "1")', 'invalid-argument-type');
  });
});

describe('url_decode', () => {
  it.each([
    ['John%20Doe', 'John Doe'],
    ['John+Doe', 'John Doe'],
    ['%41%4a', 'AJ'],
    ['%2520', '%20'],
  ])('docs examples: %s', (input, output) => {
    expect(call('url_decode', input)).toBe(output);
  });

  it('"r" decodes until nothing changes', () => {
    expect(call('url_decode', '%2520', 'r')).toBe(' ');
    expect(call('url_decode', '%25252F', 'r')).toBe('/');
  });

  it('"u" decodes %uXXXX to UTF-8, including surrogate pairs', () => {
    expect(call('url_decode', '%uD55C%uAD6D', 'u')).toBe('한국');
    expect(call('url_decode', '%uD83D%uDE00', 'u')).toBe('😀');
    expect(call('url_decode', '%uD83D', 'u')).toBe('\ufffd');
    expect(call('url_decode', '%uD55C', '')).toBe('%uD55C');
  });

  it('docs example: url_decode(path, "u") matches "(?u)\\p{Hangul}+"', () => {
    expect(evaluate('url_decode(http.request.uri.path, "u") matches "(?u)\\p{Hangul}+"', { 'http.request.uri.path': '/%uD55C' })).toBe(true);
  });

  it('produces raw bytes that are not UTF-8', () => {
    expect(call('url_decode', '%FFa')).toEqual(hex('ff61'));
  });

  it('keeps malformed escapes', () => {
    expect(call('url_decode', '%G1%')).toBe('%G1%');
    expect(call('url_decode', '%4')).toBe('%4');
  });

  it('validates its options', () => {
    expectError('url_decode(test.bytes, "x") eq ""', 'invalid-argument-value');
    expectValid('url_decode(test.bytes, "ur") eq ""');
  });
});

describe('substring', () => {
  const values = { 'test.bytes': 'asdfghjk' };
  it.each([
    ['2, 5', 'dfg'],
    ['2', 'dfghjk'],
    ['-2', 'jk'],
    ['0, -2', 'asdfgh'],
  ])('docs example substring(field, %s)', (args, expected) => {
    expect(evaluate(`substring(test.bytes, ${args}) eq "${expected}"`, values)).toBe(true);
  });

  it('clamps out-of-range indexes and returns "" when end <= start', () => {
    expect(call('substring', 'asdfghjk', 5, 100)).toBe('hjk');
    expect(call('substring', 'asdfghjk', -100, 2)).toBe('as');
    expect(call('substring', 'asdfghjk', 100)).toBe('');
    expect(call('substring', 'asdfghjk', 5, 2)).toBe('');
    expect(call('substring', 'asdfghjk', -1, -3)).toBe('');
    expect(call('substring', 'asdfghjk', 2n ** 60n)).toBe('');
    expect(call('substring', 'asdfghjk', -(2n ** 60n), 2)).toBe('as');
  });

  it('counts bytes, not characters', () => {
    expect(call('substring', 'héllo', 0, 3)).toBe('hé');
    // Cutting inside a UTF-8 sequence yields the raw bytes.
    expect(call('substring', 'héllo', 0, 2)).toEqual(hex('68c3'));
    expect(call('substring', 'héllo', 2)).toEqual(hex('a96c6c6f'));
    expect(call('substring', '😀', -2)).toEqual(hex('9880'));
  });

  it('works on raw bytes and never aliases the input', () => {
    const input = hex('00ff10ff');
    const out = call('substring', input, 1, 3) as Uint8Array;
    expect(out).toEqual(hex('ff10'));
    out[0] = 0;
    expect(input).toEqual(hex('00ff10ff'));
  });

  it('takes Int literals only, as start and end', () => {
    expectError('substring(test.bytes, test.int) eq ""', 'invalid-argument-kind');
    expectError('substring(test.bytes, "1") eq ""', 'invalid-argument-type');
    expectError('substring("abc", 1) eq ""', 'invalid-argument-kind');
    expectError('substring(test.bytes) eq ""', 'invalid-argument-count');
    expectError('substring(test.bytes, 1, 2, 3) eq ""', 'invalid-argument-count');
  });

  it('propagates missing values and maps over [*]', () => {
    expect(evaluate('substring(test.bytes, 1) eq ""')).toBe(false);
    expect(evaluate('not substring(test.bytes, 1) eq ""')).toBe(true);
    expect(evaluate('any(substring(http.request.headers.names[*], 0, 2)[*] eq "Ac")', { 'http.request.headers.names': ['Accept'] })).toBe(true);
  });
});

describe('remove_bytes', () => {
  it('docs example: removes every "." and "w"', () => {
    expect(evaluate('remove_bytes(http.host, "\\x2e\\x77") eq "cloudflarecom"', { 'http.host': 'www.cloudflare.com' })).toBe(true);
  });

  it('treats the second argument as a set of bytes, not a substring', () => {
    expect(call('remove_bytes', 'a-b_c-d', '_-')).toBe('abcd');
    expect(call('remove_bytes', 'abc', '')).toBe('abc');
    expect(call('remove_bytes', 'abc', 'abc')).toBe('');
  });

  it('keeps non-ASCII text when removing ASCII bytes', () => {
    expect(call('remove_bytes', 'é-😀-x', '-')).toBe('é😀x');
  });

  it('removes single bytes of UTF-8 sequences, producing raw bytes', () => {
    expect(call('remove_bytes', 'é', hex('a9'))).toEqual(hex('c3'));
    expect(evaluate('remove_bytes(test.bytes, "\\xa9") eq "\\xc3"', { 'test.bytes': 'é' })).toBe(true);
    expect(call('remove_bytes', hex('ff00ff01'), hex('ff'))).toBe('\u0000\u0001');
    expect(call('remove_bytes', hex('ff00fe01'), hex('00'))).toEqual(hex('fffe01'));
    expect(evaluate('remove_bytes(test.bytes, 2d:2e) eq "ab"', { 'test.bytes': 'a.-b' })).toBe(true);
  });

  it('requires a literal set and a field source', () => {
    expectError('remove_bytes(test.bytes, test.bytes2) eq ""', 'invalid-argument-kind');
    expectError('remove_bytes("abc", "a") eq ""', 'invalid-argument-kind');
    expectError('remove_bytes(test.int, "a") eq ""', 'invalid-argument-type');
    expectError('remove_bytes(test.bytes) eq ""', 'invalid-argument-count');
  });
});
