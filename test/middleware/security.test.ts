/**
 * The middleware's security primitives under attack: signed tokens (rotation, tampering,
 * truncation, purposes, hostile inputs of every JavaScript type and size), the claims inside
 * them (time windows, exact shapes, open-redirect paths), client binding, the proof of work,
 * and the single-use cache. node:crypto appears only here, as an independent oracle: src/
 * stays browser-safe.
 */
import { createHash, createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../../src/cli/random.js';
import { WirefilterError } from '../../src/diagnostics/errors.js';
import { DEFAULT_DIFFICULTY, leadingZeroBits, solveProof, verifyProof } from '../../src/middleware/pow.js';
import { DEFAULT_REPLAY_CACHE_ENTRIES, ReplayCache } from '../../src/middleware/replay.js';
import { MAX_TOKEN_LENGTH, Signer } from '../../src/middleware/signing.js';
import { HmacSha256Key } from '../../src/values/sha256.js';
import {
  clientBinding,
  isSafeReturnPath,
  issueChallenge,
  issueClearance,
  newChallengeId,
  readChallenge,
  readClearance,
  type ChallengeClaims,
  type ClearanceClaims,
} from '../../src/middleware/tokens.js';
import { expectLinearGrowth } from '../hostile/helpers.js';

const SECRET_A = 'a'.repeat(16) + '-first-secret-32';
const SECRET_B = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
const SECRET_C = 'another secret of at least 32 bytes';
const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const fromB64url = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Every JavaScript type that is not a string, and string-like things that are not strings. */
function nonStrings(token: string): unknown[] {
  return [undefined, null, 0, 1, NaN, Infinity, 1n, true, false, Symbol('token'), {}, [], [token], { toString: () => token }, () => token, new String(token), utf8(token), new Date(0), new Map([[token, token]])];
}

/** Rejects with a WirefilterError of `code`. */
async function expectRejects(promise: Promise<unknown>, code: string): Promise<WirefilterError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WirefilterError);
  expect((error as WirefilterError).code).toBe(code);
  return error as WirefilterError;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Signer', () => {
  describe('create', () => {
    it.each<[string, unknown]>([
      ['no secrets', []],
      ['not an array', SECRET_A],
      ['undefined', undefined],
      ['null', null],
      ['an object', { 0: SECRET_A, length: 1 }],
      ['a short string (31 bytes)', ['x'.repeat(31)]],
      ['a short Uint8Array (31 bytes)', [new Uint8Array(31)]],
      ['an empty string', ['']],
      ['a short secret after a good one', [SECRET_A, 'short']],
      ['a number', [12345678901234567890]],
      ['null in the list', [null]],
      ['an ArrayBuffer', [new ArrayBuffer(64)]],
      ['an array of numbers', [Array.from({ length: 32 }, () => 1)]],
      ['a String object', [new String('x'.repeat(40))]],
    ])('refuses %s with invalid-option', async (_, secrets) => {
      await expectRejects(Signer.create(secrets as string[]), 'invalid-option');
    });

    it('measures secrets in UTF-8 bytes and never echoes them', async () => {
      await expect(Signer.create(['é'.repeat(16)])).resolves.toBeInstanceOf(Signer); // 32 bytes, 16 characters
      const error = await expectRejects(Signer.create(['é'.repeat(15) + 'z']), 'invalid-option'); // 31 bytes
      expect(error.message).not.toContain('é');
    });

    it('copies the secret: changing the caller’s array later changes nothing', async () => {
      const secret = new Uint8Array(SECRET_B);
      const signer = await Signer.create([secret]);
      const token = await signer.sign('clearance', utf8('x'));
      secret.fill(0);
      expect(await signer.verify('clearance', token)).toEqual(utf8('x'));
    });
  });

  it('round-trips payloads of every length remainder, and random bytes', async () => {
    const signer = await Signer.create([SECRET_A]);
    const next = mulberry32(1);
    for (let length = 0; length < 70; length++) {
      const payload = new Uint8Array(length).map(() => next() & 0xff);
      const token = await signer.sign('challenge', payload);
      expect(token).toMatch(/^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{43}$/);
      expect(await signer.verify('challenge', token)).toEqual(payload);
    }
  });

  it('signs deterministically, in the documented format (checked against node:crypto)', async () => {
    const signer = await Signer.create([SECRET_A, SECRET_B]);
    const payload = utf8('{"level":"managed"}');
    const token = await signer.sign('clearance', payload);
    const encoded = b64url(payload);
    const mac = createHmac('sha256', SECRET_A).update(`wirefilter-ts/signed-token/v1/clearance.${encoded}`).digest('base64url');
    expect(token).toBe(`${encoded}.${mac}`);
    expect(await signer.sign('clearance', payload)).toBe(token);
  });

  it('returns a fresh payload each time', async () => {
    const signer = await Signer.create([SECRET_A]);
    const token = await signer.sign('challenge', utf8('abc'));
    const first = (await signer.verify('challenge', token))!;
    first.fill(0);
    expect(await signer.verify('challenge', token)).toEqual(utf8('abc'));
  });

  describe('rotation', () => {
    it('verifies with any secret, signs with the first', async () => {
      const old = await Signer.create([SECRET_A]);
      const rotated = await Signer.create([SECRET_C, SECRET_A]);
      const afterRotation = await Signer.create([SECRET_C]);
      const oldToken = await old.sign('clearance', utf8('old'));
      expect(await rotated.verify('clearance', oldToken)).toEqual(utf8('old'));
      expect(await afterRotation.verify('clearance', oldToken)).toBeUndefined();

      const newToken = await rotated.sign('clearance', utf8('new'));
      expect(await afterRotation.verify('clearance', newToken)).toEqual(utf8('new'));
      expect(await old.verify('clearance', newToken)).toBeUndefined();
      expect(newToken).toBe(await afterRotation.sign('clearance', utf8('new')));
    });

    it('accepts string and byte secrets alike, the same bytes giving the same key', async () => {
      const asString = await Signer.create([SECRET_A]);
      const asBytes = await Signer.create([utf8(SECRET_A)]);
      expect(await asBytes.verify('challenge', await asString.sign('challenge', utf8('p')))).toEqual(utf8('p'));
    });

    it('refuses a token of another secret', async () => {
      const a = await Signer.create([SECRET_A]);
      const b = await Signer.create([SECRET_B]);
      expect(await b.verify('challenge', await a.sign('challenge', utf8('x')))).toBeUndefined();
    });
  });

  describe('purposes', () => {
    it('never accepts a token of one purpose as another', async () => {
      const signer = await Signer.create([SECRET_A]);
      const payload = utf8('{"level":"interactive"}');
      const purposes = ['challenge', 'clearance', 'clear', 'clearances', 'c', 'challenge-v2'];
      for (const signedAs of purposes) {
        const token = await signer.sign(signedAs, payload);
        for (const readAs of purposes) expect(await signer.verify(readAs, token), `${signedAs} read as ${readAs}`).toEqual(readAs === signedAs ? payload : undefined);
      }
    });

    it.each(['', 'Challenge', 'a.b', 'x'.repeat(33), 'clear ance', '1st', 'é'])('refuses the purpose %j: sign throws, verify returns undefined', async (purpose) => {
      const signer = await Signer.create([SECRET_A]);
      await expectRejects(signer.sign(purpose, utf8('x')), 'invalid-argument');
      const token = await signer.sign('clearance', utf8('x'));
      expect(await signer.verify(purpose, token)).toBeUndefined();
    });

    it('verify never throws for a purpose of the wrong type', async () => {
      const signer = await Signer.create([SECRET_A]);
      const token = await signer.sign('clearance', utf8('x'));
      for (const purpose of nonStrings('clearance')) expect(await signer.verify(purpose as string, token)).toBeUndefined();
    });
  });

  describe('tampering', () => {
    it('refuses every payload bit flipped (with the original MAC)', async () => {
      const signer = await Signer.create([SECRET_A]);
      const payload = utf8('{"level":"managed","iat":1700000000}');
      const [, mac] = (await signer.sign('clearance', payload)).split('.');
      for (let i = 0; i < payload.length; i++) {
        for (let bit = 0; bit < 8; bit++) {
          const forged = new Uint8Array(payload);
          forged[i]! ^= 1 << bit;
          expect(await signer.verify('clearance', `${b64url(forged)}.${mac}`)).toBeUndefined();
        }
      }
    });

    it('refuses every MAC byte flipped', async () => {
      const signer = await Signer.create([SECRET_A]);
      const [encoded, mac] = (await signer.sign('clearance', utf8('payload'))).split('.');
      const bytes = fromB64url(mac!);
      expect(bytes.length).toBe(32);
      for (let i = 0; i < bytes.length; i++) {
        for (const flip of [0x01, 0x80, 0xff]) {
          const forged = new Uint8Array(bytes);
          forged[i]! ^= flip;
          expect(await signer.verify('clearance', `${encoded}.${b64url(forged)}`)).toBeUndefined();
        }
      }
    });

    it('refuses every single-character substitution, including non-canonical encodings', async () => {
      const signer = await Signer.create([SECRET_A]);
      const token = await signer.sign('challenge', utf8('ok')); // "b2s": its last character has unused bits
      for (let i = 0; i < token.length; i++) {
        for (const c of URL_ALPHABET + '.=+/ ') {
          if (c === token[i]) continue;
          expect(await signer.verify('challenge', token.slice(0, i) + c + token.slice(i + 1)), `${i}: ${c}`).toBeUndefined();
        }
      }
    });

    it('refuses a non-canonical last character that decodes to the same bytes', async () => {
      const signer = await Signer.create([SECRET_A]);
      const token = await signer.sign('challenge', utf8('payload'));
      const [encoded, mac] = token.split('.') as [string, string];
      // 43 characters carry 258 bits for 256: the last one's two low bits are unused.
      const last = URL_ALPHABET.indexOf(mac.at(-1)!);
      for (const low of [1, 2, 3]) {
        const variant = `${encoded}.${mac.slice(0, -1)}${URL_ALPHABET[last | low]}`;
        if (variant === token) continue;
        expect(fromB64url(variant.split('.')[1]!)).toEqual(fromB64url(mac));
        expect(await signer.verify('challenge', variant)).toBeUndefined();
      }
    });

    it('refuses every truncation and every extension', async () => {
      const signer = await Signer.create([SECRET_A]);
      const token = await signer.sign('clearance', utf8('{"a":1}'));
      for (let i = 0; i < token.length; i++) expect(await signer.verify('clearance', token.slice(0, i))).toBeUndefined();
      for (let i = 1; i < token.length; i++) expect(await signer.verify('clearance', token.slice(i))).toBeUndefined();
      for (const suffix of ['A', '=', '==', '.', ' ', '\n', '\0', '%3D']) expect(await signer.verify('clearance', token + suffix)).toBeUndefined();
    });

    it('refuses extra dots, missing parts, padding, whitespace and the standard alphabet', async () => {
      const signer = await Signer.create([SECRET_A]);
      const token = await signer.sign('clearance', utf8('???>>>')); // encodes with - and _
      const [encoded, mac] = token.split('.') as [string, string];
      expect(encoded).toMatch(/[-_]/);
      const variants = [
        `${token}.`,
        `.${token}`,
        `${encoded}..${mac}`,
        `${token}.${mac}`,
        `${encoded}.${encoded}.${mac}`,
        `${encoded}`,
        `.${mac}`,
        `${encoded}.`,
        '.',
        '',
        `${encoded}.${mac}=`,
        `${Buffer.from('???>>>').toString('base64')}.${mac}`,
        ` ${token}`,
        `${token} `,
        token.replace('.', ' . '),
        token.replace('.', ','),
        token.toUpperCase(),
      ];
      for (const variant of variants) expect(await signer.verify('clearance', variant), variant).toBeUndefined();
    });

    it('accepts the empty payload only with its own MAC', async () => {
      const signer = await Signer.create([SECRET_A]);
      const token = await signer.sign('clearance', new Uint8Array(0));
      expect(token.startsWith('.')).toBe(true);
      expect(await signer.verify('clearance', token)).toEqual(new Uint8Array(0));
      expect(await signer.verify('challenge', token)).toBeUndefined();
    });
  });

  describe('hostile inputs', () => {
    it('returns undefined for every non-string token', async () => {
      const signer = await Signer.create([SECRET_A]);
      const token = await signer.sign('challenge', utf8('x'));
      for (const value of nonStrings(token)) expect(await signer.verify('challenge', value)).toBeUndefined();
    });

    it('refuses strings longer than 8 KiB before any hashing', async () => {
      const signer = await Signer.create([SECRET_A]);
      const token = await signer.sign('challenge', utf8('x'));
      const spy = vi.spyOn(HmacSha256Key.prototype, 'digest');
      for (const value of ['a'.repeat(1 << 20), token + 'A'.repeat(1 << 20), `${'A'.repeat(1 << 20)}.${token.split('.')[1]}`, 'a'.repeat(MAX_TOKEN_LENGTH + 1), '.'.repeat(1 << 20)]) {
        expect(await signer.verify('challenge', value)).toBeUndefined();
      }
      expect(spy).not.toHaveBeenCalled();
      expect(await signer.verify('challenge', token)).toEqual(utf8('x'));
      expect(spy).toHaveBeenCalledTimes(1); // the spy does see verification
    });

    it('accepts a token of exactly 8 KiB, and refuses to sign a longer one', async () => {
      const signer = await Signer.create([SECRET_A]);
      const largest = new Uint8Array(((MAX_TOKEN_LENGTH - 44) / 4) * 3).fill(7);
      const token = await signer.sign('challenge', largest);
      expect(token.length).toBe(MAX_TOKEN_LENGTH);
      expect(await signer.verify('challenge', token)).toEqual(largest);
      await expectRejects(signer.sign('challenge', new Uint8Array(largest.length + 1)), 'invalid-argument');
    });

    it('sign refuses a payload that is not a Uint8Array', async () => {
      const signer = await Signer.create([SECRET_A]);
      for (const payload of ['text', [1, 2], new ArrayBuffer(2), null, undefined, 5]) await expectRejects(signer.sign('challenge', payload as unknown as Uint8Array), 'invalid-argument');
    });

    it('never throws on random strings, lone surrogates and control characters', async () => {
      const signer = await Signer.create([SECRET_A, SECRET_B]);
      const token = await signer.sign('challenge', utf8('x'));
      const next = mulberry32(7);
      const samples = ['\uD800', `${token}\uD800`, '\u0000.\u0000', 'é.é', '\uFEFF' + token, token.replace('.', '\u2024')];
      for (let i = 0; i < 300; i++) samples.push(String.fromCharCode(...Array.from({ length: next() % 80 }, () => (next() % 3 === 0 ? 0x2e : next() % 0x10000))));
      for (const sample of samples) expect(await signer.verify('challenge', sample)).toBeUndefined();
    });
  });
});

