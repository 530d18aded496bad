/**
 * `wirefilter generate --format logpush`: the generator's requests written as Cloudflare
 * Logpush `http_requests` records, one JSON object per line, with the fields of a full job
 * (≈ 2.6 KB a record, like real ones) — for replaying "logs" through `wirefilter replay` and
 * benchmarking it on realistic input.
 *
 * The job is that of a zone without Workers, mTLS, Cache Reserve or content scanning: every
 * current `http_requests` field except `Worker*`, `ClientMTLSAuth*`, `CacheReserveUsed`,
 * `ContentScanObj*`, `EdgeCFConnectingO2O`, `SmartRouteColoID`, the origin's `Expires` /
 * `Last-Modified`, the legacy `EdgePathing*` summary, the deprecated or internal
 * `OriginResponseBytes`, `OriginResponseTime`, `WAFFlags`, `WAFMatchedVar` and the pre-2023
 * `FirewallMatches*` / `WAF*` / `EdgeRateLimit*` fields; plus the custom fields
 * `RequestHeaders` and `Cookies` (no `ResponseHeaders`).
 *
 * Each record is built from one {@link GeneratedRequest}: the fields that supply Rules fields
 * (`ClientIP`, `ClientRequestURI`, `BotScore`, `RequestHeaders`, …; see `LOGPUSH_FIELD_MAP`)
 * carry the request's field values, so that `logpushRequest(record)` gives them back; the
 * others (cache, origin, timing, worker fields) get plausible values from a random stream of
 * their own, so the request values are the same as `generate --format ndjson` for a seed.
 *
 * The security fields say what a reference ruleset (`--ruleset`, default
 * `examples/ruleset.json` with `examples/lists.json`) decided, evaluated with the request's
 * clearance and time: every event in `SecurityActions` (Logpush spellings: `block`, `log`,
 * `skip`, `managedChallenge`, `jschallenge`, `challenge`, `managedChallengeBypassed`, …) with
 * its rule in `SecurityRuleIDs` and `firewallCustom` in `SecuritySources`; the rule that ended
 * the phase in `SecurityAction` / `SecurityRuleID` / `SecurityRuleDescription`. A request no
 * rule ended has `SecurityAction: ""` (what `logpushSecurity()` reads as "nothing
 * terminated"). A challenge bypassed thanks to clearance ended the phase too: it is written as
 * `SecurityAction: "managedChallengeBypassed"` (the decision is `allow`, with that rule's id).
 *
 * Timestamps (`EdgeStartTimestamp`, `EdgeEndTimestamp`) follow `--timestamps`, Logpush's
 * `timestamp_format` output option: `unixnano` (Logpush's default; an integer of nanoseconds
 * written with all its digits), `unix` (integer seconds) or `rfc3339` (`2026-01-01T00:00:00Z`,
 * whole seconds). Only `unixnano` keeps `http.request.timestamp.msec`.
 *
 * Headers: `RequestHeaders` holds every request header the generator produced except `host`,
 * `user-agent` and `referer`, which Logpush has dedicated fields for (the replay adds them
 * back); `Cookies` holds the cookies. Real jobs capture only configured headers and cookies.
 *
 * @module
 */
import type { Decision, EventAction, Ruleset } from '../index.js';
import type { GeneratedRequest } from './generate.js';
import { CliError } from './io.js';
import { createRandom, Rng } from './random.js';
import { requireCustomRules, rulesetShape } from './ratelimit-file.js';
import { readRulesetFile, requireRuleset, ruleSummaries, type RulesetFile } from './ruleset-file.js';
import { loadScheme } from './setup.js';
import { STATIC_EXTENSIONS } from './traffic-profiles.js';

/** Logpush's `timestamp_format` output option. */
export const TIMESTAMP_FORMATS = ['unixnano', 'unix', 'rfc3339'] as const;
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];
/** Logpush's default `timestamp_format`. */
export const DEFAULT_TIMESTAMP_FORMAT: TimestampFormat = 'unixnano';

