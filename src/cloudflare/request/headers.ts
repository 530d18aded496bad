/**
 * Request headers → header, cookie and Accept-Language fields.
 *
 * @module
 */
import type { BytesValue } from '../../values/bytes.js';
import { asciiLowerString, fromBinary, keyFromBinary, nullMap, percentDecodeBinary, pushEntry, toBinary, trimOws } from './text.js';

/** One header line: the name as the HTTP stack reports it and the value, both binary strings. */
export interface HeaderLine {
  readonly name: string;
  readonly value: string;
}

/**
 * Header lines of a Node request from `rawHeaders` (`[name, value, name, value, …]`), which
 * keeps every line, in order, with the name's original case. HTTP/2 pseudo-headers
 * (`:method`, `:authority`, … present in the `http2` compatibility API) are not headers at
 * Cloudflare and are skipped.
 */
export function nodeHeaderLines(raw: readonly string[]): HeaderLine[] {
  const lines: HeaderLine[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.startsWith(':')) continue;
    lines.push({ name: toBinary(name), value: toBinary(String(raw[i + 1])) });
  }
  return lines;
}

/** The Fetch `Headers` surface this module reads. */
export interface HeadersLike {
  forEach(callback: (value: string, name: string) => void): void;
}

/**
 * Header lines of a Fetch request. `Headers` has already lowercased the names and joined
 * repeated headers into one value (`a, b`; `cookie` with `; `), so one line per name is all
 * there is. Names listed in `split` are split back at top-level commas (outside double
 * quotes), for callers who know those headers are comma lists.
 */
export function fetchHeaderLines(headers: HeadersLike, split: ReadonlySet<string>): HeaderLine[] {
  const lines: HeaderLine[] = [];
  headers.forEach((value, name) => {
    const lower = asciiLowerString(name);
    const binary = toBinary(value);
    if (split.has(lower)) for (const part of splitCommaList(binary)) lines.push({ name: lower, value: part });
    else lines.push({ name: lower, value: binary });
  });
  return lines;
}

/** Splits a header value at commas that are not inside a quoted string; trims each item. */
export function splitCommaList(value: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && quoted) i++;
    else if (c === ',' && !quoted) {
      parts.push(trimOws(value.slice(start, i)));
      start = i + 1;
    }
  }
  parts.push(trimOws(value.slice(start)));
  return parts;
}

/** The header fields derived from the lines, plus lookups used by other fields. */
export interface HeaderFields {
  /** `http.request.headers`: lowercase name → values in order. */
  map: Record<string, BytesValue[]>;
  /** `http.request.headers.names`: one entry per exposed line. */
  names: BytesValue[];
  /** `http.request.headers.values`, aligned with `names`. */
  values: BytesValue[];
  /** `http.request.headers.truncated`. */
  truncated: boolean;
  /** Values (binary strings) of every line with this lowercase name, in order. */
  all(lowerName: string): string[];
}

/**
 * Builds the header fields. At most `limit` lines are exposed; more sets
 * `http.request.headers.truncated`, mirroring Cloudflare's cap on the number of headers.
 * Lookups through {@link HeaderFields.all} still see every line, since the dedicated fields
 * (`http.user_agent`, `http.cookie`, …) are not subject to that cap.
 */
export function headerFields(lines: readonly HeaderLine[], limit: number): HeaderFields {
  const map = nullMap<BytesValue[]>();
  const names: BytesValue[] = [];
  const values: BytesValue[] = [];
  const byName = new Map<string, string[]>();
  lines.forEach((line, index) => {
    const lower = asciiLowerString(line.name);
    const list = byName.get(lower);
    if (list === undefined) byName.set(lower, [line.value]);
    else list.push(line.value);
    if (index >= limit) return;
    const value = fromBinary(line.value);
    pushEntry(map, keyFromBinary(lower), value);
    names.push(fromBinary(line.name));
    values.push(value);
  });
  return { map, names, values, truncated: lines.length > limit, all: (name) => byName.get(name) ?? [] };
}

/**
 * `http.request.cookies` from every Cookie line: pairs separated by `;`, split at the first
 * `=` (values may contain `=`), whitespace around names and values trimmed. Names are
 * percent-decoded and decoded names that collide share one list; values are kept as sent
 * (quotes included). A pair without `=` is a cookie with that name and the value `""`.
 */
export function parseCookies(cookieLines: readonly string[]): Record<string, BytesValue[]> {
  const cookies = nullMap<BytesValue[]>();
  for (const line of cookieLines) {
    for (const piece of line.split(';')) {
      const pair = trimOws(piece);
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : trimOws(pair.slice(0, eq));
      const value = eq < 0 ? '' : trimOws(pair.slice(eq + 1));
      pushEntry(cookies, keyFromBinary(percentDecodeBinary(name)), fromBinary(value));
    }
  }
  return cookies;
}

const QUALITY = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * `http.request.accepted_languages`: the tags of Accept-Language sorted by descending
 * q-weight (default 1), request order kept among equal weights, `*` dropped. A malformed
 * `q` is ignored (weight 1) rather than dropping the tag, as most servers do.
 */
export function acceptedLanguages(lines: readonly string[]): BytesValue[] {
  const entries: { tag: string; q: number; order: number }[] = [];
  for (const line of lines) {
    for (const item of line.split(',')) {
      const [rawTag = '', ...params] = item.split(';');
      const tag = trimOws(rawTag);
      if (tag === '' || tag === '*') continue;
      let q = 1;
      for (const param of params) {
        const eq = param.indexOf('=');
        if (eq < 0 || asciiLowerString(trimOws(param.slice(0, eq))) !== 'q') continue;
        const text = trimOws(param.slice(eq + 1));
        if (QUALITY.test(text)) q = Number(text);
      }
      entries.push({ tag, q, order: entries.length });
    }
  }
  entries.sort((a, b) => b.q - a.q || a.order - b.order);
  return entries.map((e) => fromBinary(e.tag));
}
