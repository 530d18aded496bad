/**
 * Array and map functions: concat, len, has_key, has_value, split, join.
 */
import { describe, expect, it } from 'vitest';
import { STANDARD_FUNCTIONS } from '../../src/functions/standard-library.js';
import { evaluate, expectError, expectValid, hex } from './helpers.js';

const call = (name: string, ...args: unknown[]): unknown => STANDARD_FUNCTIONS.get(name)!.call(args);

describe('concat', () => {
  it('docs example: concat(http.host, http.request.uri.path)', () => {
    expect(evaluate('concat(http.host, http.request.uri.path) eq "example.com/login"', { 'http.host': 'example.com', 'http.request.uri.path': '/login' })).toBe(true);
  });

  it('docs example: a missing argument is skipped ("//my-path")', () => {
    expect(
      evaluate('concat("/", http.request.headers["accept-language"][0], http.request.uri.path) eq "//my-path"', {
        'http.request.headers': {},
        'http.request.uri.path': '/my-path',
      }),
    ).toBe(true);
  });

  it('is missing only when every argument is missing', () => {
    expect(evaluate('concat(test.bytes, test.bytes2) eq ""')).toBe(false);
    expect(evaluate('concat(test.bytes, test.bytes2) eq "a"', { 'test.bytes2': 'a' })).toBe(true);
  });

  it('joins raw bytes exactly', () => {
    expect(call('concat', 'é', hex('ff'))).toEqual(hex('c3a9ff'));
    expect(call('concat', hex('c3'), hex('a9'))).toBe('é');
  });

  it('maps over [*] and concatenates arrays', () => {
    expect(evaluate('any(concat(http.request.headers.names[*], "-x")[*] eq "A-x")', { 'http.request.headers.names': ['A'] })).toBe(true);
    expect(evaluate('len(concat(test.ints, test.ints)) eq 4', { 'test.ints': [1, 2] })).toBe(true);
  });
});

describe('len', () => {
  it('docs examples', () => {
    expect(evaluate('len(http.request.body.raw) gt 10000', { 'http.request.body.raw': 'x'.repeat(10001) })).toBe(true);
    expect(evaluate('len(http.request.uri.query) ge 0', {})).toBe(false);
  });

  it('counts bytes and elements', () => {
    expect(call('len', 'é😀')).toBe(6);
    expect(call('len', hex('ff00'))).toBe(2);
    expect(call('len', [1, 2, 3])).toBe(3);
  });
});

describe('has_key', () => {
  const headers = { 'x-custom-header': ['1'], accept: ['*/*'] };

  it('docs example: has_key(http.request.headers, "x-custom-header")', () => {
    expect(evaluate('has_key(http.request.headers, "x-custom-header")', { 'http.request.headers': headers })).toBe(true);
  });

  it('is exact and case-sensitive', () => {
    expect(evaluate('has_key(http.request.headers, "X-Custom-Header")', { 'http.request.headers': headers })).toBe(false);
    expect(evaluate('has_key(http.request.headers, "x-custom")', { 'http.request.headers': headers })).toBe(false);
  });

  it('takes the key from a field too (kind any)', () => {
    expect(evaluate('has_key(test.int_map, test.bytes)', { 'test.int_map': { a: 1 }, 'test.bytes': 'a' })).toBe(true);
    expect(evaluate('has_key(test.int_map, test.bytes)', { 'test.int_map': { a: 1 } })).toBe(false);
  });

  it('finds keys whose value is empty, and no inherited keys', () => {
    expect(evaluate('has_key(test.bytes_map, "k")', { 'test.bytes_map': { k: '' } })).toBe(true);
    expect(evaluate('has_key(test.bytes_map, "constructor")', { 'test.bytes_map': {} })).toBe(false);
    expect(evaluate('has_key(test.bytes_map, "__proto__")', { 'test.bytes_map': {} })).toBe(false);
  });

  it('compares keys by bytes: a non-UTF-8 key never matches, a UTF-8 byte key does', () => {
    expect(call('has_key', new Map([['é', 1]]), hex('c3a9'))).toBe(true);
    expect(call('has_key', new Map([['é', 1]]), hex('e9'))).toBe(false);
    expect(call('has_key', { é: 1 }, 'é')).toBe(true);
  });

  it('is missing (false, and false under not … too) for a missing map', () => {
    expect(evaluate('has_key(http.request.headers, "a")')).toBe(false);
    expect(evaluate('not has_key(http.request.headers, "a")')).toBe(true);
    expect(evaluate('any(has_key(test.maps[*], "a")[*])', { 'test.maps': [{ b: 'x' }, { a: 'y' }] })).toBe(true);
  });

  it('checks kinds, types and counts', () => {
    expectError('has_key(test.ints, "a")', 'invalid-argument-type');
    expectError('has_key(test.int_map, 1)', 'invalid-bytes');
    expectError('has_key(test.int_map, test.int)', 'invalid-argument-type');
    expectError('has_key(test.int_map)', 'invalid-argument-count');
    expectError('has_key(test.int_map, "a", "b")', 'invalid-argument-count');
  });
});

