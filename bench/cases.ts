/**
 * The predicate cases: one filter each, with the equivalent hand-written JavaScript (the
 * floor) and, where CEL can express it, the equivalent CEL expression.
 *
 * Every implementation of a case receives the same requests; the suite checks that they all
 * give the same boolean for every request before timing anything.
 *
 * @module
 */
import ipaddr from 'ipaddr.js';
import type { SchemeOptions } from '../src/index.js';
import { benignRequest, BROWSER_HEADER_NAMES, probeAddresses, randomIpv4Cidrs, randomIpv6Cidrs, USER_AGENTS, type Cidr } from './data.js';

/** CEL variable types, as `@marcbachmann/cel-js` declares them (`string`, `int`, `bool`, `list<string>`). */
export type CelType = 'string' | 'int' | 'bool' | 'list<string>';

/** The CEL side of a case. */
export interface CelCase {
  /** The CEL expression (both CEL engines). */
  expression: string;
  /** A variant for `@marcbachmann/cel-js` when it needs one (it uses JS `RegExp`: no `(?i)`). */
  celJsExpression?: string;
  /** Variables (flat names: CEL's best case, no member access) and their types. */
  variables: Record<string, CelType>;
  /** The activation for one request; built once per request, outside the timed loop. */
  activation(values: Record<string, unknown>): Record<string, unknown>;
}

/** One predicate case. */
export interface PredicateCase {
  name: string;
  description: string;
  /** The wirefilter expression. */
  expression: string;
  /** Options for `scheme.compile`/`parseExpression` (e.g. a longer maximum length). */
  options?: SchemeOptions;
  /** Request values, one object per request (full Cloudflare-style requests). */
  inputs: Record<string, unknown>[];
  /**
   * The hand-written JavaScript predicate. `prepare` turns the request into whatever the
   * function wants (e.g. a parsed IP), once per request, outside the timed loop — the
   * analogue of `scheme.context(values)`.
   */
  floor: { prepare?(values: Record<string, unknown>): unknown; exec(prepared: any): boolean; note?: string };
  cel?: CelCase;
  /** Counts towards "simple filters within 2× of the floor". */
  simple: boolean;
  /** Parse/compile take milliseconds (huge set literals): fewer samples. */
  heavy?: boolean;
  /** For CIDR-set cases: the blocks, for the IpRangeSet build/has measurements. */
  cidrs?: Cidr[];
  /**
   * Execution only (a variant of another case with the same expression): no parse, compile,
   * set-build or interpreter rows, which the other case already measures.
   */
  executeOnly?: boolean;
}

/** Number of distinct client addresses the `-rotating` CIDR cases cycle through. */
export const ROTATING_CLIENTS = 1_024;

const withField = (field: string, values: unknown[]): Record<string, unknown>[] =>
  values.map((v) => ({ ...benignRequest(), [field]: v }));

const str = (v: unknown): string => v as string;

// --- IP helpers for the floor (parsed with ipaddr.js, independent of our parser) ------------

/** A pre-parsed IP for the floor: IPv4 as one unsigned int, IPv6 as four words. */
interface FloorIp {
  v4: number;
  v6: Uint32Array | undefined;
}

function floorIp(text: unknown): FloorIp | undefined {
  if (typeof text !== 'string' || !ipaddr.isValid(text)) return undefined;
  const bytes = ipaddr.parse(text).toByteArray();
  if (bytes.length === 4) return { v4: ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0, v6: undefined };
  const w = new Uint32Array(4);
  for (let i = 0; i < 4; i++) w[i] = ((bytes[4 * i]! << 24) | (bytes[4 * i + 1]! << 16) | (bytes[4 * i + 2]! << 8) | bytes[4 * i + 3]!) >>> 0;
  return { v4: -1, v6: w };
}

const maskOf = (bits: number): number => (bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0);

/**
 * The idiomatic hand-rolled CIDR set: blocks turned into [start, end] ranges, sorted, merged,
 * and binary-searched. IPv4 in two `Uint32Array`s, IPv6 in one `Uint32Array` of 8 words/range.
 */
