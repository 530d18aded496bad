/**
 * The verified-bot directory: which bots exist, how each identifies itself (user-agent
 * patterns) and how its requests are validated (IP lists, forward-confirmed reverse DNS, ASN).
 * A directory is plain JSON; {@link validateBotDirectory} reports every problem with a JSON
 * path, {@link loadBotDirectory} returns the checked, frozen copy the verifier uses.
 *
 * @module
 */
import { elideMiddle } from '../diagnostics/diagnostics.js';
import { describeType, hasBrand, WirefilterError } from '../diagnostics/errors.js';
import { closestName } from '../diagnostics/suggest.js';
import { formatIpAddress, parseIpLiteral, type IpSetItem } from '../values/ip.js';
import { BOT_CATEGORIES, userAgentPatternProblem } from './policy.js';

/** Validation against the operator's published IP list. */
export interface IpListMethod {
  type: 'ip-list';
  /**
   * The list, by name: the verifier's `ipLists[list]` (see `createBotVerifier`). Operators
   * publish and change their lists, so the directory names them rather than copying them.
   */
  list?: string;
  /** Or the addresses and CIDR blocks themselves (for small, fixed lists). */
  addresses?: string[];
  /** Where the operator publishes the list (documentation; never fetched by the library). */
  url?: string;
}

/** Validation by forward-confirmed reverse DNS. */
export interface ReverseDnsMethod {
  type: 'reverse-dns';
  /**
   * Domain suffixes the client's PTR name must end with, at a label boundary and ignoring
   * case (`googlebot.com` matches `crawl-66-249-66-1.googlebot.com`, never
   * `evilgooglebot.com`). Each has at least two labels.
   */
  suffixes: string[];
}

/** Validation by the client's autonomous system (the `asn` the caller knows, e.g. from GeoIP). */
export interface AsnMethod {
  type: 'asn';
  /** The operator's AS numbers. Use only for networks that carry no one else's traffic. */
  asns: number[];
}

/** One way of validating a request's client address. */
export type BotMethod = IpListMethod | ReverseDnsMethod | AsnMethod;

/** The names of the methods. */
export type BotMethodType = BotMethod['type'];

/** One bot of a directory. */
export interface BotEntry {
  /** Unique name, e.g. `Googlebot`. */
  name: string;
  /** Who runs it, e.g. `Google`. */
  operator?: string;
  /** Its `cf.verified_bot_category`, one of `BOT_CATEGORIES`. */
  category: string;
  /**
   * Case-insensitive substrings of the `User-Agent` header that claim to be this bot (at least
   * five characters, not generic; no regular expressions, so no pattern can be slow).
   */
  userAgents: string[];
  /** How a claim is validated; the first method that validates the client wins. */
  methods: BotMethod[];
  /** Where the operator documents its bot and how to verify it. */
  sources?: string[];
  /** Free text. */
  description?: string;
}

/** A directory document: `{ "bots": [...] }`. */
export interface BotDirectoryInput {
  bots: BotEntry[];
  /** Free text (also `$schema`, ignored). */
  $comment?: string;
}

/** One problem of a directory, with the JSON path of the offending value. */
export interface BotDirectoryProblem {
  /**
   * Stable code: `invalid-directory`, `invalid-type`, `missing-key`, `unknown-key`,
   * `duplicate-name`, `invalid-category`, `user-agent-too-short`, `generic-user-agent`,
   * `invalid-user-agent`, `duplicate-user-agent`, `invalid-method`, `invalid-suffix`,
   * `invalid-address`, `invalid-asn`, `too-many-problems`.
   */
  code: string;
  /** e.g. `bots[2].userAgents[0]`. */
  path: string;
  /** The entry's name, when it has one. */
  bot?: string;
  message: string;
}

/** A compiled method: IP items parsed, suffixes normalised. @internal */
export type CompiledMethod =
  | { type: 'ip-list'; list?: string; items?: IpSetItem[]; url?: string }
  | { type: 'reverse-dns'; suffixes: string[] }
  | { type: 'asn'; asns: number[] };

/** A checked entry. @internal */
export interface CompiledEntry {
  readonly entry: Readonly<BotEntry>;
  /** Lower-case patterns. */
  readonly patterns: readonly string[];
  readonly methods: readonly CompiledMethod[];
}