/** The reference ruleset used when `--ruleset` is not given (relative to the working directory). */
export const DEFAULT_RULESET = 'examples/ruleset.json';
export const DEFAULT_LISTS = 'examples/lists.json';

/** Where the security fields come from: a loaded ruleset and its rules' descriptions. */
export interface ReferenceRuleset {
  ruleset: Ruleset;
  /** Rule id (as the evaluator reports it) → description. */
  descriptions: ReadonlyMap<string, string>;
}

/**
 * Loads the reference ruleset: `ruleset` (default {@link DEFAULT_RULESET}) with `lists`
 * (default {@link DEFAULT_LISTS} when the ruleset is the default one). Only the custom rules
 * of a file that also holds rate limiting rules are used.
 */
export function loadReferenceRuleset(options: { ruleset?: string; lists?: string; scheme?: string }, cwd: string): ReferenceRuleset {
  const file = options.ruleset ?? DEFAULT_RULESET;
  const lists = options.lists ?? (options.ruleset === undefined ? DEFAULT_LISTS : undefined);
  const setup = loadScheme({ ...(options.scheme !== undefined && { scheme: options.scheme }), ...(lists !== undefined && { lists }) }, cwd);
  let read: RulesetFile;
  try {
    read = readRulesetFile(file, cwd);
  } catch (error) {
    if (options.ruleset === undefined && error instanceof CliError) {
      throw new CliError(`--format logpush evaluates a reference ruleset for the Security* fields: ${error.message} (give one with --ruleset <file> [--lists <file>])`);
    }
    throw error;
  }
  const shape = rulesetShape(read);
  if (shape.kind === 'ratelimit') throw new CliError(`${read.display}: --ruleset needs custom rules (this file holds only rate limiting rules)`);
  const ruleset = shape.kind === 'custom' ? requireRuleset(setup.scheme, read) : requireCustomRules(setup.scheme, read, shape.custom);
  const descriptions = new Map<string, string>();
  for (const rule of ruleSummaries(read)) if (rule.description !== undefined) descriptions.set(rule.id, rule.description);
  return { ruleset, descriptions };
}

/** Logpush's spelling of each security event (`SecurityActions`). */
export const LOGPUSH_EVENT_SPELLING: Readonly<Record<EventAction, string>> = {
  log: 'log',
  skip: 'skip',
  block: 'block',
  rewrite: 'rewrite',
  managed_challenge: 'managedChallenge',
  jschallenge: 'jschallenge',
  challenge: 'challenge',
  managed_challenge_bypassed: 'managedChallengeBypassed',
  jschallenge_bypassed: 'jschallengeBypassed',
  challenge_bypassed: 'challengeBypassed',
};

/** The product Cloudflare logs for WAF custom rules in `SecuritySources`. */
export const CUSTOM_RULES_SOURCE = 'firewallCustom';

/** The `Security*` fields of a decision (in Logpush's field order). */
export function securityFields(decision: Decision, descriptions: ReadonlyMap<string, string> = new Map()): Record<string, unknown> {
  const actions: string[] = [];
  const ruleIds: string[] = [];
  const sources: string[] = [];
  for (const event of decision.events) {
    actions.push(LOGPUSH_EVENT_SPELLING[event.action] ?? event.action);
    ruleIds.push(event.ruleId);
    sources.push(CUSTOM_RULES_SOURCE);
  }
  // The rule that ended the phase pushed the last event (block, challenge, or challenge bypassed).
  const ended = decision.ruleId !== null && actions.length > 0;
  return {
    SecurityAction: ended ? actions[actions.length - 1]! : '',
    SecurityActions: actions,
    SecurityRuleDescription: ended ? (descriptions.get(decision.ruleId!) ?? '') : '',
    SecurityRuleID: ended ? decision.ruleId! : '',
    SecurityRuleIDs: ruleIds,
    SecuritySources: sources,
  };
}

// --- tables -------------------------------------------------------------------------------