describe('has_value', () => {
  it('docs example: has_value(split(header, ",", 64), ip.src.country)', () => {
    const values = { 'http.request.headers': { 'x-allow': ['US,GB,FR'] }, 'ip.src.country': 'GB' };
    expect(evaluate('has_value(split(http.request.headers["x-allow"][0], ",", 64), ip.src.country)', values)).toBe(true);
    expect(evaluate('has_value(split(http.request.headers["x-allow"][0], ",", 64), ip.src.country)', { ...values, 'ip.src.country': 'DE' })).toBe(false);
  });

  it('searches arrays and map values of every scalar type', () => {
    expect(evaluate('has_value(test.ints, 3)', { 'test.ints': [1, 2, 3] })).toBe(true);
    expect(evaluate('has_value(test.ints, 4)', { 'test.ints': [1, 2, 3] })).toBe(false);
    expect(evaluate('has_value(test.ints, 9223372036854775807)', { 'test.ints': [9223372036854775807n] })).toBe(true);
    expect(evaluate('has_value(test.ips, 2001:db8::1)', { 'test.ips': ['10.0.0.1', '2001:db8:0::1'] })).toBe(true);
    expect(evaluate('has_value(test.ips, 10.0.0.2)', { 'test.ips': ['10.0.0.1'] })).toBe(false);
    expect(evaluate('has_value(test.bools, test.bool)', { 'test.bools': [false], 'test.bool': false })).toBe(true);
    expect(evaluate('has_value(test.int_map, 7)', { 'test.int_map': { a: 1, b: 7 } })).toBe(true);
    expect(evaluate('has_value(test.bytes_map, "x")', { 'test.bytes_map': { x: 'y' } })).toBe(false);
  });

  it('is exact: case-sensitive and byte-wise', () => {
    expect(evaluate('has_value(http.request.headers.names, "accept")', { 'http.request.headers.names': ['Accept'] })).toBe(false);
    expect(evaluate('has_value(http.request.headers.names, "\\xff")', { 'http.request.headers.names': [hex('ff')] })).toBe(true);
    expect(call('has_value', ['é'], hex('c3a9'))).toBe(true);
    expect(call('has_value', ['\ud800'], '\ufffd')).toBe(true);
  });

  it('maps over [*] (first argument only)', () => {
    expect(evaluate('any(has_value(http.request.body.multipart.names[*], "f")[*])', { 'http.request.body.multipart.names': [['a'], ['f']] })).toBe(true);
    expectError('has_value(http.request.headers.names, http.request.headers.names[*])', 'invalid-map-each-access');
  });

  it('requires a value of the element type, and primitive elements', () => {
    expectError('has_value(test.ints, "3")', 'invalid-argument-type');
    expectError('has_value(http.request.headers.names, 3)', 'invalid-bytes');
    expectError('has_value(http.request.headers.names, test.int)', 'invalid-argument-type');
    expectError('has_value(http.request.headers, "x")', 'invalid-argument-type');
    expectError('has_value(http.request.body.multipart.names, "x")', 'invalid-argument-type');
    expectError('has_value(test.bytes, "x")', 'invalid-argument-type');
    expectError('has_value("x", "x")', 'invalid-argument-kind');
    expectError('has_value(test.ints)', 'invalid-argument-count');
  });

  it('propagates a missing collection or value', () => {
    expect(evaluate('has_value(test.ints, test.int)', { 'test.ints': [1] })).toBe(false);
    expect(evaluate('not has_value(test.ints, 1)')).toBe(true);
  });
});