const DIRECTORY_BRAND = Symbol.for('wirefilter-ts.BotDirectory');

/**
 * A checked directory, made by {@link loadBotDirectory}. Immutable; share one between
 * verifiers.
 */
export class BotDirectory {
  /** Recognises directories of any copy of the library. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, DIRECTORY_BRAND);
  }

  /** @internal */
  readonly compiled: readonly CompiledEntry[];

  /** @internal */
  constructor(compiled: readonly CompiledEntry[]) {
    this.compiled = compiled;
  }

  /** The entries, as given (frozen copies). */
  get bots(): readonly Readonly<BotEntry>[] {
    return this.compiled.map((c) => c.entry);
  }

  /** The names of the IP lists the entries refer to (`ip-list` methods with `list`). */
  get listNames(): string[] {
    const names = new Set<string>();
    for (const c of this.compiled) for (const m of c.methods) if (m.type === 'ip-list' && m.list !== undefined) names.add(m.list);
    return [...names];
  }

  /** The directory as JSON (the input format). */
  toJSON(): BotDirectoryInput {
    return { bots: this.compiled.map((c) => c.entry as BotEntry) };
  }
}

Object.defineProperty(BotDirectory.prototype, DIRECTORY_BRAND, { value: true });

/** Problems kept; the rest are counted. */
const MAX_PROBLEMS = 100;
/** Longest name, operator, category, URL or description. */
const MAX_TEXT = 1024;
const ENTRY_KEYS = ['name', 'operator', 'category', 'userAgents', 'methods', 'sources', 'description'];
const METHOD_KEYS: Record<BotMethodType, string[]> = {
  'ip-list': ['type', 'list', 'addresses', 'url'],
  'reverse-dns': ['type', 'suffixes'],
  asn: ['type', 'asns'],
};
const METHOD_TYPES = Object.keys(METHOD_KEYS) as BotMethodType[];

class Problems {
  readonly items: BotDirectoryProblem[] = [];
  dropped = 0;

  add(code: string, path: string, message: string, bot?: string): void {
    if (this.items.length >= MAX_PROBLEMS) {
      this.dropped++;
      return;
    }
    this.items.push({ code, path, ...(bot !== undefined && { bot: elideMiddle(bot, 100) }), message: elideMiddle(message, 500) });
  }

  get all(): BotDirectoryProblem[] {
    if (this.dropped === 0) return this.items;
    return [...this.items, { code: 'too-many-problems', path: '', message: `${this.dropped} more problems were found; the first ${MAX_PROBLEMS} are listed` }];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own enumerable data properties; getters and inherited values are never read. */
function fields(record: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const key of Object.keys(record)) {
    const d = Object.getOwnPropertyDescriptor(record, key);
    out.set(key, d !== undefined && 'value' in d ? d.value : undefined);
  }
  return out;
}

function unknownKeys(map: Map<string, unknown>, known: readonly string[], path: string, problems: Problems, bot?: string): void {
  for (const key of map.keys()) {
    if (known.includes(key) || key.startsWith('$')) continue;
    const near = closestName(key, known);
    problems.add('unknown-key', `${path}.${key}`, `unknown key ${JSON.stringify(elideMiddle(key, 60))}${near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`, bot);
  }
}

/** A string of 1…MAX_TEXT characters, else a problem. */
function text(value: unknown, path: string, problems: Problems, bot?: string): string | undefined {
  if (typeof value !== 'string') {
    problems.add('invalid-type', path, `expected a string, got ${describeType(value)}`, bot);
    return undefined;
  }
  if (value.trim() === '' || value.length > MAX_TEXT) {
    problems.add('invalid-type', path, value.trim() === '' ? 'expected a non-empty string' : `expected at most ${MAX_TEXT} characters, got ${value.length}`, bot);
    return undefined;
  }
  return value;
}

/** An array, else a problem. */
function array(value: unknown, path: string, problems: Problems, bot?: string): readonly unknown[] | undefined {
  if (!Array.isArray(value)) {
    problems.add('invalid-type', path, `expected an array, got ${describeType(value)}`, bot);
    return undefined;
  }
  return value;
}

/**
 * A domain suffix normalised (lower case, no leading or trailing dot), or a reason why it is
 * not one: letters, digits and hyphens in labels of 1–63 characters, at least two labels.
 */
export function normalizeSuffix(suffix: string): string | { message: string } {
  let s = suffix.trim().toLowerCase();
  if (s.startsWith('.')) s = s.slice(1);
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (s.length === 0 || s.length > 253) return { message: 'expected a domain name of 1–253 characters' };
  const labels = s.split('.');
  if (labels.length < 2) return { message: `a suffix needs at least two labels (${JSON.stringify(s)} would match every name under a top-level domain)` };
  for (const label of labels) {
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) return { message: `${JSON.stringify(elideMiddle(label, 70))} is not a DNS label (letters, digits and inner hyphens, 1–63 characters)` };
  }
  return s;
}

