/**
 * A deterministic generator of synthetic traffic for the example zone (`example.com`): humans
 * (browsers, staff, visitors holding a challenge clearance), verified bots, bad bots and
 * scanners, clients in cloud networks, IPv6 clients and API clients, with Cloudflare field
 * values (paths, hosts, user agents, lowercase header maps, query arguments, country, ASN, bot
 * score, `cf.client.bot`, TLS, WAF attack scores, …). The same seed always yields the same
 * requests. `wirefilter generate --count 100000 --seed 1 > traffic.ndjson` writes them as NDJSON.
 *
 * Addresses of the office (192.0.2.0/24, 2001:db8:ffff::/48), the VPN (198.51.100.0/24) and
 * the partners (203.0.113.0/26) are the documentation ranges that `examples/lists.json` uses.
 *
 * @module
 */
import { createWriteStream } from 'node:fs';
import { Command, Option } from 'commander';
import type { Clearance } from '../ruleset/types.js';
import type { CommandContext } from './command.js';
import { CliError, EXIT_OK, parseCount, resolvePath, type CliOutput, type Io } from './io.js';

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

// --- randomness ---------------------------------------------------------------------------

/** mulberry32: a small, fast, deterministic PRNG; returns floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Weighted choice tables, built once. */
class Table<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.items = entries.map(([item]) => item);
    let sum = 0;
    this.cumulative = entries.map(([, weight]) => (sum += weight));
    this.total = sum;
  }

  pick(random: () => number): T {
    const x = random() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.cumulative[mid]! > x) high = mid;
      else low = mid + 1;
    }
    return this.items[low]!;
  }
}

class Rng {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += HEX[Math.floor(this.next() * 16)];
    return out;
  }
  token(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += TOKEN[Math.floor(this.next() * TOKEN.length)];
    return out;
  }
}

const HEX = '0123456789abcdef';
const TOKEN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// --- networks -----------------------------------------------------------------------------

/** An access network: ASN, IPv4 prefixes (1–3 octets) and an IPv6 prefix (whole groups). */
interface Network {
  asn: number;
  v4: readonly string[];
  v6: string;
}

interface Country {
  code: string;
  continent: string;
  eu: boolean;
  networks: readonly Network[];
}

const net = (asn: number, v4: string[], v6: string): Network => ({ asn, v4, v6 });

