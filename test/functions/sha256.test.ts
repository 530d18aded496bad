/**
 * The pure-TypeScript SHA-256 and HMAC-SHA256 against FIPS 180-4 / RFC 4231 vectors and
 * against node:crypto (tests only: src/ must stay browser-safe).
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256 } from '../../src/values/sha256.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Deterministic pseudo-random bytes (xorshift), so failures are reproducible. */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('sha256', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    [
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
    ['hello world', 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9'],
  ])('FIPS/known vector %j', (input, digest) => {
    expect(toHex(sha256(utf8(input)))).toBe(digest);
  });

  it('one million "a" (FIPS 180-2 long vector)', () => {
    expect(toHex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with node:crypto for every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 300; length++) {
      const data = bytes(length, length + 7);
      expect(toHex(sha256(data)), `length ${length}`).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('agrees with node:crypto on large inputs', () => {
    for (const length of [4096, 65_537, 1 << 20]) {
      const data = bytes(length, length);
      expect(toHex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('hashes several parts as their concatenation, whatever the split points', () => {
    const data = bytes(200, 3);
    const expected = toHex(sha256(data));
    for (const [a, b] of [
      [0, 0],
      [1, 2],
      [63, 64],
      [64, 128],
      [10, 190],
      [100, 100],
    ] as const) {
      expect(toHex(sha256(data.subarray(0, a), data.subarray(a, b), data.subarray(b))), `${a}/${b}`).toBe(expected);
    }
  });

  it('does not modify its input', () => {
    const data = bytes(130, 9);
    const copy = Uint8Array.from(data);
    sha256(data);
    expect(data).toEqual(copy);
  });
});

describe('hmacSha256', () => {
  // RFC 4231 test cases 1, 2, 3, 6 and 7.
  it.each([
    ['0b'.repeat(20), '4869205468657265', 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    ['4a656665', '7768617420646f2079612077616e7420666f72206e6f7468696e673f', '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ['aa'.repeat(20), 'dd'.repeat(50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    [
      'aa'.repeat(131),
      '54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374',
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      'aa'.repeat(131),
      Buffer.from(
        'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      ).toString('hex'),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ])('RFC 4231 key %s', (key, data, mac) => {
    expect(toHex(hmacSha256(Buffer.from(key, 'hex'), Buffer.from(data, 'hex')))).toBe(mac);
  });

  it('agrees with node:crypto for keys shorter than, equal to and longer than a block', () => {
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      const key = bytes(keyLength, keyLength + 1);
      const message = bytes(keyLength * 3 + 5, keyLength + 2);
      expect(toHex(hmacSha256(key, message)), `key length ${keyLength}`).toBe(createHmac('sha256', key).update(message).digest('hex'));
    }
  });

  it('authenticates several message parts as their concatenation', () => {
    const key = utf8('secret');
    expect(toHex(hmacSha256(key, utf8('/download/cat.jpg'), utf8('1484063787')))).toBe(
      createHmac('sha256', 'secret').update('/download/cat.jpg1484063787').digest('hex'),
    );
  });
});
