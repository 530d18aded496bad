/**
 * Byte-string functions: `lower`, `upper`, `starts_with`, `ends_with`, `url_decode`,
 * `substring`, `remove_bytes`. All work on bytes: ASCII-only case mapping, byte-wise prefix
 * tests, byte offsets, percent-decoding to raw bytes (a computed result is text only when it
 * is valid UTF-8).
 *
 * @module
 */
import { BOOL, BYTES, INT } from '../scheme/types.js';
import { asciiLower, asciiUpper, bytesToValue, isAscii, isBytesValue, toUtf8, type BytesLiteral, type BytesValue } from '../values/bytes.js';
import type { IntValue } from '../values/int.js';
import type { BuiltinFunction } from '../scheme/functions.js';

const source = { name: 'source', type: BYTES, kind: 'field' } as const;

/**
 * For `lower(x) eq "text"` with ASCII text without capitals: a test on x itself — equal
 * lengths, then character by character with A–Z folded — instead of building `lower(x)` and
 * comparing. Exact: lowercasing changes only A–Z, so `lower(x)` is that ASCII text only when x
 * is ASCII of the same length. Byte arrays are lowered and compared.
 */
function loweredEquality(literal: BytesLiteral): ((argument: unknown) => boolean) | undefined {
  const text = literal.text;
  if (!literal.ascii || text === undefined || /[A-Z]/.test(text)) return undefined;
  const n = text.length;
  return (v) => {
    if (typeof v !== 'string') return isBytesValue(v) && literal.equals(asciiLower(v));
    if (v.length !== n) return false;
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== text.charCodeAt(i)) return false;
    }
    return true;
  };
}

/** `lower(Bytes)`: ASCII letters to lowercase; every other byte unchanged. */
export const lower: BuiltinFunction = {
  name: 'lower',
  description: 'Converts ASCII letters to lowercase; other bytes (including UTF-8 characters) are unchanged.',
  params: [source],
  returns: BYTES,
  call: ([value]) => (isBytesValue(value) ? asciiLower(value) : undefined),
  equalityTest: loweredEquality,
};

/** `upper(Bytes)`: ASCII letters to uppercase. */
export const upper: BuiltinFunction = {
  name: 'upper',
  description: 'Converts ASCII letters to uppercase; other bytes (including UTF-8 characters) are unchanged.',
  params: [source],
  returns: BYTES,
  call: ([value]) => (isBytesValue(value) ? asciiUpper(value) : undefined),
};

/**
 * True when both values are strings whose UTF-16 comparison is byte-exact: well-formed text
 * (a lone surrogate is U+FFFD in UTF-8, and half of a surrogate pair is not a byte prefix).
 */
const bothWellFormed = (a: BytesValue, b: BytesValue): boolean =>
  typeof a === 'string' && typeof b === 'string' && a.isWellFormed() && b.isWellFormed();

function hasPrefix(value: BytesValue, prefix: BytesValue): boolean {
  if (bothWellFormed(value, prefix)) return (value as string).startsWith(prefix as string);
  const v = toUtf8(value);
  const p = toUtf8(prefix);
  if (p.length > v.length) return false;
  for (let i = 0; i < p.length; i++) if (v[i] !== p[i]) return false;
  return true;
}

function hasSuffix(value: BytesValue, suffix: BytesValue): boolean {
  if (bothWellFormed(value, suffix)) return (value as string).endsWith(suffix as string);
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

/** The code unit of a `%uXXXX` escape at `i` (`u` in either case), or -1. */
function percentU(input: Uint8Array, i: number): number {
  if (input[i] !== 0x25 || (input[i + 1] !== 0x75 && input[i + 1] !== 0x55)) return -1;
  let unit = 0;
  for (let k = 2; k < 6; k++) {
    const d = hexValue(input[i + k]);
    if (d < 0) return -1;
    unit = unit * 16 + d;
  }
  return unit;
}

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
      if (unicode) {
        const unit = percentU(input, i);
        if (unit >= 0) {
          // `%uXXXX` escapes UTF-16 code units, so a character outside the BMP arrives as a
          // surrogate pair of two escapes; decode the pair as one character.
          const low = unit >= 0xd800 && unit <= 0xdbff ? percentU(input, i + 6) : -1;
          const text = low >= 0xdc00 && low <= 0xdfff ? String.fromCharCode(unit, low) : String.fromCharCode(unit);
          // A lone surrogate has no UTF-8 form; it becomes U+FFFD, as TextEncoder does.
          for (const byte of utf8Encoder.encode(text)) out.push(byte);
          i += text.length === 2 ? 11 : 5;
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

/**
 * Resolves a `substring` index against a length: negative counts from the end, and the
 * result is clamped to `[0, length]`. A `bigint` index (beyond 2^53) is past either end.
 */
function resolveIndex(index: IntValue, length: number): number {
  const n = typeof index === 'bigint' ? (index < 0n ? -Infinity : Infinity) : index;
  return Math.min(Math.max(n < 0 ? length + n : n, 0), length);
}

/** `substring(field, start, end?)`: bytes `[start, end)`; negative indexes count from the end. */
export const substring: BuiltinFunction = {
  name: 'substring',
  description: 'Bytes from start up to (not including) end; negative indexes count from the end, end defaults to the end.',
  params: [source, { name: 'start', type: INT, kind: 'literal' }],
  optional: [{ name: 'end', type: INT, kind: 'literal' }],
  returns: BYTES,
  call([value, start, end]) {
    if (!isBytesValue(value)) return undefined;
    // ASCII text is its own byte string, so string offsets are byte offsets.
    if (typeof value === 'string' && isAscii(value)) {
      const from = resolveIndex(start as IntValue, value.length);
      const to = end === undefined ? value.length : resolveIndex(end as IntValue, value.length);
      return to > from ? value.slice(from, to) : '';
    }
    const bytes = toUtf8(value);
    const from = resolveIndex(start as IntValue, bytes.length);
    const to = end === undefined ? bytes.length : resolveIndex(end as IntValue, bytes.length);
    // slice() copies, so the result never aliases a caller's Uint8Array.
    return to > from ? bytesToValue(bytes.slice(from, to)) : '';
  },
};

/** `remove_bytes(source, bytes)`: drops every byte that occurs in the second argument. */
export const removeBytes: BuiltinFunction = {
  name: 'remove_bytes',
  description: 'Removes every occurrence of each byte listed in the second argument (a set of bytes, not a substring).',
  params: [source, { name: 'bytes', type: BYTES, kind: 'literal' }],
  returns: BYTES,
  call([value, remove]) {
    if (!isBytesValue(value) || !isBytesValue(remove)) return undefined;
    const set = toUtf8(remove);
    if (set.length === 0) return value;
    const drop = new Uint8Array(256);
    let asciiOnly = true;
    for (const b of set) {
      drop[b] = 1;
      if (b >= 0x80) asciiOnly = false;
    }
    if (typeof value === 'string' && asciiOnly) {
      // Removing ASCII characters from text removes exactly those bytes from its UTF-8.
      let out = '';
      let runStart = 0;
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c < 0x80 && drop[c] === 1) {
          out += value.slice(runStart, i);
          runStart = i + 1;
        }
      }
      return runStart === 0 ? value : out + value.slice(runStart);
    }
    const bytes = toUtf8(value);
    const out = new Uint8Array(bytes.length);
    let n = 0;
    for (const b of bytes) if (drop[b] === 0) out[n++] = b;
    return bytesToValue(out.slice(0, n));
  },
};
