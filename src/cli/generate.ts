/**
 * A deterministic generator of synthetic traffic for the example zone (`example.com`): humans
 * (browsers, staff, visitors holding a challenge clearance), verified bots, bad bots and
 * scanners, clients in cloud networks, IPv6 clients and API clients, with Cloudflare field
 * values (paths, hosts, user agents, lowercase header maps, query arguments, country, ASN, bot
 * score, `cf.client.bot`, TLS, WAF attack scores, …). The same seed always yields the same
 * requests. `wirefilter generate --count 100000 --seed 1 > traffic.ndjson` writes them as NDJSON;
 * `--format logpush` writes them as Cloudflare Logpush `http_requests` records instead
 * (`logpush-generate.ts`).
 *
 * Addresses of the office (192.0.2.0/24, 2001:db8:ffff::/48), the VPN (198.51.100.0/24) and
 * the partners (203.0.113.0/26) are the documentation ranges that `examples/lists.json` uses.
 *
 * @module
 */
import { createWriteStream } from 'node:fs';
import { Command, Option } from 'commander';
import { type Clearance, isStaticExtension } from '../index.js';
import type { CommandContext } from './command.js';
import { CliError, EXIT_OK, parseCount, resolvePath, type CliOutput, type Io } from './io.js';
import { DEFAULT_LISTS, DEFAULT_RULESET, DEFAULT_TIMESTAMP_FORMAT, loadReferenceRuleset, LogpushWriter, TIMESTAMP_FORMATS, type TimestampFormat } from './logpush-generate.js';
import { createRandom, Rng, WeightedTable } from './random.js';
import {
  API_ROUTES,
  API_UAS,
  ATTACK_QUERIES,
  BROWSERS,
  CLOUDS,
  COUNTRIES,
  COUNTRY_BY_CODE,
  HOSTS,
  HUMAN_PAGES,
  LANGUAGES,
  POSTS,
  PROBES,
  PRODUCTS,
  SCANNER_UAS,
  SCRIPT_UAS,
  STATIC_EXTENSIONS,
  VERIFIED_BOTS,
  type Country,
  type Network,
} from './traffic-profiles.js';

/** Traffic categories, in the order of {@link CATEGORY_WEIGHTS}. */
export const CATEGORIES = ['human', 'verified-bot', 'bad-bot', 'cloud', 'ipv6', 'api'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Share of each category in generated traffic. */
export const CATEGORY_WEIGHTS: Readonly<Record<Category, number>> = {
  human: 0.5,
  'verified-bot': 0.08,
  'bad-bot': 0.1,
  cloud: 0.1,
  ipv6: 0.1,
  api: 0.12,
};

/** One generated request. */
export interface GeneratedRequest {
  category: Category;
  /** Unix seconds when it arrives. */
  now: number;
  /** Present for visitors holding a `cf_clearance` cookie. */
  clearance?: Clearance;
  /** Cloudflare field values. */
  values: Record<string, unknown>;
}

/** Options of {@link generateRequests}. */
export interface GenerateOptions {
  count: number;
  seed: number;
  /** Unix seconds of the first request (default 2026-01-01T00:00:00Z). */
  start?: number;
  /** Seconds the traffic spans (default one hour). */
  duration?: number;
}

/** 2026-01-01T00:00:00Z. */
export const DEFAULT_START = 1_767_225_600;

// --- addresses ----------------------------------------------------------------------------

function ipv4(rng: Rng, prefix: string): string {
  const octets = prefix.split('.');
  while (octets.length < 3) octets.push(String(rng.int(0, 255)));
  octets.push(String(rng.int(1, 254)));
  return octets.join('.');
}

function ipv6(rng: Rng, prefix: string): string {
  const groups = prefix.split(':');
  while (groups.length < 8) groups.push(rng.int(0, 0xffff).toString(16));
  return groups.join(':');
}

// --- request assembly ---------------------------------------------------------------------

/** What varies between requests; everything else is derived. */
interface Draft {
  host: string;
  method: string;
  /** Path and query, e.g. `/search?q=a`. */
  uri: string;
  ua: string;
  version: string;
  ip: string;
  asn: number;
  country: string;
  ssl: boolean;
  botScore: number;
  verifiedBot: boolean;
  botCategory?: string;
  attack: 'sqli' | 'xss' | 'rce' | undefined;
  headers: Record<string, string[]>;
  cookie?: string;
}

function parseQuery(query: string): { args: Record<string, string[]>; names: string[]; values: string[] } {
  const args: Record<string, string[]> = {};
  const names: string[] = [];
  const values: string[] = [];
  if (query === '') return { args, names, values };
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    names.push(name);
    values.push(value);
    (Object.prototype.hasOwnProperty.call(args, name) ? args[name]! : (args[name] = [])).push(value);
  }
  return { args, names, values };
}

