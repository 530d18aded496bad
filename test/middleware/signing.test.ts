/**
 * The middleware's signed tokens after the move from Web Crypto to the synchronous HMAC of
 * values/sha256.ts: the prepared-key HMAC against RFC 4231 and node:crypto, the constant-time
 * comparison, and the Signer (rotation, tampering, hostile inputs, no Web Crypto needed).
 * node:crypto appears only here, as an independent oracle: src/ stays browser-safe.
 * (security.test.ts covers the Signer's format and attack surface at length.)
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../../src/cli/random.js';
import { MAX_TOKEN_LENGTH, Signer } from '../../src/middleware/signing.js';
import { constantTimeEqual, hmacSha256, HmacSha256Key, sha256 } from '../../src/values/sha256.js';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const fromB64url = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));
const nodeHmac = (key: Uint8Array | string, ...message: Uint8Array[]): string => {
  const mac = createHmac('sha256', key);
  for (const part of message) mac.update(part);
  return mac.digest('hex');
};

const SECRET_A = 'the first secret, at least 32 bytes';
const SECRET_B = new Uint8Array(40).map((_, i) => (i * 29 + 3) & 0xff);
const SECRET_C = 'x'.repeat(100); // longer than the HMAC block: hashed first
const DOMAIN = 'wirefilter-ts/signed-token/v1/';

/** Random bytes from a seeded generator, so failures are reproducible. */
function randomBytesSeeded(next: () => number, length: number): Uint8Array {
  return new Uint8Array(length).map(() => next() & 0xff);
}

