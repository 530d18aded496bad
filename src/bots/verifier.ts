/**
 * `createBotVerifier`: decides, for one request, whether it comes from a verified bot — the
 * user agent claims a directory entry, and the client address validates by one of that
 * entry's methods (IP list, ASN, forward-confirmed reverse DNS). On any doubt (a DNS timeout,
 * SERVFAIL, a missing list) the request is not verified.
 *
 * @module
 */
import { describeType, describeValue, WirefilterError } from '../diagnostics/errors.js';
import { closestName } from '../diagnostics/suggest.js';
import { IpRangeSet } from '../values/ip-set.js';
import { formatIpAddress, ipEquals, ipv4Address, parseIpAddress, type IpAddress } from '../values/ip.js';
import bundled from './directory.json';
import { BotDirectory, loadBotDirectory, type BotMethodType, type CompiledEntry } from './directory.js';
import { DnsCache, raceTimeout, type BotResolver, type DnsAnswer, type DnsLookup } from './dns.js';
import { IpList } from './ip-list.js';

/** Options of {@link createBotVerifier}. Every limit has a default; all are validated once. */
export interface BotVerifierOptions {
  /** The bots to recognise: a directory document or a loaded `BotDirectory`. Default: the bundled one ({@link bundledBotDirectory}). */
  directory?: BotDirectory | unknown;
  /** The IP lists entries name in `ip-list` methods (`{"type": "ip-list", "list": "googlebot"}`), loaded with `loadIpList`. */
  ipLists?: Record<string, IpList>;
  /**
   * Looks up PTR, A and AAAA records: a `dns.promises.Resolver` (Node), or any object with
   * `reverse`, `resolve4` and `resolve6` (a DNS-over-HTTPS client). Required when an entry
   * uses reverse DNS.
   */
  resolver?: BotResolver;
  /** How long an answer (PTR, A, AAAA) is reused, in seconds. Default 3600. */
  cacheTtlSeconds?: number;
  /** How long a failed lookup (NXDOMAIN, no data, SERVFAIL, timeout) is remembered, in seconds. Default 300. */
  negativeCacheTtlSeconds?: number;
  /** Longest time one verification waits for DNS, in ms; past it the request is not verified. Default 2000. */
  timeoutMs?: number;
  /** Most DNS lookups in flight at once. Default 32. */
  maxConcurrentLookups?: number;
  /** Most lookups waiting for a slot; beyond, lookups fail at once (`busy`). Default 1024. */
  maxQueuedLookups?: number;
  /** Most answers cached (least recently used go first). Default 10,000. */
  maxCacheEntries?: number;
  /** PTR names forward-confirmed per verification (a hostile zone can return hundreds). Default 4. */
  maxForwardLookups?: number;
  /** Longer user agents are not verified (and not scanned). Default 8192. */
  maxUserAgentLength?: number;
  /** The clock, in ms since the epoch (for cache expiry). Default `Date.now`. */
  now?: () => number;
}

/** What {@link BotVerifier.verify} looks at: the request's client address, user agent and ASN. */
export interface BotRequest {
  /** The client address (`ip.src`). Absent: not verified. */
  ip: string | null | undefined;
  /** The `User-Agent` header. Absent: not verified. */
  userAgent: string | null | undefined;
  /** The client's autonomous system (`ip.src.asnum`), for `asn` methods. */
  asn?: number | null;
}

/**
 * Why a request is (not) verified:
 * `verified`; `no-client-ip`, `invalid-ip`, `no-user-agent`, `user-agent-too-long` (the input);
 * `unknown-user-agent` (no entry's pattern matches: not a bot claim);
 * `not-validated` (a claim every method refuted: a spoofed user agent);
 * `lookup-failed` (a lookup the verdict needed failed or timed out: doubt, so not verified);
 * `unavailable` (no method of the claimed entries could run, e.g. its IP list was not given).
 */