function checkMethod(value: unknown, path: string, problems: Problems, bot: string | undefined): CompiledMethod | undefined {
  if (!isRecord(value)) {
    problems.add('invalid-method', path, `expected a method object ({"type": "ip-list" | "reverse-dns" | "asn", …}), got ${describeType(value)}`, bot);
    return undefined;
  }
  const map = fields(value);
  const type = map.get('type');
  if (typeof type !== 'string' || !METHOD_TYPES.includes(type as BotMethodType)) {
    const near = typeof type === 'string' ? closestName(type, METHOD_TYPES) : undefined;
    problems.add('invalid-method', `${path}.type`, `\`type\` must be ${METHOD_TYPES.join(', ')}, got ${typeof type === 'string' ? JSON.stringify(elideMiddle(type, 40)) : describeType(type)}${near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`, bot);
    return undefined;
  }
  unknownKeys(map, METHOD_KEYS[type as BotMethodType], path, problems, bot);
  switch (type as BotMethodType) {
    case 'reverse-dns': {
      const list = array(map.get('suffixes'), `${path}.suffixes`, problems, bot);
      if (list === undefined) return undefined;
      if (list.length === 0) problems.add('invalid-suffix', `${path}.suffixes`, 'expected at least one domain suffix', bot);
      const suffixes: string[] = [];
      list.forEach((s, i) => {
        const where = `${path}.suffixes[${i}]`;
        if (typeof s !== 'string') return problems.add('invalid-type', where, `expected a string, got ${describeType(s)}`, bot);
        const n = normalizeSuffix(s);
        if (typeof n === 'string') suffixes.push(n);
        else problems.add('invalid-suffix', where, n.message, bot);
      });
      return { type: 'reverse-dns', suffixes };
    }
    case 'asn': {
      const list = array(map.get('asns'), `${path}.asns`, problems, bot);
      if (list === undefined) return undefined;
      if (list.length === 0) problems.add('invalid-asn', `${path}.asns`, 'expected at least one AS number', bot);
      const asns: number[] = [];
      list.forEach((a, i) => {
        if (typeof a === 'number' && Number.isInteger(a) && a > 0 && a <= 0xffffffff) asns.push(a);
        else problems.add('invalid-asn', `${path}.asns[${i}]`, `expected an AS number (an integer 1–4294967295), got ${typeof a === 'number' ? a : describeType(a)}`, bot);
      });
      return { type: 'asn', asns };
    }
    case 'ip-list': {
      const method: CompiledMethod & { type: 'ip-list' } = { type: 'ip-list' };
      const list = map.get('list');
      const addresses = map.get('addresses');
      if (list !== undefined) {
        const name = text(list, `${path}.list`, problems, bot);
        if (name !== undefined) method.list = name;
      }
      if (addresses !== undefined) {
        const items = array(addresses, `${path}.addresses`, problems, bot);
        if (items !== undefined) {
          method.items = [];
          items.forEach((a, i) => {
            const where = `${path}.addresses[${i}]`;
            if (typeof a !== 'string') return problems.add('invalid-type', where, `expected a string, got ${describeType(a)}`, bot);
            const r = parseIpLiteral(a.trim(), 'set');
            if (r.ok) method.items!.push(r.item);
            else problems.add('invalid-address', where, `${JSON.stringify(elideMiddle(a, 60))}: ${r.message}`, bot);
          });
        }
      }
      if ((list === undefined) === (addresses === undefined)) {
        problems.add('invalid-method', path, 'an ip-list method has either `list` (the name of a list given to the verifier) or `addresses`', bot);
      }
      const url = map.get('url');
      if (url !== undefined) {
        const u = text(url, `${path}.url`, problems, bot);
        if (u !== undefined) method.url = u;
      }
      return method;
    }
  }
}

