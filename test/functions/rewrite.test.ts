/**
 * Rewrite-expression functions: regex_replace, wildcard_replace, remove_query_args,
 * to_string, uuidv4.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uuidFromSeed } from '../../src/functions/rewrite.js';
import { STANDARD_FUNCTIONS } from '../../src/functions/standard-library.js';
import { evaluate, expectError, expectValid, hex } from './helpers.js';

const call = (name: string, ...args: unknown[]): unknown => STANDARD_FUNCTIONS.get(name)!.call(args);

describe('regex_replace', () => {
  it('docs example: r"^/old/(.*)$" → "/new/${1}"', () => {
    expect(evaluate('regex_replace(http.request.uri.path, r"^/old/(.*)$", "/new/${1}") eq "/new/a/b"', { 'http.request.uri.path': '/old/a/b' })).toBe(true);
  });

  it('replaces only the first match; no match leaves the source unchanged', () => {
    expect(call('regex_replace', 'a-b-c', '-', '+')).toBe('a+b-c');
    expect(call('regex_replace', 'abc', 'x', 'y')).toBe('abc');
    expect(call('regex_replace', 'abc', '^', '>')).toBe('>abc');
    expect(call('regex_replace', 'abc', '$', '<')).toBe('abc<');
  });

  it('expands ${1}…${8} and $$', () => {
    expect(call('regex_replace', 'ab', '(a)(b)', '${2}${1}')).toBe('ba');
    expect(call('regex_replace', 'abcdefgh', '(a)(b)(c)(d)(e)(f)(g)(h)', '${8}${7}${6}${5}${4}${3}${2}${1}')).toBe('hgfedcba');
    expect(call('regex_replace', 'price', 'price', '$$5')).toBe('$5');
    expect(call('regex_replace', 'a', 'a', '$${1}')).toBe('${1}');
  });

  it('inserts nothing for a group that did not take part or does not exist', () => {
    expect(call('regex_replace', 'b', '(a)?b', '[${1}]')).toBe('[]');
    expect(call('regex_replace', 'b', 'b', '[${3}]')).toBe('[]');
  });

  it('is case-sensitive unless (?i)', () => {
    expect(call('regex_replace', 'ABC', 'b', 'x')).toBe('ABC');
    expect(call('regex_replace', 'ABC', '(?i)b', 'x')).toBe('AxC');
  });

  it('works on bytes: "." is one byte, captures and results may be raw bytes', () => {
    expect(call('regex_replace', 'é', '^.', '')).toEqual(hex('a9'));
    expect(call('regex_replace', 'aéb', 'a(.*)b', '${1}')).toBe('é');
    expect(call('regex_replace', hex('61ff62'), '\\xff', '-')).toBe('a-b');
    expect(call('regex_replace', 'x', 'x', hex('ff'))).toEqual(hex('ff'));
    expect(evaluate('regex_replace(test.bytes, "a", "\\xc3\\xa9") eq "é"', { 'test.bytes': 'a' })).toBe(true);
  });

  it('decodes the quoted literal first: "\\\\\\\\" and r"\\\\" both match one backslash', () => {
    expect(evaluate('regex_replace(test.bytes, "\\\\\\\\", "/") eq "a/b"', { 'test.bytes': 'a\\b' })).toBe(true);
    expect(evaluate('regex_replace(test.bytes, r"\\\\", "/") eq "a/b"', { 'test.bytes': 'a\\b' })).toBe(true);
  });

  it('validates the regex and the replacement at compile time', () => {
    expect(expectError('regex_replace(test.bytes, "(", "x") eq ""', 'invalid-argument-value')).toContain('unclosed group');
    expectError('regex_replace(test.bytes, "a{2,1}", "x") eq ""', 'invalid-argument-value');
    expectError('regex_replace(test.bytes, "\\xff", "x") eq ""', 'invalid-argument-value');
    for (const bad of ['$1', '${0}', '${9}', '${10}', '${a}', '$', 'a$', '${1', '$ {1}']) {
      expectError(`regex_replace(test.bytes, "a", "${bad}") eq ""`, 'invalid-argument-value');
    }
    expectValid('regex_replace(test.bytes, "(a)", "${1}$$") eq ""');
  });

  it('checks kinds, types and counts', () => {
    expectError('regex_replace("a", "a", "b") eq ""', 'invalid-argument-kind');
    expectError('regex_replace(test.bytes, test.bytes2, "b") eq ""', 'invalid-argument-kind');
    expectError('regex_replace(test.bytes, "a", test.bytes2) eq ""', 'invalid-argument-kind');
    expectError('regex_replace(test.int, "a", "b") eq ""', 'invalid-argument-type');
    expectError('regex_replace(test.bytes, "a") eq ""', 'invalid-argument-count');
  });

  it('propagates missing and maps over [*]', () => {
    expect(evaluate('regex_replace(test.bytes, "a", "b") eq ""')).toBe(false);
    expect(evaluate('any(regex_replace(http.request.headers.names[*], "^X-", "")[*] eq "Real-IP")', { 'http.request.headers.names': ['X-Real-IP'] })).toBe(true);
  });
});

describe('wildcard_replace', () => {
  it('docs example: /apps/*/login → /${1}/login', () => {
    expect(
      evaluate('wildcard_replace(http.request.uri.path, "/apps/*/login", "/${1}/login") eq "/calendar/login"', { 'http.request.uri.path': '/apps/calendar/login' }),
    ).toBe(true);
  });

  it('docs example: case-insensitive by default, "s" makes it case-sensitive', () => {
    expect(call('wildcard_replace', '/Apps/x', '/apps/*', '/v2/${1}')).toBe('/v2/x');
    expect(call('wildcard_replace', '/Apps/x', '/apps/*', '/v2/${1}', 's')).toBe('/Apps/x');
    expect(call('wildcard_replace', '/apps/x', '/apps/*', '/v2/${1}', 's')).toBe('/v2/x');
  });

  it('captures keep the source’s case', () => {
    expect(call('wildcard_replace', '/APPS/CaL', '/apps/*', '${1}')).toBe('CaL');
  });

  it('requires the whole source to match; otherwise returns it unchanged', () => {
    expect(call('wildcard_replace', '/apps/x/y', '/apps/*/z', '${1}')).toBe('/apps/x/y');
    expect(call('wildcard_replace', 'x/apps/a', '/apps/*', '${1}')).toBe('x/apps/a');
  });

  it('matches each * lazily', () => {
    expect(call('wildcard_replace', 'a/b/c/d', '*/*', '${1}|${2}')).toBe('a|b/c/d');
    expect(call('wildcard_replace', 'a.b.c', '*.*.*', '${3}${2}${1}')).toBe('cba');
    expect(call('wildcard_replace', 'abc', '*', '[${1}]')).toBe('[abc]');
    expect(call('wildcard_replace', '', '*', '[${1}]')).toBe('[]');
  });

  it('supports escapes \\* and \\\\ in the pattern, $$ and missing groups in the replacement', () => {
    expect(call('wildcard_replace', 'a*b', 'a\\**', '${1}$$${2}')).toBe('b$');
    expect(evaluate('wildcard_replace(test.bytes, r"a\\*", "x") eq "x"', { 'test.bytes': 'a*' })).toBe(true);
  });

  it('works on bytes', () => {
    expect(call('wildcard_replace', 'é/x', '*/x', '${1}')).toBe('é');
    expect(call('wildcard_replace', hex('ff2f78'), '*/x', '${1}-')).toEqual(hex('ff2d'));
    expect(call('wildcard_replace', 'É/x', 'é/*', '${1}')).toBe('É/x');
  });

  it('validates pattern, replacement and flags', () => {
    expectError('wildcard_replace(test.bytes, "a**", "x") eq ""', 'invalid-argument-value');
    expectError('wildcard_replace(test.bytes, "a\\\\x", "x") eq ""', 'invalid-argument-value');
    expectError('wildcard_replace(test.bytes, "a*", "$1") eq ""', 'invalid-argument-value');
    expectError('wildcard_replace(test.bytes, "a*", "x", "i") eq ""', 'invalid-argument-value');
    expectValid('wildcard_replace(test.bytes, "a*", "x", "s") eq ""');
    expectValid('wildcard_replace(test.bytes, "a*", "x", "") eq ""');
  });

  it('checks kinds, types and counts', () => {
    expectError('wildcard_replace("a", "*", "x") eq ""', 'invalid-argument-kind');
    expectError('wildcard_replace(test.bytes, test.bytes2, "x") eq ""', 'invalid-argument-kind');
    expectError('wildcard_replace(test.bytes, "*", "x", test.bytes2) eq ""', 'invalid-argument-kind');
    expectError('wildcard_replace(ip.src, "*", "x") eq ""', 'invalid-argument-type');
    expectError('wildcard_replace(test.bytes, "*") eq ""', 'invalid-argument-count');
    expectError('wildcard_replace(test.bytes, "*", "x", "s", "s") eq ""', 'invalid-argument-count');
  });

  it('propagates missing and maps over [*]', () => {
    expect(evaluate('wildcard_replace(test.bytes, "*", "x") eq "x"')).toBe(false);
    expect(evaluate('any(wildcard_replace(http.request.headers.names[*], "x-*", "${1}")[*] eq "Real-IP")', { 'http.request.headers.names': ['X-Real-IP'] })).toBe(true);
  });
});