describe('challenge and clearance tokens', () => {
  const NOW = 1_700_000_000;
  const signerPromise = Signer.create([SECRET_A]);
  const bind = 'AAAAAAAAAAAAAAAAAAAAAA';
  const challenge = (overrides: Partial<Record<keyof ChallengeClaims, unknown>> = {}): ChallengeClaims =>
    ({ level: 'jschallenge', ray: '8a1b2c3d4e5f6a7b', url: '/shop?item=1&x=%2F', bind, iat: NOW, exp: NOW + 300, id: 'ABCDEFGHIJKLMNOPQRSTUV', difficulty: 16, ...overrides }) as ChallengeClaims;
  const clearance = (overrides: Partial<Record<keyof ClearanceClaims, unknown>> = {}): ClearanceClaims => ({ level: 'managed', iat: NOW, bind, ...overrides }) as ClearanceClaims;
  /** A correctly signed token around any JSON text: what a leaked secret or a buggy issuer could produce. */
  const signed = async (purpose: string, json: string | Uint8Array): Promise<string> => (await signerPromise).sign(purpose, typeof json === 'string' ? utf8(json) : json);

  it('newChallengeId: 128 random bits as 22 base64url characters, never repeated', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = newChallengeId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(fromB64url(id).length).toBe(16);
      ids.add(id);
    }
    expect(ids.size).toBe(2000);
  });

  it('round-trips challenges and clearances as fresh objects of exactly the claims', async () => {
    const signer = await signerPromise;
    const claims = challenge({ id: newChallengeId() });
    const token = await issueChallenge(signer, claims);
    const read = await readChallenge(signer, token, NOW);
    expect(read).toEqual(claims);
    expect(read).not.toBe(claims);
    const cookie = await issueClearance(signer, clearance());
    expect(await readClearance(signer, cookie, NOW, 1800)).toEqual(clearance());
    for (const level of ['jschallenge', 'managed', 'interactive'] as const) {
      expect((await readClearance(signer, await issueClearance(signer, clearance({ level })), NOW, 60))?.level).toBe(level);
      expect((await readChallenge(signer, await issueChallenge(signer, challenge({ level })), NOW))?.level).toBe(level);
    }
  });

  it('signs only the known claims (extra properties of the caller’s object are dropped)', async () => {
    const signer = await signerPromise;
    const token = await issueClearance(signer, { ...clearance(), admin: true } as ClearanceClaims);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual(clearance());
    expect(await readClearance(signer, token, NOW, 60)).toEqual(clearance());
  });

  it('carries an optional rate limiting counter key (rl) in challenges, checked like every claim', async () => {
    const signer = await signerPromise;
    const key = JSON.stringify([null, 'login', '1', '4:3221225985']);
    const withKey = challenge({ rl: key });
    expect(await readChallenge(signer, await issueChallenge(signer, withKey), NOW)).toEqual(withKey);
    // Absent stays absent (undefined is not signed as a key).
    const token = await issueChallenge(signer, challenge({ rl: undefined }));
    expect(Object.keys(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()))).not.toContain('rl');
    // Malformed or oversized keys are refused at issue, and never read back from a signed token.
    for (const rl of [42, null, 'x'.repeat(1025), ['a']]) {
      await expect(issueChallenge(signer, challenge({ rl } as never))).rejects.toThrow(/'rl'/);
      expect(await readChallenge(signer, await signed('challenge', JSON.stringify({ ...challenge(), rl })), NOW)).toBeUndefined();
    }
    // Any other extra claim still makes the token unreadable.
    expect(await readChallenge(signer, await signed('challenge', JSON.stringify({ ...challenge(), admin: true })), NOW)).toBeUndefined();
  });

  it('keeps the purposes apart: a challenge is not a clearance, nor the reverse', async () => {
    const signer = await signerPromise;
    const both = { level: 'managed', iat: NOW, bind };
    expect(await readClearance(signer, await signed('challenge', JSON.stringify(both)), NOW, 60)).toBeUndefined();
    const challengeToken = await issueChallenge(signer, challenge());
    expect(await readChallenge(signer, await signed('clearance', Buffer.from(challengeToken.split('.')[0]!, 'base64url')), NOW)).toBeUndefined();
    expect(await readClearance(signer, challengeToken, NOW, 1e9)).toBeUndefined();
    expect(await readChallenge(signer, await issueClearance(signer, clearance()), NOW)).toBeUndefined();
  });

  describe('time windows', () => {
    it('challenge: valid while iat <= now + 60 and now < exp', async () => {
      const signer = await signerPromise;
      const token = await issueChallenge(signer, challenge({ iat: NOW, exp: NOW + 300 }));
      expect(await readChallenge(signer, token, NOW - 60)).toBeDefined();
      expect(await readChallenge(signer, token, NOW - 61)).toBeUndefined();
      expect(await readChallenge(signer, token, NOW + 299)).toBeDefined();
      expect(await readChallenge(signer, token, NOW + 300)).toBeUndefined();
      expect(await readChallenge(signer, token, NOW + 1e9)).toBeUndefined();
      const expired = await issueChallenge(signer, challenge({ iat: NOW, exp: NOW }));
      expect(await readChallenge(signer, expired, NOW)).toBeUndefined();
    });

    it('clearance: valid while iat <= now + 60 and now < iat + maxAge', async () => {
      const signer = await signerPromise;
      const cookie = await issueClearance(signer, clearance({ iat: NOW }));
      expect(await readClearance(signer, cookie, NOW - 60, 1800)).toBeDefined();
      expect(await readClearance(signer, cookie, NOW - 61, 1800)).toBeUndefined();
      expect(await readClearance(signer, cookie, NOW + 1799, 1800)).toBeDefined();
      expect(await readClearance(signer, cookie, NOW + 1800, 1800)).toBeUndefined();
      expect(await readClearance(signer, cookie, NOW, 0)).toBeUndefined();
    });

    it.each<[string, unknown, unknown]>([
      ['now NaN', NaN, 1800],
      ['now a string', String(NOW), 1800],
      ['now a bigint', BigInt(NOW), 1800],
      ['now Infinity', Infinity, 1800],
      ['maxAge negative', NOW, -1],
      ['maxAge NaN', NOW, NaN],
      ['maxAge Infinity', NOW, Infinity],
      ['maxAge a string', NOW, '1800'],
      ['maxAge undefined', NOW, undefined],
    ])('refuses %s (never throws)', async (_, now, maxAge) => {
      const signer = await signerPromise;
      expect(await readClearance(signer, await issueClearance(signer, clearance()), now as number, maxAge as number)).toBeUndefined();
      if (_.startsWith('now')) expect(await readChallenge(signer, await issueChallenge(signer, challenge()), now as number)).toBeUndefined();
    });
  });

  describe('return paths (open redirects)', () => {
    it.each(['/', '/shop', '/a/b?c=d&e=%2F%2F', '/path//double', '/a\\b', '/~user/'])('accepts %j', (path) => {
      expect(isSafeReturnPath(path)).toBe(true);
    });

    it.each([
      '//evil.com',
      '//evil.com/path',
      'https://evil.com',
      'http:/evil.com',
      '/\\evil.com',
      '/\\\\evil.com',
      '\\\\evil.com',
      '/\t/evil.com',
      '/\n/evil.com',
      '/\r\n/evil.com',
      '/a b',
      '/\u0000',
      '/\u007f',
      '/ünïcode',
      '/\u2215\u2215evil.com',
      'javascript:alert(1)',
      ' /path',
      'evil.com',
      '',
      '?a=1',
      '#x',
      '/' + 'a'.repeat(2048),
    ])('refuses %j (isSafeReturnPath, issueChallenge and a correctly signed token)', async (url) => {
      const signer = await signerPromise;
      expect(isSafeReturnPath(url)).toBe(false);
      await expectRejects(issueChallenge(signer, challenge({ url })), 'invalid-argument');
      const forged = await signed('challenge', JSON.stringify(challenge({ url })));
      expect(await readChallenge(signer, forged, NOW)).toBeUndefined();
    });

    it('refuses non-strings', () => {
      for (const value of nonStrings('/')) expect(isSafeReturnPath(value)).toBe(false);
    });
  });

  describe('exact shapes', () => {
    const badChallengeClaims: [string, Partial<Record<keyof ChallengeClaims, unknown>>][] = [
      ['level admin', { level: 'admin' }],
      ['level __proto__', { level: '__proto__' }],
      ['level JSChallenge', { level: 'JSChallenge' }],
      ['level null', { level: null }],
      ['difficulty 33', { difficulty: 33 }],
      ['difficulty -1', { difficulty: -1 }],
      ['difficulty 1.5', { difficulty: 1.5 }],
      ['difficulty "5"', { difficulty: '5' }],
      ['difficulty 1e400 (Infinity)', { difficulty: Infinity }],
      ['ray empty', { ray: '' }],
      ['ray with a space', { ray: 'a b' }],
      ['ray of 65 characters', { ray: 'a'.repeat(65) }],
      ['ray a number', { ray: 12 }],
      ['bind short', { bind: 'abc' }],
      ['bind with =', { bind: 'AAAAAAAAAAAAAAAAAAAAA=' }],
      ['id of 21 characters', { id: 'A'.repeat(21) }],
      ['id of 23 characters', { id: 'A'.repeat(23) }],
      ['id a number', { id: 1 }],
      ['iat a string', { iat: String(NOW) }],
      ['iat negative', { iat: -1 }],
      ['iat fractional', { iat: NOW + 0.5 }],
      ['iat beyond safe integers', { iat: 2 ** 53 }],
      ['exp null', { exp: null }],
      ['exp a string', { exp: 'never' }],
      ['url a number', { url: 1 }],
    ];

    it.each(badChallengeClaims)('challenge with %s: issue throws, a correctly signed token reads as undefined', async (_, overrides) => {
      const signer = await signerPromise;
      await expectRejects(issueChallenge(signer, challenge(overrides)), 'invalid-argument');
      const forged = await signed('challenge', JSON.stringify(challenge(overrides)));
      expect(await readChallenge(signer, forged, NOW)).toBeUndefined();
    });

    it.each<[string, Partial<Record<keyof ClearanceClaims, unknown>>]>([
      ['level admin', { level: 'admin' }],
      ['level toString', { level: 'toString' }],
      ['level an array', { level: ['managed'] }],
      ['iat a string', { iat: String(NOW) }],
      ['iat NaN', { iat: NaN }],
      ['bind missing', { bind: undefined }],
      ['bind an object', { bind: { length: 22 } }],
    ])('clearance with %s: issue throws, a correctly signed token reads as undefined', async (_, overrides) => {
      const signer = await signerPromise;
      await expectRejects(issueClearance(signer, clearance(overrides)), 'invalid-argument');
      const forged = await signed('clearance', JSON.stringify(clearance(overrides)));
      expect(await readClearance(signer, forged, NOW, 1800)).toBeUndefined();
    });

    it('refuses extra, missing and prototype keys', async () => {
      const signer = await signerPromise;
      const good = JSON.stringify(clearance());
      expect(await readClearance(signer, await signed('clearance', good), NOW, 60)).toBeDefined();
      const variants = [
        JSON.stringify({ ...clearance(), admin: true }),
        JSON.stringify({ level: 'managed', iat: NOW }),
        good.replace('}', ',"__proto__":{"level":"interactive"}}'),
        good.replace('}', ',"constructor":1}'),
        `{"__proto__":{"bind":"${bind}"},"level":"managed","iat":${NOW}}`,
      ];
      for (const json of variants) expect(await readClearance(signer, await signed('clearance', json), NOW, 60), json).toBeUndefined();
      expect(await readChallenge(signer, await signed('challenge', JSON.stringify({ ...challenge(), extra: 1 })), NOW)).toBeUndefined();
      const { difficulty: _, ...withoutDifficulty } = challenge();
      expect(await readChallenge(signer, await signed('challenge', JSON.stringify(withoutDifficulty)), NOW)).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('level');
    });

    it('refuses malformed JSON, other JSON values and bytes that are not UTF-8', async () => {
      const signer = await signerPromise;
      const good = JSON.stringify(clearance());
      const payloads: (string | Uint8Array)[] = [
        '',
        '{',
        good.slice(0, -1),
        `${good}x`,
        `${good}${good}`,
        'undefined',
        'null',
        'true',
        '42',
        '"managed"',
        `[${good}]`,
        '[]',
        '{}',
        `\uFEFF${good}`,
        good.replace(/"/g, "'"),
        new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]),
        new Uint8Array([...utf8(good.slice(0, -2)), 0xc3, 0x28, 0x22, 0x7d]),
        '{"level":"managed","iat":1700000000,"bind":"AAAAAAAAAAAAAAAAAAAAA\\uD800"}',
        '{"level":"managed","iat":1700000000,"bind":"AAAAAAAAAAAAAAAAAAAAAA","bind":"x"}',
      ];
      for (const payload of payloads) expect(await readClearance(signer, await signed('clearance', payload), NOW, 60), String(payload)).toBeUndefined();
    });

    it('never throws for tokens of any type', async () => {
      const signer = await signerPromise;
      for (const value of nonStrings('x.y')) {
        expect(await readChallenge(signer, value, NOW)).toBeUndefined();
        expect(await readClearance(signer, value, NOW, 60)).toBeUndefined();
      }
    });
  });

  describe('clientBinding', () => {
    const both = { ip: true, userAgent: true };
    const ipOnly = { ip: true, userAgent: false };

    it('is SHA-256 of the documented parts, base64url, 22 characters (checked against node:crypto)', async () => {
      const binding = await clientBinding({ ip: '2001:db8:1:2:3:4:5:6', userAgent: 'UA' }, both);
      const expected = createHash('sha256').update(JSON.stringify(['wirefilter-ts/binding/v1', '2001:db8:1:2::/64', 'UA'])).digest('base64url').slice(0, 22);
      expect(binding).toBe(expected);
      expect(await clientBinding({}, { ip: false, userAgent: false })).toMatch(/^[A-Za-z0-9_-]{22}$/);
    });

    it('binds IPv6 clients by their /64, whatever the text form', async () => {
      const same = ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0DB8:0001:0002:0:0:0:abcd', '2001:db8:1:2::192.0.2.1'];
      const bindings = await Promise.all(same.map((ip) => clientBinding({ ip }, ipOnly)));
      expect(new Set(bindings).size).toBe(1);
      for (const other of ['2001:db8:1:3::1', '2001:db8:1::1', '2001:db9:1:2::1', '::1']) expect(await clientBinding({ ip: other }, ipOnly)).not.toBe(bindings[0]);
    });

    it('binds IPv4 clients by the whole address, IPv4-mapped IPv6 included', async () => {
      const a = await clientBinding({ ip: '192.0.2.1' }, ipOnly);
      expect(await clientBinding({ ip: '::ffff:192.0.2.1' }, ipOnly)).toBe(a);
      expect(await clientBinding({ ip: '::FFFF:c000:201' }, ipOnly)).toBe(a);
      // A dual-stack server sees every IPv4 client as ::ffff:…; their /64 would be one for all.
      expect(await clientBinding({ ip: '::ffff:192.0.2.2' }, ipOnly)).not.toBe(a);
      expect(await clientBinding({ ip: '192.0.2.2' }, ipOnly)).not.toBe(a);
    });

    it('uses unparsable IPs as raw text, and missing parts as empty', async () => {
      const raw = await clientBinding({ ip: 'not-an-ip' }, ipOnly);
      expect(raw).not.toBe(await clientBinding({ ip: 'not-an-ip2' }, ipOnly));
      expect(await clientBinding({ ip: '192.0.2.1 ' }, ipOnly)).not.toBe(await clientBinding({ ip: '192.0.2.1' }, ipOnly));
      expect(await clientBinding({}, ipOnly)).toBe(await clientBinding({ ip: '' }, ipOnly));
      expect(await clientBinding({ ip: 42 as unknown as string }, ipOnly)).toBe(await clientBinding({}, ipOnly));
      expect(await clientBinding({ userAgent: ['a'] as unknown as string }, both)).toBe(await clientBinding({}, both));
    });

    it('uses only the enabled parts, and keeps them apart', async () => {
      const a = { ip: '192.0.2.1', userAgent: 'Mozilla/5.0' };
      const b = { ip: '198.51.100.7', userAgent: 'curl/8' };
      expect(await clientBinding(a, { ip: false, userAgent: false })).toBe(await clientBinding(b, { ip: false, userAgent: false }));
      expect(await clientBinding(a, ipOnly)).toBe(await clientBinding({ ...a, userAgent: 'other' }, ipOnly));
      expect(await clientBinding(a, { ip: false, userAgent: true })).toBe(await clientBinding({ ...a, ip: '::1' }, { ip: false, userAgent: true }));
      expect(await clientBinding(a, both)).not.toBe(await clientBinding({ ...a, userAgent: 'Mozilla/5.1' }, both));
      // A disabled part differs from an empty one, and one part cannot spill into another.
      expect(await clientBinding({}, both)).not.toBe(await clientBinding({}, { ip: false, userAgent: false }));
      expect(await clientBinding({ ip: 'x', userAgent: '' }, both)).not.toBe(await clientBinding({ ip: '', userAgent: 'x' }, both));
      expect(await clientBinding({ ip: 'a","b', userAgent: 'c' }, both)).not.toBe(await clientBinding({ ip: 'a', userAgent: 'b","c' }, both));
    });
  });
});