export type BotVerdictReason = 'verified' | 'no-client-ip' | 'invalid-ip' | 'no-user-agent' | 'user-agent-too-long' | 'unknown-user-agent' | 'not-validated' | 'lookup-failed' | 'unavailable';

/** One method tried for one claimed entry. */
export interface BotCheck {
  /** The entry's name. */
  bot: string;
  method: BotMethodType;
  /** `pass` validated the client; `fail` refuted it; `error` could not decide (DNS); `unavailable` could not run. */
  outcome: 'pass' | 'fail' | 'error' | 'unavailable';
  /** What was checked and what was found, in a sentence. */
  detail: string;
  /** The DNS lookups of a `reverse-dns` check, in order. */
  lookups?: DnsLookup[];
}

/** The verdict on one request. */
export interface BotVerification {
  verified: boolean;
  /** The verified bot's name (only when verified). */
  name?: string;
  /** Its `cf.verified_bot_category` (only when verified). */
  category?: string;
  /** The method that validated it (only when verified). */
  method?: BotMethodType;
  reason: BotVerdictReason;
  /** Entries whose user-agent patterns matched, in directory order. */
  claimed: string[];
  /** Every method tried, in order. */
  checks: BotCheck[];
}

/** A verifier made by {@link createBotVerifier}. */
export interface BotVerifier {
  /**
   * Verifies one request. Never rejects for DNS trouble (that gives `verified: false`).
   *
   * @throws WirefilterError `invalid-argument` when `request` or one of its values has the wrong type.
   */
  verify(request: BotRequest): Promise<BotVerification>;
  /** The directory in use. */
  readonly directory: BotDirectory;
  /** Forgets every cached DNS answer. */
  clearCache(): void;
}

const DEFAULTS = {
  cacheTtlSeconds: 3600,
  negativeCacheTtlSeconds: 300,
  timeoutMs: 2000,
  maxConcurrentLookups: 32,
  maxQueuedLookups: 1024,
  maxCacheEntries: 10_000,
  maxForwardLookups: 4,
  maxUserAgentLength: 8192,
} as const;

const OPTION_KEYS = ['directory', 'ipLists', 'resolver', 'now', ...Object.keys(DEFAULTS)];
const REQUEST_KEYS = ['ip', 'userAgent', 'asn'];

let bundledDirectory: BotDirectory | undefined;

/** The directory shipped with the library (well-known crawlers and monitors; see docs/bots.md). */
export function bundledBotDirectory(): BotDirectory {
  bundledDirectory ??= loadBotDirectory(bundled);
  return bundledDirectory;
}

function optionError(message: string): WirefilterError {
  return new WirefilterError(message, [], undefined, 'invalid-option');
}