describe('remove_query_args', () => {
  it('docs example: removes every "category" pair', () => {
    expect(
      evaluate('remove_query_args(http.request.uri.query, "category") eq "order=desc"', { 'http.request.uri.query': 'category=Foo&order=desc&category=Bar' }),
    ).toBe(true);
  });

  it('removes bare names and several names, keeping order', () => {
    expect(call('remove_query_args', 'a=1&debug&b=2&c=3', 'debug', 'c')).toBe('a=1&b=2');
    expect(call('remove_query_args', 'a=1&b=2', 'x')).toBe('a=1&b=2');
    expect(call('remove_query_args', 'a=1&a=2', 'a')).toBe('');
    expect(call('remove_query_args', '', 'a')).toBe('');
  });

  it('compares names exactly (case-sensitive, no decoding, whole name)', () => {
    expect(call('remove_query_args', 'A=1&a=2&ab=3&a%20=4', 'a')).toBe('A=1&ab=3&a%20=4');
    expect(call('remove_query_args', 'a=b=c&b=1', 'b')).toBe('a=b=c');
  });

  it('keeps empty segments and the rest of the bytes exactly', () => {
    expect(call('remove_query_args', 'a=1&&b=2', 'a')).toBe('&b=2');
    expect(call('remove_query_args', 'é=1&x=ü', 'é')).toBe('x=ü');
    expect(call('remove_query_args', hex('613dff26623d32'), 'b')).toEqual(hex('613dff'));
    expect(call('remove_query_args', hex('ff3d3126613d32'), hex('ff'))).toBe('a=2');
  });

  it('works on raw.http.request.uri.query too', () => {
    expect(evaluate('remove_query_args(raw.http.request.uri.query, "x") eq "y=2"', { 'raw.http.request.uri.query': 'x=1&y=2' })).toBe(true);
  });

  it('validates the names', () => {
    expectError('remove_query_args(http.request.uri.query, "") eq ""', 'invalid-argument-value');
    expectError('remove_query_args(http.request.uri.query, "a&b") eq ""', 'invalid-argument-value');
    expectError('remove_query_args(http.request.uri.query, "a", "b=") eq ""', 'invalid-argument-value');
  });

  it('checks kinds, types and counts', () => {
    expectError('remove_query_args(http.request.uri.query) eq ""', 'invalid-argument-count');
    expectError('remove_query_args("a=1", "a") eq ""', 'invalid-argument-kind');
    expectError('remove_query_args(http.request.uri.query, http.host) eq ""', 'invalid-argument-kind');
    expectError('remove_query_args(test.int, "a") eq ""', 'invalid-argument-type');
    // Only the query-string fields are accepted as the source.
    expect(expectError('remove_query_args(http.host, "a") eq ""', 'invalid-argument-value')).toContain('http.request.uri.query');
    expectValid('remove_query_args(raw.http.request.uri.query, "a") eq ""');
  });

  it('allows one rewrite function per expression', () => {
    expectError('regex_replace(regex_replace(http.host, "a", "b"), "c", "d") eq "x"', 'too-many-rewrite-functions');
    expectError('concat(wildcard_replace(http.host, "*", "x"), regex_replace(http.host, "a", "b")) eq "x"', 'too-many-rewrite-functions');
  });

  it('propagates missing', () => {
    expect(evaluate('remove_query_args(http.request.uri.query, "a") eq ""')).toBe(false);
  });
});

