/**
 * Realistic generated WAF custom rules over the Cloudflare scheme, each with the equivalent
 * hand-written JavaScript predicate, for the ruleset and compile-throughput benchmarks.
 *
 * Rule `i` uses template `i % TEMPLATES.length` with parameters derived from `i` (and a seeded
 * PRNG), so rules are all distinct. None of them matches {@link benignRequest}; every
 * template can produce a request patch that makes exactly its rule `i` match first.
 *
 * @module
 */
import ipaddr from 'ipaddr.js';
import type { RuleInput } from '../src/index.js';
import { mulberry32 } from '../src/cli/random.js';
import { benignRequest, formatIpv4 } from './data.js';

/** A request prepared for the hand-written rules: the values plus the parsed client IP. */
export interface FloorRequest {
  v: Record<string, any>;
  ip4: number;
  ip6: Uint32Array | undefined;
}

/** Prepares a request for the hand-written rules (once per request, like a context). */
export function floorRequest(values: Record<string, unknown>): FloorRequest {
  const text = values['ip.src'];
  let ip4 = -1;
  let ip6: Uint32Array | undefined;
  if (typeof text === 'string' && ipaddr.isValid(text)) {
    const b = ipaddr.parse(text).toByteArray();
    if (b.length === 4) ip4 = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    else {
      ip6 = new Uint32Array(4);
      for (let k = 0; k < 4; k++) ip6[k] = ((b[4 * k]! << 24) | (b[4 * k + 1]! << 16) | (b[4 * k + 2]! << 8) | b[4 * k + 3]!) >>> 0;
    }
  }
  return { v: values as Record<string, any>, ip4, ip6 };
}

/** One generated rule. */
export interface GeneratedRule {
  rule: RuleInput;
  template: string;
  /** The hand-written predicate. */
  floor: (r: FloorRequest) => boolean;
  /** Whether the action ends the phase (everything but `log`). */
  terminating: boolean;
  /** Field values that make this rule match. */
  patch: Record<string, unknown>;
}

interface Template {
  name: string;
  action: string;
  make(i: number, r: () => number): { expression: string; floor: (q: FloorRequest) => boolean; patch: Record<string, unknown> };
}

const BENIGN_IP = 0xcb007132; // 203.0.113.50
const COUNTRIES = ['CN', 'RU', 'KP', 'IR', 'BR', 'IN', 'VN', 'ID', 'NG', 'PK', 'UA', 'TR', 'RO', 'BD', 'TH', 'EG'];
const maskOf = (bits: number): number => (bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0);

