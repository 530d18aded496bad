/**
 * Signed tokens for the middleware: `base64url(payload) "." base64url(HMAC-SHA256)`.
 *
 * Why Web Crypto (`globalThis.crypto.subtle`) and not the synchronous HMAC of
 * `values/sha256.ts`: checking a MAC an attacker chose must not leak, through timing, how many
 * of its bytes were right; `crypto.subtle.verify` compares in constant time, and it runs the
 * same in Node 20, Deno, workers and browsers (no `node:crypto`).
 *
 * Every MAC covers a domain-separation prefix naming the token's purpose, so a token issued
 * as one thing (a challenge) is never accepted as another (a clearance), even though both are
 * signed with the same secrets.
 *
 * @module
 */
import { describeType, WirefilterError } from '../diagnostics/errors.js';
import { decodeBase64, encodeBase64 } from '../values/base64.js';
import { toUtf8 } from '../values/bytes.js';
import { SHA256_DIGEST_LENGTH } from '../values/sha256.js';

/**
 * The longest token {@link Signer.verify} looks at, in UTF-16 code units (8 KiB). Longer
 * strings are refused before any decoding or hashing, so a huge cookie or form field costs
 * nothing; {@link Signer.sign} refuses payloads whose token would be longer.
 */
export const MAX_TOKEN_LENGTH = 8192;

/** The shortest secret accepted, in bytes: 256 bits, the strength HMAC-SHA256 offers; shorter secrets are guessed sooner. */
export const MIN_SECRET_BYTES = 32;

/** What a purpose may look like: a short lower-case name (`challenge`, `clearance`). */
const PURPOSE = /^[a-z][a-z0-9-]{0,31}$/;

/** Versioned, so that a future token format can never be confused with this one. */
const DOMAIN = 'wirefilter-ts/signed-token/v1/';

const utf8 = new TextEncoder();

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const isPurpose = (purpose: unknown): purpose is string => typeof purpose === 'string' && PURPOSE.test(purpose);

/**
 * The bytes the MAC covers: the domain, the purpose and the encoded payload. The purpose
 * cannot contain `.` and base64url never does, so different (purpose, payload) pairs never
 * give the same bytes.
 */
function macInput(purpose: string, encodedPayload: string): Uint8Array<ArrayBuffer> {
  return utf8.encode(`${DOMAIN}${purpose}.${encodedPayload}`);
}

/**
 * Decodes unpadded base64url, accepting only the canonical encoding: the unused low bits of
 * the last character must be zero. Otherwise up to four different strings would carry the
 * same MAC, and a token would not be one exact string.
 */
function decodeCanonical(text: string): Uint8Array<ArrayBuffer> | undefined {
  // decodeBase64 allocates its result, so it is on a plain ArrayBuffer (what Web Crypto takes).
  const bytes = decodeBase64(toUtf8(text), { urlSafe: true, padding: 'forbidden' }) as Uint8Array<ArrayBuffer> | undefined;
  if (bytes === undefined || encodeBase64(bytes, { urlSafe: true }) !== text) return undefined;
  return bytes;
}

function subtleCrypto(): typeof crypto.subtle {
  const subtle = (globalThis as { crypto?: { subtle?: typeof crypto.subtle } }).crypto?.subtle;
  if (subtle === undefined) {
    throw new WirefilterError('Web Crypto (globalThis.crypto.subtle) is not available: browsers provide it only to secure (HTTPS) pages', [], undefined, 'unsupported-environment');
  }
  return subtle;
}

const invalidOption = (message: string): WirefilterError => new WirefilterError(message, [], undefined, 'invalid-option');

/**
 * HMAC-SHA256 signer with key rotation: signs with the first secret, verifies with any.
 *
 * To rotate, put the new secret first and keep the old one second until every token it signed
 * has expired, then drop it. Verifying costs one HMAC per secret for a token that fails, so
 * keep the list short.
 */
export class Signer {
  readonly #subtle: typeof crypto.subtle;
  /** The first key signs; all of them verify, in order. */
  readonly #keys: readonly HmacKey[];

  private constructor(subtle: typeof crypto.subtle, keys: readonly HmacKey[]) {
    this.#subtle = subtle;
    this.#keys = keys;
  }

