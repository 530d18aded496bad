/**
 * Runtime `Bytes` values, the byte-exact operations on them, and the hex byte-string literal
 * parser.
 *
 * A `Bytes` value is either a JS string, meaning Unicode text whose bytes are its UTF-8
 * encoding (lone surrogates encode as U+FFFD, as `TextEncoder` does), or a `Uint8Array` of
 * raw bytes. Operations take the fast string path whenever it is provably byte-exact and
 * fall back to comparing UTF-8 bytes otherwise, so no byte is ever lost through UTF-16.
 *
 * @module
 */

/** A runtime `Bytes` value. */
export type BytesValue = string | Uint8Array;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const ASCII = /^[\x00-\x7f]*$/;

/** True for the two accepted runtime forms of `Bytes`. */
export function isBytesValue(value: unknown): value is BytesValue {
  return typeof value === 'string' || value instanceof Uint8Array;
}

/** True if `text` contains only ASCII characters. */
export function isAscii(text: string): boolean {
  return ASCII.test(text);
}

/** The UTF-8 bytes of a value (the array itself for byte values). */
export function toUtf8(value: BytesValue): Uint8Array {
  return typeof value === 'string' ? encoder.encode(value) : value;
}

/** Longest byte string {@link decodeUtf8Strict} decodes itself when it is ASCII. */
const SHORT_ASCII = 64;

/** Decodes UTF-8, or returns `undefined` if `bytes` is not valid UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  // Short ASCII (most literals of an expression) without a TextDecoder call, which costs more
  // than the decoding itself at these sizes.
  if (bytes.length <= SHORT_ASCII) {
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The preferred runtime form for computed bytes: text when valid UTF-8, else the bytes. */
export function bytesToValue(bytes: Uint8Array): BytesValue {
  return decodeUtf8Strict(bytes) ?? bytes;
}

/**
 * A "binary string": one char per byte (char codes 0–255). ASCII text is returned as is;
 * regex and wildcard matching work on this form.
 */
export function toBinaryString(value: BytesValue): string {
  if (typeof value === 'string') {
    // The rules of a ruleset test the same few request strings one after another.
    const known = binaryMemo.get(value);
    if (known !== undefined) return known;
    return binaryMemo.set(value, ASCII.test(value) ? value : binaryFromBytes(encoder.encode(value)));
  }
  // A caller's array may change between calls: only arrays the library owns are memoised.
  if (!ownedArrays.has(value)) return binaryFromBytes(value);
  let known = ownedBinary.get(value);
  if (known === undefined) {
    known = binaryFromBytes(value);
    ownedBinary.set(value, known);
  }
  return known;
}

/** Byte arrays copied from caller values, which nothing ever modifies. */
const ownedArrays = new WeakSet<Uint8Array>();
/** Binary strings of owned arrays: each rule of a ruleset reuses the request body's. */
const ownedBinary = new WeakMap<Uint8Array, string>();

/**
 * A caller's bytes as a value the library owns: valid UTF-8 becomes text (the same bytes, with
 * the string fast paths and memos), anything else a private copy whose conversions are
 * memoised for as long as it lives. Either way a later change to the caller's array cannot
 * change a value already converted. (Before, a non-UTF-8 body was converted again by every
 * regex rule of a ruleset: about 300 times slower.)
 */
export function ownBytes(value: Uint8Array): BytesValue {
  const text = decodeUtf8Strict(value);
  if (text !== undefined) return text;
  const copy = value.slice();
  ownedArrays.add(copy);
  return copy;
}

/**
 * The results of a pure string function for the last few inputs. Strings are immutable, so
 * a hit is always right; a ruleset testing one request's user agent, path and query rule
 * after rule converts each once. Keeps at most {@link StringMemo.SIZE} strings alive.
 */
class StringMemo {
  static readonly SIZE = 8;
  private readonly inputs: (string | undefined)[] = new Array<string | undefined>(StringMemo.SIZE).fill(undefined);
  private readonly outputs: string[] = new Array<string>(StringMemo.SIZE).fill('');
  private next = 0;

  get(input: string): string | undefined {
    const inputs = this.inputs;
    for (let i = 0; i < inputs.length; i++) if (inputs[i] === input) return this.outputs[i];
    return undefined;
  }

  set(input: string, output: string): string {
    this.inputs[this.next] = input;
    this.outputs[this.next] = output;
    this.next = (this.next + 1) % StringMemo.SIZE;
    return output;
  }
}

const binaryMemo = new StringMemo();
const lowerMemo = new StringMemo();

function binaryFromBytes(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}