describe('to_string', () => {
  it('docs example: concat("score=", to_string(cf.bot_management.score))', () => {
    expect(evaluate('concat("score=", to_string(cf.bot_management.score)) eq "score=42"', { 'cf.bot_management.score': 42 })).toBe(true);
  });

  it('formats Int, Bool and Ip', () => {
    expect(call('to_string', -17)).toBe('-17');
    expect(call('to_string', 0)).toBe('0');
    expect(call('to_string', -9223372036854775808n)).toBe('-9223372036854775808');
    expect(call('to_string', true)).toBe('true');
    expect(call('to_string', false)).toBe('false');
    expect(evaluate('to_string(ip.src) eq "192.0.2.1"', { 'ip.src': '192.0.2.1' })).toBe(true);
    expect(evaluate('to_string(ip.src) eq "2001:db8::1"', { 'ip.src': '2001:0DB8:0000:0000:0000:0000:0000:0001' })).toBe(true);
    expect(evaluate('to_string(ip.src) eq "::ffff:192.0.2.1"', { 'ip.src': '::ffff:c000:201' })).toBe(true);
    expect(evaluate('to_string(ssl) eq "true"', { ssl: true })).toBe(true);
  });

  it('maps over [*] and propagates missing', () => {
    expect(evaluate('any(to_string(test.ints[*])[*] eq "7")', { 'test.ints': [1, 7] })).toBe(true);
    expect(evaluate('to_string(test.int) eq "0"')).toBe(false);
  });

  it('checks kinds, types and counts', () => {
    expectError('to_string(5) eq "5"', 'invalid-argument-kind');
    expectError('to_string(test.bytes) eq ""', 'invalid-argument-type');
    expectError('to_string(test.ints) eq ""', 'invalid-argument-type');
    expectError('to_string() eq ""', 'invalid-argument-count');
    expectError('to_string(test.int, test.int) eq ""', 'invalid-argument-count');
  });
});

