/**
 * IP lists that bot operators publish: plain text (one address or CIDR block per line), CSV
 * (a prefix column, e.g. RFC 8805 geofeeds) and JSON (the `{"prefixes": [{"ipv4Prefix": …}]}`
 * shape of Google, Bing and OpenAI, AWS's `ip_prefix`, or a plain array). Loaded into the
 * engine's {@link IpRangeSet}, so membership costs a bucketed binary search however long the
 * list is.
 *
 * @module
 */
import { describeType, describeValue, WirefilterError } from '../diagnostics/errors.js';
import { IpRangeSet } from '../values/ip-set.js';
import { parseIpAddress, parseIpLiteral, type IpAddress, type IpSetItem } from '../values/ip.js';

/** Formats {@link loadIpList} reads; `auto` tells them apart by their first characters. */
export type IpListFormat = 'auto' | 'text' | 'csv' | 'json';

/** Options of {@link loadIpList}. */
export interface LoadIpListOptions {
  /** The input's format. Default `auto`: JSON when it starts with `{` or `[`, CSV when its first line has a comma, else text. */
  format?: IpListFormat;
  /** Names the list in error messages (a file name, a URL). */
  name?: string;
  /** Most entries accepted. Default 1,000,000. */
  maxEntries?: number;
}

/** Default of {@link LoadIpListOptions.maxEntries}. */
export const DEFAULT_MAX_IP_LIST_ENTRIES = 1_000_000;

/** Problems listed in an error's message (every list stops being read at this many). */
const MAX_LISTED_PROBLEMS = 20;

/** Keys of the JSON objects whose values are the list's items, in the shapes operators publish. */
const JSON_LIST_KEYS = ['prefixes', 'ipv6_prefixes', 'addresses', 'ips'] as const;
/** Keys of one JSON item object that hold its address or prefix. */
const JSON_ITEM_KEYS = ['ipv4Prefix', 'ipv6Prefix', 'ip_prefix', 'ipv6_prefix', 'prefix', 'cidr', 'ip', 'address'] as const;
/** CSV header names of the prefix column. */
const CSV_PREFIX_COLUMN = /^(ip_?prefix|ipv4_?prefix|ipv6_?prefix|prefix|cidr|ip|ip_?address|address|network|subnet|range)$/i;

/**
 * A loaded IP list: addresses, CIDR blocks and ranges of both families, immutable. IPv4 and
 * IPv6 are distinct (an IPv4-mapped IPv6 address does not match an IPv4 block).
 */
export class IpList {
  /** @internal */
  constructor(
    /** @internal */
    readonly set: IpRangeSet,
    /** Number of entries the list was built from (before overlapping blocks were merged). */
    readonly size: number,
  ) {}

  /** True when `ip` (an address as text) is in the list; false for text that is not an address. */
  has(ip: string): boolean {
    if (typeof ip !== 'string') return false;
    const address = parseIpAddress(ip);
    return address !== undefined && this.set.has(address);
  }

  /** @internal Membership of a parsed address. */
  hasAddress(address: IpAddress): boolean {
    return this.set.has(address);
  }
}

/** Collects the problems of one list and throws them together. */
class ListProblems {
  readonly messages: string[] = [];
  count = 0;
  constructor(readonly name: string | undefined) {}

  add(message: string): void {
    this.count++;
    if (this.messages.length < MAX_LISTED_PROBLEMS) this.messages.push(message);
  }

  get full(): boolean {
    return this.count >= MAX_LISTED_PROBLEMS;
  }

  fail(): never {
    const head = `invalid IP list${this.name !== undefined ? ` ${JSON.stringify(this.name.slice(0, 200))}` : ''}`;
    const lines = this.messages.map((m) => `- ${m}`);
    if (this.count > this.messages.length) lines.push(`- … and more (reading stopped after ${MAX_LISTED_PROBLEMS} problems)`);
    throw new WirefilterError(`${head}: ${this.count === 1 ? '1 problem' : `${this.count}${this.full ? '+' : ''} problems`}\n${lines.join('\n')}`, [], undefined, 'invalid-ip-list');
  }
}