/** The rule templates: what real zones write (paths, hosts, IP blocks, countries, bots, regexes). */
export const TEMPLATES: readonly Template[] = [
  {
    name: 'path-method',
    action: 'block',
    make: (i) => ({
      expression: `http.request.uri.path eq "/p${i}/login" and http.request.method eq "POST"`,
      floor: (q) => q.v['http.request.uri.path'] === `/p${i}/login` && q.v['http.request.method'] === 'POST',
      patch: { 'http.request.uri.path': `/p${i}/login`, 'http.request.method': 'POST' },
    }),
  },
  {
    name: 'ip-cidrs',
    action: 'block',
    make: (_i, r) => {
      const blocks: [number, number][] = [];
      while (blocks.length < 4) {
        const prefix = [16, 20, 24, 24, 28, 32][r() % 6]!;
        const net = (r() & maskOf(prefix)) >>> 0;
        if (((BENIGN_IP & maskOf(prefix)) >>> 0) === net) continue;
        blocks.push([net, prefix]);
      }
      const masks = blocks.map(([net, prefix]) => [net, maskOf(prefix)] as const);
      return {
        expression: `ip.src in {${blocks.map(([net, prefix]) => `${formatIpv4(net)}/${prefix}`).join(' ')}}`,
        floor: (q) => {
          for (const [net, mask] of masks) if (((q.ip4 & mask) >>> 0) === net && q.ip4 >= 0) return true;
          return false;
        },
        patch: { 'ip.src': formatIpv4(blocks[0]![0] + (blocks[0]![1] === 32 ? 0 : 1)) },
      };
    },
  },
  {
    name: 'host-path',
    action: 'managed_challenge',
    make: (i) => ({
      expression: `http.host eq "shop${i}.example.com" and http.request.uri.path contains "/admin"`,
      floor: (q) => q.v['http.host'] === `shop${i}.example.com` && (q.v['http.request.uri.path'] as string).includes('/admin'),
      patch: { 'http.host': `shop${i}.example.com`, 'http.request.uri.path': '/admin/settings' },
    }),
  },
  {
    name: 'ua-contains',
    action: 'block',
    make: (i) => ({
      expression: `http.user_agent contains "scanner-${i}/"`,
      floor: (q) => (q.v['http.user_agent'] as string).includes(`scanner-${i}/`),
      patch: { 'http.user_agent': `Mozilla/5.0 (compatible; scanner-${i}/1.0)` },
    }),
  },
  {
    name: 'country-bot',
    action: 'js_challenge',
    make: (i) => {
      const a = COUNTRIES[i % COUNTRIES.length]!;
      const b = COUNTRIES[(i * 7 + 3) % COUNTRIES.length]!;
      return {
        expression: `ip.src.country in {"${a}" "${b}"} and not cf.client.bot and http.request.uri.path contains "/r${i}/"`,
        floor: (q) => {
          const c = q.v['ip.src.country'];
          return (c === a || c === b) && q.v['cf.client.bot'] !== true && (q.v['http.request.uri.path'] as string).includes(`/r${i}/`);
        },
        patch: { 'ip.src.country': a, 'http.request.uri.path': `/r${i}/index.html` },
      };
    },
  },
  {
    name: 'wildcard',
    action: 'block',
    make: (i) => ({
      expression: `http.request.uri.path wildcard r"/app${i}/*/config*"`,
      floor: (q) => {
        const p = (q.v['http.request.uri.path'] as string).toLowerCase();
        const head = `/app${i}/`;
        if (!p.startsWith(head)) return false;
        const at = p.indexOf('/config', head.length);
        return at >= 0;
      },
      patch: { 'http.request.uri.path': `/app${i}/x/config.json` },
    }),
  },
  {
    name: 'asn-score',
    action: 'managed_challenge',
    make: (i) => {
      const a = 10_000 + 10 * i;
      return {
        expression: `ip.src.asnum in {${a} ${a + 1} ${a + 7}} and cf.bot_management.score lt 30`,
        floor: (q) => {
          const asn = q.v['ip.src.asnum'];
          return (asn === a || asn === a + 1 || asn === a + 7) && (q.v['cf.bot_management.score'] as number) < 30;
        },
        patch: { 'ip.src.asnum': a, 'cf.bot_management.score': 5 },
      };
    },
  },
  {
    name: 'api-method',
    action: 'block',
    make: (i) => ({
      expression: `starts_with(http.request.uri.path, "/api/v${i}/") and not http.request.method in {"GET" "HEAD" "OPTIONS"}`,
      floor: (q) => {
        const m = q.v['http.request.method'];
        return (q.v['http.request.uri.path'] as string).startsWith(`/api/v${i}/`) && !(m === 'GET' || m === 'HEAD' || m === 'OPTIONS');
      },
      patch: { 'http.request.uri.path': `/api/v${i}/items`, 'http.request.method': 'PUT' },
    }),
  },
  {
    name: 'ua-regex',
    action: 'block',
    make: (i) => {
      const re = new RegExp(`(badbot|evilcrawler)-${i}\\b`, 'i');
      return {
        expression: `http.user_agent matches r"(?i)(badbot|evilcrawler)-${i}\\b"`,
        floor: (q) => re.test(q.v['http.user_agent'] as string),
        patch: { 'http.user_agent': `EvilCrawler-${i} (+https://bad.example)` },
      };
    },
  },
  {
    name: 'header-key',
    action: 'block',
    make: (i) => ({
      expression: `any(http.request.headers["x-api-key"][*] eq "revoked-key-${i}")`,
      floor: (q) => {
        const values = (q.v['http.request.headers'] as Record<string, string[]>)['x-api-key'];
        return values !== undefined && values.includes(`revoked-key-${i}`);
      },
      patch: { 'http.request.headers': { ...(benignRequest()['http.request.headers'] as object), 'x-api-key': [`revoked-key-${i}`] } },
    }),
  },
  {
    name: 'query-lower',
    action: 'log',
    make: (i) => ({
      expression: `lower(http.request.uri.query) contains "token=leak${i}&"`,
      floor: (q) => (q.v['http.request.uri.query'] as string).toLowerCase().includes(`token=leak${i}&`),
      patch: { 'http.request.uri.query': `Token=LEAK${i}&x=1` },
    }),
  },
  {
    name: 'referer-or',
    action: 'managed_challenge',
    make: (i) => ({
      expression: `http.referer contains "spam${i}.example" or http.request.uri.query contains "utm_source=spam${i}&"`,
      floor: (q) => (q.v['http.referer'] as string).includes(`spam${i}.example`) || (q.v['http.request.uri.query'] as string).includes(`utm_source=spam${i}&`),
      patch: { 'http.referer': `https://spam${i}.example/landing` },
    }),
  },
  {
    name: 'waf-score',
    action: 'block',
    make: (i) => ({
      expression: `cf.waf.score lt 20 and http.request.uri.path contains "/search${i}/"`,
      floor: (q) => (q.v['cf.waf.score'] as number) < 20 && (q.v['http.request.uri.path'] as string).includes(`/search${i}/`),
      patch: { 'cf.waf.score': 5, 'http.request.uri.path': `/search${i}/q` },
    }),
  },
  {
    name: 'ipv6-method',
    action: 'block',
    make: (i) => ({
      expression: `ip.src in {2001:db8:${(i & 0xffff).toString(16)}::/48} and http.request.method eq "DELETE"`,
      floor: (q) => q.ip6 !== undefined && q.ip6[0] === 0x20010db8 && q.ip6[1]! >>> 16 === (i & 0xffff) && q.v['http.request.method'] === 'DELETE',
      patch: { 'ip.src': `2001:db8:${(i & 0xffff).toString(16)}::1`, 'http.request.method': 'DELETE' },
    }),
  },
];