const COUNTRY_LIST: readonly (readonly [Country, number])[] = [
  [{ code: 'US', continent: 'NA', eu: false, networks: [net(7922, ['73', '98', '24'], '2601'), net(7018, ['99', '107'], '2600:1700'), net(701, ['71', '108'], '2600:1000')] }, 28],
  [{ code: 'GB', continent: 'EU', eu: false, networks: [net(2856, ['81', '86'], '2a00:23c0'), net(5089, ['82'], '2a02:c7c')] }, 8],
  [{ code: 'DE', continent: 'EU', eu: true, networks: [net(3320, ['79', '84', '91'], '2003'), net(3209, ['88', '94'], '2a02:810')] }, 8],
  [{ code: 'FR', continent: 'EU', eu: true, networks: [net(3215, ['90', '86'], '2a01:cb00'), net(12322, ['82', '88'], '2a01:e0a')] }, 6],
  [{ code: 'IN', continent: 'AS', eu: false, networks: [net(55836, ['49', '157'], '2409:4000'), net(24560, ['122', '106'], '2401:4900')] }, 7],
  [{ code: 'BR', continent: 'SA', eu: false, networks: [net(28573, ['177', '189'], '2804:14c'), net(18881, ['179', '191'], '2804:7f0')] }, 5],
  [{ code: 'JP', continent: 'AS', eu: false, networks: [net(4713, ['118', '153'], '2400:4050'), net(2516, ['106', '111'], '2001:268')] }, 4],
  [{ code: 'CA', continent: 'NA', eu: false, networks: [net(812, ['99', '174'], '2607:fea8'), net(577, ['70', '142'], '2607:fa48')] }, 4],
  [{ code: 'AU', continent: 'OC', eu: false, networks: [net(1221, ['120', '101'], '2001:8003')] }, 3],
  [{ code: 'NL', continent: 'EU', eu: true, networks: [net(1136, ['77', '145'], '2a02:a40')] }, 3],
  [{ code: 'ES', continent: 'EU', eu: true, networks: [net(3352, ['83', '88'], '2a0c:5a80')] }, 3],
  [{ code: 'IT', continent: 'EU', eu: true, networks: [net(3269, ['79', '93'], '2a01:827')] }, 3],
  [{ code: 'SE', continent: 'EU', eu: true, networks: [net(3301, ['78', '90'], '2001:2002')] }, 2],
  [{ code: 'PL', continent: 'EU', eu: true, networks: [net(5617, ['83', '89'], '2a01:110f')] }, 2],
  [{ code: 'MX', continent: 'NA', eu: false, networks: [net(8151, ['187', '189'], '2806:2f0')] }, 2],
  [{ code: 'KR', continent: 'AS', eu: false, networks: [net(4766, ['175', '211'], '2001:2d8')] }, 2],
  [{ code: 'CN', continent: 'AS', eu: false, networks: [net(4134, ['113', '114', '183'], '240e'), net(4837, ['123', '112'], '2408')] }, 3],
  [{ code: 'RU', continent: 'EU', eu: false, networks: [net(12389, ['95', '178'], '2a02:2698'), net(8402, ['85', '89'], '2a00:1fa0')] }, 2],
  [{ code: 'TR', continent: 'AS', eu: false, networks: [net(9121, ['78', '88'], '2a02:ff0')] }, 2],
  [{ code: 'ID', continent: 'AS', eu: false, networks: [net(7713, ['36', '180'], '2001:448a')] }, 2],
  [{ code: 'VN', continent: 'AS', eu: false, networks: [net(45899, ['113', '14'], '2405:4800')] }, 1],
  [{ code: 'IR', continent: 'AS', eu: false, networks: [net(58224, ['5', '2'], '2a01:5ec0')] }, 0.3],
  [{ code: 'KP', continent: 'AS', eu: false, networks: [net(131279, ['175.45'], '2405:a700')] }, 0.05],
  [{ code: 'CU', continent: 'NA', eu: false, networks: [net(27725, ['152.206', '181.225'], '2803:9200')] }, 0.1],
  [{ code: 'SY', continent: 'AS', eu: false, networks: [net(29256, ['5.0', '31.9'], '2a00:ee40')] }, 0.1],
];
const COUNTRIES = new Table(COUNTRY_LIST);
const COUNTRY_BY_CODE = new Map(COUNTRY_LIST.map(([c]) => [c.code, c]));

/** Cloud and hosting networks (their ASNs are in `examples/lists.json` as `cloud_asns`). */
const CLOUDS = new Table<readonly [Network, readonly string[]]>([
  [[net(16509, ['3', '13', '18', '52', '54'], '2600:1f18'), ['US', 'DE', 'JP', 'SG', 'GB']], 30],
  [[net(14618, ['23', '44', '50'], '2600:1f14'), ['US']], 10],
  [[net(15169, ['34', '35'], '2600:1900'), ['US', 'NL', 'BE']], 12],
  [[net(396982, ['34', '35'], '2600:1900:4000'), ['US', 'DE']], 6],
  [[net(8075, ['20', '40', '52'], '2603:1030'), ['US', 'NL', 'IE']], 14],
  [[net(14061, ['159.89', '167.99', '138.68', '206.189'], '2604:a880'), ['US', 'DE', 'NL', 'SG', 'IN']], 10],
  [[net(16276, ['51', '54.36', '137.74'], '2001:41d0'), ['FR', 'CA', 'DE']], 8],
  [[net(24940, ['5.9', '78.46', '88.198', '116.202', '168.119'], '2a01:4f8'), ['DE', 'FI']], 8],
  [[net(63949, ['45.33', '172.104', '139.162'], '2600:3c00'), ['US', 'GB', 'JP']], 5],
  [[net(45102, ['47'], '2401:b180'), ['CN', 'SG']], 4],
]);

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

// --- the site -----------------------------------------------------------------------------