/** Checks one entry; returns it compiled when it has no problem. */
function checkEntry(value: unknown, path: string, problems: Problems, names: Set<string>, patternOwners: Map<string, string>): CompiledEntry | undefined {
  if (!isRecord(value)) {
    problems.add('invalid-type', path, `expected a bot entry (an object), got ${describeType(value)}`);
    return undefined;
  }
  const before = problems.items.length + problems.dropped;
  const map = fields(value);
  const rawName = map.get('name');
  const bot = typeof rawName === 'string' ? rawName : undefined;
  unknownKeys(map, ENTRY_KEYS, path, problems, bot);
  for (const key of ['name', 'category', 'userAgents', 'methods']) {
    if (map.get(key) === undefined) problems.add('missing-key', `${path}.${key}`, `missing \`${key}\``, bot);
  }
  const name = map.has('name') ? text(rawName, `${path}.name`, problems, bot) : undefined;
  if (name !== undefined) {
    if (names.has(name.toLowerCase())) problems.add('duplicate-name', `${path}.name`, `another entry is named ${JSON.stringify(elideMiddle(name, 60))}`, bot);
    names.add(name.toLowerCase());
  }
  const operator = map.has('operator') ? text(map.get('operator'), `${path}.operator`, problems, bot) : undefined;
  const description = map.has('description') ? text(map.get('description'), `${path}.description`, problems, bot) : undefined;
  let category: string | undefined;
  if (map.get('category') !== undefined) {
    category = text(map.get('category'), `${path}.category`, problems, bot);
    if (category !== undefined && !BOT_CATEGORIES.includes(category)) {
      const near = BOT_CATEGORIES.find((c) => c.toLowerCase() === category!.toLowerCase()) ?? closestName(category, BOT_CATEGORIES);
      problems.add('invalid-category', `${path}.category`, `unknown category ${JSON.stringify(elideMiddle(category, 60))}${near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : ''}; one of ${BOT_CATEGORIES.join(', ')}`, bot);
    }
  }
  const patterns: string[] = [];
  const userAgents: string[] = [];
  if (map.get('userAgents') !== undefined) {
    const list = array(map.get('userAgents'), `${path}.userAgents`, problems, bot);
    if (list !== undefined && list.length === 0) problems.add('user-agent-too-short', `${path}.userAgents`, 'expected at least one user-agent pattern', bot);
    list?.forEach((p, i) => {
      const where = `${path}.userAgents[${i}]`;
      if (typeof p !== 'string') return problems.add('invalid-type', where, `expected a string, got ${describeType(p)}`, bot);
      const problem = userAgentPatternProblem(p);
      if (problem !== undefined) return problems.add(problem.code, where, `${JSON.stringify(elideMiddle(p, 60))}: ${problem.message}`, bot);
      const lower = p.trim().toLowerCase();
      const owner = patternOwners.get(lower);
      if (owner !== undefined && owner !== (name ?? path)) problems.add('duplicate-user-agent', where, `${JSON.stringify(elideMiddle(p, 60))} is also a pattern of ${JSON.stringify(elideMiddle(owner, 60))} (the Verified Bots Policy: a bot must not use another verified service's user agent)`, bot);
      patternOwners.set(lower, name ?? path);
      patterns.push(lower);
      userAgents.push(p);
    });
  }
  const methods: CompiledMethod[] = [];
  if (map.get('methods') !== undefined) {
    const list = array(map.get('methods'), `${path}.methods`, problems, bot);
    if (list !== undefined && list.length === 0) problems.add('invalid-method', `${path}.methods`, 'expected at least one method (ip-list, reverse-dns or asn)', bot);
    list?.forEach((m, i) => {
      const compiled = checkMethod(m, `${path}.methods[${i}]`, problems, bot);
      if (compiled !== undefined) methods.push(compiled);
    });
  }
  const sources: string[] = [];
  if (map.has('sources')) {
    array(map.get('sources'), `${path}.sources`, problems, bot)?.forEach((s, i) => {
      const t = text(s, `${path}.sources[${i}]`, problems, bot);
      if (t !== undefined) sources.push(t);
    });
  }
  if (problems.items.length + problems.dropped > before || name === undefined || category === undefined) return undefined;
  const entry: BotEntry = {
    name,
    ...(operator !== undefined && { operator }),
    category,
    userAgents,
    methods: methods.map(methodJson),
    ...(sources.length > 0 && { sources }),
    ...(description !== undefined && { description }),
  };
  return { entry: deepFreeze(entry), patterns, methods };
}