  /**
   * Imports the secrets as non-extractable HMAC-SHA256 keys.
   *
   * @param secrets strings (their UTF-8 bytes) or `Uint8Array`s, each at least
   *   {@link MIN_SECRET_BYTES} bytes long; the first one signs.
   * @throws WirefilterError code `invalid-option` for no secret, a short one or one of another
   *   type; code `unsupported-environment` where Web Crypto is missing.
   */
  static async create(secrets: readonly (string | Uint8Array)[]): Promise<Signer> {
    if (!Array.isArray(secrets)) throw invalidOption(`expected the secrets as an array of strings or Uint8Arrays, got ${describeType(secrets)}`);
    if (secrets.length === 0) throw invalidOption('expected at least one secret');
    const material = secrets.map((secret: unknown, i) => {
      if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
        throw invalidOption(`secret ${i + 1}: expected a string or a Uint8Array, got ${describeType(secret)}`);
      }
      // A copy on a plain ArrayBuffer: Web Crypto refuses views of a SharedArrayBuffer.
      const bytes = new Uint8Array(toUtf8(secret));
      // The message says how long it must be, never what it was or what it holds.
      if (bytes.length < MIN_SECRET_BYTES) throw invalidOption(`secret ${i + 1}: too short, a secret needs at least ${MIN_SECRET_BYTES} bytes (use 32 random bytes)`);
      return bytes;
    });
    const subtle = subtleCrypto();
    const keys = await Promise.all(material.map((bytes) => subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])));
    return new Signer(subtle, keys);
  }

  /**
   * Signs `payload` for `purpose` with the first secret.
   *
   * @param purpose what the token is for (`challenge`, `clearance`): a lower-case name of at
   *   most 32 characters (letters, digits, `-`). A token verifies only for its own purpose.
   * @returns `base64url(payload) + "." + base64url(mac)`, unpadded; the MAC covers a
   *   domain-separation prefix, the purpose and the ASCII of `base64url(payload)`.
   * @throws WirefilterError code `invalid-argument` for a malformed purpose, a payload that is
   *   not a `Uint8Array`, or one whose token would exceed {@link MAX_TOKEN_LENGTH}.
   */
  async sign(purpose: string, payload: Uint8Array): Promise<string> {
    if (!isPurpose(purpose)) throw new WirefilterError(`invalid token purpose: expected a lower-case name such as 'clearance'`, [], undefined, 'invalid-argument');
    if (!(payload instanceof Uint8Array)) throw new WirefilterError(`expected the payload as a Uint8Array, got ${describeType(payload)}`, [], undefined, 'invalid-argument');
    const encoded = encodeBase64(payload, { urlSafe: true });
    // 43 characters of MAC and the dot.
    if (encoded.length + 44 > MAX_TOKEN_LENGTH) {
      throw new WirefilterError(`payload too large: a token may be at most ${MAX_TOKEN_LENGTH} characters`, [], undefined, 'invalid-argument');
    }
    const mac = await this.#subtle.sign('HMAC', this.#keys[0]!, macInput(purpose, encoded));
    return `${encoded}.${encodeBase64(new Uint8Array(mac), { urlSafe: true })}`;
  }

  /**
   * Checks a token and returns what it carries.
   *
   * @returns a fresh copy of the payload bytes when `token` is a string of at most
   *   {@link MAX_TOKEN_LENGTH} characters made of exactly two canonical base64url parts joined
   *   by one `.`, and its MAC matches under any of the secrets for this `purpose` (compared in
   *   constant time by `crypto.subtle.verify`); otherwise `undefined`. Never throws, whatever
   *   `purpose` and `token` are.
   */
  async verify(purpose: string, token: unknown): Promise<Uint8Array | undefined> {
    try {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !isPurpose(purpose)) return undefined;
      const dot = token.indexOf('.');
      if (dot < 0 || token.indexOf('.', dot + 1) >= 0) return undefined;
      const encoded = token.slice(0, dot);
      const payload = decodeCanonical(encoded);
      const mac = decodeCanonical(token.slice(dot + 1));
      if (payload === undefined || mac === undefined || mac.length !== SHA256_DIGEST_LENGTH) return undefined;
      const data = macInput(purpose, encoded);
      for (const key of this.#keys) {
        if (await this.#subtle.verify('HMAC', key, mac, data)) return payload;
      }
      return undefined;
    } catch {
      return undefined;
    }
  }
}
