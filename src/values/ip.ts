/**
 * Runtime representation of the `Ip` type and strict parsers for IP literals.
 *
 * Design notes:
 *
 * * An address is a small immutable object whose fields are plain numbers: IPv4 keeps the
 *   whole address as one unsigned 32-bit integer, IPv6 keeps four unsigned 32-bit words
 *   (most significant first). Comparing and masking therefore never allocates and never
 *   touches BigInt, which keeps `in { … }` and `eq` on the evaluation hot path cheap.
 * * Parsing is hand-written for both families. IPv4 must be a strict dotted quad (no leading
 *   zeros, no shortened `1.2.3` or integer forms) and IPv6 follows RFC 4291 text forms exactly
 *   as Rust's `std::net::Ipv6Addr` reads them (the engine's parser), including an embedded
 *   strict dotted quad in the last 32 bits. `ipaddr.js` was not used on this path because it
 *   accepts zone ids and non-decimal embedded IPv4 parts that would have to be filtered out
 *   again, and because it allocates heavily; the test-suite uses it as an independent oracle.
 *
 * @module
 */

/** An IPv4 address: `value` is the address as an unsigned 32-bit integer (0 … 2³²−1). */
export interface Ipv4Address {
  readonly family: 4;
  /** The address as an unsigned 32-bit integer, e.g. `192.0.2.1` → `0xC0000201`. */
  readonly value: number;
}

/**
 * An IPv6 address as four unsigned 32-bit words, most significant first:
 * `2001:db8::1` → `w0 = 0x20010db8, w1 = 0, w2 = 0, w3 = 1`.
 */
export interface Ipv6Address {
  readonly family: 6;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
}

/**
 * A value of the `Ip` type. Treat it as immutable: sets and compiled filters may share
 * the same object. IPv4 and IPv6 are distinct families; an IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`) is an IPv6 address and never equals its IPv4 counterpart.
 */
export type IpAddress = Ipv4Address | Ipv6Address;

/**
 * Builds an IPv4 address from its unsigned 32-bit value. The value is coerced with `>>> 0`,
 * so callers may pass the result of signed bit operations.
 */
export function ipv4Address(value: number): Ipv4Address {
  // Always the same property order, so every address shares one hidden class.
  return { family: 4, value: value >>> 0 };
}

/** Builds an IPv6 address from four 32-bit words (most significant first), each coerced with `>>> 0`. */
export function ipv6Address(w0: number, w1: number, w2: number, w3: number): Ipv6Address {
  return { family: 6, w0: w0 >>> 0, w1: w1 >>> 0, w2: w2 >>> 0, w3: w3 >>> 0 };
}

// ---------------------------------------------------------------------------------------
// Parsing

/**
 * Parses a strict dotted-quad IPv4 address in `text[start, end)`.
 * Returns the unsigned value, or -1 when the text is not exactly four decimal octets
 * 0–255 without leading zeros. Hand-written because it is on the hot path for runtime
 * string values and dominates literal parsing.
 */