/** An entry's text in a message: quoted, and cut when long. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text);
}

/** Parses one entry into `items`, or records why it is not an address, CIDR block or range. */
function addEntry(text: string, where: string, items: IpSetItem[], problems: ListProblems, max: number): void {
  if (items.length >= max) {
    problems.add(`${where}: more than ${max.toLocaleString('en-US')} entries (maxEntries)`);
    return;
  }
  const result = parseIpLiteral(text, 'set');
  if (result.ok) items.push(result.item);
  else problems.add(`${where}: ${quote(text)}: ${result.message}`);
}

/** Lines of `text`, without `#` comments and surrounding whitespace, with their 1-based numbers. */
function* contentLines(text: string): Generator<[number, string]> {
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    let content = text.slice(start, end);
    const hash = content.indexOf('#');
    if (hash >= 0) content = content.slice(0, hash);
    content = content.trim();
    if (content !== '') yield [line, content];
    start = end + 1;
  }
}

function readText(text: string, items: IpSetItem[], problems: ListProblems, max: number): void {
  for (const [line, content] of contentLines(text)) {
    addEntry(content, `line ${line}`, items, problems, max);
    if (problems.full) return;
  }
}

/** One CSV cell: trimmed, surrounding double quotes removed. */
function cell(raw: string | undefined): string {
  const t = (raw ?? '').trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replaceAll('""', '"').trim() : t;
}

