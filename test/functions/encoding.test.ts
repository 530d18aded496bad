/**
 * decode_base64, encode_base64, sha256 and the Base64 codec behind them.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STANDARD_FUNCTIONS } from '../../src/functions/standard-library.js';
import { decodeBase64, encodeBase64 } from '../../src/values/base64.js';
import { toUtf8 } from '../../src/values/bytes.js';
import { evaluate, expectError, expectValid, hex } from './helpers.js';

const call = (name: string, ...args: unknown[]): unknown => STANDARD_FUNCTIONS.get(name)!.call(args);
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('Base64 codec', () => {
  it('matches RFC 4648 §10 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(encodeBase64(ascii(plain), { pad: true })).toBe(encoded);
      expect(encodeBase64(ascii(plain))).toBe(encoded.replace(/=+$/, ''));
      expect(decodeBase64(ascii(encoded))).toEqual(ascii(plain));
      expect(decodeBase64(ascii(encoded.replace(/=+$/, '')))).toEqual(ascii(plain));
    }
  });

  it('agrees with Buffer for every byte value and many lengths', () => {
    for (let length = 0; length < 70; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 151 + length * 17) & 0xff);
      const buffer = Buffer.from(data);
      expect(encodeBase64(data, { pad: true })).toBe(buffer.toString('base64'));
      expect(encodeBase64(data, { urlSafe: true })).toBe(buffer.toString('base64url'));
      expect(decodeBase64(ascii(buffer.toString('base64')))).toEqual(data);
      expect(decodeBase64(ascii(buffer.toString('base64url')), { urlSafe: true, padding: 'forbidden' })).toEqual(data);
    }
  });

  it('rejects what is not Base64', () => {
    for (const bad of ['Zg=', 'Zg===', 'Z', 'Zm9vY', 'Zm9v=', 'Zm 9v', 'Zm9v\n', 'Zm-v', 'Zm_v', 'Z=g=', '=', 'Zg==Zg==', '*Zg=']) {
      expect(decodeBase64(ascii(bad)), bad).toBeUndefined();
    }
    expect(decodeBase64(ascii('Zm+v'), { urlSafe: true })).toBeUndefined();
    expect(decodeBase64(ascii('Zg=='), { padding: 'forbidden' })).toBeUndefined();
    expect(decodeBase64(ascii('Zg'), { padding: 'required' })).toBeUndefined();
    expect(decodeBase64(hex('5a67ff'))).toBeUndefined();
  });
});

describe('decode_base64', () => {
  it('docs example: header client_id MTIzYWJj decodes to 123abc', () => {
    expect(
      evaluate('any(decode_base64(http.request.headers["client_id"][*])[*] eq "123abc")', { 'http.request.headers': { client_id: ['MTIzYWJj'] } }),
    ).toBe(true);
  });

  it('decodes to raw bytes when the result is not UTF-8', () => {
    expect(call('decode_base64', '/w==')).toEqual(hex('ff'));
    expect(call('decode_base64', 'w6k=')).toBe('é');
    expect(evaluate('decode_base64(test.bytes) eq "\\xff\\xfe"', { 'test.bytes': '//4=' })).toBe(true);
  });

  it('accepts padding or none, and only the standard alphabet', () => {
    expect(call('decode_base64', 'YQ==')).toBe('a');
    expect(call('decode_base64', 'YQ')).toBe('a');
    expect(call('decode_base64', '')).toBe('');
    expect(call('decode_base64', 'YQ-_')).toBeUndefined();
  });

  it('is missing for invalid input (so not ... is true)', () => {
    expect(evaluate('decode_base64(test.bytes) eq ""', { 'test.bytes': '%%%' })).toBe(false);
    expect(evaluate('not decode_base64(test.bytes) eq ""', { 'test.bytes': '%%%' })).toBe(true);
    expect(evaluate('any(decode_base64(http.request.headers.names[*])[*] eq "a")', { 'http.request.headers.names': ['!!', 'YQ'] })).toBe(true);
    expect(evaluate('len(decode_base64(test.bytes)) ge 0')).toBe(false);
  });

  it('checks kinds, types and counts', () => {
    expectError('decode_base64("YQ==") eq "a"', 'invalid-argument-kind');
    expectError('decode_base64(test.int) eq "a"', 'invalid-argument-type');
    expectError('decode_base64(test.bytes, "x") eq "a"', 'invalid-argument-count');
  });
});

describe('encode_base64', () => {
  it('docs examples: no padding by default, "p" adds it', () => {
    expect(evaluate('encode_base64(test.bytes) eq "aGVsbG8gd29ybGQ"', { 'test.bytes': 'hello world' })).toBe(true);
    expect(evaluate('encode_base64(test.bytes, "p") eq "aGVsbG8gd29ybGQ="', { 'test.bytes': 'hello world' })).toBe(true);
  });

  it('"u" selects the URL-safe alphabet, combinable with "p"', () => {
    expect(call('encode_base64', hex('fbff'), 'u')).toBe('-_8');
    expect(call('encode_base64', hex('fbff'), 'up')).toBe('-_8=');
    expect(call('encode_base64', hex('fbff'), 'pu')).toBe('-_8=');
    expect(call('encode_base64', hex('fbff'))).toBe('+/8');
  });

  it('encodes the UTF-8 bytes of text, and raw bytes', () => {
    expect(call('encode_base64', 'é')).toBe('w6k');
    expect(call('encode_base64', hex('00ff'))).toBe('AP8');
    expect(call('encode_base64', '')).toBe('');
  });

  it('accepts a literal input (kind any)', () => {
    expect(evaluate('encode_base64("hello world") eq "aGVsbG8gd29ybGQ"')).toBe(true);
  });

  it('round-trips with decode_base64', () => {
    expect(evaluate('decode_base64(encode_base64(test.bytes)) eq "\\x00\\xff\\x80"', { 'test.bytes': hex('00ff80') })).toBe(true);
  });

  it('validates the flags', () => {
    expectError('encode_base64(test.bytes, "x") eq ""', 'invalid-argument-value');
    expectError('encode_base64(test.bytes, "uP") eq ""', 'invalid-argument-value');
    expectError('encode_base64(test.bytes, test.bytes2) eq ""', 'invalid-argument-kind');
    expectError('encode_base64(test.bytes, "u", "p") eq ""', 'invalid-argument-count');
    expectValid('encode_base64(test.bytes, "") eq ""');
  });

  it('propagates missing input', () => {
    expect(evaluate('encode_base64(test.bytes) eq ""')).toBe(false);
  });
});

describe('sha256', () => {
  it('returns the 32 raw digest bytes', () => {
    const digest = call('sha256', 'abc') as Uint8Array;
    expect(toUtf8(digest)).toEqual(hex('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'));
    expect(evaluate('len(sha256(test.bytes)) eq 32', { 'test.bytes': '' })).toBe(true);
  });

  it('docs example: encode_base64(sha256(concat(path, "secret")))', () => {
    const expected = createHash('sha256').update('/pathsecret').digest('base64').replace(/=+$/, '');
    expect(evaluate(`encode_base64(sha256(concat(http.request.uri.path, "secret"))) eq "${expected}"`, { 'http.request.uri.path': '/path' })).toBe(true);
  });

  it('hashes the exact bytes: text as UTF-8, raw bytes as they are', () => {
    const hashOf = (data: Uint8Array): string => createHash('sha256').update(data).digest('base64');
    expect(call('encode_base64', call('sha256', 'é'), 'p')).toBe(hashOf(hex('c3a9')));
    expect(call('encode_base64', call('sha256', hex('ff00')), 'p')).toBe(hashOf(hex('ff00')));
    expect(call('encode_base64', call('sha256', '\ud800'), 'p')).toBe(hashOf(hex('efbfbd')));
  });

  it('accepts literals and fields, propagates missing, maps over [*]', () => {
    expectValid('len(sha256("x")) eq 32');
    expect(evaluate('len(sha256(test.bytes)) eq 32')).toBe(false);
    expect(evaluate('len(sha256(http.request.headers.names[*])) eq 2', { 'http.request.headers.names': ['a', 'b'] })).toBe(true);
  });

  it('checks types and counts', () => {
    expectError('sha256(test.int) eq ""', 'invalid-argument-type');
    expectError('sha256() eq ""', 'invalid-argument-count');
    expectError('sha256(test.bytes, "x") eq ""', 'invalid-argument-count');
  });
});