const PRODUCTS = ['trail-runner-2', 'city-backpack', 'merino-hoodie', 'rain-shell', 'canvas-tote', 'wool-socks', 'down-vest', 'hiking-boots', 'sun-hat', 'thermal-mug'];
const CATEGORIES_OF_SHOP = ['shoes', 'bags', 'outerwear', 'accessories', 'sale', 'new-in'];
const POSTS = ['spring-collection', 'how-we-source-wool', 'packing-list-weekend', 'care-guide', 'store-opening-berlin'];
const SEARCH = ['backpack', 'rain jacket', 'socks', 'gift card', 'boots size 42', 'hoodie'];

const HUMAN_PAGES = new Table<(r: Rng) => string>([
  [(r) => '/', 12],
  [(r) => '/products', 6],
  [(r) => `/products/${r.pick(PRODUCTS)}`, 18],
  [(r) => `/category/${r.pick(CATEGORIES_OF_SHOP)}`, 8],
  [(r) => `/search?q=${encodeURIComponent(r.pick(SEARCH)).replace(/%20/g, '+')}`, 6],
  [(r) => `/search?q=${encodeURIComponent(r.pick(SEARCH)).replace(/%20/g, '+')}&page=${r.int(2, 5)}`, 2],
  [(r) => '/cart', 4],
  [(r) => '/checkout', 2],
  [(r) => '/login', 3],
  [(r) => '/account/orders', 2],
  [(r) => `/blog/${r.pick(POSTS)}`, 5],
  [(r) => '/about', 1],
  [(r) => `/static/js/app.${r.hex(8)}.js`, 8],
  [(r) => `/static/css/main.${r.hex(8)}.css`, 6],
  [(r) => `/images/products/${r.pick(PRODUCTS)}.webp`, 10],
  [(r) => '/favicon.ico', 2],
  [(r) => `/products/${r.pick(PRODUCTS)}?utm_source=newsletter&utm_medium=email&utm_campaign=spring`, 2],
  [(r) => '/.well-known/apple-app-site-association', 0.5],
]);

const PROBES = [
  '/.env',
  '/.git/config',
  '/.aws/credentials',
  '/wp-login.php',
  '/xmlrpc.php',
  '/wp-admin/install.php',
  '/phpmyadmin/index.php',
  '/admin/config.php',
  '/admin',
  '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  '/cgi-bin/luci',
  '/server-status',
  '/actuator/env',
  '/.DS_Store',
  '/backup.sql',
];

const ATTACK_QUERIES = [
  "/search?q=1%27%20OR%20%271%27%3D%271",
  '/products?id=1%20UNION%20SELECT%20username,password%20FROM%20users--',
  '/search?q=<script>alert(document.cookie)</script>',
  '/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '/products?id=../../../../etc/passwd',
  '/login?next=javascript:alert(1)',
];

// --- user agents --------------------------------------------------------------------------

const BROWSERS = new Table<(rng: Rng) => { ua: string; chrome: boolean; mobile: boolean }>([
  [(r) => ({ ua: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(120, 131)}.0.0.0 Safari/537.36`, chrome: true, mobile: false }), 30],
  [(r) => ({ ua: `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(120, 131)}.0.0.0 Safari/537.36`, chrome: true, mobile: false }), 10],
  [(r) => ({ ua: `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${r.int(0, 6)} Safari/605.1.15`, chrome: false, mobile: false }), 8],
  [(r) => ({ ua: `Mozilla/5.0 (X11; Linux x86_64; rv:${r.int(120, 133)}.0) Gecko/20100101 Firefox/${r.int(120, 133)}.0`, chrome: false, mobile: false }), 5],
  [(r) => ({ ua: `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${r.int(120, 133)}.0) Gecko/20100101 Firefox/${r.int(120, 133)}.0`, chrome: false, mobile: false }), 6],
  [(r) => ({ ua: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(120, 131)}.0.0.0 Safari/537.36 Edg/${r.int(120, 131)}.0.0.0`, chrome: true, mobile: false }), 7],
  [(r) => ({ ua: `Mozilla/5.0 (iPhone; CPU iPhone OS 17_${r.int(0, 6)} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${r.int(0, 6)} Mobile/15E148 Safari/604.1`, chrome: false, mobile: true }), 18],
  [(r) => ({ ua: `Mozilla/5.0 (Linux; Android ${r.int(12, 14)}; Pixel ${r.int(6, 8)}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(120, 131)}.0.0.0 Mobile Safari/537.36`, chrome: true, mobile: true }), 10],
  [(r) => ({ ua: `Mozilla/5.0 (Linux; Android ${r.int(12, 14)}; SM-S91${r.int(1, 8)}B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36`, chrome: true, mobile: true }), 6],
]);