/** City, region (ISO 3166-2 subdivision part), latitude, longitude. */
type Place = readonly [string, string, string, string];
const PLACES: Readonly<Record<string, readonly Place[]>> = {
  US: [['Ashburn', 'VA', '39.04370', '-77.48750'], ['Chicago', 'IL', '41.85000', '-87.65000'], ['Los Angeles', 'CA', '34.05220', '-118.24370'], ['Seattle', 'WA', '47.60620', '-122.33210'], ['Dallas', 'TX', '32.78310', '-96.80670']],
  GB: [['London', 'ENG', '51.50740', '-0.12780'], ['Manchester', 'ENG', '53.48080', '-2.24260'], ['Edinburgh', 'SCT', '55.95330', '-3.18830']],
  DE: [['Berlin', 'BE', '52.52000', '13.40500'], ['Frankfurt am Main', 'HE', '50.11090', '8.68210'], ['Munich', 'BY', '48.13510', '11.58200']],
  FR: [['Paris', 'IDF', '48.85660', '2.35220'], ['Lyon', 'ARA', '45.76400', '4.83570']],
  IN: [['Mumbai', 'MH', '19.07600', '72.87770'], ['Bengaluru', 'KA', '12.97160', '77.59460']],
  BR: [['Sao Paulo', 'SP', '-23.55050', '-46.63330'], ['Rio de Janeiro', 'RJ', '-22.90680', '-43.17290']],
  JP: [['Tokyo', '13', '35.67620', '139.65030'], ['Osaka', '27', '34.69370', '135.50230']],
  CA: [['Toronto', 'ON', '43.65320', '-79.38320'], ['Montreal', 'QC', '45.50190', '-73.56740']],
  AU: [['Sydney', 'NSW', '-33.86880', '151.20930'], ['Melbourne', 'VIC', '-37.81360', '144.96310']],
  NL: [['Amsterdam', 'NH', '52.36760', '4.90410']],
  ES: [['Madrid', 'MD', '40.41680', '-3.70380']],
  IT: [['Milan', '25', '45.46420', '9.19000']],
  SE: [['Stockholm', 'AB', '59.32930', '18.06860']],
  PL: [['Warsaw', '14', '52.22970', '21.01220']],
  MX: [['Mexico City', 'CMX', '19.43260', '-99.13320']],
  KR: [['Seoul', '11', '37.56650', '126.97800']],
  CN: [['Shanghai', 'SH', '31.23040', '121.47370'], ['Beijing', 'BJ', '39.90420', '116.40740']],
  RU: [['Moscow', 'MOW', '55.75580', '37.61730']],
  TR: [['Istanbul', '34', '41.00820', '28.97840']],
  ID: [['Jakarta', 'JK', '-6.20880', '106.84560']],
  VN: [['Hanoi', 'HN', '21.02780', '105.83420']],
  IR: [['Tehran', '07', '35.68920', '51.38900']],
  KP: [['Pyongyang', '01', '39.03920', '125.76250']],
  CU: [['Havana', '03', '23.11360', '-82.36660']],
  SY: [['Damascus', 'DI', '33.51380', '36.27650']],
  SG: [['Singapore', '', '1.35210', '103.81980']],
  BE: [['Brussels', 'BRU', '50.85030', '4.35170']],
  IE: [['Dublin', 'D', '53.34980', '-6.26030']],
  FI: [['Helsinki', '18', '60.16990', '24.93840']],
};
const NO_PLACE: Place = ['', '', '0.00000', '0.00000'];