/** The JSON form of a compiled method. */
function methodJson(method: CompiledMethod): BotMethod {
  switch (method.type) {
    case 'reverse-dns':
      return { type: 'reverse-dns', suffixes: [...method.suffixes] };
    case 'asn':
      return { type: 'asn', asns: [...method.asns] };
    case 'ip-list':
      return {
        type: 'ip-list',
        ...(method.list !== undefined && { list: method.list }),
        ...(method.items !== undefined && { addresses: method.items.map(itemText) }),
        ...(method.url !== undefined && { url: method.url }),
      };
  }
}

function itemText(item: IpSetItem): string {
  if (item.kind === 'address') return formatIpAddress(item.address);
  if (item.kind === 'cidr') return `${formatIpAddress(item.address)}/${item.prefix}`;
  return `${formatIpAddress(item.first)}..${formatIpAddress(item.last)}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Every problem of a directory document (`{ "bots": [...] }`), with JSON paths; `[]` means
 * valid. Never throws.
 */
export function validateBotDirectory(input: unknown): BotDirectoryProblem[] {
  return check(input).problems;
}

function check(input: unknown): { problems: BotDirectoryProblem[]; entries: CompiledEntry[] } {
  const problems = new Problems();
  const entries: CompiledEntry[] = [];
  if (!isRecord(input)) {
    problems.add('invalid-directory', '', `expected a directory object ({"bots": [...]}), got ${describeType(input)}`);
    return { problems: problems.all, entries };
  }
  const map = fields(input);
  unknownKeys(map, ['bots'], '$', problems);
  const bots = map.get('bots');
  if (bots === undefined) problems.add('missing-key', '$.bots', 'missing `bots` (an array of bot entries)');
  else {
    const list = array(bots, 'bots', problems);
    const names = new Set<string>();
    const owners = new Map<string, string>();
    list?.forEach((entry, i) => {
      const compiled = checkEntry(entry, `bots[${i}]`, problems, names, owners);
      if (compiled !== undefined) entries.push(compiled);
    });
  }
  return { problems: problems.all, entries };
}

/**
 * Checks a directory document and returns it ready for `createBotVerifier`. A
 * {@link BotDirectory} is returned as it is.
 *
 * @throws WirefilterError `invalid-bot-directory` listing every problem (also in `problems`
 *   of the error, see {@link BotDirectoryError}).
 */
export function loadBotDirectory(input: unknown): BotDirectory {
  if (input instanceof BotDirectory) return input;
  const { problems, entries } = check(input);
  if (problems.length > 0) throw new BotDirectoryError(problems);
  return new BotDirectory(entries);
}

/** Problems listed in the message of a {@link BotDirectoryError}. */
const MAX_LISTED = 20;

/**
 * Thrown by {@link loadBotDirectory} (code `invalid-bot-directory`): `problems` holds every
 * problem found, each with its code and JSON path.
 */
export class BotDirectoryError extends WirefilterError {
  constructor(readonly problems: readonly BotDirectoryProblem[]) {
    const lines = problems.slice(0, MAX_LISTED).map((p) => `- ${p.path || 'directory'}${p.bot !== undefined ? ` (${p.bot})` : ''}: ${p.code}: ${p.message}`);
    if (problems.length > MAX_LISTED) lines.push(`- … and ${problems.length - MAX_LISTED} more (see \`problems\`)`);
    super(`invalid bot directory: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${lines.join('\n')}`, [], undefined, 'invalid-bot-directory');
    this.name = 'BotDirectoryError';
  }
}