function numberOption(options: Record<string, unknown>, key: keyof typeof DEFAULTS, min: number, max: number, integer: boolean): number {
  const value = options[key] ?? DEFAULTS[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw optionError(`\`${key}\` must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

/** An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) as the IPv4 address it carries. */
function unmapped(address: IpAddress): IpAddress {
  if (address.family === 6 && address.w0 === 0 && address.w1 === 0 && address.w2 === 0xffff) return ipv4Address(address.w3);
  return address;
}

/** A PTR name in canonical form (lower case, no trailing dot), or undefined when it is not a host name. */
function hostName(name: string): string | undefined {
  let n = name.toLowerCase();
  if (n.endsWith('.')) n = n.slice(0, -1);
  if (n.length === 0 || n.length > 253) return undefined;
  // Labels of letters, digits, hyphens and underscores; checked without a regular expression
  // over the whole name so that no answer can make it slow.
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95 || (c === 46 && i > 0 && n.charCodeAt(i - 1) !== 46);
    if (!ok) return undefined;
  }
  return n;
}

/** True when `name` is `suffix` or ends with `.suffix` (both canonical). */
export function matchesSuffix(name: string, suffix: string): boolean {
  return name === suffix || (name.length > suffix.length && name.endsWith(suffix) && name.charCodeAt(name.length - suffix.length - 1) === 46);
}

function describeAnswer(answer: DnsAnswer): string {
  if (!answer.ok) return `${answer.failure.toUpperCase()} (${answer.detail})`;
  if (answer.values.length === 0) return 'no records';
  return answer.values.join(', ') + (answer.omitted !== undefined ? ` and ${answer.omitted} more` : '');
}

/** A method ready to run: lists resolved, inline addresses built into a set. */
type RunnableMethod = { type: 'ip-list'; list: IpList | IpRangeSet | undefined; name?: string } | { type: 'reverse-dns'; suffixes: readonly string[] } | { type: 'asn'; asns: ReadonlySet<number> };

interface RunnableEntry {
  name: string;
  category: string;
  patterns: readonly string[];
  methods: RunnableMethod[];
}

function runnable(compiled: CompiledEntry, ipLists: Record<string, IpList>): RunnableEntry {
  const methods = compiled.methods.map((m): RunnableMethod => {
    if (m.type === 'asn') return { type: 'asn', asns: new Set(m.asns) };
    if (m.type === 'reverse-dns') return { type: 'reverse-dns', suffixes: m.suffixes };
    if (m.items !== undefined) return { type: 'ip-list', list: IpRangeSet.fromItems(m.items) };
    return { type: 'ip-list', list: Object.hasOwn(ipLists, m.list!) ? ipLists[m.list!] : undefined, name: m.list! };
  });
  return { name: compiled.entry.name, category: compiled.entry.category, patterns: compiled.patterns, methods };
}

/**
 * Creates a verifier of bot claims.
 *
 * ```ts
 * import { Resolver } from 'node:dns/promises';
 * const bots = createBotVerifier({ resolver: new Resolver({ timeout: 1000, tries: 2 }) });
 * const result = await bots.verify({ ip: '66.249.66.1', userAgent, asn: 15169 });
 * // { verified: true, name: 'Googlebot', category: 'Search Engine Crawler', method: 'reverse-dns', … }
 * ```
 *
 * @throws WirefilterError `invalid-option` for a bad option (a misspelt key, a wrong type, a
 *   reverse-DNS entry without `resolver`, an IP list no entry names); `invalid-bot-directory`
 *   for a bad directory.
 */
export function createBotVerifier(options: BotVerifierOptions = {}): BotVerifier {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw optionError(`createBotVerifier options must be an object, got ${describeType(options)}`);
  const raw = options as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (OPTION_KEYS.includes(key)) continue;
    const near = closestName(key, OPTION_KEYS);
    throw optionError(`unknown option ${JSON.stringify(key.slice(0, 60))}${near !== undefined ? ` (did you mean \`${near}\`?)` : ''}`);
  }
  const directory = raw.directory === undefined ? bundledBotDirectory() : loadBotDirectory(raw.directory);
  const cacheTtl = numberOption(raw, 'cacheTtlSeconds', 0, 7 * 86400, false);
  const negativeTtl = numberOption(raw, 'negativeCacheTtlSeconds', 0, 86400, false);
  const timeoutMs = numberOption(raw, 'timeoutMs', 1, 60_000, false);
  const maxConcurrent = numberOption(raw, 'maxConcurrentLookups', 1, 10_000, true);
  const maxQueued = numberOption(raw, 'maxQueuedLookups', 0, 1_000_000, true);
  const maxEntries = numberOption(raw, 'maxCacheEntries', 0, 10_000_000, true);
  const maxForward = numberOption(raw, 'maxForwardLookups', 1, 64, true);
  const maxUserAgentLength = numberOption(raw, 'maxUserAgentLength', 1, 1 << 20, true);
  const now = raw.now ?? Date.now;
  if (typeof now !== 'function') throw optionError(`\`now\` must be a function returning milliseconds, got ${describeType(now)}`);

  const ipLists = raw.ipLists ?? {};
  if (typeof ipLists !== 'object' || ipLists === null || Array.isArray(ipLists)) throw optionError(`\`ipLists\` must be an object of lists by name, got ${describeType(ipLists)}`);
  const named = directory.listNames;
  for (const [name, list] of Object.entries(ipLists)) {
    if (!(list instanceof IpList)) throw optionError(`\`ipLists.${name.slice(0, 60)}\` must be a list made by loadIpList, got ${describeType(list)}`);
    if (!named.includes(name)) {
      const near = closestName(name, named);
      throw optionError(`no directory entry uses the IP list ${JSON.stringify(name.slice(0, 60))}${near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : ''}; lists in use: ${named.join(', ') || 'none'}`);
    }
  }

  const resolver = raw.resolver;
  const needsDns = directory.compiled.some((c) => c.methods.some((m) => m.type === 'reverse-dns'));
  if (resolver === undefined && needsDns) {
    throw optionError('the directory has reverse-DNS entries: give `resolver` (e.g. new dns.promises.Resolver() on Node, a DNS-over-HTTPS client elsewhere), or a directory without them');
  }
  if (resolver !== undefined) {
    if (typeof resolver !== 'object' || resolver === null) throw optionError(`\`resolver\` must be an object with reverse, resolve4 and resolve6, got ${describeType(resolver)}`);
    for (const method of ['reverse', 'resolve4', 'resolve6'] as const) {
      if (typeof (resolver as Record<string, unknown>)[method] !== 'function') throw optionError(`\`resolver.${method}\` must be a function (the resolver needs reverse, resolve4 and resolve6, like dns.promises.Resolver)`);
    }
  }

  const entries = directory.compiled.map((c) => runnable(c, ipLists as Record<string, IpList>));
  const suffixes = [...new Set(entries.flatMap((e) => e.methods.flatMap((m) => (m.type === 'reverse-dns' ? m.suffixes : []))))];
  const relevantName = (name: string): boolean => {
    const host = hostName(name);
    return host !== undefined && suffixes.some((s) => matchesSuffix(host, s));
  };
  const dns =
    resolver !== undefined
      ? new DnsCache({
          resolver: resolver as BotResolver,
          positiveTtlMs: cacheTtl * 1000,
          negativeTtlMs: negativeTtl * 1000,
          timeoutMs,
          maxConcurrent,
          maxQueued,
          maxEntries,
          now: now as () => number,
          relevantName,
        })
      : undefined;

  return {
    directory,
    clearCache: () => dns?.clear(),
    verify: (request) => verify(request, { entries, dns, timeoutMs, maxForward, maxUserAgentLength }),
  };
}

interface VerifyContext {
  entries: readonly RunnableEntry[];
  dns: DnsCache | undefined;
  timeoutMs: number;
  maxForward: number;
  maxUserAgentLength: number;
}

function argumentError(message: string): WirefilterError {
  return new WirefilterError(message, [], undefined, 'invalid-argument');
}

/** Reads and type-checks a request. */
function readRequest(request: unknown): { ip: string | undefined; userAgent: string | undefined; asn: number | undefined } {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw argumentError(`verify expects { ip, userAgent, asn? }, got ${describeType(request)}`);
  const record = request as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (REQUEST_KEYS.includes(key)) continue;
    const near = closestName(key, REQUEST_KEYS);
    throw argumentError(`verify: unknown key ${JSON.stringify(key.slice(0, 60))}${near !== undefined ? ` (did you mean \`${near}\`?)` : ''}; expected ip, userAgent, asn`);
  }
  const { ip, userAgent, asn } = record;
  if (ip !== undefined && ip !== null && typeof ip !== 'string') throw argumentError(`verify: \`ip\` must be an address as a string, got ${describeType(ip)}`);
  if (userAgent !== undefined && userAgent !== null && typeof userAgent !== 'string') throw argumentError(`verify: \`userAgent\` must be a string, got ${describeType(userAgent)}`);
  if (asn !== undefined && asn !== null && (typeof asn !== 'number' || !Number.isInteger(asn) || asn < 0 || asn > 0xffffffff)) {
    throw argumentError(`verify: \`asn\` must be an AS number (an integer 0–4294967295), got ${describeValue(asn)}`);
  }
  return { ip: ip ?? undefined, userAgent: userAgent ?? undefined, asn: asn ?? undefined } as { ip: string | undefined; userAgent: string | undefined; asn: number | undefined };
}

function verdict(reason: BotVerdictReason, claimed: string[] = [], checks: BotCheck[] = []): BotVerification {
  return { verified: false, reason, claimed, checks };
}

async function verify(request: BotRequest, context: VerifyContext): Promise<BotVerification> {
  const { ip, userAgent, asn } = readRequest(request);
  if (ip === undefined || ip === '') return verdict('no-client-ip');
  const parsed = parseIpAddress(ip);
  if (parsed === undefined) return verdict('invalid-ip');
  const address = unmapped(parsed);
  if (userAgent === undefined || userAgent === '') return verdict('no-user-agent');
  if (userAgent.length > context.maxUserAgentLength) return verdict('user-agent-too-long');

  const ua = userAgent.toLowerCase();
  const candidates = context.entries.filter((e) => e.patterns.some((p) => ua.includes(p)));
  const claimed = candidates.map((c) => c.name);
  if (candidates.length === 0) return verdict('unknown-user-agent');
  const checks: BotCheck[] = [];
  const pass = (entry: RunnableEntry, method: BotMethodType): BotVerification => ({ verified: true, name: entry.name, category: entry.category, method, reason: 'verified', claimed, checks });

  // Lists and AS numbers first: they cost nothing, and DNS is needed only when they fail.
  for (const entry of candidates) {
    for (const method of entry.methods) {
      if (method.type === 'ip-list') {
        if (method.list === undefined) {
          checks.push({ bot: entry.name, method: 'ip-list', outcome: 'unavailable', detail: `the IP list ${JSON.stringify(method.name)} was not given (ipLists)` });
          continue;
        }
        const found = method.list instanceof IpList ? method.list.hasAddress(address) : method.list.has(address);
        const which = method.name !== undefined ? `the IP list ${JSON.stringify(method.name)}` : "the entry's addresses";
        checks.push({ bot: entry.name, method: 'ip-list', outcome: found ? 'pass' : 'fail', detail: `${formatIpAddress(address)} is ${found ? '' : 'not '}in ${which}` });
        if (found) return pass(entry, 'ip-list');
      } else if (method.type === 'asn') {
        if (asn === undefined) {
          checks.push({ bot: entry.name, method: 'asn', outcome: 'unavailable', detail: "the client's ASN is not known" });
          continue;
        }
        const found = method.asns.has(asn);
        checks.push({ bot: entry.name, method: 'asn', outcome: found ? 'pass' : 'fail', detail: `AS${asn} is ${found ? '' : 'not '}one of ${[...method.asns].map((a) => `AS${a}`).join(', ')}` });
        if (found) return pass(entry, 'asn');
      }
    }
  }

  const dnsEntries = candidates.filter((e) => e.methods.some((m) => m.type === 'reverse-dns'));
  if (dnsEntries.length > 0 && context.dns !== undefined) {
    const deadline = Date.now() + context.timeoutMs;
    const verified = await reverseDns(address, dnsEntries, context.dns, deadline, context.maxForward, checks);
    if (verified !== undefined) return pass(verified, 'reverse-dns');
  }
  const outcomes = new Set(checks.map((c) => c.outcome));
  return verdict(outcomes.has('error') ? 'lookup-failed' : outcomes.has('fail') ? 'not-validated' : 'unavailable', claimed, checks);
}

/** A lookup bounded by the verification's deadline. */
async function lookupBy(dns: DnsCache, type: 'PTR' | 'A' | 'AAAA', name: string, deadline: number, lookups: DnsLookup[]): Promise<DnsAnswer> {
  const timedOut = { answer: { ok: false, failure: 'timeout', detail: 'the verification timed out' } as DnsAnswer, cached: false };
  const { answer, cached } = await raceTimeout(dns.lookup(type, name), deadline - Date.now(), timedOut);
  lookups.push({ type, name, cached, ...(answer.ok ? { answer: answer.values, ...(answer.omitted !== undefined && { omitted: answer.omitted }) } : { failure: answer.failure }) });
  return answer;
}

/**
 * Forward-confirmed reverse DNS for the claimed entries: the PTR names of the address, those
 * ending with an entry's suffix, and their A (IPv4) or AAAA (IPv6) records, which must hold
 * the address. Returns the first entry confirmed.
 */
async function reverseDns(address: IpAddress, entries: readonly RunnableEntry[], dns: DnsCache, deadline: number, maxForward: number, checks: BotCheck[]): Promise<RunnableEntry | undefined> {
  const ip = formatIpAddress(address);
  const lookups: DnsLookup[] = [];
  const ptr = await lookupBy(dns, 'PTR', ip, deadline, lookups);
  if (!ptr.ok) {
    // NXDOMAIN / no PTR: the address has no name, so no claim can be confirmed. Anything else is doubt.
    const refuted = ptr.failure === 'nxdomain' || ptr.failure === 'nodata';
    for (const entry of entries) checks.push({ bot: entry.name, method: 'reverse-dns', outcome: refuted ? 'fail' : 'error', detail: `PTR ${ip}: ${describeAnswer(ptr)}`, lookups });
    return undefined;
  }
  const names = [...new Set(ptr.values.map(hostName).filter((n): n is string => n !== undefined))];
  for (const entry of entries) {
    const suffixes = entry.methods.flatMap((m) => (m.type === 'reverse-dns' ? m.suffixes : []));
    const matching = names.filter((n) => suffixes.some((s) => matchesSuffix(n, s))).slice(0, maxForward);
    const entryLookups = [...lookups];
    if (matching.length === 0) {
      const shown = names.length === 0 ? 'no host name' : names.slice(0, 8).join(', ') + (names.length > 8 || ptr.omitted !== undefined ? ', …' : '');
      checks.push({ bot: entry.name, method: 'reverse-dns', outcome: 'fail', detail: `PTR ${ip} → ${shown}: none ends with ${suffixes.join(' or ')}`, lookups: entryLookups });
      continue;
    }
    const type = address.family === 4 ? 'A' : 'AAAA';
    const answers = await Promise.all(matching.map((name) => lookupBy(dns, type, name, deadline, entryLookups)));
    const confirmed = matching.find((_, i) => {
      const a = answers[i]!;
      return a.ok && a.values.some((v) => {
        const forward = parseIpAddress(v);
        return forward !== undefined && ipEquals(unmapped(forward), address);
      });
    });
    if (confirmed !== undefined) {
      checks.push({ bot: entry.name, method: 'reverse-dns', outcome: 'pass', detail: `PTR ${ip} → ${confirmed}, whose ${type} records include ${ip}`, lookups: entryLookups });
      return entry;
    }
    // Refuted only when every forward lookup answered; a failed one leaves doubt.
    const failed = answers.some((a) => !a.ok && a.failure !== 'nxdomain' && a.failure !== 'nodata');
    const said = matching.map((name, i) => `${name} ${type} ${describeAnswer(answers[i]!)}`).join('; ');
    checks.push({ bot: entry.name, method: 'reverse-dns', outcome: failed ? 'error' : 'fail', detail: `PTR ${ip} → ${matching.join(', ')}, but the forward lookup does not include ${ip}: ${said}`, lookups: entryLookups });
  }
  return undefined;
}