function parseIpv4Range(text: string, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // A second digit after a leading 0 is a leading zero (`01`): rejected, as Rust does.
      if (digits > 0 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      // Multiplication instead of `<<` keeps the value unsigned past 2³¹.
      value = value * 256 + part;
      dots++;
      part = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** Value of one hex digit character code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20; // ASCII lower-case fold; only letters are affected in the range we test
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

// Scratch space for the eight 16-bit groups. Parsing is synchronous and never re-entered,
// so one module-level buffer avoids an allocation per parse.
const groups = new Uint16Array(8);

/**
 * Parses an IPv6 address in `text[start, end)` following RFC 4291 §2.2 (the forms Rust's
 * `Ipv6Addr::from_str` accepts): 1–4 hex digits per group, at most one `::` standing for
 * one or more zero groups, and optionally a strict dotted quad as the last 32 bits.
 */
function parseIpv6Range(text: string, start: number, end: number): Ipv6Address | undefined {
  let i = start;
  let n = 0; // groups written so far
  let gap = -1; // index in `groups` where `::` was seen
  if (end - start < 2) return undefined;
  if (text.charCodeAt(i) === 58) {
    // A leading colon is only valid as part of `::`.
    if (text.charCodeAt(i + 1) !== 58) return undefined;
    gap = 0;
    i += 2;
  }
  while (i < end) {
    if (n === 8) return undefined;
    let v = 0;
    let j = i;
    // Scan up to five hex digits: five is enough to tell "too long" from a valid group.
    while (j < end && j - i < 5) {
      const h = hexDigit(text.charCodeAt(j));
      if (h < 0) break;
      v = v * 16 + h;
      j++;
    }
    if (j === i) return undefined;
    if (j < end && text.charCodeAt(j) === 46) {
      // Embedded IPv4: must be the rest of the text and needs two groups of room.
      if (n > 6) return undefined;
      const v4 = parseIpv4Range(text, i, end);
      if (v4 < 0) return undefined;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (j - i > 4) return undefined;
    groups[n++] = v;
    i = j;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return undefined;
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (gap >= 0) return undefined; // a second `::`
      gap = n;
      i++;
    } else if (i === end) {
      return undefined; // a single trailing colon
    }
  }
  if (gap < 0) {
    if (n !== 8) return undefined;
  } else {
    // `::` stands for at least one zero group.
    if (n > 7) return undefined;
    const tail = n - gap;
    for (let k = 0; k < tail; k++) groups[7 - k] = groups[n - 1 - k];
    for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  }
  return {
    family: 6,
    w0: groups[0] * 65536 + groups[1],
    w1: groups[2] * 65536 + groups[3],
    w2: groups[4] * 65536 + groups[5],
    w3: groups[6] * 65536 + groups[7],
  };
}

/** Parses one address in `text[start, end)`, trying IPv4 first (it fails fast on `:`). */
function parseAddressRange(text: string, start: number, end: number): IpAddress | undefined {
  const v4 = parseIpv4Range(text, start, end);
  if (v4 >= 0) return { family: 4, value: v4 };
  return parseIpv6Range(text, start, end);
}

/**
 * Parses a single IP address strictly: an IPv4 dotted quad (each octet 0–255 in decimal,
 * no leading zeros, exactly four octets) or any standard IPv6 text form (`::1`,
 * `2001:db8::`, `::ffff:192.0.2.1`, upper- or lower-case hex). Brackets, zone ids (`%eth0`),
 * ports, prefixes and surrounding whitespace are rejected.
 *
 * @returns the address, or `undefined` when `text` is not exactly one address.
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  return parseAddressRange(text, 0, text.length);
}

/**
 * True when `text` is exactly one IP address as the library reads `Ip` field values: an IPv4
 * dotted quad or any standard IPv6 text form (no prefix, no zone, no surrounding spaces).
 */
export function isIpAddress(text: unknown): boolean {
  return typeof text === 'string' && parseIpAddress(text) !== undefined;
}

// ---------------------------------------------------------------------------------------
// Formatting, comparison, masking

function formatIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/**
 * Formats an address as text. IPv4 as a dotted quad; IPv6 in RFC 5952 canonical form:
 * lower-case hex, no leading zeros, the longest run (the first one on ties) of two or more
 * zero groups replaced by `::`, and IPv4-mapped addresses in mixed notation
 * (`::ffff:192.0.2.1`, RFC 5952 §5).
 */
export function formatIpAddress(ip: IpAddress): string {
  if (ip.family === 4) return formatIpv4(ip.value);
  const { w0, w1, w2, w3 } = ip;
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) return `::ffff:${formatIpv4(w3)}`;
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  let bestStart = -1;
  let bestLen = 1; // runs of length 1 are never compressed (RFC 5952 §4.2.2)
  for (let k = 0; k < 8; ) {
    if (g[k] !== 0) {
      k++;
      continue;
    }
    let e = k;
    while (e < 8 && g[e] === 0) e++;
    if (e - k > bestLen) {
      bestStart = k;
      bestLen = e - k;
    }
    k = e;
  }
  if (bestStart < 0) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${head}::${tail}`;
}

/**
 * Orders two addresses numerically within one family.
 *
 * @returns a negative number, zero or a positive number; `undefined` when the families
 *   differ (IPv4 and IPv6 are incomparable: every ordering operator is false for them).
 */
export function compareIp(a: IpAddress, b: IpAddress): number | undefined {
  if (a.family === 4) {
    if (b.family !== 4) return undefined;
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  }
  if (b.family !== 6) return undefined;
  if (a.w0 !== b.w0) return a.w0 < b.w0 ? -1 : 1;
  if (a.w1 !== b.w1) return a.w1 < b.w1 ? -1 : 1;
  if (a.w2 !== b.w2) return a.w2 < b.w2 ? -1 : 1;
  if (a.w3 !== b.w3) return a.w3 < b.w3 ? -1 : 1;
  return 0;
}

/**
 * Address equality. Addresses of different families are never equal, so
 * `::ffff:1.2.3.4` ≠ `1.2.3.4`, matching the engine.
 */
export function ipEquals(a: IpAddress, b: IpAddress): boolean {
  if (a.family === 4) return b.family === 4 && a.value === b.value;
  return b.family === 6 && a.w0 === b.w0 && a.w1 === b.w1 && a.w2 === b.w2 && a.w3 === b.w3;
}

/** The 32-bit mask with the first `bits` (clamped to 0…32) bits set. */
function wordMask(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  // `<< 32` would be a no-op in JavaScript, hence the explicit bounds above.
  return (0xffffffff << (32 - bits)) >>> 0;
}

/**
 * Keeps the first `prefixBits` bits of the address and clears the rest (the network
 * address of the enclosing `/prefixBits` block), as `cidr()` and `cidr6()` need.
 * `prefixBits` is clamped to 0…32 (IPv4) or 0…128 (IPv6); validating the user's bit counts
 * is the function-signature layer's job. Returns `ip` itself when nothing changes.
 */
export function maskIp(ip: IpAddress, prefixBits: number): IpAddress {
  if (ip.family === 4) {
    const value = (ip.value & wordMask(prefixBits)) >>> 0;
    return value === ip.value ? ip : { family: 4, value };
  }
  const w0 = (ip.w0 & wordMask(prefixBits)) >>> 0;
  const w1 = (ip.w1 & wordMask(prefixBits - 32)) >>> 0;
  const w2 = (ip.w2 & wordMask(prefixBits - 64)) >>> 0;
  const w3 = (ip.w3 & wordMask(prefixBits - 96)) >>> 0;
  if (w0 === ip.w0 && w1 === ip.w1 && w2 === ip.w2 && w3 === ip.w3) return ip;
  return { family: 6, w0, w1, w2, w3 };
}

// ---------------------------------------------------------------------------------------
// Literals (as written in expressions)

/**
 * One item of an IP set literal: a single address, a CIDR block (`addr/prefix`, host bits
 * zero) or an inclusive range (`first..last`, same family, `first ≤ last`).
 */
export type IpSetItem =
  | { kind: 'address'; address: IpAddress }
  | { kind: 'cidr'; address: IpAddress; prefix: number }
  | { kind: 'range'; first: IpAddress; last: IpAddress };

/**
 * Outcome of {@link parseIpLiteral}. On failure, `offset`/`length` locate the offending
 * part relative to the text that was passed in (add the token's own offset to report it).
 */
export type IpLiteralResult =
  | { ok: true; item: IpSetItem }
  | {
      ok: false;
      code: 'invalid-ip' | 'invalid-cidr' | 'invalid-range';
      message: string;
      offset: number;
      length: number;
    };

/** Messages, worded like the engine's (`cidr` crate and wirefilter) so users can search them. */
const MSG_BAD_ADDRESS = "couldn't parse address";
const MSG_BAD_NETWORK_ADDRESS = "couldn't parse address in network";
const MSG_NETWORK_TOO_LONG = 'network length too long';
const MSG_HOST_NOT_ZERO = 'host part of address was not zero';
const MSG_RANGE_BOUNDS = 'incompatible range bounds';

function fail(
  code: 'invalid-ip' | 'invalid-cidr' | 'invalid-range',
  message: string,
  offset: number,
  length: number,
): IpLiteralResult {
  return { ok: false, code, message, offset, length };
}

/** True when the address has a bit set after the first `prefix` bits. */
function hasHostBits(ip: IpAddress, prefix: number): boolean {
  const masked = maskIp(ip, prefix);
  return masked !== ip;
}

/**
 * Parses an IP literal token (the maximal run of `[0-9a-fA-F:./]` the lexer found).
 *
 * * `context: 'single'` (right-hand side of `eq`, `lt`, …) accepts only an address. A CIDR
 *   gives `invalid-cidr`, a range `invalid-range`: both forms exist only inside sets.
 * * `context: 'set'` also accepts `addr/len` (decimal `len` ≤ 32 for IPv4, ≤ 128 for IPv6,
 *   host bits zero) and `first..last` (no spaces, both ends the same family, first ≤ last).
 *
 * Error messages reuse the engine's wording: "couldn't parse address", "couldn't parse
 * address in network", "network length too long", "host part of address was not zero",
 * "incompatible range bounds", and Rust's integer errors for the prefix length
 * ("invalid digit found in string", "number too large to fit in target type" for
 * lengths above 255, which the engine reads as a `u8`).
 */
export function parseIpLiteral(text: string, context: 'single' | 'set'): IpLiteralResult {
  const len = text.length;
  // `..` never occurs inside a valid address, so its first occurrence splits a range.
  const dots = text.indexOf('..');
  if (dots >= 0) {
    if (context === 'single') {
      return fail('invalid-range', 'IP ranges are only allowed inside sets `{…}`', 0, len);
    }
    const first = parseAddressRange(text, 0, dots);
    if (first === undefined) return fail('invalid-ip', MSG_BAD_ADDRESS, 0, dots);
    const lastStart = dots + 2;
    const last = parseAddressRange(text, lastStart, len);
    if (last === undefined) return fail('invalid-ip', MSG_BAD_ADDRESS, lastStart, len - lastStart);
    const cmp = compareIp(first, last);
    if (cmp === undefined || cmp > 0) return fail('invalid-range', MSG_RANGE_BOUNDS, 0, len);
    return { ok: true, item: { kind: 'range', first, last } };
  }

  const slash = text.indexOf('/');
  if (slash < 0) {
    const address = parseAddressRange(text, 0, len);
    if (address === undefined) return fail('invalid-ip', MSG_BAD_ADDRESS, 0, len);
    return { ok: true, item: { kind: 'address', address } };
  }

  if (context === 'single') {
    return fail(
      'invalid-cidr',
      `CIDR blocks are only allowed inside sets \`{…}\` (${MSG_BAD_NETWORK_ADDRESS})`,
      0,
      len,
    );
  }
  const address = parseAddressRange(text, 0, slash);
  if (address === undefined) return fail('invalid-ip', MSG_BAD_NETWORK_ADDRESS, 0, slash);

  // Prefix length: decimal digits only, read like Rust's `u8::from_str` (leading zeros are
  // fine and decimal; more than 255 overflows the u8 before the length check applies).
  const lenStart = slash + 1;
  const lenLength = len - lenStart;
  if (lenLength === 0) {
    return fail('invalid-cidr', 'cannot parse integer from empty string', lenStart, 0);
  }
  let prefix = 0;
  for (let i = lenStart; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return fail('invalid-cidr', 'invalid digit found in string', lenStart, lenLength);
    // Saturate to keep the loop cheap for absurdly long digit strings.
    if (prefix <= 255) prefix = prefix * 10 + (c - 48);
  }
  if (prefix > 255) {
    return fail('invalid-cidr', 'number too large to fit in target type', lenStart, lenLength);
  }
  const maxPrefix = address.family === 4 ? 32 : 128;
  if (prefix > maxPrefix) return fail('invalid-cidr', MSG_NETWORK_TOO_LONG, lenStart, lenLength);
  if (hasHostBits(address, prefix)) return fail('invalid-cidr', MSG_HOST_NOT_ZERO, 0, len);
  return { ok: true, item: { kind: 'cidr', address, prefix } };
}

// ---------------------------------------------------------------------------------------
// Runtime values supplied by users

/**
 * Converts a value given by a user (e.g. a field value in the request context) to an address:
 * only a string, parsed strictly with {@link parseIpAddress}. Anything else — numbers, byte
 * arrays, `ipaddr.js` objects, and objects shaped like this module's internal address values
 * (`{ family, value }`, also through a prototype) — gives `undefined`, which callers treat as
 * a missing value: internal values never come from outside.
 */
export function toIpAddress(value: unknown): IpAddress | undefined {
  return typeof value === 'string' ? parseIpAddress(value) : undefined;
}