describe('uuidv4', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('docs example: uuidv4(cf.random_seed) is a lowercase version-4 UUID', () => {
    const values = { 'cf.random_seed': hex('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff') };
    expect(evaluate(`uuidv4(cf.random_seed) matches "${UUID.source.replace(/\\/g, '\\\\')}"`, values)).toBe(true);
    expect(evaluate('len(uuidv4(cf.random_seed)) eq 36', values)).toBe(true);
  });

  it('is SHA-256(seed)[0..16) with the version and variant bits set', () => {
    const seed = hex('deadbeef');
    const digest = createHash('sha256').update(seed).digest();
    digest[6] = (digest[6]! & 0x0f) | 0x40;
    digest[8] = (digest[8]! & 0x3f) | 0x80;
    const h = digest.subarray(0, 16).toString('hex');
    expect(uuidFromSeed(seed)).toBe(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const uuid = call('uuidv4', `seed-${i}`) as string;
      expect(uuid).toMatch(UUID);
      expect(call('uuidv4', `seed-${i}`)).toBe(uuid);
      seen.add(uuid);
    }
    expect(seen.size).toBe(500);
    expect(call('uuidv4', '')).toMatch(UUID);
  });

  it('checks kinds, types, counts and missing', () => {
    expectError('uuidv4("seed") eq ""', 'invalid-argument-kind');
    expectError('uuidv4(test.int) eq ""', 'invalid-argument-type');
    expectError('uuidv4() eq ""', 'invalid-argument-count');
    expect(evaluate('len(uuidv4(cf.random_seed)) eq 36')).toBe(false);
  });
});