/** Rule `i` of the generated family (independent of how many rules are generated). */
export function generateRule(i: number): GeneratedRule {
  const template = TEMPLATES[i % TEMPLATES.length]!;
  const made = template.make(i, mulberry32(0x7e1e5 + i));
  return {
    rule: { id: `r${i}`, expression: made.expression, action: template.action },
    template: template.name,
    floor: made.floor,
    terminating: template.action !== 'log',
    patch: made.patch,
  };
}

/** The first `count` generated rules. */
export function generateRules(count: number): GeneratedRule[] {
  return Array.from({ length: count }, (_, i) => generateRule(i));
}

/** Index of the rule the "early match" request targets. */
export const EARLY_MATCH_INDEX = 5;

/** The requests of the ruleset benchmarks: none of the rules matches / rule 5 matches. */
export function rulesetRequests(): { noMatch: Record<string, unknown>; earlyMatch: Record<string, unknown> } {
  return {
    noMatch: benignRequest(),
    earlyMatch: { ...benignRequest(), ...generateRule(EARLY_MATCH_INDEX).patch },
  };
}

/**
 * The hand-written ruleset: the rules' JavaScript predicates in order; returns the index of the
 * first matching terminating rule (log rules are evaluated and skipped), or -1.
 */
export function floorRuleset(rules: readonly GeneratedRule[]): (q: FloorRequest) => number {
  const predicates = rules.map((r) => r.floor);
  const terminating = rules.map((r) => r.terminating);
  return (q) => {
    for (let i = 0; i < predicates.length; i++) if (predicates[i]!(q) && terminating[i]) return i;
    return -1;
  };
}
