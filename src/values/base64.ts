/**
 * Base64 (RFC 4648 §4) and base64url (§5) over bytes, by hand.
 *
 * Why not `btoa`/`atob` or `Buffer`: `btoa`/`atob` work on Latin-1 strings and silently accept
 * whitespace and missing padding; `Buffer` is Node-only. The functions here take and return
 * bytes, are strict about the alphabet, and say exactly how padding is treated.
 *
 * @module
 */

const STANDARD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Byte → 6-bit value (or -1), one table per alphabet. */
function decodeTable(alphabet: string): Int8Array {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
const STANDARD_TABLE = decodeTable(STANDARD_ALPHABET);
const URL_TABLE = decodeTable(URL_ALPHABET);

/** Options of {@link encodeBase64}. */
export interface Base64EncodeOptions {
  /** Use the URL- and filename-safe alphabet (`-` and `_` instead of `+` and `/`). */
  urlSafe?: boolean;
  /** Append `=` so the length is a multiple of 4. */
  pad?: boolean;
}

/** Encodes bytes as Base64 text (always ASCII). */
export function encodeBase64(bytes: Uint8Array, options: Base64EncodeOptions = {}): string {
  const alphabet = options.urlSafe ? URL_ALPHABET : STANDARD_ALPHABET;
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + (options.pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + (options.pad ? '=' : '');
  }
  return out;
}

/** Options of {@link decodeBase64}. */
export interface Base64DecodeOptions {
  /** Accept the URL-safe alphabet (`-`, `_`) instead of the standard one (`+`, `/`). */
  urlSafe?: boolean;
  /**
   * `optional` (default): the text may end with the right number of `=` or with none;
   * `required`: it must be padded to a multiple of 4; `forbidden`: `=` is not accepted.
   */
  padding?: 'optional' | 'required' | 'forbidden';
}

/**
 * Decodes Base64 text given as bytes. Returns `undefined` for anything that is not Base64:
 * a byte outside the alphabet (whitespace included), `=` anywhere but at the end, the wrong
 * amount of padding, or a length that cannot come from an encoder (4k + 1 characters).
 * Unused low bits of the last character are ignored, as most decoders do.
 */
export function decodeBase64(text: Uint8Array, options: Base64DecodeOptions = {}): Uint8Array | undefined {
  const table = options.urlSafe ? URL_TABLE : STANDARD_TABLE;
  const padding = options.padding ?? 'optional';
  let end = text.length;
  let pads = 0;
  while (end > 0 && text[end - 1] === 0x3d /* = */ && pads < 3) {
    end--;
    pads++;
  }
  const remainder = end % 4;
  if (remainder === 1) return undefined;
  if (pads > 0) {
    if (padding === 'forbidden') return undefined;
    // Padding completes the last group exactly: 2 chars + "==", or 3 chars + "=".
    if (remainder === 0 || pads !== 4 - remainder) return undefined;
  } else if (padding === 'required' && remainder !== 0) {
    return undefined;
  }
  const out = new Uint8Array(Math.floor(end / 4) * 3 + (remainder === 0 ? 0 : remainder - 1));
  let o = 0;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    const a = table[text[i]!]!;
    const b = table[text[i + 1]!]!;
    const c = table[text[i + 2]!]!;
    const d = table[text[i + 3]!]!;
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  if (remainder >= 2) {
    const a = table[text[i]!]!;
    const b = table[text[i + 1]!]!;
    const c = remainder === 3 ? table[text[i + 2]!]! : 0;
    if ((a | b | c) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6);
    out[o++] = n >>> 16;
    if (remainder === 3) out[o++] = (n >>> 8) & 0xff;
  }
  return out;
}