/** Cloudflare data centres near each country: IATA code and a colo id. */
type Colo = readonly [string, number];
const COLOS: Readonly<Record<string, readonly Colo[]>> = {
  US: [['IAD', 21], ['ORD', 39], ['LAX', 35], ['SEA', 40], ['DFW', 20], ['EWR', 14]],
  CA: [['YYZ', 111], ['YUL', 163]],
  MX: [['QRO', 387]],
  BR: [['GRU', 98], ['GIG', 199]],
  GB: [['LHR', 50], ['MAN', 146]],
  IE: [['DUB', 54]],
  DE: [['FRA', 55], ['TXL', 147], ['MUC', 144]],
  FR: [['CDG', 53], ['MRS', 180]],
  NL: [['AMS', 51]],
  BE: [['BRU', 64]],
  ES: [['MAD', 58]],
  IT: [['MXP', 57]],
  SE: [['ARN', 66]],
  FI: [['HEL', 67]],
  PL: [['WAW', 68]],
  RU: [['DME', 129]],
  TR: [['IST', 125]],
  IN: [['BOM', 74], ['BLR', 302]],
  SG: [['SIN', 18]],
  JP: [['NRT', 22], ['KIX', 81]],
  KR: [['ICN', 102]],
  CN: [['HKG', 10]],
  ID: [['CGK', 159]],
  VN: [['SGN', 221]],
  AU: [['SYD', 16], ['MEL', 61]],
};
const FALLBACK_COLOS: readonly Colo[] = [['FRA', 55], ['AMS', 51], ['LHR', 50]];

const TLS13_CIPHERS = ['AEAD-AES128-GCM-SHA256', 'AEAD-AES256-GCM-SHA384', 'AEAD-CHACHA20-POLY1305-SHA256'];
const TLS12_CIPHERS = ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'];

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  css: 'text/css',
  js: 'application/javascript',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  svg: 'image/svg+xml',
  webp: 'image/webp',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  txt: 'text/plain',
  xml: 'application/xml',
  json: 'application/json',
};

// --- helpers ------------------------------------------------------------------------------

