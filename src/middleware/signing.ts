/**
 * Signed tokens for the middleware: `base64url(payload) "." base64url(HMAC-SHA256)`.
 *
 * The MACs are computed with the synchronous, pure-JavaScript HMAC-SHA256 of
 * `values/sha256.ts`, not with Web Crypto (`crypto.subtle.sign`/`verify`):
 *
 * - Speed. Web Crypto is asynchronous, and each call paid for it: on a 2-core test machine a
 *   challenge token took ~20 µs to verify and a clearance ~15 µs to sign in a tight loop (about
 *   70 and 40 µs inside a request), most of the ~160 µs a solved challenge cost the server.
 *   Here each secret is prepared once ({@link HmacSha256Key}: the hash states after the
 *   `K ⊕ ipad` and `K ⊕ opad` blocks), so a MAC is the compressions of the short message plus
 *   one (~0.5 µs each): verifying a challenge token takes ~7 µs in all, signing a clearance
 *   ~5 µs, and a solved challenge ~50 µs end to end through the Fetch adapter.
 * - Portability. Nothing here needs `crypto.subtle`, which browsers give only to secure
 *   (HTTPS) pages; signing works the same in Node 20, Deno, Bun, workers and any browser page.
 *   (Challenge ids still come from `crypto.getRandomValues`, which every context has.)
 *
 * What that costs, honestly: a MAC an attacker chose must not leak, through timing, how many
 * of its bytes were right. `crypto.subtle.verify` compared in native code; here the expected
 * MAC is computed and compared with {@link constantTimeEqual} (length first, then every byte
 * XORed into one accumulator, no early exit). JavaScript engines promise nothing about timing,
 * but this loop has no data-dependent branch, and the hashing before it depends only on the
 * message's length. The prepared key states live in ordinary JavaScript memory instead of a
 * non-extractable `CryptoKey`; they are private fields of the {@link Signer}.
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
import { constantTimeEqual, HmacSha256Key, SHA256_DIGEST_LENGTH } from '../values/sha256.js';

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

const isPurpose = (purpose: unknown): purpose is string => typeof purpose === 'string' && PURPOSE.test(purpose);

/**
 * The bytes of `text` when it is all ASCII (base64url, the domain and purposes are), else
 * `undefined`. A loop in JavaScript: cheaper than a `TextEncoder` call for such short text.
 */
function asciiBytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return undefined;
    out[i] = c;
  }
  return out;
}

/**
 * The MAC covers the domain, the purpose, a `.` and the ASCII of the encoded payload. The
 * purpose cannot contain `.` and base64url never does, so different (purpose, payload) pairs
 * never give the same bytes. This is the first part; the encoded payload follows.
 */
const macPrefix = (purpose: string): Uint8Array => asciiBytes(`${DOMAIN}${purpose}.`)!;

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The unused low bits of the last character, by the length of the text modulo 4. */
const UNUSED_BITS = [0, 0, 0b1111, 0b11] as const;

/**
 * Decodes unpadded base64url given as its ASCII bytes, accepting only the canonical
 * encoding: the unused low bits of the last character must be zero. Otherwise up to four
 * different strings would carry the same MAC, and a token would not be one exact string.
 * (With those bits zero, encoding the bytes again gives back exactly the text; checking the
 * bits is cheaper than re-encoding.) The result is a fresh array.
 */
function decodeCanonical(text: Uint8Array): Uint8Array | undefined {
  const bytes = decodeBase64(text, { urlSafe: true, padding: 'forbidden' });
  if (bytes === undefined) return undefined;
  const unused = UNUSED_BITS[(text.length % 4) as 0 | 1 | 2 | 3] ?? 0;
  if (unused !== 0 && (URL_ALPHABET.indexOf(String.fromCharCode(text[text.length - 1]!)) & unused) !== 0) return undefined;
  return bytes;
}

const invalidOption = (message: string): WirefilterError => new WirefilterError(message, [], undefined, 'invalid-option');

/**
 * HMAC-SHA256 signer with key rotation: signs with the first secret, verifies with any.
 *
 * To rotate, put the new secret first and keep the old one second until every token it signed
 * has expired, then drop it. Verifying costs one HMAC per secret for a token that fails, so
 * keep the list short.
 *
 * The methods are `async` for the callers' sake (they were Web Crypto calls once, and may be
 * again); the work itself is synchronous.
 */
export class Signer {
  /** The first key signs; all of them verify, in order. */
  readonly #keys: readonly HmacSha256Key[];

  private constructor(keys: readonly HmacSha256Key[]) {
    this.#keys = keys;
  }

  /**
   * Prepares the secrets as HMAC-SHA256 keys.
   *
   * @param secrets strings (their UTF-8 bytes) or `Uint8Array`s, each at least
   *   {@link MIN_SECRET_BYTES} bytes long; the first one signs. They are copied: changing a
   *   `Uint8Array` afterwards changes nothing.
   * @throws WirefilterError code `invalid-option` for no secret, a short one or one of another
   *   type.
   */
  static async create(secrets: readonly (string | Uint8Array)[]): Promise<Signer> {
    if (!Array.isArray(secrets)) throw invalidOption(`expected the secrets as an array of strings or Uint8Arrays, got ${describeType(secrets)}`);
    if (secrets.length === 0) throw invalidOption('expected at least one secret');
    const material = secrets.map((secret: unknown, i) => {
      if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
        throw invalidOption(`secret ${i + 1}: expected a string or a Uint8Array, got ${describeType(secret)}`);
      }
      const bytes = toUtf8(secret);
      // The message says how long it must be, never what it was or what it holds.
      if (bytes.length < MIN_SECRET_BYTES) throw invalidOption(`secret ${i + 1}: too short, a secret needs at least ${MIN_SECRET_BYTES} bytes (use 32 random bytes)`);
      return bytes;
    });
    // Validate every secret before preparing any; HmacSha256Key keeps only derived states.
    return new Signer(material.map((bytes) => new HmacSha256Key(bytes)));
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
    const mac = this.#keys[0]!.digest(macPrefix(purpose), asciiBytes(encoded)!);
    return `${encoded}.${encodeBase64(mac, { urlSafe: true })}`;
  }

  /**
   * Checks a token and returns what it carries.
   *
   * @returns a fresh copy of the payload bytes when `token` is a string of at most
   *   {@link MAX_TOKEN_LENGTH} characters made of exactly two canonical base64url parts joined
   *   by one `.`, and its MAC matches under any of the secrets for this `purpose` (each
   *   expected MAC compared in constant time, see {@link constantTimeEqual}); otherwise
   *   `undefined`. Never throws, whatever `purpose` and `token` are.
   */
  async verify(purpose: string, token: unknown): Promise<Uint8Array | undefined> {
    try {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !isPurpose(purpose)) return undefined;
      const dot = token.indexOf('.');
      if (dot < 0 || token.indexOf('.', dot + 1) >= 0) return undefined;
      // Anything that is not ASCII is not base64url.
      const bytes = asciiBytes(token);
      if (bytes === undefined) return undefined;
      const encoded = bytes.subarray(0, dot);
      const payload = decodeCanonical(encoded);
      const mac = decodeCanonical(bytes.subarray(dot + 1));
      if (payload === undefined || mac === undefined || mac.length !== SHA256_DIGEST_LENGTH) return undefined;
      const prefix = macPrefix(purpose);
      for (const key of this.#keys) {
        if (constantTimeEqual(key.digest(prefix, encoded), mac)) return payload;
      }
      return undefined;
    } catch {
      return undefined;
    }
  }
}
