/**
 * Byte-string functions: `lower`, `upper`, `starts_with`, `ends_with`, `url_decode`.
 * All work on bytes: ASCII-only case mapping, byte-wise prefix tests, percent-decoding
 * to raw bytes (the result is text only when it is valid UTF-8).
 *
 * @module
 */
import { BOOL, BYTES } from '../scheme/types.js';
import { asciiLower, asciiUpper, bytesToValue, isBytesValue, toUtf8, type BytesValue } from '../values/bytes.js';
import type { BuiltinFunction } from './definition.js';

const source = { name: 'source', type: BYTES, kind: 'field' } as const;

/** `lower(Bytes)`: ASCII letters to lowercase; every other byte unchanged. */
export const lower: BuiltinFunction = {
  name: 'lower',
  description: 'Converts ASCII letters to lowercase; other bytes (including UTF-8 characters) are unchanged.',
  params: [source],
  returns: BYTES,
  call: ([value]) => (isBytesValue(value) ? asciiLower(value) : undefined),
};

/** `upper(Bytes)`: ASCII letters to uppercase. */
export const upper: BuiltinFunction = {
  name: 'upper',
  description: 'Converts ASCII letters to uppercase; other bytes (including UTF-8 characters) are unchanged.',
  params: [source],
  returns: BYTES,
  call: ([value]) => (isBytesValue(value) ? asciiUpper(value) : undefined),
};

function hasPrefix(value: BytesValue, prefix: BytesValue): boolean {
  if (typeof value === 'string' && typeof prefix === 'string') return value.startsWith(prefix);
  const v = toUtf8(value);
  const p = toUtf8(prefix);
  if (p.length > v.length) return false;
  for (let i = 0; i < p.length; i++) if (v[i] !== p[i]) return false;
  return true;
}

function hasSuffix(value: BytesValue, suffix: BytesValue): boolean {
  if (typeof value === 'string' && typeof suffix === 'string' && value.isWellFormed()) return value.endsWith(suffix);
  const v = toUtf8(value);
  const s = toUtf8(suffix);
  if (s.length > v.length) return false;
  const offset = v.length - s.length;
  for (let i = 0; i < s.length; i++) if (v[offset + i] !== s[i]) return false;
  return true;
}

/** `starts_with(source, prefix)`: byte-wise, case-sensitive. */
export const startsWith: BuiltinFunction = {
  name: 'starts_with',
  description: 'True if the source begins with the prefix (byte-wise, case-sensitive).',
  params: [source, { name: 'prefix', type: BYTES, kind: 'any' }],
  returns: BOOL,
  call: ([value, prefix]) => isBytesValue(value) && isBytesValue(prefix) && hasPrefix(value, prefix),
};

/** `ends_with(source, suffix)`: byte-wise, case-sensitive. */
export const endsWith: BuiltinFunction = {
  name: 'ends_with',
  description: 'True if the source ends with the suffix (byte-wise, case-sensitive).',
  params: [source, { name: 'suffix', type: BYTES, kind: 'any' }],
  returns: BOOL,
  call: ([value, suffix]) => isBytesValue(value) && isBytesValue(suffix) && hasSuffix(value, suffix),
};

/** How many times the `r` option of `url_decode` decodes at most. */
export const URL_DECODE_MAX_ROUNDS = 32;

const hexValue = (b: number | undefined): number => {
  if (b === undefined) return -1;
  if (b >= 48 && b <= 57) return b - 48;
  if (b >= 65 && b <= 70) return b - 55;
  if (b >= 97 && b <= 102) return b - 87;
  return -1;
};

const utf8Encoder = new TextEncoder();

/** One round of percent-decoding; malformed escapes are kept as they are. */
function decodeOnce(input: Uint8Array, unicode: boolean): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    if (b === 0x2b /* + */) {
      out.push(0x20);
      continue;
    }
    if (b === 0x25 /* % */) {
      const h = hexValue(input[i + 1]);
      const l = hexValue(input[i + 2]);
      if (h >= 0 && l >= 0) {
        out.push(h * 16 + l);
        i += 2;
        continue;
      }
      if (unicode && (input[i + 1] === 0x75 || input[i + 1] === 0x55) /* u */) {
        const digits = [2, 3, 4, 5].map((k) => hexValue(input[i + k]));
        if (digits.every((d) => d >= 0)) {
          const codePoint = digits.reduce((acc, d) => acc * 16 + d, 0);
          // Lone surrogates cannot be encoded as UTF-8; they become U+FFFD like TextEncoder's.
          for (const byte of utf8Encoder.encode(String.fromCharCode(codePoint))) out.push(byte);
          i += 5;
          continue;
        }
      }
    }
    out.push(b);
  }
  return Uint8Array.from(out);
}

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** `url_decode(source, options?)`: `%HH` → byte, `+` → space; `r` repeats, `u` adds `%uXXXX`. */
export const urlDecode: BuiltinFunction = {
  name: 'url_decode',
  description: 'Decodes %HH escapes and + (space). Options: "r" decodes repeatedly, "u" also decodes %uXXXX.',
  params: [source],
  optional: [
    {
      name: 'options',
      type: BYTES,
      kind: 'literal',
      validate: (value) =>
        typeof value === 'string' && /^[ru]*$/.test(value) ? undefined : 'options are a string of the letters "r" and "u"',
    },
  ],
  returns: BYTES,
  call([value, options]) {
    if (!isBytesValue(value)) return undefined;
    const flags = typeof options === 'string' ? options : '';
    const unicode = flags.includes('u');
    let current = toUtf8(value);
    const rounds = flags.includes('r') ? URL_DECODE_MAX_ROUNDS : 1;
    for (let round = 0; round < rounds; round++) {
      const next = decodeOnce(current, unicode);
      if (bytesEqual(next, current)) break;
      current = next;
    }
    return bytesToValue(current);
  },
};
