/**
 * Byte-exact text helpers for the request → fields conversion.
 *
 * HTTP stacks hand us bytes disguised as strings: Node decodes request lines and header
 * values as latin1 (one char per byte) and the Fetch API exposes header values as
 * "ByteStrings" (char codes 0–255, one per byte). Parsing therefore works on such *binary
 * strings* throughout, and each finished piece is turned into a `Bytes` runtime value only at
 * the end, so a non-UTF-8 byte is never replaced by U+FFFD on the way.
 *
 * @module
 */
import { binaryStringToBytes, bytesToValue, isAscii, toBinaryString, type BytesValue } from '../../values/bytes.js';

const lossyDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const WIDE = /[^\x00-\xff]/;

/**
 * A binary string (one char per byte) as a `Bytes` value: the text when the bytes are valid
 * UTF-8, else the bytes. ASCII, by far the common case, is returned as is.
 */
export function fromBinary(binary: string): BytesValue {
  return isAscii(binary) ? binary : bytesToValue(binaryStringToBytes(binary));
}

/**
 * A binary string as a map key. Map keys are JS strings and an expression can only look up
 * keys that are valid UTF-8, so bytes that are not UTF-8 are decoded lossily (U+FFFD): such
 * keys stay visible to `[*]` without being addressable, exactly as with a byte-keyed map.
 */
export function keyFromBinary(binary: string): string {
  return isAscii(binary) ? binary : lossyDecoder.decode(binaryStringToBytes(binary));
}

/**
 * Makes a string from an HTTP stack a binary string. Strings whose chars are all ≤ 0xFF are
 * already one char per byte (latin1 / ByteString); anything wider cannot have come from the
 * wire, so it is taken as Unicode text and replaced by its UTF-8 bytes.
 */
export function toBinary(text: string): string {
  return WIDE.test(text) ? toBinaryString(text) : text;
}

/** A value from an HTTP stack (latin1 / ByteString) as a `Bytes` value. */
export function fromWire(text: string): BytesValue {
  return fromBinary(toBinary(text));
}

/** ASCII-only lowercase: header names and media types must not be folded beyond A–Z. */
export function asciiLowerString(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/**
 * An empty map object without a prototype, so keys such as `__proto__` or `constructor` are
 * ordinary own entries (the scheme reads maps with `Object.entries`).
 */
export function nullMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Appends `value` to the list stored under `key`, creating the list on first use. */
export function pushEntry<T>(map: Record<string, T[]>, key: string, value: T): void {
  const list = map[key];
  if (list === undefined) map[key] = [value];
  else list.push(value);
}

/** Decodes every `%XX` escape of a binary string into its byte; other text is kept. */
export function percentDecodeBinary(binary: string): string {
  return binary.indexOf('%') < 0 ? binary : binary.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Trims HTTP optional whitespace (spaces and tabs only, not other Unicode spaces). A scan from
 * each end: the regex `[ \t]+$` retried at every space of a long inner run was quadratic in
 * request data (one header of 32,000 spaces took seconds).
 */
export function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isOws(text.charCodeAt(start))) start++;
  while (end > start && isOws(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

const isOws = (c: number): boolean => c === 0x20 || c === 0x09;