/** Every JavaScript type that is not a string, and string-like things that are not strings. */
function nonStrings(token: string): unknown[] {
  return [undefined, null, 0, 1, NaN, 1n, true, Symbol('t'), {}, [], [token], { toString: () => token }, () => token, new String(token), utf8(token), new Date(0)];
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('HMAC-SHA256 with a prepared key (values/sha256.ts)', () => {
  // RFC 4231 §4.2–4.8. Case 5 is a truncated MAC: its first 16 bytes are checked.
  const aa131 = new Uint8Array(131).fill(0xaa);
  const cases: [string, Uint8Array, Uint8Array, string][] = [
    ['1', new Uint8Array(20).fill(0x0b), utf8('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    ['2 (key shorter than the MAC)', utf8('Jefe'), utf8('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ['3', new Uint8Array(20).fill(0xaa), new Uint8Array(50).fill(0xdd), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    ['4', hex('0102030405060708090a0b0c0d0e0f10111213141516171819'), new Uint8Array(50).fill(0xcd), '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
    ['5 (truncated to 128 bits)', new Uint8Array(20).fill(0x0c), utf8('Test With Truncation'), 'a3b6167473100ee06e0c796c2955552b'],
    ['6 (131-byte key, hashed first)', aa131, utf8('Test Using Larger Than Block-Size Key - Hash Key First'), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'],
    [
      '7 (131-byte key and 152-byte data)',
      aa131,
      utf8('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ];

  it.each(cases)('RFC 4231 test case %s', (_, key, data, expected) => {
    const prepared = new HmacSha256Key(key);
    expect(toHex(prepared.digest(data)).slice(0, expected.length)).toBe(expected);
    expect(toHex(hmacSha256(key, data)).slice(0, expected.length)).toBe(expected);
    // The same key used again gives the same MAC: digest leaves the prepared states alone.
    expect(toHex(prepared.digest(data)).slice(0, expected.length)).toBe(expected);
    // Message parts split anywhere hash as their concatenation.
    for (const cut of [0, 1, data.length >> 1, data.length]) {
      expect(toHex(prepared.digest(data.subarray(0, cut), data.subarray(cut))).slice(0, expected.length)).toBe(expected);
    }
    expect(nodeHmac(key, data).slice(0, expected.length)).toBe(expected); // the oracle agrees with the RFC
  });

  it('agrees with node:crypto on random keys and messages of every length around the block boundaries', () => {
    const next = mulberry32(4231);
    const keyLengths = [0, 1, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200];
    const messageLengths = [0, 1, 54, 55, 56, 63, 64, 65, 119, 120, 128, 300, 1000];
    for (const keyLength of keyLengths) {
      const key = randomBytesSeeded(next, keyLength);
      const prepared = new HmacSha256Key(key);
      for (const messageLength of messageLengths) {
        const message = randomBytesSeeded(next, messageLength);
        const expected = nodeHmac(key, message);
        expect(toHex(prepared.digest(message)), `key ${keyLength}, message ${messageLength}`).toBe(expected);
        expect(toHex(hmacSha256(key, message))).toBe(expected);
      }
    }
    // And fully random ones, with the message in several parts.
    for (let i = 0; i < 300; i++) {
      const key = new Uint8Array(randomBytes(next() % 150));
      const parts = Array.from({ length: 1 + (next() % 4) }, () => new Uint8Array(randomBytes(next() % 140)));
      expect(toHex(new HmacSha256Key(key).digest(...parts))).toBe(nodeHmac(key, ...parts));
    }
  });

  it('keeps keys apart: interleaved MACs under several keys, and plain digests in between, do not disturb each other', () => {
    const keys = [utf8(SECRET_A), SECRET_B, utf8(SECRET_C)];
    const prepared = keys.map((key) => new HmacSha256Key(key));
    const next = mulberry32(7);
    for (let i = 0; i < 100; i++) {
      const k = next() % keys.length;
      const message = randomBytesSeeded(next, next() % 200);
      expect(toHex(prepared[k]!.digest(message))).toBe(nodeHmac(keys[k]!, message));
      expect(toHex(sha256(message))).toBe(createHash('sha256').update(message).digest('hex'));
    }
  });

  it('copies the key and returns a fresh MAC each time', () => {
    const key = new Uint8Array(SECRET_B);
    const prepared = new HmacSha256Key(key);
    key.fill(0);
    const first = prepared.digest(utf8('m'));
    expect(toHex(first)).toBe(nodeHmac(SECRET_B, utf8('m')));
    first.fill(0);
    expect(toHex(prepared.digest(utf8('m')))).toBe(nodeHmac(SECRET_B, utf8('m')));
  });

  it('takes a key on a SharedArrayBuffer and subarrays of larger buffers', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(48));
    shared.set(SECRET_B);
    expect(toHex(new HmacSha256Key(shared).digest(utf8('m')))).toBe(nodeHmac(SECRET_B, utf8('m')));
    const big = new Uint8Array(200).map((_, i) => i);
    expect(toHex(new HmacSha256Key(big.subarray(10, 90)).digest(big.subarray(5, 150)))).toBe(nodeHmac(big.subarray(10, 90), big.subarray(5, 150)));
  });
});

describe('constantTimeEqual', () => {
  it('compares bytes: equal, different at any position, different lengths', () => {
    const a = new Uint8Array(32).map((_, i) => i * 7);
    expect(constantTimeEqual(a, new Uint8Array(a))).toBe(true);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    for (let i = 0; i < a.length; i++) {
      for (const flip of [1, 0x80, 0xff]) {
        const b = new Uint8Array(a);
        b[i]! ^= flip;
        expect(constantTimeEqual(a, b)).toBe(false);
      }
    }
    expect(constantTimeEqual(a, a.subarray(0, 31))).toBe(false);
    expect(constantTimeEqual(a.subarray(0, 31), a)).toBe(false);
    expect(constantTimeEqual(a, new Uint8Array(33))).toBe(false);
  });

  it('reads every byte whatever the first difference is (no early exit)', () => {
    const counted = (bytes: Uint8Array, reads: number[]): Uint8Array =>
      new Proxy(bytes, {
        get(target, key) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads[0]!++;
          const value = Reflect.get(target, key, target) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const expected = new Uint8Array(32).fill(9);
    for (const position of [0, 1, 15, 31, -1]) {
      const given = new Uint8Array(expected);
      if (position >= 0) given[position] = 0;
      const reads = [0];
      constantTimeEqual(counted(expected, reads), counted(given, reads));
      expect(reads[0], `first difference at ${position}`).toBe(64);
    }
  });
});

describe('Signer over the synchronous HMAC', () => {
  it('needs no Web Crypto: creates, signs and verifies with crypto.subtle gone, and never calls it', async () => {
    const proto = Object.getPrototypeOf(globalThis.crypto) as object;
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    vi.spyOn(proto as { subtle: SubtleCrypto }, 'subtle', 'get').mockReturnValue(undefined as unknown as SubtleCrypto);
    expect(globalThis.crypto.subtle).toBeUndefined();
    const signer = await Signer.create([SECRET_A]);
    const token = await signer.sign('clearance', utf8('x'));
    expect(await signer.verify('clearance', token)).toEqual(utf8('x'));
    expect(sign).not.toHaveBeenCalled();
    expect(verify).not.toHaveBeenCalled();
    expect(importKey).not.toHaveBeenCalled();
  });

  it('signs exactly as node:crypto HMAC-SHA256 over the documented input, for random secrets and payloads', async () => {
    const next = mulberry32(99);
    for (let i = 0; i < 60; i++) {
      const secretLength = [32, 33, 63, 64, 65, 100, 200][i % 7]!;
      // Bytes, or a string (its UTF-8 bytes are the key) with some non-ASCII characters.
      const secret = i % 2 === 0 ? new Uint8Array(randomBytes(secretLength)) : Array.from({ length: secretLength }, () => String.fromCodePoint(0x21 + (next() % 0x5e), 0xe9, 0x4e2d)[next() % 3]).join('');
      const key = typeof secret === 'string' ? utf8(secret) : secret;
      const purpose = ['challenge', 'clearance', 'a', 'x-1'][i % 4]!;
      const payload = randomBytesSeeded(next, next() % 400);
      const signer = await Signer.create([secret]);
      const token = await signer.sign(purpose, payload);
      const encoded = b64url(payload);
      expect(token).toBe(`${encoded}.${Buffer.from(nodeHmac(key, utf8(`${DOMAIN}${purpose}.${encoded}`)), 'hex').toString('base64url')}`);
      expect(await signer.verify(purpose, token)).toEqual(payload);
    }
  });

  it('accepts a token whose MAC node:crypto computed (verification does not depend on our own signing)', async () => {
    const signer = await Signer.create([SECRET_C]);
    const encoded = b64url(utf8('{"a":1}'));
    const mac = createHmac('sha256', SECRET_C).update(`${DOMAIN}challenge.${encoded}`).digest('base64url');
    expect(await signer.verify('challenge', `${encoded}.${mac}`)).toEqual(utf8('{"a":1}'));
  });

  describe('rotation', () => {
    it('signs with the first secret and verifies with any, in any position', async () => {
      const [a, b, c] = await Promise.all([Signer.create([SECRET_A]), Signer.create([SECRET_B]), Signer.create([SECRET_C])]);
      const all = await Signer.create([SECRET_A, SECRET_B, SECRET_C]);
      for (const [single, name] of [
        [a, 'A'],
        [b, 'B'],
        [c, 'C'],
      ] as const) {
        const token = await single.sign('clearance', utf8(name));
        expect(await all.verify('clearance', token), name).toEqual(utf8(name));
        expect(await all.verify('challenge', token), name).toBeUndefined();
      }
      const token = await all.sign('clearance', utf8('new'));
      expect(token).toBe(await a.sign('clearance', utf8('new')));
      expect(await b.verify('clearance', token)).toBeUndefined();
      expect(await c.verify('clearance', token)).toBeUndefined();
    });

    it('drops a secret: tokens it signed stop verifying', async () => {
      const rotated = await Signer.create([SECRET_B, SECRET_A]);
      const old = await (await Signer.create([SECRET_A])).sign('challenge', utf8('old'));
      expect(await rotated.verify('challenge', old)).toEqual(utf8('old'));
      expect(await (await Signer.create([SECRET_B])).verify('challenge', old)).toBeUndefined();
    });

    it('computes one MAC per secret for a token that fails, and stops at the first that matches', async () => {
      const signer = await Signer.create([SECRET_A, SECRET_B, SECRET_C]);
      const token = await signer.sign('challenge', utf8('x'));
      const digest = vi.spyOn(HmacSha256Key.prototype, 'digest');
      expect(await signer.verify('challenge', token)).toEqual(utf8('x'));
      expect(digest).toHaveBeenCalledTimes(1);
      digest.mockClear();
      const [encoded, mac] = token.split('.') as [string, string];
      const forged = fromB64url(mac);
      forged[0]! ^= 1;
      expect(await signer.verify('challenge', `${encoded}.${b64url(forged)}`)).toBeUndefined();
      expect(digest).toHaveBeenCalledTimes(3);
    });
  });

  describe('refuses', () => {
    it('a tampered MAC, payload or purpose', async () => {
      const signer = await Signer.create([SECRET_A]);
      const payload = utf8('{"level":"managed"}');
      const token = await signer.sign('clearance', payload);
      const [encoded, mac] = token.split('.') as [string, string];
      const macBytes = fromB64url(mac);
      for (let i = 0; i < macBytes.length; i++) {
        const forged = new Uint8Array(macBytes);
        forged[i]! ^= 0x40;
        expect(await signer.verify('clearance', `${encoded}.${b64url(forged)}`)).toBeUndefined();
      }
      for (let i = 0; i < payload.length; i++) {
        const forged = new Uint8Array(payload);
        forged[i]! ^= 0x02;
        expect(await signer.verify('clearance', `${b64url(forged)}.${mac}`)).toBeUndefined();
      }
      expect(await signer.verify('challenge', token)).toBeUndefined();
      // A MAC of the right length under another secret, and the all-zero MAC.
      const other = await (await Signer.create([SECRET_C])).sign('clearance', payload);
      expect(await signer.verify('clearance', other)).toBeUndefined();
      expect(await signer.verify('clearance', `${encoded}.${b64url(new Uint8Array(32))}`)).toBeUndefined();
    });

    it('truncated MACs and MACs with extra bytes, even when the prefix is right', async () => {
      const signer = await Signer.create([SECRET_A]);
      const token = await signer.sign('challenge', utf8('payload'));
      const [encoded, mac] = token.split('.') as [string, string];
      const macBytes = fromB64url(mac);
      for (let length = 0; length < 32; length++) expect(await signer.verify('challenge', `${encoded}.${b64url(macBytes.subarray(0, length))}`), `${length} bytes`).toBeUndefined();
      for (const extra of [[0], [1, 2], [0, 0, 0], Array.from({ length: 32 }, () => 0)]) {
        const longer = new Uint8Array([...macBytes, ...extra]);
        expect(await signer.verify('challenge', `${encoded}.${b64url(longer)}`), `${extra.length} extra bytes`).toBeUndefined();
      }
      for (let i = 0; i < token.length; i++) expect(await signer.verify('challenge', token.slice(0, i))).toBeUndefined();
      for (const suffix of ['A', 'AA', 'AAAA', '.', '=', '\0']) expect(await signer.verify('challenge', token + suffix)).toBeUndefined();
    });

    it('non-canonical encodings whose unused low bits are set', async () => {
      const signer = await Signer.create([SECRET_A]);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      // Payloads of 1 and 2 bytes (remainders 2 and 3 characters) and the 43-character MAC.
      for (const payload of [utf8('a'), utf8('ab'), utf8('abcd'), utf8('abcde')]) {
        const token = await signer.sign('clearance', payload);
        expect(await signer.verify('clearance', token)).toEqual(payload);
        const [encoded, mac] = token.split('.') as [string, string];
        const variants: string[] = [];
        const unusedPayload = [0, 0, 15, 3][encoded.length % 4]!;
        for (let low = 1; low <= unusedPayload; low++) variants.push(`${encoded.slice(0, -1)}${alphabet[alphabet.indexOf(encoded.at(-1)!) | low]}.${mac}`);
        for (let low = 1; low <= 3; low++) variants.push(`${encoded}.${mac.slice(0, -1)}${alphabet[alphabet.indexOf(mac.at(-1)!) | low]}`);
        for (const variant of variants) {
          if (variant === token) continue;
          expect(await signer.verify('clearance', variant), variant).toBeUndefined();
        }
      }
    });

    it('every non-string token, and non-string purposes, without throwing', async () => {
      const signer = await Signer.create([SECRET_A]);
      const token = await signer.sign('challenge', utf8('x'));
      for (const value of nonStrings(token)) expect(await signer.verify('challenge', value)).toBeUndefined();
      for (const purpose of nonStrings('challenge')) expect(await signer.verify(purpose as string, token)).toBeUndefined();
    });

    it('oversized and non-ASCII strings before any HMAC is computed', async () => {
      const signer = await Signer.create([SECRET_A]);
      const token = await signer.sign('challenge', utf8('x'));
      const digest = vi.spyOn(HmacSha256Key.prototype, 'digest');
      for (const value of ['a'.repeat(MAX_TOKEN_LENGTH + 1), token + 'A'.repeat(1 << 20), '.'.repeat(1 << 16), `é${token}`, token.replace('.', '\u2024'), `${token.slice(0, -1)}\uD800`]) {
        expect(await signer.verify('challenge', value)).toBeUndefined();
      }
      expect(digest).not.toHaveBeenCalled();
      expect(await signer.verify('challenge', token)).toEqual(utf8('x'));
      expect(digest).toHaveBeenCalledTimes(1);
    });
  });
});