function readCsv(text: string, items: IpSetItem[], problems: ListProblems, max: number): void {
  let column = 0;
  let first = true;
  for (const [line, content] of contentLines(text)) {
    const cells = content.split(',');
    if (first) {
      first = false;
      // A header row: its prefix column is the one whose name says so (else the first).
      const header = cells.map(cell);
      if (!parseIpLiteral(header[0] ?? '', 'set').ok && header.some((name) => /[a-z]/i.test(name) && !name.includes(':') && !name.includes('.'))) {
        const named = header.findIndex((name) => CSV_PREFIX_COLUMN.test(name));
        column = named >= 0 ? named : 0;
        continue;
      }
    }
    addEntry(cell(cells[column]), `line ${line}`, items, problems, max);
    if (problems.full) return;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own data property (never a getter or an inherited value). */
function own(record: Record<string, unknown>, key: string): unknown {
  const d = Object.getOwnPropertyDescriptor(record, key);
  return d !== undefined && 'value' in d ? d.value : undefined;
}

function readJsonItems(array: readonly unknown[], path: string, items: IpSetItem[], problems: ListProblems, max: number): void {
  for (let i = 0; i < array.length; i++) {
    const item: unknown = array[i];
    const where = `${path}[${i}]`;
    if (typeof item === 'string') addEntry(item.trim(), where, items, problems, max);
    else if (isRecord(item)) {
      const key = JSON_ITEM_KEYS.find((k) => own(item, k) !== undefined);
      const value = key !== undefined ? own(item, key) : undefined;
      if (key === undefined) problems.add(`${where}: an object without any of ${JSON_ITEM_KEYS.join(', ')}`);
      else if (typeof value !== 'string') problems.add(`${where}.${key}: expected a string, got ${describeType(value)}`);
      else addEntry(value.trim(), `${where}.${key}`, items, problems, max);
    } else problems.add(`${where}: expected a string or an object with a prefix, got ${describeType(item)}`);
    if (problems.full) return;
  }
}

function readJson(value: unknown, items: IpSetItem[], problems: ListProblems, max: number): void {
  if (Array.isArray(value)) {
    readJsonItems(value, '$', items, problems, max);
    return;
  }
  if (!isRecord(value)) {
    problems.add(`expected a JSON array or an object with ${JSON_LIST_KEYS.join(', ')}, got ${describeType(value)}`);
    return;
  }
  let found = false;
  for (const key of JSON_LIST_KEYS) {
    const list = own(value, key);
    if (list === undefined) continue;
    found = true;
    if (!Array.isArray(list)) problems.add(`${key}: expected an array, got ${describeType(list)}`);
    else readJsonItems(list, key, items, problems, max);
    if (problems.full) return;
  }
  if (!found) problems.add(`expected an object with one of ${JSON_LIST_KEYS.join(', ')} (e.g. {"prefixes": [{"ipv4Prefix": "192.0.2.0/24"}]})`);
}

/** The format of a text when the caller said `auto`. */
function detectFormat(text: string): 'text' | 'csv' | 'json' {
  const start = text.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) return 'json';
  for (const [, content] of contentLines(text)) return content.includes(',') ? 'csv' : 'text';
  return 'text';
}

/**
 * Loads an IP list an operator publishes. `input` is the list's text (plain, CSV or JSON) or
 * an already parsed JSON value. Plain text has one address, CIDR block (`192.0.2.0/24`, host
 * bits zero) or range (`192.0.2.1..192.0.2.9`) per line, `#` starting a comment; CSV reads
 * the prefix column (by its header's name, else the first); JSON reads
 * `prefixes`/`ipv6_prefixes`/`addresses`/`ips` arrays whose items are strings or objects with
 * `ipv4Prefix`, `ipv6Prefix`, `ip_prefix`, `ipv6_prefix`, `prefix`, `cidr`, `ip` or `address`.
 *
 * @throws WirefilterError `invalid-ip-list` naming each bad entry (line or JSON path; the
 *   first 20), `invalid-argument` when `input` or an option has the wrong type.
 */
export function loadIpList(input: unknown, options: LoadIpListOptions = {}): IpList {
  if (typeof options !== 'object' || options === null) throw new WirefilterError(`loadIpList options must be an object, got ${describeType(options)}`, [], undefined, 'invalid-argument');
  const { format = 'auto', name, maxEntries = DEFAULT_MAX_IP_LIST_ENTRIES } = options;
  if (format !== 'auto' && format !== 'text' && format !== 'csv' && format !== 'json') {
    throw new WirefilterError(`\`format\` must be auto, text, csv or json, got ${describeValue(format)}`, [], undefined, 'invalid-argument');
  }
  if (name !== undefined && typeof name !== 'string') throw new WirefilterError(`\`name\` must be a string, got ${describeType(name)}`, [], undefined, 'invalid-argument');
  if (typeof maxEntries !== 'number' || !Number.isSafeInteger(maxEntries) || maxEntries < 0) {
    throw new WirefilterError(`\`maxEntries\` must be a non-negative integer, got ${typeof maxEntries === 'number' ? maxEntries : describeType(maxEntries)}`, [], undefined, 'invalid-argument');
  }
  const problems = new ListProblems(name);
  const items: IpSetItem[] = [];
  if (typeof input === 'string') {
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    const kind = format === 'auto' ? detectFormat(text) : format;
    if (kind === 'json') {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        problems.add(`not valid JSON: ${(error as Error).message.slice(0, 200)}`);
        problems.fail();
      }
      readJson(value, items, problems, maxEntries);
    } else if (kind === 'csv') readCsv(text, items, problems, maxEntries);
    else readText(text, items, problems, maxEntries);
  } else if (typeof input === 'object' && input !== null && !ArrayBuffer.isView(input)) {
    if (format === 'text' || format === 'csv') throw new WirefilterError(`a ${format} IP list is given as a string, got ${describeType(input)}`, [], undefined, 'invalid-argument');
    readJson(input, items, problems, maxEntries);
  } else {
    throw new WirefilterError(`expected an IP list as text or as parsed JSON, got ${ArrayBuffer.isView(input) ? 'bytes (decode them to text first)' : describeType(input)}`, [], undefined, 'invalid-argument');
  }
  if (problems.count > 0) problems.fail();
  return new IpList(IpRangeSet.fromItems(items), items.length);
}
