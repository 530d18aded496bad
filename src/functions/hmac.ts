/**
 * `is_timed_hmac_valid_v0`: validation of time-limited HMAC-SHA256 tokens, such as signed
 * download URLs (`/file.jpg?verify=1484063787-IaLGSm…%3D`).
 *
 * The digest is computed with the synchronous, browser-safe SHA-256 of `values/sha256.ts`.
 *
 * @module
 */
import { BOOL, BYTES, INT } from '../scheme/types.js';
import { decodeBase64 } from '../values/base64.js';
import { isBytesValue, toUtf8 } from '../values/bytes.js';
import type { IntValue } from '../values/int.js';
import { constantTimeEqual, hmacSha256, SHA256_DIGEST_LENGTH } from '../values/sha256.js';
import { flagLetters, intInRange, isIntValue } from './common.js';
import type { BuiltinFunction } from '../scheme/functions.js';

/** Shortest MAC text accepted after the dash: 43 characters, unpadded Base64 of 32 bytes. */
export const HMAC_MIN_MAC_LENGTH = 43;

/** Number of decimal digits of the issue timestamp in a token. */
const TIMESTAMP_DIGITS = 10;

/** Options of {@link verifyTimedHmac}. */
export interface TimedHmacOptions {
  /** Seconds a token stays valid after its timestamp. */
  ttl: IntValue;
  /** The current Unix time in seconds. */
  now: IntValue;
  /** Bytes between the message and the timestamp that are not signed (e.g. `?verify=` = 8). */
  separatorLength: number;
  /** The MAC is URL-safe Base64 without padding (flag `s`); otherwise URL-encoded standard Base64. */
  urlSafe: boolean;
}

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

function hexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const l = b | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/**
 * Percent-decodes `%HH` escapes (what URL-encoding a Base64 MAC produces: `%2B`, `%2F`,
 * `%3D`). `+` stays `+`: it is a Base64 character, and form-decoding it to a space would
 * break MACs that were not URL-encoded at all. Malformed escapes are kept and then fail the
 * Base64 decoding.
 */
function percentDecode(bytes: Uint8Array): Uint8Array {
  if (!bytes.includes(0x25)) return bytes;
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const h = bytes[i] === 0x25 ? hexValue(bytes[i + 1]) : -1;
    const l = h >= 0 ? hexValue(bytes[i + 2]) : -1;
    if (l >= 0) {
      out[n++] = h * 16 + l;
      i += 2;
    } else {
      out[n++] = bytes[i]!;
    }
  }
  return out.subarray(0, n);
}


/**
 * Checks a token of the form `<message><separator><timestamp>-<mac>`:
 *
 * 1. The split point is the **last** `DDDDDDDDDD-` (ten digits and a dash) that leaves at
 *    least {@link HMAC_MIN_MAC_LENGTH} bytes after the dash and at least one byte before the
 *    digits, the reading of the greedy pattern `(.+)(.*)(\d{10})-(.{43,})` Cloudflare
 *    documents. Everything after the dash is the MAC.
 * 2. The separator is the `separatorLength` bytes just before the timestamp; it is not signed.
 * 3. The MAC must decode to the 32 bytes of HMAC-SHA256(key, message ‖ timestamp digits).
 * 4. The token is valid while `now < timestamp + ttl`. A timestamp in the future is accepted
 *    (the specification leaves it open; only the key holder can mint such a token anyway).
 *
 * Anything malformed gives `false`.
 */
export function verifyTimedHmac(key: Uint8Array, token: Uint8Array, options: TimedHmacOptions): boolean {
  const n = token.length;
  let dash = -1;
  for (let p = n - HMAC_MIN_MAC_LENGTH - 1; p >= TIMESTAMP_DIGITS + 1; p--) {
    if (token[p] !== 0x2d /* - */) continue;
    let digits = true;
    for (let k = p - TIMESTAMP_DIGITS; k < p && digits; k++) digits = isDigit(token[k]!);
    if (digits) {
      dash = p;
      break;
    }
  }
  if (dash < 0) return false;
  const timestampStart = dash - TIMESTAMP_DIGITS;
  const messageEnd = timestampStart - options.separatorLength;
  if (messageEnd < 0) return false;
  const macText = token.subarray(dash + 1);
  const mac = options.urlSafe
    ? decodeBase64(macText, { urlSafe: true, padding: 'forbidden' })
    : decodeBase64(percentDecode(macText), { padding: 'optional' });
  if (mac === undefined || mac.length !== SHA256_DIGEST_LENGTH) return false;
  const expected = hmacSha256(key, token.subarray(0, messageEnd), token.subarray(timestampStart, dash));
  if (!constantTimeEqual(mac, expected)) return false;
  let issued = 0;
  for (let k = timestampStart; k < dash; k++) issued = issued * 10 + (token[k]! - 0x30);
  // BigInt keeps the comparison exact for any int64 `now` and `ttl`.
  return BigInt(options.now) < BigInt(issued) + BigInt(options.ttl);
}

const SECONDS = intInRange(0, Number.MAX_SAFE_INTEGER, 'expected a non-negative number of seconds');

/** `is_timed_hmac_valid_v0(key, messageMAC, ttl, currentTimestamp, separatorLength?, flags?)`. */
export const isTimedHmacValidV0: BuiltinFunction = {
  name: 'is_timed_hmac_valid_v0',
  description:
    'True if messageMAC ends with a 10-digit timestamp and a valid HMAC-SHA256 of message+timestamp under key, issued less than ttl seconds before currentTimestamp.',
  params: [
    { name: 'key', type: BYTES, kind: 'literal' },
    { name: 'messageMAC', type: BYTES, kind: 'field' },
    { name: 'ttl', type: INT, kind: 'literal', validate: SECONDS },
    { name: 'currentTimestamp', type: INT, kind: 'field' },
  ],
  optional: [
    { name: 'separatorLength', type: INT, kind: 'literal', validate: intInRange(0, Number.MAX_SAFE_INTEGER, 'expected a non-negative length in bytes') },
    { name: 'flags', type: BYTES, kind: 'literal', validate: flagLetters('s', 'the only flag is "s" (the MAC is URL-safe Base64 without padding)') },
  ],
  returns: BOOL,
  call([key, token, ttl, now, separatorLength, flags]) {
    if (!isBytesValue(key) || !isBytesValue(token) || !isIntValue(ttl) || !isIntValue(now)) return undefined;
    return verifyTimedHmac(toUtf8(key), toUtf8(token), {
      ttl,
      now,
      separatorLength: typeof separatorLength === 'number' ? separatorLength : 0,
      urlSafe: typeof flags === 'string' && flags.includes('s'),
    });
  },
};