describe('split', () => {
  it.each([
    [64, ['a', 'b', '', 'c']],
    [2, ['a', 'b,,c']],
    [1, ['a,b,,c']],
    [4, ['a', 'b', '', 'c']],
    [3, ['a', 'b', ',c']],
  ])('docs example "a,b,,c" with limit %i', (limit, expected) => {
    expect(call('split', 'a,b,,c', ',', limit)).toEqual(expected);
  });

  it('docs examples through expressions', () => {
    const values = { 'test.bytes': 'a,b,,c' };
    expect(evaluate('len(split(test.bytes, ",", 64)) eq 4 and split(test.bytes, ",", 64)[2] eq ""', values)).toBe(true);
    expect(evaluate('split(test.bytes, ",", 2)[1] eq "b,,c"', values)).toBe(true);
  });

  it('keeps leading, trailing and all-empty pieces', () => {
    expect(call('split', ',a,', ',', 10)).toEqual(['', 'a', '']);
    expect(call('split', '', ',', 10)).toEqual(['']);
    expect(call('split', 'abab', 'ab', 10)).toEqual(['', '', '']);
  });

  it('splits bytes exactly (multi-byte separators, raw bytes)', () => {
    expect(call('split', 'aébéc', 'é', 10)).toEqual(['a', 'b', 'c']);
    expect(call('split', 'aé', hex('a9'), 10)).toEqual([hex('61c3'), '']);
    expect(call('split', hex('61ff62ff'), hex('ff'), 10)).toEqual(['a', 'b', '']);
    expect(call('split', 'a😀b', '\ufffd', 10)).toEqual(['a😀b']);
    expect(call('split', 'a\ud800b', '\ufffd', 10)).toEqual(['a', 'b']);
  });

  it('validates separator and limit', () => {
    expectError('split(test.bytes, "", 2)[0] eq ""', 'invalid-argument-value');
    expectError('split(test.bytes, ",", 0)[0] eq ""', 'invalid-argument-value');
    expectError('split(test.bytes, ",", 129)[0] eq ""', 'invalid-argument-value');
    expectError('split(test.bytes, ",", -1)[0] eq ""', 'invalid-argument-value');
    expectError('split(test.bytes, ",", 99999999999999999999)[0] eq ""', 'int-overflow');
    expectError('split(test.bytes, ",", 9223372036854775807)[0] eq ""', 'invalid-argument-value');
    expectValid('split(test.bytes, ",", 128)[0] eq ""');
    expectValid('split(test.bytes, ",", 1)[0] eq ""');
  });

  it('checks kinds and counts', () => {
    expectError('split("a,b", ",", 2)[0] eq ""', 'invalid-argument-kind');
    expectError('split(test.bytes, test.bytes2, 2)[0] eq ""', 'invalid-argument-kind');
    expectError('split(test.bytes, ",", test.int)[0] eq ""', 'invalid-argument-kind');
    expectError('split(test.bytes, ",")[0] eq ""', 'invalid-argument-count');
  });

  it('propagates missing input and maps over [*]', () => {
    expect(evaluate('len(split(test.bytes, ",", 2)) ge 0')).toBe(false);
    expect(evaluate('any(has_value(split(http.request.headers.names[*], "-", 8)[*], "For")[*])', { 'http.request.headers.names': ['X-Forwarded-For'] })).toBe(true);
  });
});

describe('join', () => {
  it('docs example: join(http.request.headers.names, ",")', () => {
    expect(evaluate('join(http.request.headers.names, ",") eq "Accept,Host"', { 'http.request.headers.names': ['Accept', 'Host'] })).toBe(true);
  });

  it('empty array → "", one item → that item', () => {
    expect(evaluate('join(http.request.headers.names, ",") eq ""', { 'http.request.headers.names': [] })).toBe(true);
    expect(evaluate('join(http.request.headers.names, ",") eq "a"', { 'http.request.headers.names': ['a'] })).toBe(true);
  });

  it('is byte-exact and accepts an empty or multi-byte separator', () => {
    expect(call('join', ['a', hex('ff')], 'é')).toEqual(hex('61c3a9ff'));
    expect(call('join', ['a', 'b'], '')).toBe('ab');
    expect(call('join', [hex('c3'), hex('a9')], '')).toBe('é');
  });

  it('skips elements that are missing (wrong type)', () => {
    expect(evaluate('join(http.request.headers.names, "+") eq "a+b"', { 'http.request.headers.names': ['a', 5, 'b'] })).toBe(true);
  });

  it('propagates a missing array and maps over [*]', () => {
    expect(evaluate('join(http.request.headers.names, ",") eq ""')).toBe(false);
    expect(evaluate('any(join(http.request.body.multipart.names[*], "/")[*] eq "a/b")', { 'http.request.body.multipart.names': [['x'], ['a', 'b']] })).toBe(true);
  });

  it('checks kinds, types and counts', () => {
    expectError('join(http.request.headers.names, test.bytes) eq ""', 'invalid-argument-kind');
    expectError('join(test.ints, ",") eq ""', 'invalid-argument-type');
    expectError('join(test.bytes, ",") eq ""', 'invalid-argument-type');
    expectError('join(http.request.headers.names) eq ""', 'invalid-argument-count');
  });
});
