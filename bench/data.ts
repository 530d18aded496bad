/**
 * Deterministic benchmark data: random CIDR sets and realistic request values, drawn from the
 * repository's seeded PRNG. Every run (and every machine) sees exactly the same data.
 *
 * @module
 */
import { mulberry32 } from '../src/cli/random.js';

const mask32 = (bits: number): number => (bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0);

export const formatIpv4 = (a: number): string => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;

export function formatIpv6(w: readonly number[]): string {
  const groups: string[] = [];
  for (const word of w) groups.push(((word >>> 16) & 0xffff).toString(16), (word & 0xffff).toString(16));
  return groups.join(':');
}

/** A CIDR block: network words (1 for IPv4, 4 for IPv6) and prefix length. */
export interface Cidr {
  family: 4 | 6;
  words: number[];
  prefix: number;
  text: string;
}

/**
 * `count` random IPv4 CIDRs: prefixes /16 … /32, weighted towards /24 and longer (like real
 * block lists), host bits cleared.
 */
export function randomIpv4Cidrs(count: number, seed: number): Cidr[] {
  const r = mulberry32(seed);
  const prefixes = [16, 18, 20, 22, 24, 24, 24, 26, 28, 30, 32, 32, 32, 32];
  const out: Cidr[] = [];
  for (let i = 0; i < count; i++) {
    const prefix = prefixes[r() % prefixes.length]!;
    const address = (r() & mask32(prefix)) >>> 0;
    out.push({ family: 4, words: [address], prefix, text: `${formatIpv4(address)}/${prefix}` });
  }
  return out;
}

/**
 * `count` random IPv6 CIDRs inside `2000::/3`: prefixes /32 … /128, weighted towards /48 and
 * /64 (allocations and subnets), host bits cleared.
 */
export function randomIpv6Cidrs(count: number, seed: number): Cidr[] {
  const r = mulberry32(seed);
  const prefixes = [32, 40, 44, 48, 48, 48, 56, 64, 64, 64, 64, 96, 112, 128];
  const out: Cidr[] = [];
  for (let i = 0; i < count; i++) {
    const prefix = prefixes[r() % prefixes.length]!;
    const w = [((r() & 0x1fffffff) | 0x20000000) >>> 0, r(), r(), r()];
    for (let k = 0; k < 4; k++) w[k] = (w[k]! & mask32(prefix - 32 * k)) >>> 0;
    out.push({ family: 6, words: w, prefix, text: `${formatIpv6(w)}/${prefix}` });
  }
  return out;
}

/**
 * Probe addresses for a CIDR set: alternately a random address inside one of the blocks (a
 * hit) and a uniformly random address of the family (almost always a miss).
 */
export function probeAddresses(cidrs: readonly Cidr[], count: number, seed: number): string[] {
  const r = mulberry32(seed);
  const family = cidrs[0]?.family ?? 4;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      const c = cidrs[r() % cidrs.length]!;
      const w = c.words.map((word, k) => {
        const keep = mask32(c.prefix - 32 * k);
        return ((word & keep) | (r() & ~keep)) >>> 0;
      });
      out.push(family === 4 ? formatIpv4(w[0]!) : formatIpv6(w));
    } else if (family === 4) {
      out.push(formatIpv4(r()));
    } else {
      out.push(formatIpv6([((r() & 0x1fffffff) | 0x20000000) >>> 0, r(), r(), r()]));
    }
  }
  return out;
}

/** Realistic user agents. */
export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/) WebCrawler Spider',
  'curl/8.5.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
];

/** Header names of a typical browser request (original case, as HTTP/1.1 sends them). */
export const BROWSER_HEADER_NAMES = [
  'Host',
  'Connection',
  'Cache-Control',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'Upgrade-Insecure-Requests',
  'User-Agent',
  'Accept',
  'Sec-Fetch-Site',
  'Sec-Fetch-Mode',
  'Sec-Fetch-User',
  'Sec-Fetch-Dest',
  'Accept-Encoding',
  'Accept-Language',
  'Cookie',
];

/** A benign browser request, as Cloudflare field values (no generated rule matches it). */
export function benignRequest(): Record<string, unknown> {
  return {
    'http.host': 'www.example.com',
    'http.request.method': 'GET',
    'http.request.version': 'HTTP/2',
    'http.request.uri': '/products/widgets/blue-widget?ref=homepage&color=blue',
    'http.request.uri.path': '/products/widgets/blue-widget',
    'http.request.uri.query': 'ref=homepage&color=blue',
    'http.request.full_uri': 'https://www.example.com/products/widgets/blue-widget?ref=homepage&color=blue',
    'http.user_agent': USER_AGENTS[0],
    'http.referer': 'https://www.example.com/',
    'http.cookie': 'session=8f2c1e7a9b; theme=dark',
    'http.request.headers': {
      host: ['www.example.com'],
      'user-agent': [USER_AGENTS[0]],
      accept: ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
      'accept-language': ['en-US,en;q=0.9'],
      'accept-encoding': ['gzip, deflate, br'],
      cookie: ['session=8f2c1e7a9b; theme=dark'],
    },
    'http.request.headers.names': BROWSER_HEADER_NAMES,
    'ip.src': '203.0.113.50',
    'ip.src.country': 'US',
    'ip.src.continent': 'NA',
    'ip.src.asnum': 7922,
    ssl: true,
    'cf.client.bot': false,
    'cf.bot_management.score': 85,
    'cf.bot_management.verified_bot': false,
    'cf.waf.score': 92,
    'cf.waf.score.sqli': 95,
    'cf.waf.score.xss': 97,
    'cf.edge.server_port': 443,
    'cf.tls_version': 'TLSv1.3',
  };
}