/** Inverse of {@link toBinaryString}: the bytes of a binary string. */
export function binaryStringToBytes(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Length in bytes. */
export function byteLength(value: BytesValue): number {
  if (typeof value !== 'string') return value.length;
  if (ASCII.test(value)) return value.length;
  return encoder.encode(value).length;
}

/** Byte-wise equality of two byte arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Unsigned lexicographic comparison of two byte arrays (a proper prefix is smaller). */
export function compareByteArrays(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * Compares two well-formed strings in the order of their UTF-8 bytes, which is code point
 * order. JS `<` compares UTF-16 code units, which disagrees only when a surrogate meets a
 * code unit in U+E000–U+FFFF; that case is corrected here.
 */
export function compareStringsUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys && x >= 0xd800 && y >= 0xd800) return xs ? 1 : -1;
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : 1;
}

/**
 * A `Bytes` literal, pre-shaped at compile time for every way it is compared: its bytes,
 * its text when it is valid UTF-8, and whether it is pure ASCII.
 */
export class BytesLiteral {
  /** The literal's text when its bytes are valid UTF-8. */
  readonly text: string | undefined;
  /** True when every byte is below 0x80 (then string comparisons are byte-exact). */
  readonly ascii: boolean;

  /**
   * @param text the bytes' text when the caller already has it (a string literal without
   *   escapes): it must be exactly the strict UTF-8 decoding of `bytes`.
   */
  constructor(
    readonly bytes: Uint8Array,
    text?: string,
  ) {
    this.text = text ?? decodeUtf8Strict(bytes);
    // Every non-ASCII UTF-8 sequence (2–4 bytes) decodes to fewer UTF-16 units (1–2) than it
    // has bytes, and invalid UTF-8 has a byte ≥ 0x80: equal lengths mean all ASCII.
    this.ascii = this.text !== undefined && this.text.length === bytes.length;
  }

  /** The runtime value this literal denotes (text if valid UTF-8, else bytes). */
  get value(): BytesValue {
    return this.text ?? this.bytes;
  }

  /** Byte-exact equality with a runtime value. */
  equals(value: BytesValue): boolean {
    if (typeof value === 'string') {
      if (this.text === undefined) return false; // text is always valid UTF-8
      if (value === this.text) return true;
      return !this.ascii && !value.isWellFormed() && value.toWellFormed() === this.text;
    }
    return bytesEqual(value, this.bytes);
  }

  /** Sign of `value` compared with this literal, in unsigned byte order. */
  compare(value: BytesValue): number {
    if (typeof value === 'string' && this.text !== undefined && value.isWellFormed()) {
      return compareStringsUtf8(value, this.text);
    }
    return compareByteArrays(toUtf8(value), this.bytes);
  }

  /** True if the literal occurs in `value` as a byte substring. */
  containedIn(value: BytesValue): boolean {
    if (this.bytes.length === 0) return true;
    // A complete UTF-8 sequence can only match at character boundaries, so for valid UTF-8
    // needles the substring test on text is byte-exact.
    if (typeof value === 'string' && this.text !== undefined && (this.ascii || value.isWellFormed())) {
      return value.includes(this.text);
    }
    return indexOfBytes(toUtf8(value), this.bytes) >= 0;
  }
}

/**
 * Position of `needle` in `haystack` at or after `from`, or -1. Linear in the part of the
 * haystack searched: the quick scan (find the first byte, compare the rest) is the usual
 * path, and once it has compared more than twice the bytes it has passed — as on `aaaa…` for
 * `aaa…b`, where it was O(haystack × needle) — the search goes on with Knuth–Morris–Pratt.
 */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const m = needle.length;
  if (m === 0) return from <= haystack.length ? from : -1;
  const first = needle[0]!;
  const last = haystack.length - m;
  let compared = 0;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < m && haystack[i + j] === needle[j]) j++;
    if (j === m) return i;
    compared += j;
    if (compared > 2 * (i - from) + 64) return kmpIndexOf(haystack, needle, i);
  }
  return -1;
}

/** Knuth–Morris–Pratt search: O(haystack + needle) whatever the bytes. */
function kmpIndexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const m = needle.length;
  const fail = new Int32Array(m);
  for (let i = 1, k = 0; i < m; i++) {
    while (k > 0 && needle[i] !== needle[k]) k = fail[k - 1]!;
    if (needle[i] === needle[k]) k++;
    fail[i] = k;
  }
  for (let i = from, k = 0; i < haystack.length; i++) {
    while (k > 0 && haystack[i] !== needle[k]) k = fail[k - 1]!;
    if (haystack[i] === needle[k]) k++;
    if (k === m) return i - m + 1;
  }
  return -1;
}

/** Concatenates byte values, keeping text as text when that is exact. */
export function concatBytes(parts: BytesValue[]): BytesValue {
  if (parts.every((p) => typeof p === 'string' && p.isWellFormed())) return (parts as string[]).join('');
  const arrays = parts.map(toUtf8);
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return bytesToValue(out);
}

const LOWER = /[a-z]/;

/**
 * Lowercases ASCII letters only. The built-in `toLowerCase` first: when it changes nothing
 * there is no A–Z, and on ASCII text it is exact; otherwise (non-ASCII letters such as `É`
 * or the Kelvin sign, which it would fold) one run of A–Z at a time. Long strings — a query
 * or body that several rules lowercase — are memoised.
 */