export function floorCidrSet(cidrs: readonly Cidr[]): (ip: FloorIp | undefined) => boolean {
  const v4 = cidrs.filter((c) => c.family === 4).map((c) => [c.words[0]! >>> 0, (c.words[0]! | ~maskOf(c.prefix)) >>> 0] as [number, number]);
  v4.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged4: [number, number][] = [];
  for (const r of v4) {
    const last = merged4[merged4.length - 1];
    if (last !== undefined && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged4.push([r[0], r[1]]);
  }
  const starts4 = Uint32Array.from(merged4, (r) => r[0]);
  const ends4 = Uint32Array.from(merged4, (r) => r[1]);

  const v6 = cidrs
    .filter((c) => c.family === 6)
    .map((c) => {
      const start = c.words.map((w) => w >>> 0);
      const end = c.words.map((w, k) => (w | ~maskOf(c.prefix - 32 * k)) >>> 0);
      return [...start, ...end];
    });
  const cmp = (a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number): number => {
    for (let k = 0; k < 4; k++) if (a[ai + k] !== b[bi + k]) return a[ai + k]! < b[bi + k]! ? -1 : 1;
    return 0;
  };
  v6.sort((a, b) => cmp(a, 0, b, 0) || cmp(a, 4, b, 4));
  const merged6: number[][] = [];
  for (const r of v6) {
    const last = merged6[merged6.length - 1];
    if (last !== undefined && cmp(r, 0, last, 4) <= 0) {
      if (cmp(r, 4, last, 4) > 0) for (let k = 0; k < 4; k++) last[4 + k] = r[4 + k]!;
    } else merged6.push([...r]);
  }
  const r6 = new Uint32Array(merged6.length * 8);
  merged6.forEach((r, i) => r6.set(r, i * 8));
  const n6 = merged6.length;
  /** Whether range start `i` ≤ address `w` (word by word, most significant first). */
  const startAtOrBefore = (i: number, w: Uint32Array): boolean => {
    const o = i * 8;
    if (r6[o] !== w[0]) return r6[o]! < w[0]!;
    if (r6[o + 1] !== w[1]) return r6[o + 1]! < w[1]!;
    if (r6[o + 2] !== w[2]) return r6[o + 2]! < w[2]!;
    return r6[o + 3]! <= w[3]!;
  };
  /** Whether address `w` ≤ range end `i`. */
  const atOrBeforeEnd = (i: number, w: Uint32Array): boolean => {
    const o = i * 8 + 4;
    if (r6[o] !== w[0]) return w[0]! < r6[o]!;
    if (r6[o + 1] !== w[1]) return w[1]! < r6[o + 1]!;
    if (r6[o + 2] !== w[2]) return w[2]! < r6[o + 2]!;
    return w[3]! <= r6[o + 3]!;
  };

  return (ip) => {
    if (ip === undefined) return false;
    const w = ip.v6;
    if (w === undefined) {
      const x = ip.v4;
      let lo = 0;
      let hi = starts4.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (starts4[mid]! <= x) lo = mid + 1;
        else hi = mid - 1;
      }
      return hi >= 0 && x <= ends4[hi]!;
    }
    let lo = 0;
    let hi = n6 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (startAtOrBefore(mid, w)) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && atOrBeforeEnd(hi, w);
  };
}

// --- the cases ------------------------------------------------------------------------------

const CI_ALTERNATION = '([bB][oO][tT]|[cC][rR][aA][wW][lL][eE][rR]|[sS][pP][iI][dD][eE][rR])';