/** FNV-1a of a string, 32 bits: stable per client, so a user agent keeps its TLS fingerprint. */
function fnv(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** 32 hex digits derived from a text (a JA3 hash). */
const md5Like = (text: string): string => hex8(fnv(text, 1)) + hex8(fnv(text, 2)) + hex8(fnv(text, 3)) + hex8(fnv(text, 4));

/** A JA4 fingerprint: `t13d1516h2_8daaf6152771_02713d6af862` (stable per client and protocol). */
function ja4Of(ua: string, tls: string, version: string): string {
  const proto = version === 'HTTP/3' ? 'q' : 't';
  const tv = tls === 'TLSv1.3' ? '13' : '12';
  const browser = /Mozilla\/5\.0/.test(ua) && !/bot|crawler|spider/i.test(ua);
  const ciphers = browser ? 15 + (fnv(ua) % 3) : 10 + (fnv(ua) % 20);
  const extensions = browser ? 16 : 8 + (fnv(ua, 7) % 8);
  const alpn = version === 'HTTP/1.1' ? 'h1' : version === 'HTTP/3' ? 'h3' : 'h2';
  return `${proto}${tv}d${String(ciphers).padStart(2, '0')}${String(extensions).padStart(2, '0')}${alpn}_${md5Like(`c${ua}`).slice(0, 12)}_${md5Like(`e${ua}`).slice(0, 12)}`;
}

/** Unix seconds → RFC 3339 at whole seconds, as Logpush's `rfc3339` writes. */
const rfc3339 = (seconds: number): string => `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;

function deviceOf(ua: string): string {
  if (/iPad|Tablet/.test(ua)) return 'tablet';
  if (/Mobile|Android|iPhone/.test(ua)) return 'mobile';
  return 'desktop';
}

const PLACEHOLDER_START = '\u0001start\u0001';
const PLACEHOLDER_END = '\u0001end\u0001';
const QUOTED_START = JSON.stringify(PLACEHOLDER_START);
const QUOTED_END = JSON.stringify(PLACEHOLDER_END);

// --- records ------------------------------------------------------------------------------

/** Options of {@link LogpushWriter}. */
export interface LogpushWriterOptions {
  /** The generator's seed: the non-request fields get a random stream of their own from it. */
  seed: number;
  timestamps?: TimestampFormat;
  reference: ReferenceRuleset;
}

/** Turns generated requests into Logpush `http_requests` lines, in order (it holds a random stream). */
export class LogpushWriter {
  private readonly rng: Rng;
  private readonly timestamps: TimestampFormat;
  private readonly reference: ReferenceRuleset;

  constructor(options: LogpushWriterOptions) {
    // A stream apart from the generator's: request values stay those of `--format ndjson`.
    this.rng = new Rng(createRandom((options.seed ^ 0x4c6f6770) >>> 0));
    this.timestamps = options.timestamps ?? DEFAULT_TIMESTAMP_FORMAT;
    this.reference = options.reference;
  }

  /** What the reference ruleset decides for a request (with its clearance, at its time). */
  decide(request: GeneratedRequest): Decision {
    return this.reference.ruleset.evaluate(request.values, { now: request.now, ...(request.clearance !== undefined && { clearance: request.clearance }) });
  }

  /** One record as a JSON line (without the newline). */
  line(request: GeneratedRequest, decision: Decision = this.decide(request)): string {
    const { record, start, end } = this.build(request, decision);
    let text = JSON.stringify(record);
    // Nanosecond counts exceed 2^53: they are written with all their digits, as Logpush does.
    if (this.timestamps === 'unixnano') text = text.replace(QUOTED_START, start).replace(QUOTED_END, end);
    return text;
  }

  private build(request: GeneratedRequest, decision: Decision): { record: Record<string, unknown>; start: string; end: string } {
    const rng = this.rng;
    const v = request.values;
    const host = v['http.host'] as string;
    const uri = v['http.request.uri'] as string;
    const path = v['http.request.uri.path'] as string;
    const extension = v['http.request.uri.path.extension'] as string;
    const method = v['http.request.method'] as string;
    const version = v['http.request.version'] as string;
    const ua = v['http.user_agent'] as string;
    const ssl = v.ssl as boolean;
    const tls = v['cf.tls_version'] as string | undefined;
    const country = v['ip.src.country'] as string;
    const verified = v['cf.bot_management.verified_bot'] === true;
    const score = v['cf.bot_management.score'] as number;
    const headers = v['http.request.headers'] as Record<string, string[]>;
    const cookies = v['http.request.cookies'] as Record<string, string[]> | undefined;
    const referer = (v['http.referer'] as string | undefined) ?? '';
    const waf = v['cf.waf.score'] as number;
    const wafClass = v['cf.waf.score.class'] as string;
    const msec = v['http.request.timestamp.msec'] as number;

    // What happened to the request: blocked or challenged at the edge, else served.
    const ended = decision.action !== 'allow';
    const isStatic = STATIC_EXTENSIONS.has(extension);
    const api = host === 'api.example.com';
    let status: number;
    if (decision.action === 'block') status = decision.response?.status_code ?? 403;
    else if (ended) status = 403;
    else if (/\.(php|env|sql|bak|git)|^\/\.|^\/(wp-|cgi-bin|phpmyadmin|vendor)/.test(path)) status = 404;
    else if (api) status = method === 'POST' ? 201 : method === 'DELETE' ? 204 : rng.chance(0.97) ? 200 : rng.pick([400, 404, 429, 500]);
    else if (method === 'POST') status = rng.chance(0.7) ? 302 : 200;
    else status = rng.chance(0.9) ? 200 : rng.pick([304, 304, 301, 404, 500]);

    const cache = ended ? 'unknown' : api || method !== 'GET' ? 'dynamic' : isStatic ? rng.pick(['hit', 'hit', 'hit', 'hit', 'miss', 'revalidated', 'expired']) : rng.chance(0.85) ? 'dynamic' : 'bypass';
    const toOrigin = !ended && cache !== 'hit';
    const contentType = ended
      ? decision.response?.content_type ?? 'text/html'
      : api
        ? 'application/json'
        : (CONTENT_TYPES[extension] ?? 'text/html');
    const body = status === 304 || status === 204 ? 0 : ended ? rng.int(1200, 9000) : isStatic ? rng.int(2_000, 180_000) : api ? rng.int(80, 6_000) : rng.int(6_000, 60_000);
    const compressible = /text|json|javascript|xml|svg/.test(contentType);
    const ratio = compressible && body > 1000 ? Math.round((2 + rng.next() * 4) * 100) / 100 : 1;
    const responseHeaderBytes = rng.int(420, 980);
    const originMs = toOrigin ? rng.int(8, api ? 180 : 450) : 0;
    const rtt = rng.int(4, 180);
    const ttfb = ended ? rng.int(1, 6) : toOrigin ? originMs + rng.int(2, 30) : rng.int(1, 12);
    const totalMs = ttfb + rng.int(0, Math.max(1, Math.round(body / 20_000)) * 5);

    // Timestamps: the request's second and millisecond, plus nanoseconds kept clear of the
    // millisecond's edges (a JSON number of nanoseconds is off by up to 128 ns once parsed).
    const startNs = BigInt(request.now) * 1_000_000_000n + BigInt(msec) * 1_000_000n + BigInt(rng.int(1_000, 998_999));
    const endNs = startNs + BigInt(totalMs) * 1_000_000n + BigInt(rng.int(0, 999_999));
    const time = (ns: bigint, placeholder: string): string | number => {
      if (this.timestamps === 'unixnano') return placeholder;
      const seconds = Number(ns / 1_000_000_000n);
      return this.timestamps === 'unix' ? seconds : rfc3339(seconds);
    };

    const [city, region, lat, lon] = rng.pick(PLACES[country] ?? [NO_PLACE]);
    const [coloCode, coloId] = rng.pick(COLOS[country] ?? FALLBACK_COLOS);
    const cipher = !ssl ? 'NONE' : tls === 'TLSv1.3' ? rng.pick(TLS13_CIPHERS) : rng.pick(TLS12_CIPHERS);
    const requestHeaders: Record<string, string> = {};
    for (const [name, list] of Object.entries(headers)) {
      if (name === 'host' || name === 'user-agent' || name === 'referer' || name === 'cookie') continue;
      requestHeaders[name] = list.join(', ');
    }
    const cookieField: Record<string, string> = {};
    if (cookies !== undefined) for (const [name, list] of Object.entries(cookies)) cookieField[name] = list[0] ?? '';
    const requestBytes = 40 + uri.length + host.length + ua.length + referer.length + Object.entries(headers).reduce((n, [k, l]) => n + k.length + l.join(', ').length + 4, 0);
    const category = (v['cf.verified_bot_category'] as string | undefined) ?? '';
    const botSource = verified ? 'Verified Bot' : score === 1 ? rng.pick(['Heuristics', 'Heuristics', 'Machine Learning']) : score >= 90 && rng.chance(0.3) ? 'JS Fingerprinting' : 'Machine Learning';
    const ipClass = verified
      ? category === 'Search Engine Crawler'
        ? 'searchEngine'
        : category === 'Monitoring & Analytics'
          ? 'monitoringService'
          : 'allowlist'
      : request.category === 'bad-bot' && rng.chance(0.4)
        ? rng.pick(['badHost', 'scan', 'tor'])
        : 'noRecord';
    const originIp = toOrigin ? (api ? '198.18.7.20' : rng.pick(['198.18.7.10', '198.18.7.11'])) : '';
    const classSpelling = wafClass === 'likely_attack' ? 'likelyAttack' : wafClass === 'likely_clean' ? 'likelyClean' : wafClass;

    const record: Record<string, unknown> = {
      BotDetectionIDs: score === 1 && !verified ? [rng.pick([33554817, 50331651, 201326592])] : [],
      BotDetectionTags: [],
      BotScore: score,
      BotScoreSrc: botSource,
      BotTags: api ? ['api'] : [],
      CacheCacheStatus: cache,
      CacheResponseBytes: cache === 'hit' || toOrigin ? body + responseHeaderBytes : 0,
      CacheResponseStatus: ended ? 0 : status,
      CacheTieredFill: toOrigin && isStatic,
      ClientASN: v['ip.src.asnum'],
      ClientCity: city,
      ClientCountry: country.toLowerCase(),
      ClientDeviceType: deviceOf(ua),
      ClientIP: v['ip.src'],
      ClientIPClass: ipClass,
      ClientLatitude: lat,
      ClientLongitude: lon,
      ClientRegionCode: region,
      ClientRequestBytes: requestBytes,
      ClientRequestHost: host,
      ClientRequestMethod: method,
      ClientRequestPath: path,
      ClientRequestProtocol: version,
      ClientRequestReferer: referer,
      ClientRequestScheme: ssl ? 'https' : 'http',
      ClientRequestSource: 'eyeball',
      ClientRequestURI: uri,
      ClientRequestUserAgent: ua,
      ClientSSLCipher: cipher,
      ClientSSLProtocol: ssl ? (tls ?? 'TLSv1.3') : 'none',
      ClientSrcPort: rng.int(1024, 65535),
      ClientTCPRTTMs: version === 'HTTP/3' ? 0 : rtt,
      ClientXRequestedWith: '',
      Cookies: cookieField,
      EdgeColoCode: coloCode,
      EdgeColoID: coloId,
      EdgeEndTimestamp: time(endNs, PLACEHOLDER_END),
      EdgeRequestHost: toOrigin ? host : '',
      EdgeResponseBodyBytes: body,
      EdgeResponseBytes: body + responseHeaderBytes,
      EdgeResponseCompressionRatio: ratio,
      EdgeResponseContentType: contentType,
      EdgeResponseStatus: status,
      EdgeServerIP: toOrigin ? `172.70.${rng.int(0, 255)}.${rng.int(1, 254)}` : '',
      EdgeStartTimestamp: time(startNs, PLACEHOLDER_START),
      EdgeTimeToFirstByteMs: ttfb,
      JA3Hash: ssl ? md5Like(`${ua}|${tls}`) : '',
      JA4: ssl ? ja4Of(ua, tls ?? 'TLSv1.3', version) : '',
      JA4Signals: ssl
        ? {
            browser_ratio_1h: Math.round(rng.next() * 100) / 100,
            cache_ratio_1h: Math.round(rng.next() * 100) / 100,
            h2h3_ratio_1h: Math.round(rng.next() * 100) / 100,
            heuristic_ratio_1h: Math.round(rng.next() * 10) / 100,
            ips_quantile_1h: Math.round(rng.next() * 100) / 100,
            ips_rank_1h: rng.int(1, 50_000),
            paths_rank_1h: rng.int(1, 50_000),
            reqs_quantile_1h: Math.round(rng.next() * 100) / 100,
            reqs_rank_1h: rng.int(1, 50_000),
            uas_rank_1h: rng.int(1, 50_000),
          }
        : {},
      LeakedCredentialCheckResult: method === 'POST' && path === '/login' ? rng.pick(['clean', 'clean', 'clean', 'password_leaked']) : 'none',
      OriginDNSResponseTimeMs: toOrigin ? rng.int(0, 3) : 0,
      OriginIP: originIp,
      OriginRequestHeaderSendDurationMs: toOrigin ? rng.int(0, 2) : 0,
      OriginResponseDurationMs: originMs,
      OriginResponseHeaderReceiveDurationMs: toOrigin ? Math.max(1, originMs - rng.int(0, 5)) : 0,
      OriginResponseStatus: toOrigin ? status : 0,
      OriginSSLProtocol: toOrigin ? 'TLSv1.3' : 'unknown',
      OriginTCPHandshakeDurationMs: toOrigin ? rng.int(0, 12) : 0,
      OriginTLSHandshakeDurationMs: toOrigin ? rng.int(0, 20) : 0,
      ParentRayID: '00',
      RayID: v['cf.ray_id'],
      RequestHeaders: requestHeaders,
      ...securityFields(decision, this.reference.descriptions),
      UpperTierColoID: toOrigin && isStatic ? 55 : 0,
      VerifiedBotCategory: category,
      WAFAttackScore: waf,
      WAFAttackScoreClass: classSpelling,
      WAFRCEAttackScore: v['cf.waf.score.rce'],
      WAFSQLiAttackScore: v['cf.waf.score.sqli'],
      WAFXSSAttackScore: v['cf.waf.score.xss'],
      ZoneName: v['cf.zone.name'],
    };
    return { record, start: startNs.toString(), end: endNs.toString() };
  }
}