export function asciiLowerString(text: string): string {
  if (text.length <= SHORT_TEXT) return lowerAsciiLetters(text);
  const known = lowerMemo.get(text);
  if (known !== undefined) return known;
  return lowerMemo.set(text, lowerAsciiLetters(text));
}

function lowerAsciiLetters(text: string): string {
  const lowered = text.toLowerCase();
  if (lowered === text) return text;
  return isAscii(text) ? lowered : text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** Strings up to this length are lowercased directly rather than memoised. */
const SHORT_TEXT = 32;

/** Uppercases ASCII letters only (see {@link asciiLowerString}). */
export function asciiUpperString(text: string): string {
  if (!LOWER.test(text)) return text;
  if (isAscii(text)) return text.toUpperCase();
  return text.replace(/[a-z]+/g, (s) => s.toUpperCase());
}

/** Maps ASCII letters with `fold`, leaving every other byte unchanged. */
function mapAscii(value: BytesValue, fold: (s: string) => string, delta: number, lo: number, hi: number): BytesValue {
  if (typeof value === 'string') return fold(value);
  const out = new Uint8Array(value);
  for (let i = 0; i < out.length; i++) if (out[i]! >= lo && out[i]! <= hi) out[i] = out[i]! + delta;
  return out;
}

/** ASCII-only lowercase (`A–Z` → `a–z`); other bytes, including UTF-8 sequences, unchanged. */
export function asciiLower(value: BytesValue): BytesValue {
  return mapAscii(value, asciiLowerString, 32, 65, 90);
}

/** ASCII-only uppercase (`a–z` → `A–Z`). */
export function asciiUpper(value: BytesValue): BytesValue {
  return mapAscii(value, asciiUpperString, -32, 97, 122);
}

/**
 * The same text as an internalized string (the form V8 gives property names and source
 * literals), so comparing it with an equal internalized string is a pointer comparison
 * rather than a character loop. Literal texts of filters are interned once at compile time.
 */
export function internString(text: string): string {
  let interned = internedStrings.get(text);
  if (interned === undefined) {
    // A property name is internalized: write the text as a key of a dictionary-mode object and
    // read the key back (an object literal with a computed key would also work, but it adds a
    // hidden-class transition per distinct text and costs twice as much).
    internTable[text] = 0;
    for (const key in internTable) interned = key;
    delete internTable[text];
    interned ??= text;
    // Compiling the same literals again (an editor on every keystroke) finds them here.
    if (internedStrings.size >= MAX_INTERNED) internedStrings.clear();
    internedStrings.set(text, interned);
  }
  return interned;
}

/** The internalizing object: prototype-less and emptied after each use (so it holds one key at most). */
const internTable: Record<string, number> = Object.create(null) as Record<string, number>;
/** Texts interned recently (bounded: cleared when full). */
const internedStrings = new Map<string, string>();
const MAX_INTERNED = 4096;

// ---------------------------------------------------------------------------------------
// Literals (as written in expressions)

/**
 * Outcome of {@link parseHexBytesLiteral}. On failure, `offset`/`length` locate the offending
 * part relative to the text that was passed in (add the token's own offset to report it).
 */
export type HexBytesLiteralResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; code: 'invalid-bytes'; message: string; offset: number; length: number };

const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/**
 * Parses an unquoted hex byte-string literal (spec §2.7): two or more bytes of exactly two hex
 * digits (either case), joined by `:`, `-` or `.` — mixed separators allowed — e.g.
 * `6F:72:67` = "org", `12:ab-CD.ef`. Every error is `invalid-bytes`: a byte that is not two
 * hex digits, another separator, or a single byte (`6f`, which is text in a quoted string).
 */
export function parseHexBytesLiteral(text: string): HexBytesLiteralResult {
  const bytes: number[] = [];
  let i = 0;
  for (;;) {
    const pair = text.slice(i, i + 2);
    if (!HEX_PAIR.test(pair)) {
      return { ok: false, code: 'invalid-bytes', message: `expected two hex digits for a byte, found \`${pair || 'nothing'}\``, offset: i, length: Math.max(1, pair.length) };
    }
    bytes.push(parseInt(pair, 16));
    i += 2;
    if (i === text.length) break;
    const separator = text[i];
    if (separator !== ':' && separator !== '-' && separator !== '.') {
      return { ok: false, code: 'invalid-bytes', message: `expected a byte separator (\`:\`, \`-\` or \`.\`), found \`${separator}\``, offset: i, length: text.length - i };
    }
    i++;
  }
  if (bytes.length < 2) {
    return { ok: false, code: 'invalid-bytes', message: 'a hex byte string needs at least two bytes, e.g. `6f:72`; use a quoted string for text', offset: 0, length: text.length };
  }
  return { ok: true, bytes: Uint8Array.from(bytes) };
}