function extensionOf(path: string): string {
  const segment = path.slice(path.lastIndexOf('/') + 1);
  const dot = segment.lastIndexOf('.');
  return dot <= 0 || dot === segment.length - 1 ? '' : segment.slice(dot + 1).toLowerCase();
}

const LANGUAGE_LISTS = new Map<string, readonly string[]>();

/** `en-GB,en;q=0.9` → `["en-GB", "en"]` (a fresh array: requests do not share mutable values). */
function acceptedLanguages(header: string | undefined): string[] {
  if (header === undefined) return [];
  let list = LANGUAGE_LISTS.get(header);
  if (list === undefined) {
    list = header.split(',').filter((x) => x !== '').map((x) => x.split(';')[0]!.trim());
    LANGUAGE_LISTS.set(header, list);
  }
  return [...list];
}

function wafScores(rng: Rng, attack: Draft['attack']): { sqli: number; xss: number; rce: number } {
  const clean = () => rng.int(70, 99);
  const hit = () => rng.int(1, 15);
  return { sqli: attack === 'sqli' ? hit() : clean(), xss: attack === 'xss' ? hit() : clean(), rce: attack === 'rce' ? hit() : clean() };
}

function assemble(rng: Rng, draft: Draft, now: number): Record<string, unknown> {
  const q = draft.uri.indexOf('?');
  const path = q < 0 ? draft.uri : draft.uri.slice(0, q);
  const query = q < 0 ? '' : draft.uri.slice(q + 1);
  const { args, names, values } = parseQuery(query);
  const extension = extensionOf(path);
  const scores = wafScores(rng, draft.attack);
  const waf = Math.min(scores.sqli, scores.xss, scores.rce);
  const headers: Record<string, string[]> = { host: [draft.host], ...draft.headers };
  if (draft.ua !== '') headers['user-agent'] = [draft.ua];
  const country = COUNTRY_BY_CODE.get(draft.country);
  const out: Record<string, unknown> = {
    'http.host': draft.host,
    'http.request.method': draft.method,
    'http.request.version': draft.version,
    'http.request.full_uri': `${draft.ssl ? 'https' : 'http'}://${draft.host}${draft.uri}`,
    'http.request.uri': draft.uri,
    'http.request.uri.path': path,
    'http.request.uri.path.extension': extension,
    'http.request.uri.query': query,
    'http.request.uri.args': args,
    'http.request.uri.args.names': names,
    'http.request.uri.args.values': values,
    'http.request.timestamp.sec': Math.floor(now),
    'http.request.timestamp.msec': rng.int(0, 999),
    'http.user_agent': draft.ua,
    'http.request.headers': headers,
    'http.request.accepted_languages': acceptedLanguages(headers['accept-language']?.[0]),
    'ip.src': draft.ip,
    'ip.src.asnum': draft.asn,
    'ip.src.country': draft.country,
    'ip.src.continent': country?.continent ?? (draft.country === 'US' || draft.country === 'CA' ? 'NA' : 'EU'),
    'ip.src.is_in_european_union': country?.eu ?? false,
    ssl: draft.ssl,
    'cf.edge.server_port': draft.ssl ? 443 : 80,
    'cf.ray_id': rng.hex(16),
    'cf.zone.name': 'example.com',
    'cf.client.bot': draft.verifiedBot,
    'cf.bot_management.score': draft.botScore,
    'cf.bot_management.verified_bot': draft.verifiedBot,
    'cf.bot_management.static_resource': isStaticExtension(extension),
    'cf.waf.score': waf,
    'cf.waf.score.sqli': scores.sqli,
    'cf.waf.score.xss': scores.xss,
    'cf.waf.score.rce': scores.rce,
    'cf.waf.score.class': waf <= 20 ? 'attack' : waf <= 50 ? 'likely_attack' : waf <= 80 ? 'likely_clean' : 'clean',
  };
  if (draft.ssl) out['cf.tls_version'] = draft.version === 'HTTP/3' ? 'TLSv1.3' : rng.chance(0.85) ? 'TLSv1.3' : 'TLSv1.2';
  if (draft.botCategory !== undefined) out['cf.verified_bot_category'] = draft.botCategory;
  const referer = headers.referer?.[0];
  if (referer !== undefined) out['http.referer'] = referer;
  if (draft.cookie !== undefined) {
    out['http.cookie'] = draft.cookie;
    const cookies: Record<string, string[]> = {};
    for (const pair of draft.cookie.split('; ')) {
      const eq = pair.indexOf('=');
      (cookies[pair.slice(0, eq)] ??= []).push(pair.slice(eq + 1));
    }
    out['http.request.cookies'] = cookies;
  }
  const forwarded = headers['x-forwarded-for']?.[0];
  if (forwarded !== undefined) out['http.x_forwarded_for'] = forwarded;
  return out;
}

