/**
 * Runtime representation of the `Int` type (signed 64-bit) and the integer literal parser.
 *
 * Values are plain `number`s whenever they are safe integers (|v| ≤ 2⁵³−1), which covers
 * every real field value (ports, ASNs, scores, sizes) and keeps arithmetic and comparisons
 * on the fast path; only values outside that range are `bigint`s. The representation is
 * canonical: a safe integer is never a `bigint`, so `===` works between canonical values.
 *
 * Literal syntax (spec §2.8), reproduced from the engine including its foot-gun:
 *
 * ```
 * int = [ "-" ] DEC+      decimal, the only form that may be negative
 *     | "0x" HEX+         hexadecimal, lower-case x only
 *     | "0" OCT*          ANY literal with a leading 0 is octal: 010 = 8, 08 is an error
 * ```
 *
 * @module
 */

/** A value of the `Int` type: a `number` when it is a safe integer, otherwise a `bigint` in the int64 range. */
export type IntValue = number | bigint;

/** Smallest int64, −2⁶³. */
export const INT64_MIN = -(2n ** 63n);
/** Largest int64, 2⁶³ − 1. */
export const INT64_MAX = 2n ** 63n - 1n;
const SAFE_MIN_BIG = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Outcome of {@link parseIntLiteral}. On failure, `offset`/`length` are relative to the text
 * passed in and cover the digits the engine would underline (after a `0x` or leading-`0`
 * prefix; the whole token, sign included, for decimals and for malformed tokens).
 */
export type IntLiteralResult =
  | { ok: true; value: IntValue }
  | { ok: false; code: 'invalid-int' | 'int-overflow'; message: string; offset: number; length: number };

/** One item of an Int set literal: a value or an inclusive range `first..last` (first ≤ last). */
export type IntSetItem = { kind: 'value'; value: IntValue } | { kind: 'range'; first: IntValue; last: IntValue };

/** Outcome of {@link parseIntSetItem}; offsets are relative to the text passed in. */
export type IntSetItemResult =
  | { ok: true; item: IntSetItem }
  | {
      ok: false;
      code: 'invalid-int' | 'int-overflow' | 'invalid-range';
      message: string;
      offset: number;
      length: number;
    };

/** Normalises an in-range bigint to the canonical {@link IntValue}. */
function canonical(v: bigint): IntValue {
  return v >= SAFE_MIN_BIG && v <= SAFE_MAX_BIG ? Number(v) : v;
}

type Failure = Extract<IntLiteralResult, { ok: false }>;

function failure(code: Failure['code'], message: string, offset: number, length: number): Failure {
  return { ok: false, code, message, offset, length };
}

/** Rust's `ParseIntError` texts, suffixed the way wirefilter's `ParseInt { radix }` prints them. */
function invalidDigit(radix: number, offset: number, length: number): Failure {
  return failure('invalid-int', `invalid digit found in string while parsing with radix ${radix}`, offset, length);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
}

/**
 * Parses `text[start, end)` as digits of `radix` (all characters already known to be hex
 * digits). Short runs are accumulated as numbers; long ones go through BigInt so that the
 * int64 range check is exact.
 */
function digitsValue(text: string, start: number, end: number, radix: 8 | 10 | 16, negative: boolean): IntValue | 'invalid' | 'overflow' {
  const len = end - start;
  // Digits that always fit in 2⁵³: 15 decimal, 13 hex, 17 octal.
  const safeDigits = radix === 10 ? 15 : radix === 16 ? 13 : 17;
  if (len <= safeDigits) {
    let v = 0;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      const d = c <= 57 ? c - 48 : (c | 0x20) - 87;
      if (d >= radix) return 'invalid';
      v = v * radix + d;
    }
    // `0 - 0` would be -0 for "-0"; keep the canonical +0.
    return negative ? (v === 0 ? 0 : -v) : v;
  }
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const d = c <= 57 ? c - 48 : (c | 0x20) - 87;
    if (d >= radix) return 'invalid';
  }
  const prefix = radix === 10 ? '' : radix === 16 ? '0x' : '0o';
  let v = BigInt(prefix + text.slice(start, end));
  if (negative) v = -v;
  if (v > INT64_MAX || v < INT64_MIN) return 'overflow';
  return canonical(v);
}