/** Builds every predicate case. Sizes of the CIDR sets are fixed (10,000 and 100,000). */
export function predicateCases(): PredicateCase[] {
  const cases: PredicateCase[] = [];

  cases.push({
    name: 'bytes-eq',
    description: 'Bytes equality',
    expression: 'http.host eq "www.example.com"',
    inputs: withField('http.host', ['www.example.com', 'api.example.com', 'www.example.org', 'WWW.EXAMPLE.COM']),
    floor: { exec: (v: Record<string, unknown>) => v['http.host'] === 'www.example.com' },
    cel: { expression: 'host == "www.example.com"', variables: { host: 'string' }, activation: (v) => ({ host: v['http.host'] }) },
    simple: true,
  });

  cases.push({
    name: 'int-cmp',
    description: 'Int comparison',
    expression: 'cf.bot_management.score lt 30',
    inputs: withField('cf.bot_management.score', [1, 29, 30, 85]),
    floor: { exec: (v: Record<string, unknown>) => (v['cf.bot_management.score'] as number) < 30 },
    cel: { expression: 'score < 30', variables: { score: 'int' }, activation: (v) => ({ score: BigInt(v['cf.bot_management.score'] as number) }) },
    simple: true,
  });

  cases.push({
    name: 'ip-small-set',
    description: 'IP in a small set (3 CIDRs + 1 address)',
    expression: 'ip.src in {192.0.2.0/24 198.51.100.0/24 203.0.113.7 2001:db8::/32}',
    inputs: withField('ip.src', ['192.0.2.77', '203.0.113.7', '8.8.8.8', '2001:db8::1', '2001:db9::1', '198.51.100.255']),
    floor: {
      prepare: (v) => floorIp(v['ip.src']),
      exec: (ip: FloorIp | undefined) => {
        if (ip === undefined) return false;
        if (ip.v6 !== undefined) return ip.v6[0] === 0x20010db8;
        const x = ip.v4;
        return (x & 0xffffff00) >>> 0 === 0xc0000200 || (x & 0xffffff00) >>> 0 === 0xc6336400 || x === 0xcb007107;
      },
      note: 'IP pre-parsed once per request (like the context)',
    },
    simple: true,
  });

  for (const [size, label] of [
    [10_000, '10k'],
    [100_000, '100k'],
  ] as const) {
    for (const family of [4, 6] as const) {
      const cidrs = family === 4 ? randomIpv4Cidrs(size, 0x5eed0000 + size) : randomIpv6Cidrs(size, 0x5eed6000 + size);
      const membership = floorCidrSet(cidrs);
      cases.push({
        name: `ip-cidr-${label}-v${family}`,
        description: `IP in ${size.toLocaleString('en-US')} random IPv${family} CIDRs`,
        expression: `ip.src in {${cidrs.map((c) => c.text).join(' ')}}`,
        options: { maxExpressionLength: 100_000_000 },
        inputs: withField('ip.src', probeAddresses(cidrs, 8, 0xab0000 + size + family)),
        floor: { prepare: (v) => floorIp(v['ip.src']), exec: membership, note: 'sorted merged ranges + binary search' },
        simple: false,
        heavy: true,
        cidrs,
      });
      if (size === 100_000) {
        // Real traffic: a different client on nearly every request. 1,024 distinct random
        // addresses (half inside a block, half anywhere) in rotation, so the lookups do not
        // all hit the same few cache lines as the 8-address case above does.
        cases.push({
          name: `ip-cidr-${label}-v${family}-rotating`,
          description: `IP in ${size.toLocaleString('en-US')} random IPv${family} CIDRs, ${ROTATING_CLIENTS.toLocaleString('en-US')} different client addresses in rotation`,
          expression: `ip.src in {${cidrs.map((c) => c.text).join(' ')}}`,
          options: { maxExpressionLength: 100_000_000 },
          inputs: withField('ip.src', probeAddresses(cidrs, ROTATING_CLIENTS, 0xc10e00 + size + family)),
          floor: { prepare: (v) => floorIp(v['ip.src']), exec: membership, note: 'sorted merged ranges + binary search' },
          simple: false,
          heavy: true,
          executeOnly: true,
        });
      }
    }
  }

  cases.push({
    name: 'contains',
    description: '`contains` on the user agent',
    expression: 'http.user_agent contains "Googlebot"',
    inputs: withField('http.user_agent', USER_AGENTS),
    floor: { exec: (v: Record<string, unknown>) => str(v['http.user_agent']).includes('Googlebot') },
    cel: { expression: 'ua.contains("Googlebot")', variables: { ua: 'string' }, activation: (v) => ({ ua: v['http.user_agent'] }) },
    simple: true,
  });

  const regexCase = (name: string, description: string, field: string, pattern: string, flags: string, inputs: unknown[], cel: string, celJs?: string): PredicateCase => {
    const native = new RegExp(pattern.replace(/^\(\?i\)/, ''), flags);
    const variable = field === 'http.user_agent' ? 'ua' : 'path';
    return {
      name,
      description,
      expression: `${field} matches r"${pattern}"`,
      inputs: withField(field, inputs),
      floor: { exec: (v: Record<string, unknown>) => native.test(str(v[field])), note: 'native RegExp' },
      cel: { expression: cel, celJsExpression: celJs, variables: { [variable]: 'string' }, activation: (v) => ({ [variable]: v[field] }) },
      simple: false,
    };
  };
  cases.push(
    regexCase(
      'matches-alternation',
      '`matches` (?i) literal alternation on the user agent',
      'http.user_agent',
      '(?i)(bot|crawler|spider)',
      'i',
      USER_AGENTS,
      'ua.matches("(?i)(bot|crawler|spider)")',
      `ua.matches("${CI_ALTERNATION}")`,
    ),
  );
  cases.push(
    regexCase(
      'matches-anchored',
      '`matches` anchored path regex',
      'http.request.uri.path',
      '^/api/v[0-9]+/users/[0-9]+/?$',
      '',
      ['/api/v2/users/12345', '/api/v10/users/7/', '/api/v2/users/abc', '/products/widgets/blue-widget', '/api/v2/users/12345/orders'],
      'path.matches("^/api/v[0-9]+/users/[0-9]+/?$")',
    ),
  );
  cases.push(
    regexCase(
      'matches-classes',
      '`matches` class-heavy regex on the user agent',
      'http.user_agent',
      '^[A-Za-z]+/[0-9.]+ \\([^()]*\\) [A-Za-z]+/[0-9.]+ \\([A-Z]+, [a-z]+ [A-Za-z]+\\)',
      '',
      USER_AGENTS,
      'ua.matches(r"^[A-Za-z]+/[0-9.]+ \\([^()]*\\) [A-Za-z]+/[0-9.]+ \\([A-Z]+, [a-z]+ [A-Za-z]+\\)")',
    ),
  );

  cases.push({
    name: 'wildcard',
    description: '`wildcard` (case-insensitive) on the path',
    expression: 'http.request.uri.path wildcard r"/wp-*/*.php"',
    inputs: withField('http.request.uri.path', ['/wp-admin/install.php', '/WP-Content/plugins/x.PHP', '/wp-login.php', '/products/widgets/blue-widget', '/wp-json/wp/v2/users']),
    floor: {
      exec: (v: Record<string, unknown>) => {
        const p = str(v['http.request.uri.path']).toLowerCase();
        if (!p.startsWith('/wp-') || !p.endsWith('.php')) return false;
        const slash = p.indexOf('/', 4);
        return slash >= 0 && slash <= p.length - 5;
      },
    },
    cel: {
      expression: 'path.lowerAscii().matches(r"^/wp-.*/.*\\.php$")',
      variables: { path: 'string' },
      activation: (v) => ({ path: v['http.request.uri.path'] }),
    },
    simple: true,
  });

  const andOr = benignRequest();
  cases.push({
    name: 'and-or-10',
    description: '10-clause and/or expression',
    expression:
      '(http.host eq "www.example.com" or http.host eq "api.example.com") and http.request.method in {"GET" "POST"} and not http.request.uri.path contains "/admin" and ip.src.country ne "KP" and cf.bot_management.score gt 20 and (ssl or http.request.uri.path eq "/health") and http.request.version in {"HTTP/1.1" "HTTP/2"} and not cf.client.bot and ip.src.asnum ne 64512',
    inputs: [
      andOr,
      { ...andOr, 'http.request.uri.path': '/admin/users' },
      { ...andOr, 'cf.bot_management.score': 10 },
      { ...andOr, ssl: false, 'http.request.uri.path': '/health' },
      { ...andOr, 'http.host': 'evil.example' },
      { ...andOr, 'http.request.version': 'HTTP/1.0' },
    ],
    floor: {
      exec: (v: Record<string, unknown>) => {
        const host = v['http.host'];
        const method = v['http.request.method'];
        const path = str(v['http.request.uri.path']);
        const version = v['http.request.version'];
        return (
          (host === 'www.example.com' || host === 'api.example.com') &&
          (method === 'GET' || method === 'POST') &&
          !path.includes('/admin') &&
          v['ip.src.country'] !== 'KP' &&
          (v['cf.bot_management.score'] as number) > 20 &&
          (v.ssl === true || path === '/health') &&
          (version === 'HTTP/1.1' || version === 'HTTP/2') &&
          v['cf.client.bot'] !== true &&
          v['ip.src.asnum'] !== 64512
        );
      },
    },
    cel: {
      expression:
        '(host == "www.example.com" || host == "api.example.com") && method in ["GET", "POST"] && !path.contains("/admin") && country != "KP" && score > 20 && (ssl || path == "/health") && version in ["HTTP/1.1", "HTTP/2"] && !bot && asn != 64512',
      variables: { host: 'string', method: 'string', path: 'string', country: 'string', score: 'int', ssl: 'bool', version: 'string', bot: 'bool', asn: 'int' },
      activation: (v) => ({
        host: v['http.host'],
        method: v['http.request.method'],
        path: v['http.request.uri.path'],
        country: v['ip.src.country'],
        score: BigInt(v['cf.bot_management.score'] as number),
        ssl: v.ssl,
        version: v['http.request.version'],
        bot: v['cf.client.bot'],
        asn: BigInt(v['ip.src.asnum'] as number),
      }),
    },
    simple: true,
  });

  cases.push({
    name: 'headers-any-lower',
    description: 'any(lower(http.request.headers.names[*])[*] eq "x-forwarded-for")',
    expression: 'any(lower(http.request.headers.names[*])[*] eq "x-forwarded-for")',
    inputs: withField('http.request.headers.names', [
      BROWSER_HEADER_NAMES,
      [...BROWSER_HEADER_NAMES, 'X-Forwarded-For'],
      ['Host', 'x-forwarded-for', ...BROWSER_HEADER_NAMES.slice(1)],
      ['Host', 'User-Agent', 'Accept'],
    ]),
    floor: {
      exec: (v: Record<string, unknown>) => (v['http.request.headers.names'] as string[]).some((n) => n.toLowerCase() === 'x-forwarded-for'),
    },
    cel: {
      expression: 'names.exists(n, n.lowerAscii() == "x-forwarded-for")',
      variables: { names: 'list<string>' },
      activation: (v) => ({ names: v['http.request.headers.names'] }),
    },
    simple: false,
  });

  return cases;
}