interface VerifiedBot {
  ua: string;
  asn: number;
  category: string;
  country: string;
  v4: readonly string[];
  v6?: string;
  paths: 'site' | 'robots' | 'preview';
}

const VERIFIED_BOTS = new Table<VerifiedBot>([
  [{ ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', asn: 15169, category: 'Search Engine Crawler', country: 'US', v4: ['66.249.66', '66.249.68', '66.249.79'], v6: '2001:4860:4801:10', paths: 'site' }, 30],
  [{ ua: 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', asn: 15169, category: 'Search Engine Crawler', country: 'US', v4: ['66.249.66', '66.249.70'], v6: '2001:4860:4801:2', paths: 'site' }, 15],
  [{ ua: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', asn: 8075, category: 'Search Engine Crawler', country: 'US', v4: ['157.55.39', '207.46.13', '40.77.167'], paths: 'site' }, 15],
  [{ ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)', asn: 714, category: 'Search Engine Crawler', country: 'US', v4: ['17.241.219', '17.241.75'], paths: 'site' }, 6],
  [{ ua: 'DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)', asn: 8075, category: 'Search Engine Crawler', country: 'US', v4: ['20.191.45'], paths: 'site' }, 4],
  [{ ua: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)', asn: 8075, category: 'AI Crawler', country: 'US', v4: ['20.171.206', '52.230.152'], paths: 'site' }, 8],
  [{ ua: 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)', asn: 16509, category: 'Monitoring & Analytics', country: 'US', v4: ['3.12.251', '18.116.205', '46.137.190'], paths: 'robots' }, 10],
  [{ ua: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', asn: 32934, category: 'Page Preview', country: 'US', v4: ['69.171.249', '173.252.107'], v6: '2a03:2880:f800', paths: 'preview' }, 7],
  [{ ua: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', asn: 16509, category: 'Page Preview', country: 'US', v4: ['54.209.173', '3.89.49'], paths: 'preview' }, 5],
]);

const SCANNER_UAS = [
  'sqlmap/1.7.12#stable (https://sqlmap.org)',
  'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000562)',
  'Nuclei - Open-source project (github.com/projectdiscovery/nuclei)',
  'masscan/1.3 (https://github.com/robertdavidgraham/masscan)',
  'Mozilla/5.0 zgrab/0.x',
  'WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)',
  'DirBuster-1.0-RC1 (http://www.owasp.org/index.php/Category:OWASP_DirBuster_Project)',
];

const SCRIPT_UAS = [
  'python-requests/2.31.0',
  'python-requests/2.32.3',
  'curl/8.4.0',
  'curl/7.81.0',
  'Go-http-client/1.1',
  'Wget/1.21.4',
  'Scrapy/2.11.0 (+https://scrapy.org)',
  'aiohttp/3.9.1',
  'okhttp/3.12.1',
  'Java/17.0.9',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
];

const API_UAS = new Table<readonly [string, boolean]>([
  [['ExampleApp/4.2.1 (iPhone; iOS 17.4.1; Scale/3.00)', true], 25],
  [['ExampleApp/4.2.0 (Android 14; Pixel 8)', true], 18],
  [['okhttp/4.12.0', true], 8],
  [['axios/1.6.8', false], 10],
  [['Go-http-client/2.0', false], 10],
  [['python-requests/2.31.0', false], 8],
  [['PostmanRuntime/7.37.0', false], 3],
  [['ExamplePartnerSync/1.3 (+https://partner.example.net)', false], 6],
  [['node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', false], 5],
]);

const LANGUAGES: Record<string, string> = {
  US: 'en-US,en;q=0.9', GB: 'en-GB,en;q=0.9', DE: 'de-DE,de;q=0.9,en;q=0.8', FR: 'fr-FR,fr;q=0.9,en;q=0.8', IN: 'en-IN,en;q=0.9,hi;q=0.8',
  BR: 'pt-BR,pt;q=0.9,en;q=0.8', JP: 'ja-JP,ja;q=0.9', CA: 'en-CA,en;q=0.9,fr-CA;q=0.8', AU: 'en-AU,en;q=0.9', NL: 'nl-NL,nl;q=0.9,en;q=0.8',
  ES: 'es-ES,es;q=0.9', IT: 'it-IT,it;q=0.9', SE: 'sv-SE,sv;q=0.9,en;q=0.8', PL: 'pl-PL,pl;q=0.9', MX: 'es-MX,es;q=0.9', KR: 'ko-KR,ko;q=0.9',
  CN: 'zh-CN,zh;q=0.9', RU: 'ru-RU,ru;q=0.9', TR: 'tr-TR,tr;q=0.9', ID: 'id-ID,id;q=0.9', VN: 'vi-VN,vi;q=0.9',
};

const STATIC_EXTENSIONS = new Set(['js', 'css', 'png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'ico', 'woff', 'woff2', 'ttf', 'map', 'txt', 'xml']);

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
    'cf.bot_management.static_resource': STATIC_EXTENSIONS.has(extension),
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

const HOSTS = new Table<string>([
  ['www.example.com', 70],
  ['example.com', 10],
  ['shop.example.com', 10],
  ['blog.example.com', 8],
  ['WWW.Example.com', 0.5],
]);

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

const API_ROUTES = new Table<(rng: Rng) => readonly [string, string]>([
  [(r) => ['GET', `/v1/products?page=${r.int(1, 20)}&limit=50`], 20],
  [(r) => ['GET', `/v1/products/${r.int(1000, 9999)}`], 18],
  [(r) => ['GET', `/v1/search?q=${encodeURIComponent(r.pick(SEARCH)).replace(/%20/g, '+')}`], 8],
  [(r) => [r.chance(0.6) ? 'GET' : 'POST', '/v1/cart'], 10],
  [(r) => ['POST', `/v1/orders`], 5],
  [(r) => ['GET', `/v1/orders/${r.hex(12)}`], 6],
  [() => ['GET', '/v1/users/me'], 8],
  [(r) => ['PUT', `/v1/users/me/addresses/${r.int(1, 5)}`], 2],
  [(r) => ['DELETE', `/v1/cart/items/${r.int(1, 40)}`], 2],
  [(r) => ['PATCH', `/v2/inventory/${r.hex(8)}`], 3],
  [(r) => ['GET', `/v2/inventory?sku=${r.hex(8).toUpperCase()}`], 5],
  [() => ['GET', '/v1/health'], 6],
  [() => ['GET', '/v1/status'], 2],
  [() => ['OPTIONS', '/v1/products'], 3],
]);

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

const CATEGORY_TABLE = new Table(CATEGORIES.map((c) => [c, CATEGORY_WEIGHTS[c]] as const));

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
  format: 'ndjson' | 'json';
}

async function runGenerate(options: GenerateCommandOptions, io: Io): Promise<number> {
  const count = parseCount(options.count, '--count');
  const seed = parseCount(options.seed, '--seed');
  const start = options.start !== undefined ? parseCount(options.start, '--start') : undefined;
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
    batch.push(requestLine(request));
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
        'The same --seed always gives the same traffic.',
    )
    .option('-n, --count <n>', 'number of requests', '100000')
    .option('-s, --seed <n>', 'random seed', '1')
    .option('--start <unix-seconds>', `time of the first request (default ${DEFAULT_START}, 2026-01-01T00:00:00Z)`)
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .addOption(new Option('-f, --format <format>', 'ndjson (one request per line, what `replay` reads) or json (an array)').choices(['ndjson', 'json']).default('ndjson'))
    .addHelpText('after', '\nExample:\n  $ wirefilter generate --count 100000 --seed 1 > traffic.ndjson')
    .action(async (options: GenerateCommandOptions) => cli.done(await runGenerate(options, cli.io({}))));
}