/**
 * Parses one integer literal token (spec §2.8): `-?DEC+` decimal, `0x` + hex digits
 * (either case; lower-case `x` only), or a leading `0` meaning octal. The whole text must
 * be the literal: `10fe`, `1.5`, `0X10`, `-0x10`, `+1` and ` 1` are errors.
 *
 * Errors:
 * * `invalid-int` "invalid digit found in string while parsing with radix R" (`08`, `10fe`,
 *   `0x1g`), or "expected digit" when there are no digits at all (`""`, `-`, `0x`);
 * * `int-overflow` "number too large to fit in target type" / "number too small to fit in
 *   target type" outside −2⁶³ … 2⁶³−1 (`-9223372036854775808` is accepted).
 */
export function parseIntLiteral(text: string): IntLiteralResult {
  const len = text.length;
  let start = 0;
  let radix: 8 | 10 | 16;
  let negative = false;
  const c0 = text.charCodeAt(0);
  if (c0 === 48 /* 0 */ && text.charCodeAt(1) === 120 /* x */) {
    radix = 16;
    start = 2;
    if (len === 2) return failure('invalid-int', 'expected digit', 0, len);
  } else if (c0 === 48) {
    if (len === 1) return { ok: true, value: 0 };
    radix = 8;
    start = 1;
  } else {
    radix = 10;
    if (c0 === 45 /* - */) {
      negative = true;
      start = 1;
    }
    if (len === start) return failure('invalid-int', 'expected digit', 0, len);
  }
  // The engine's lexer takes the maximal run of hex digits and only then converts it;
  // anything else inside the token (a `.`, `x`, `g`, …) makes the whole token invalid.
  for (let i = start; i < len; i++) {
    if (!isHex(text.charCodeAt(i))) {
      const hint = text.charCodeAt(i) === 46 && radix === 10 ? ' (floating-point numbers are not supported)' : '';
      return failure('invalid-int', `invalid digit found in string${hint}`, 0, len);
    }
  }
  const errorOffset = radix === 10 ? 0 : start;
  const value = digitsValue(text, start, len, radix, negative);
  if (value === 'invalid') return invalidDigit(radix, errorOffset, len - errorOffset);
  if (value === 'overflow') {
    const message = negative ? 'number too small to fit in target type' : 'number too large to fit in target type';
    return failure('int-overflow', message, errorOffset, len - errorOffset);
  }
  return { ok: true, value };
}

/**
 * Parses one Int set item: a literal (see {@link parseIntLiteral}) or an inclusive range
 * `a..b` without spaces, where either end may use any integer form (`0..0x10`, `-5..-1`).
 * A range with `a > b` fails with `invalid-range` "incompatible range bounds"; errors in
 * the right-hand end are offset past the `..`.
 */
export function parseIntSetItem(text: string): IntSetItemResult {
  const dots = text.indexOf('..');
  if (dots < 0) {
    const r = parseIntLiteral(text);
    return r.ok ? { ok: true, item: { kind: 'value', value: r.value } } : r;
  }
  const left = parseIntLiteral(text.slice(0, dots));
  if (!left.ok) return left;
  const rightStart = dots + 2;
  const right = parseIntLiteral(text.slice(rightStart));
  if (!right.ok) return { ...right, offset: right.offset + rightStart };
  if (compareInt(left.value, right.value) > 0) {
    return { ok: false, code: 'invalid-range', message: 'incompatible range bounds', offset: 0, length: text.length };
  }
  return { ok: true, item: { kind: 'range', first: left.value, last: right.value } };
}

/**
 * Numeric order of two Int values, exact for any mix of `number` and `bigint` (JavaScript's
 * relational operators compare the mathematical values, without rounding).
 *
 * @returns -1, 0 or 1.
 */
export function compareInt(a: IntValue, b: IntValue): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Converts a runtime value given by a user to an Int: a finite integral `number` or a
 * `bigint`, within the int64 range. Returns the canonical form (`number` when safe, else
 * `bigint`; `-0` becomes `0`). Integral numbers beyond 2⁵³ are accepted as the exact integer
 * the double holds. Strings, fractions, `NaN`, ±∞, and out-of-range values give
 * `undefined`, which callers treat as a missing value.
 */
export function toIntValue(value: unknown): IntValue | undefined {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value === 0 ? 0 : value;
    if (!Number.isInteger(value)) return undefined;
    // -2⁶³ is exactly representable; 2⁶³ (the first double above INT64_MAX) is out.
    if (value < -9223372036854775808 || value >= 9223372036854775808) return undefined;
    return BigInt(value);
  }
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) return undefined;
    return canonical(value);
  }
  return undefined;
}