describe('proof of work', () => {
  const TOKEN = 'eyJsZXZlbCI6ImpzY2hhbGxlbmdlIn0.Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cQ';

  it('leadingZeroBits counts bits, across bytes, up to the whole digest', () => {
    expect(leadingZeroBits(new Uint8Array(0))).toBe(0);
    expect(leadingZeroBits(new Uint8Array(32))).toBe(256);
    expect(leadingZeroBits(new Uint8Array([0xff]))).toBe(0);
    for (let bit = 0; bit < 32; bit++) {
      const digest = new Uint8Array(32).fill(0xff);
      digest.fill(0, 0, bit >> 3);
      digest[bit >> 3] = 0x80 >> (bit & 7);
      expect(leadingZeroBits(digest)).toBe(bit);
      digest[bit >> 3] = (0x80 >> (bit & 7)) | 1;
      expect(leadingZeroBits(digest)).toBe(bit);
    }
  });

  it('solves and verifies at difficulties 0–16, the smallest solution, as browsers hash it', async () => {
    for (let difficulty = 0; difficulty <= 16; difficulty++) {
      const token = `${TOKEN}${difficulty}`;
      const solution = (await solveProof(token, difficulty))!;
      expect(solution).toMatch(/^(0|[1-9]\d*)$/);
      expect(await verifyProof(token, solution, difficulty)).toBe(true);
      // The browser computes the same digest through Web Crypto.
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`${token}:${solution}`)));
      expect(leadingZeroBits(digest)).toBeGreaterThanOrEqual(difficulty);
      const n = Number(solution);
      if (difficulty <= 10) for (let m = 0; m < n; m++) expect(await verifyProof(token, String(m), difficulty)).toBe(false);
      else if (n > 0) expect(await verifyProof(token, String(n - 1), difficulty)).toBe(false);
      if (difficulty === 0) expect(solution).toBe('0');
    }
  });

  it('refuses a solution for another token or a higher difficulty', async () => {
    const solution = (await solveProof(TOKEN, 12))!;
    expect(await verifyProof(TOKEN, solution, 12)).toBe(true);
    expect(await verifyProof(`${TOKEN}x`, solution, 12)).toBe(false);
    const digest = createHash('sha256').update(`${TOKEN}:${solution}`).digest();
    const bits = leadingZeroBits(new Uint8Array(digest));
    expect(await verifyProof(TOKEN, solution, bits)).toBe(true);
    expect(await verifyProof(TOKEN, solution, bits + 1)).toBe(false);
  });

  it('refuses leading zeros even where the hash would pass', async () => {
    // Find a padded form "0…n" whose own hash meets the difficulty.
    let padded: string | undefined;
    for (let n = 1; padded === undefined; n++) {
      const text = `0${n}`;
      if (leadingZeroBits(new Uint8Array(createHash('sha256').update(`${TOKEN}:${text}`).digest())) >= 6) padded = text;
    }
    expect(await verifyProof(TOKEN, padded, 6)).toBe(false);
    for (const solution of ['00', '01', '007', '000000000000']) expect(await verifyProof(TOKEN, solution, 0)).toBe(false);
  });

  it.each(['', ' 1', '1 ', '+1', '-1', '1e3', '0x10', '1.0', '1_000', '١', '１', '1\n', '\u00001', 'NaN', 'Infinity'])('refuses the non-decimal solution %j', async (solution) => {
    expect(await verifyProof(TOKEN, solution, 0)).toBe(false);
  });

  it('accepts up to 12 digits, and no more', async () => {
    expect(await verifyProof(TOKEN, '999999999999', 0)).toBe(true);
    expect(await verifyProof(TOKEN, '1000000000000', 0)).toBe(false);
    expect(await verifyProof(TOKEN, '1'.repeat(1 << 20), 0)).toBe(false);
  });

  it('refuses solutions, tokens and difficulties of the wrong type or range (never throws)', async () => {
    for (const solution of nonStrings('0')) expect(await verifyProof(TOKEN, solution, 0)).toBe(false);
    for (const token of nonStrings(TOKEN)) expect(await verifyProof(token as string, '0', 0)).toBe(false);
    for (const difficulty of [-1, 1.5, NaN, Infinity, 257, '3', 3n, null, undefined]) expect(await verifyProof(TOKEN, '0', difficulty as number)).toBe(false);
    expect(await verifyProof(TOKEN, '0', 256)).toBe(false);
  });

  it('solveProof gives up after maxIterations and refuses bad arguments', async () => {
    expect(await solveProof(TOKEN, 0, 0)).toBeUndefined();
    expect(await solveProof(TOKEN, 30, 200)).toBeUndefined();
    for (const difficulty of [-1, 0.5, 257, NaN]) await expectRejects(solveProof(TOKEN, difficulty), 'invalid-argument');
    await expectRejects(solveProof(TOKEN, 1, -1), 'invalid-argument');
    await expectRejects(solveProof(TOKEN, 1, 1.5), 'invalid-argument');
  });

  it('DEFAULT_DIFFICULTY puts the average solve at 0.4–2 s for 100k–300k hashes per second', () => {
    expect(Number.isInteger(DEFAULT_DIFFICULTY)).toBe(true);
    const hashes = 2 ** DEFAULT_DIFFICULTY;
    expect(hashes / 300_000).toBeGreaterThanOrEqual(0.4);
    expect(hashes / 100_000).toBeLessThanOrEqual(2);
  });
});