function browserHeaders(rng: Rng, country: string, chrome: boolean, mobile: boolean, host: string, path: string): Record<string, string[]> {
  const asset = STATIC_EXTENSIONS.has(extensionOf(path));
  const headers: Record<string, string[]> = {
    accept: [asset ? '*/*' : 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'],
    'accept-language': [LANGUAGES[country] ?? 'en-US,en;q=0.9'],
    'accept-encoding': ['gzip, deflate, br, zstd'],
  };
  if (chrome) {
    headers['sec-ch-ua'] = ['"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"'];
    headers['sec-ch-ua-mobile'] = [mobile ? '?1' : '?0'];
  }
  if (!asset) headers['upgrade-insecure-requests'] = ['1'];
  if (asset || rng.chance(0.6)) headers.referer = [rng.chance(0.8) ? `https://${host}/` : rng.pick(['https://www.google.com/', 'https://duckduckgo.com/', 'https://t.co/abc123', 'https://news.ycombinator.com/'])];
  return headers;
}

// --- categories ---------------------------------------------------------------------------

function network(rng: Rng, country: Country): Network {
  return rng.pick(country.networks);
}

function human(rng: Rng, now: number): Omit<GeneratedRequest, 'now' | 'category'> {
  let country = COUNTRIES.pick(rng.next);
  const browser = BROWSERS.pick(rng.next)(rng);
  let host = HOSTS.pick(rng.next);
  let uri = HUMAN_PAGES.pick(rng.next)(rng);
  let ip: string;
  let asn: number;
  const staff = rng.chance(0.06);
  if (staff) {
    // Staff: the office, the VPN, or working from home; admin pages and staging hosts.
    const where = rng.next();
    country = COUNTRY_BY_CODE.get('GB')!;
    if (where < 0.45) {
      ip = ipv4(rng, '192.0.2');
      asn = 64496;
    } else if (where < 0.8) {
      ip = ipv4(rng, '198.51.100');
      asn = 64497;
    } else {
      const home = network(rng, country);
      ip = ipv4(rng, rng.pick(home.v4));
      asn = home.asn;
    }
    if (rng.chance(0.6)) {
      uri = rng.pick(['/admin', '/admin/orders', `/admin/products/${rng.int(100, 999)}/edit`, '/admin/reports?range=7d']);
    } else {
      host = rng.pick(['staging.example.com', 'api.staging.example.com', `preview-${rng.int(100, 999)}.example.com`]);
    }
  } else {
    const n = network(rng, country);
    ip = ipv4(rng, rng.pick(n.v4));
    asn = n.asn;
    // A few visitors wander to staging or admin URLs they should not see.
    if (rng.chance(0.004)) host = `preview-${rng.int(100, 999)}.example.com`;
    if (rng.chance(0.004)) uri = '/admin';
  }
  const path = uri.split('?')[0]!;
  const headers = browserHeaders(rng, country.code, browser.chrome, browser.mobile, host, path);
  const cookie = rng.chance(0.55) ? `session=${rng.token(24)}; cart=${rng.int(0, 5)}${rng.chance(0.3) ? '; consent=all' : ''}` : undefined;
  if (cookie !== undefined) headers.cookie = [cookie];
  const post = path === '/login' || path === '/checkout' ? rng.chance(0.35) : false;
  if (post) headers['content-type'] = ['application/x-www-form-urlencoded'];
  const cleared = rng.chance(0.08);
  return {
    ...(cleared && { clearance: { level: rng.chance(0.7) ? 'managed' : 'interactive', issuedAt: Math.floor(now) - rng.int(0, 2400) } }),
    values: assemble(
      rng,
      {
        host,
        method: post ? 'POST' : 'GET',
        uri,
        ua: browser.ua,
        version: rng.chance(0.75) ? 'HTTP/2' : rng.chance(0.6) ? 'HTTP/3' : 'HTTP/1.1',
        ip,
        asn,
        country: country.code,
        ssl: true,
        botScore: rng.chance(0.03) ? rng.int(10, 29) : rng.int(30, 99),
        verifiedBot: false,
        attack: undefined,
        headers,
        ...(cookie !== undefined && { cookie }),
      },
      now,
    ),
  };
}

function ipv6Client(rng: Rng, now: number): Omit<GeneratedRequest, 'now' | 'category'> {
  const request = human(rng, now);
  const values = request.values;
  const country = COUNTRY_BY_CODE.get(values['ip.src.country'] as string) ?? COUNTRY_BY_CODE.get('US')!;
  // The same visitor over IPv6: the office has its own IPv6 range; everyone else (staff
  // working from home or on the VPN included) comes from their ISP's IPv6 network.
  const office = (values['ip.src'] as string).startsWith('192.0.2.');
  const n = network(rng, country);
  values['ip.src'] = office ? ipv6(rng, '2001:db8:ffff') : ipv6(rng, n.v6);
  if (!office) values['ip.src.asnum'] = n.asn;
  return request;
}

function verifiedBot(rng: Rng, now: number): Omit<GeneratedRequest, 'now' | 'category'> {
  const bot = VERIFIED_BOTS.pick(rng.next);
  const uri =
    bot.paths === 'robots'
      ? rng.pick(['/', '/health', '/robots.txt'])
      : bot.paths === 'preview'
        ? rng.pick([`/products/${rng.pick(PRODUCTS)}`, `/blog/${rng.pick(POSTS)}`, '/'])
        : rng.chance(0.08)
          ? rng.pick(['/robots.txt', '/sitemap.xml'])
          : HUMAN_PAGES.pick(rng.next)(rng);
  const ip = bot.v6 !== undefined && rng.chance(0.25) ? ipv6(rng, bot.v6) : ipv4(rng, rng.pick(bot.v4));
  return {
    values: assemble(
      rng,
      {
        host: rng.chance(0.85) ? 'www.example.com' : 'blog.example.com',
        method: rng.chance(0.95) ? 'GET' : 'HEAD',
        uri,
        ua: bot.ua,
        version: rng.chance(0.6) ? 'HTTP/1.1' : 'HTTP/2',
        ip,
        asn: bot.asn,
        country: bot.country,
        ssl: true,
        botScore: rng.int(1, 10),
        verifiedBot: true,
        botCategory: bot.category,
        attack: undefined,
        headers: { accept: ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'], 'accept-encoding': ['gzip, deflate, br'] },
      },
      now,
    ),
  };
}

function badBot(rng: Rng, now: number): Omit<GeneratedRequest, 'now' | 'category'> {
  const kind = rng.next();
  const country = rng.chance(0.3) ? COUNTRY_BY_CODE.get(rng.pick(['CN', 'RU', 'VN', 'BR', 'IN']))! : COUNTRIES.pick(rng.next);
  const hosting = rng.chance(0.35);
  const cloud = CLOUDS.pick(rng.next);
  const n = network(rng, country);
  const ip = hosting ? ipv4(rng, rng.pick(cloud[0].v4)) : ipv4(rng, rng.pick(n.v4));
  let ua: string;
  let uri: string;
  let attack: Draft['attack'];
  let method = 'GET';
  if (kind < 0.35) {
    // Vulnerability scanners probing for files and admin pages.
    ua = rng.chance(0.5) ? rng.pick(SCANNER_UAS) : rng.pick(SCRIPT_UAS);
    uri = rng.pick(PROBES);
    if (rng.chance(0.2)) method = rng.pick(['POST', 'HEAD', 'PROPFIND', 'TRACE']);
  } else if (kind < 0.55) {
    // Injection attempts in the query string.
    ua = rng.chance(0.3) ? rng.pick(SCANNER_UAS) : rng.chance(0.5) ? rng.pick(SCRIPT_UAS) : BROWSERS.pick(rng.next)(rng).ua;
    uri = rng.pick(ATTACK_QUERIES);
    attack = /UNION|%27/.test(uri) ? 'sqli' : /script/.test(uri) ? 'xss' : 'rce';
  } else if (kind < 0.65) {
    // Credential stuffing.
    ua = rng.chance(0.5) ? BROWSERS.pick(rng.next)(rng).ua : rng.pick(SCRIPT_UAS);
    uri = '/login';
    method = 'POST';
  } else if (kind < 0.72) {
    ua = '';
    uri = rng.chance(0.5) ? '/' : rng.pick(PROBES);
  } else {
    // Scrapers.
    ua = rng.pick(SCRIPT_UAS);
    uri = HUMAN_PAGES.pick(rng.next)(rng);
  }
  const headers: Record<string, string[]> = { accept: ['*/*'] };
  if (method === 'POST') headers['content-type'] = ['application/x-www-form-urlencoded'];
  if (rng.chance(0.1)) headers['x-forwarded-for'] = [ipv4(rng, rng.pick(['10', '172.16', '192.168']))];
  return {
    values: assemble(
      rng,
      {
        host: rng.chance(0.9) ? 'www.example.com' : rng.pick(['example.com', 'shop.example.com', 'api.example.com', 'staging.example.com']),
        method,
        uri,
        ua,
        version: rng.chance(0.8) ? 'HTTP/1.1' : 'HTTP/2',
        ip,
        asn: hosting ? cloud[0].asn : n.asn,
        country: hosting ? rng.pick(cloud[1]) : country.code,
        ssl: rng.chance(0.75),
        botScore: rng.chance(0.6) ? 1 : rng.int(2, 20),
        verifiedBot: false,
        attack,
        headers,
      },
      now,
    ),
  };
}

function cloudClient(rng: Rng, now: number): Omit<GeneratedRequest, 'now' | 'category'> {
  const [cloud, countries] = CLOUDS.pick(rng.next);
  const country = rng.pick(countries);
  const scripted = rng.chance(0.55);
  const browser = BROWSERS.pick(rng.next)(rng);
  const ua = scripted ? rng.pick(SCRIPT_UAS.slice(0, 11)) : browser.ua;
  const uri = HUMAN_PAGES.pick(rng.next)(rng);
  const host = HOSTS.pick(rng.next);
  const headers = scripted ? { accept: ['*/*'] } : browserHeaders(rng, country, browser.chrome, browser.mobile, host, uri.split('?')[0]!);
  return {
    values: assemble(
      rng,
      {
        host,
        method: 'GET',
        uri,
        ua,
        version: scripted ? 'HTTP/1.1' : 'HTTP/2',
        ip: rng.chance(0.1) ? ipv6(rng, cloud.v6) : ipv4(rng, rng.pick(cloud.v4)),
        asn: cloud.asn,
        country,
        ssl: true,
        botScore: scripted ? rng.int(1, 29) : rng.int(2, 60),
        verifiedBot: false,
        attack: undefined,
        headers,
      },
      now,
    ),
  };
}

function apiClient(rng: Rng, now: number): Omit<GeneratedRequest, 'now' | 'category'> {
  const [ua, mobile] = API_UAS.pick(rng.next);
  const [method, uri] = API_ROUTES.pick(rng.next)(rng);
  let ip: string;
  let asn: number;
  let country: string;
  if (mobile) {
    const c = COUNTRIES.pick(rng.next);
    const n = network(rng, c);
    ip = rng.chance(0.4) ? ipv6(rng, n.v6) : ipv4(rng, rng.pick(n.v4));
    asn = n.asn;
    country = c.code;
  } else if (rng.chance(0.3)) {
    // A partner integration from its own addresses.
    ip = `203.0.113.${rng.int(1, 62)}`;
    asn = 64500;
    country = 'NL';
  } else {
    const [cloud, countries] = CLOUDS.pick(rng.next);
    ip = ipv4(rng, rng.pick(cloud.v4));
    asn = cloud.asn;
    country = rng.pick(countries);
  }
  const headers: Record<string, string[]> = { accept: ['application/json'] };
  const auth = rng.next();
  if (auth < 0.72) headers.authorization = [`Bearer ey${rng.token(34)}.${rng.token(40)}`];
  else if (auth < 0.95) headers['x-api-key'] = [`sk_live_${rng.hex(24)}`];
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') headers['content-type'] = ['application/json'];
  if (mobile) headers['x-app-version'] = [ua.split(' ')[0]!.split('/')[1]!];
  return {
    values: assemble(
      rng,
      {
        host: 'api.example.com',
        method,
        uri,
        ua,
        version: mobile ? 'HTTP/2' : rng.chance(0.5) ? 'HTTP/2' : 'HTTP/1.1',
        ip,
        asn,
        country,
        ssl: true,
        botScore: mobile ? rng.int(20, 99) : rng.int(1, 30),
        verifiedBot: false,
        attack: undefined,
        headers,
      },
      now,
    ),
  };
}

const BUILDERS: Record<Category, (rng: Rng, now: number) => Omit<GeneratedRequest, 'now' | 'category'>> = {
  human,
  'verified-bot': verifiedBot,
  'bad-bot': badBot,
  cloud: cloudClient,
  ipv6: ipv6Client,
  api: apiClient,
};

const CATEGORY_TABLE = new WeightedTable(CATEGORIES.map((c) => [c, CATEGORY_WEIGHTS[c]] as const));

/** Generates `count` requests for a seed; the same options always give the same requests. */
export function* generateRequests(options: GenerateOptions): Generator<GeneratedRequest> {
  const rng = new Rng(createRandom(options.seed));
  const start = options.start ?? DEFAULT_START;
  const step = (options.duration ?? 3600) / Math.max(1, options.count);
  for (let i = 0; i < options.count; i++) {
    const category = CATEGORY_TABLE.pick(rng.next);
    const now = Math.floor(start + i * step);
    const request = BUILDERS[category](rng, now);
    yield { category, now, ...request };
  }
}

/** One NDJSON line of a generated request (the replay's `{"values", "clearance"?, "now"}` form). */
export function requestLine(request: GeneratedRequest): string {
  return JSON.stringify({
    category: request.category,
    now: request.now,
    ...(request.clearance !== undefined && { clearance: request.clearance }),
    values: request.values,
  });
}

interface GenerateCommandOptions {
  count: string;
  seed: string;
  output?: string;
  start?: string;
  format: 'ndjson' | 'json' | 'logpush';
  timestamps?: TimestampFormat;
  ruleset?: string;
  lists?: string;
}

async function runGenerate(options: GenerateCommandOptions, io: Io): Promise<number> {
  const count = parseCount(options.count, '--count');
  const seed = parseCount(options.seed, '--seed');
  const start = options.start !== undefined ? parseCount(options.start, '--start') : undefined;
  const logpush = options.format === 'logpush';
  if (!logpush) {
    const misplaced = (['timestamps', 'ruleset', 'lists'] as const).find((key) => options[key] !== undefined);
    if (misplaced !== undefined) throw new CliError(`--${misplaced} applies to --format logpush only`);
  }
  // Logpush records: the Security* fields come from evaluating the reference ruleset.
  const writer = logpush
    ? new LogpushWriter({
        seed,
        timestamps: options.timestamps ?? DEFAULT_TIMESTAMP_FORMAT,
        reference: loadReferenceRuleset({ ...(options.ruleset !== undefined && { ruleset: options.ruleset }), ...(options.lists !== undefined && { lists: options.lists }) }, io.cwd),
      })
    : undefined;
  const file = options.output !== undefined ? createWriteStream(resolvePath(options.output, io.cwd)) : undefined;
  if (file !== undefined) {
    await new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', (e) => reject(new CliError(`cannot write ${options.output}: ${e.message}`)));
    });
  }
  const stream: CliOutput = file ?? io.stdout;
  // `--format json` writes one JSON array (still streamed), NDJSON one object per line.
  const json = options.format === 'json';
  const separator = json ? ',\n' : '\n';
  let batch: string[] = [];
  let first = true;
  const flush = async (): Promise<void> => {
    const text = (first ? (json ? '[\n' : '') : separator) + batch.join(separator);
    first = false;
    batch = [];
    if (!stream.write(text) && stream.once !== undefined) await new Promise((resolve) => stream.once!('drain', resolve));
  };
  for (const request of generateRequests({ count, seed, ...(start !== undefined && { start }) })) {
    batch.push(writer !== undefined ? writer.line(request) : requestLine(request));
    if (batch.length === 512) await flush();
  }
  if (batch.length > 0) await flush();
  stream.write(json ? (first ? '[]\n' : '\n]\n') : first ? '' : '\n');
  if (file !== undefined) await new Promise<void>((resolve) => file.end(resolve));
  return EXIT_OK;
}

