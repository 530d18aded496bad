/**
 * Request-target parsing and Cloudflare URL normalization, on binary strings.
 *
 * Cloudflare's zone setting "URL normalization" (default: type *Cloudflare*, scope
 * *incoming*) rewrites the path before rules see it; `raw.*` fields keep the original. The
 * documented steps, in order, for the Cloudflare type are:
 *
 * 1. `\` → `/`;
 * 2. runs of `/` → one `/`;
 * 3. RFC 3986 normalization: percent-decode unreserved characters (`A–Z a–z 0–9 - . _ ~`),
 *    leave reserved characters alone, percent-encode every other byte, upper-case the hex of
 *    remaining escapes, then remove dot segments (RFC 3986 §5.2.4).
 *
 * The *RFC 3986* type performs step 3 only. Only the path is normalized: the documentation and
 * its examples only ever touch the path, and query arguments are defined as not decoded.
 *
 * @module
 */

/** Which URL normalization to apply to the non-`raw` URI fields. */
export type UrlNormalization = 'cloudflare' | 'rfc3986' | 'none';

/** A request target split into its parts (all binary strings). */
export interface RequestTarget {
  /** Scheme of an absolute URL (`http`, `https`), lowercased; absent for origin-form targets. */
  scheme?: string;
  /** `host[:port]` of an absolute URL, without user info. */
  authority?: string;
  /** The path, `/` when an absolute URL has none. */
  path: string;
  /** The query without `?`; `undefined` when the target has no `?` at all. */
  query?: string;
}

const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/;

/**
 * Splits a request target: origin-form (`/a?b`), absolute-form (`http://h/a?b`, also what
 * the Fetch API's `request.url` is) or asterisk-form (`*`). A `#fragment` is dropped because
 * it is never part of the URI Cloudflare sees.
 */
export function splitTarget(target: string): RequestTarget {
  const hash = target.indexOf('#');
  let rest = hash < 0 ? target : target.slice(0, hash);
  const result: RequestTarget = { path: '' };
  const absolute = ABSOLUTE.exec(rest);
  if (absolute !== null) {
    result.scheme = absolute[1]!.toLowerCase();
    const authority = absolute[2]!;
    result.authority = authority.slice(authority.lastIndexOf('@') + 1);
    rest = rest.slice(absolute[0].length);
    if (rest === '' || rest.startsWith('?')) rest = `/${rest}`;
  }
  const question = rest.indexOf('?');
  if (question < 0) {
    result.path = rest;
  } else {
    result.path = rest.slice(0, question);
    result.query = rest.slice(question + 1);
  }
  return result;
}

const HEX = '0123456789ABCDEF';

/** Kind of each byte for RFC 3986 normalization: 1 = unreserved, 2 = reserved (kept). */
// Built by a pure function call, so that bundles which never parse a URL can drop it.
const CLASS = /* @__PURE__ */ (() => {
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) {
    const ch = String.fromCharCode(c);
    if (/[A-Za-z0-9\-._~]/.test(ch)) table[c] = 1;
    else if (/[:/?#[\]@!$&'()*+,;=]/.test(ch)) table[c] = 2;
  }
  return table;
})();

const isHexDigit = (code: number): boolean => (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);

/** `%XX` with upper-case hex digits. */
function escapeByte(byte: number): string {
  return `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
}

/**
 * RFC 3986 §6.2.2.1–2 on a binary string: decode escapes of unreserved characters, upper-case
 * the others, and escape every byte that is neither unreserved nor reserved. A `%` that does
 * not start a valid escape is itself escaped (`%25`), so the result is always a valid URI
 * path and normalizing it again changes nothing.
 */
export function normalizePercentEncoding(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i) & 0xff;
    if (code === 0x25) {
      if (i + 2 < path.length && isHexDigit(path.charCodeAt(i + 1)) && isHexDigit(path.charCodeAt(i + 2))) {
        const byte = parseInt(path.slice(i + 1, i + 3), 16);
        out += CLASS[byte] === 1 ? String.fromCharCode(byte) : escapeByte(byte);
        i += 2;
      } else {
        out += '%25';
      }
    } else {
      out += CLASS[code] !== 0 ? path[i] : escapeByte(code);
    }
  }
  return out;
}

/**
 * RFC 3986 §5.2.4 "remove dot segments", in linear time: the output is kept as a stack of
 * segments (each with its leading `/`) so that `..` pops in O(1).
 */
export function removeDotSegments(path: string): string {
  const output: string[] = [];
  let input = path;
  while (input.length > 0) {
    if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./')) input = input.slice(2);
    else if (input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../')) {
      input = input.slice(3);
      output.pop();
    } else if (input === '/..') {
      input = '/';
      output.pop();
    } else if (input === '.' || input === '..') input = '';
    else {
      const next = input.indexOf('/', input.startsWith('/') ? 1 : 0);
      const end = next < 0 ? input.length : next;
      output.push(input.slice(0, end));
      input = input.slice(end);
    }
  }
  return output.join('');
}

/** Applies a normalization to a path (binary string). `*` (asterisk-form) is never changed. */
export function normalizePath(path: string, mode: UrlNormalization): string {
  if (mode === 'none' || path === '*') return path;
  let p = path;
  if (mode === 'cloudflare') p = p.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  return removeDotSegments(normalizePercentEncoding(p));
}

/**
 * The extension of a path's last segment, without the dot: `""` when the segment has no dot,
 * ends with a dot, or its only dot is its first character (a "hidden file" name), so
 * `/.mp3` → `""`, `/.foo.mp3` → `mp3`, `/foo.tar.bz2` → `bz2`.
 */
export function pathExtension(path: string): string {
  const segment = path.slice(path.lastIndexOf('/') + 1);
  const dot = segment.lastIndexOf('.');
  return dot <= 0 ? '' : segment.slice(dot + 1);
}

/**
 * Splits `a=1&b&a=2` into aligned name and value lists, in order, without decoding. A pair
 * without `=` has the value `""`; empty pairs (`a=1&&b=2`, a trailing `&`) are skipped since
 * they carry no argument.
 */
export function splitPairs(text: string): { names: string[]; values: string[] } {
  const names: string[] = [];
  const values: string[] = [];
  if (text === '') return { names, values };
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    names.push(eq < 0 ? pair : pair.slice(0, eq));
    values.push(eq < 0 ? '' : pair.slice(eq + 1));
  }
  return { names, values };
}