describe('ReplayCache', () => {
  it('accepts an id once until it expires', () => {
    const cache = new ReplayCache();
    expect(cache.use('a', 100, 0)).toBe(true);
    expect(cache.use('a', 100, 1)).toBe(false);
    expect(cache.use('a', 500, 99)).toBe(false); // a longer expiry does not renew it
    expect(cache.use('b', 100, 1)).toBe(true);
    expect(cache.size).toBe(2);
    expect(cache.use('a', 200, 100)).toBe(true); // expired at 100: free again
    expect(cache.use('a', 200, 150)).toBe(false);
    expect(cache.size).toBe(1); // b left with it
  });

  it('refuses ids already expired, without remembering them', () => {
    const cache = new ReplayCache();
    expect(cache.use('old', 10, 10)).toBe(false);
    expect(cache.use('old', 5, 10)).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('treats prototype names as ordinary ids', () => {
    const cache = new ReplayCache();
    for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
      expect(cache.use(id, 10, 0)).toBe(true);
      expect(cache.use(id, 10, 0)).toBe(false);
    }
    expect(Object.prototype).not.toHaveProperty('10');
  });

  it('returns false for arguments of the wrong type, never throws', () => {
    const cache = new ReplayCache();
    for (const id of nonStrings('id')) expect(cache.use(id as string, 10, 0)).toBe(false);
    for (const time of [NaN, Infinity, -Infinity, '10', 10n, null, undefined, {}]) {
      expect(cache.use('x', time as number, 0)).toBe(false);
      expect(cache.use('y', 10, time as number)).toBe(false);
    }
    expect(cache.size).toBe(0);
  });

  it.each<[unknown]>([[0], [-1], [1.5], [NaN], [Infinity], ['10'], [null]])('refuses maxEntries %j with invalid-option', (max) => {
    expect(() => new ReplayCache(max as number)).toThrow(WirefilterError);
    try {
      new ReplayCache(max as number);
    } catch (error) {
      expect((error as WirefilterError).code).toBe('invalid-option');
    }
  });

  it('defaults to 100,000 entries', () => {
    expect(DEFAULT_REPLAY_CACHE_ENTRIES).toBe(100_000);
    const cache = new ReplayCache();
    for (let i = 0; i < 100_010; i++) cache.use(`id${i}`, 1_000_000 + i, 0);
    expect(cache.size).toBe(100_000);
    expect(cache.use('id9', 2_000_000, 0)).toBe(true); // among the 10 soonest: evicted
    expect(cache.use('id100009', 2_000_000, 0)).toBe(false);
  });

  it('never exceeds its capacity, evicting the entry expiring soonest', () => {
    const cache = new ReplayCache(3);
    expect(cache.use('late', 300, 0)).toBe(true);
    expect(cache.use('soon', 100, 0)).toBe(true);
    expect(cache.use('mid', 200, 0)).toBe(true);
    expect(cache.use('new', 250, 0)).toBe(true); // evicts "soon"
    expect(cache.size).toBe(3);
    expect(cache.use('late', 300, 0)).toBe(false);
    expect(cache.use('mid', 200, 0)).toBe(false);
    expect(cache.use('new', 250, 0)).toBe(false);
    // Forgotten, so accepted again (the documented trade); at capacity, "mid" makes room.
    expect(cache.use('soon', 100, 0)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.use('mid', 200, 0)).toBe(true);
  });

  it('agrees with a naive model over random operations, and its size never exceeds the bound', () => {
    for (const max of [1, 2, 7, 64]) {
      const next = mulberry32(max);
      const cache = new ReplayCache(max);
      const model = new Map<string, number>();
      let now = 0;
      let serial = 0;
      for (let step = 0; step < 5000; step++) {
        now += next() % 3;
        const id = `id${next() % (max * 3)}`;
        // Distinct expiries, so "the entry expiring soonest" is one entry in both.
        const expiresAt = now + 1 + (next() % 50) + ++serial / 1e6;
        for (const [key, exp] of model) if (exp <= now) model.delete(key);
        const expected = !model.has(id);
        if (expected) {
          if (model.size >= max) {
            const soonest = [...model].reduce((a, b) => (b[1] < a[1] ? b : a));
            model.delete(soonest[0]);
          }
          model.set(id, expiresAt);
        }
        expect(cache.use(id, expiresAt, now), `max ${max}, step ${step}`).toBe(expected);
        expect(cache.size).toBe(model.size);
        expect(cache.size).toBeLessThanOrEqual(max);
        expect(cache.use(id, expiresAt, now)).toBe(false);
      }
    }
  });

  it('costs about the same per call as it grows (no scans)', () => {
    expectLinearGrowth(
      [20_000, 40_000, 80_000],
      (n) => {
        const next = mulberry32(n);
        return { n, ids: Array.from({ length: n }, (_, i) => `id${i}`), expiries: Array.from({ length: n }, (_, i) => i / 100 + 1000 + (next() % 100_000)) };
      },
      ({ n, ids, expiries }) => {
        // A quarter of the operations fill the cache; the rest each evict one entry or expire some.
        const cache = new ReplayCache(n / 4);
        for (let i = 0; i < n; i++) cache.use(ids[i]!, expiries[i]!, i / 100);
        for (let i = 0; i < n; i += 2) cache.use(ids[i]!, expiries[i]!, i / 100 + 50);
      },
      { label: 'ReplayCache.use', repeats: 9 },
    );
  });
});