/** Defines the `generate` command. */
export function generateCommand(cli: CommandContext): Command {
  return new Command('generate')
    .summary('write deterministic synthetic traffic as NDJSON')
    .description(
      'Write synthetic requests for the example zone as NDJSON, one {"category", "now", "clearance"?, "values"} object per line: ' +
        'humans (including staff and visitors with a challenge clearance), verified bots, bad bots, clients in cloud networks, IPv6 clients and API clients. ' +
        'The same --seed always gives the same traffic. ' +
        'With --format logpush, the same requests as Cloudflare Logpush http_requests records (the fields of a full job, ~2.6 KB each), ' +
        'their Security* fields saying what --ruleset decided (default examples/ruleset.json with examples/lists.json).',
    )
    .option('-n, --count <n>', 'number of requests', '100000')
    .option('-s, --seed <n>', 'random seed', '1')
    .option('--start <unix-seconds>', `time of the first request (default ${DEFAULT_START}, 2026-01-01T00:00:00Z)`)
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .addOption(
      new Option('-f, --format <format>', 'ndjson (one request per line, what `replay` reads), json (an array), or logpush (Cloudflare Logpush http_requests records, one per line)')
        .choices(['ndjson', 'json', 'logpush'])
        .default('ndjson'),
    )
    .addOption(new Option('--timestamps <format>', `logpush: timestamp_format of EdgeStartTimestamp/EdgeEndTimestamp (default ${DEFAULT_TIMESTAMP_FORMAT}, Logpush's default)`).choices([...TIMESTAMP_FORMATS]))
    .option('--ruleset <file>', `logpush: ruleset whose decisions fill the Security* fields (default ${DEFAULT_RULESET})`)
    .option('--lists <file>', `logpush: lists of --ruleset (default ${DEFAULT_LISTS} with the default ruleset)`)
    .addHelpText(
      'after',
      '\nExamples:\n  $ wirefilter generate --count 100000 --seed 1 > traffic.ndjson\n' +
        '  $ wirefilter generate --count 100000 --format logpush -o http_requests.log\n' +
        '  $ wirefilter generate --format logpush --timestamps rfc3339 --ruleset rules.json --lists lists.json > logs.ndjson',
    )
    .action(async (options: GenerateCommandOptions) => cli.done(await runGenerate(options, cli.io({}))));
}
