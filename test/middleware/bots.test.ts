/**
 * The firewall with verified bots (`createFirewall({ bots })`) on real servers bound to
 * 127.0.0.1 — Node `http`, Express and a Fetch runtime (Hono on @hono/node-server) — and a real
 * DNS server on loopback (dns2) asked by a real `dns.promises.Resolver`: a genuine Googlebot
 * passes a `not cf.client.bot` rule, the same user agent from any other address is blocked,
 * Uptrends passes through a user-supplied IP list, a ruleset that reads no bot field never
 * asks the verifier, and a verifier that throws or hangs never breaks a request.
 */
import { once } from 'node:events';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBotVerifier, loadIpList, type BotRequest, type BotVerifier } from '../../src/bots/index.js';
import { cloudflareScheme, memoryStore, RateLimiter, Ruleset, type RateLimitRuleInput } from '../../src/index.js';
import { createFirewall, type FirewallEvent, type FirewallOptions } from '../../src/middleware/index.js';
import { TestDnsServer } from '../support/dns.js';

const SECRET = 'a test secret that is long enough: 0123456789abcdef';
const GOOGLEBOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const UPTRENDS_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Uptrends';
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130';
/** The header the test servers take the client address from (a trusted proxy's, or the runtime's). */
const CLIENT_IP = 'x-test-client-ip';

const scheme = cloudflareScheme();
/** Blocks what claims to be Googlebot or Uptrends without being verified. */
const BOT_RULES = new Ruleset(scheme, [
  { ref: 'fake-crawlers', expression: '(http.user_agent contains "Googlebot" or http.user_agent contains "Uptrends") and not cf.client.bot', action: 'block' },
]);
/** Reads no bot field: the verifier must never be asked. */
const PLAIN_RULES = new Ruleset(scheme, [{ ref: 'admin', expression: 'starts_with(http.request.uri.path, "/admin")', action: 'block' }]);

let dns: TestDnsServer;

beforeAll(async () => {
  dns = await TestDnsServer.start();
  dns
    // Googlebot as Google documents it: PTR under googlebot.com, and that name's A record.
    .ptr('66.249.66.1', 'crawl-66-249-66-1.googlebot.com')
    .a('crawl-66-249-66-1.googlebot.com', '66.249.66.1')
    .ptr('66.249.66.2', 'crawl-66-249-66-2.googlebot.com')
    .a('crawl-66-249-66-2.googlebot.com', '66.249.66.2')
    // A VPS sending Googlebot's user agent.
    .ptr('203.0.113.9', 'vps-9.example.net')
    .a('vps-9.example.net', '203.0.113.9')
    // An attacker's reverse zone claiming a Google name, whose A record is Google's.
    .ptr('203.0.113.66', 'crawl-66-249-66-1.googlebot.com')
    // DNS that never answers.
    .fail('203.0.113.81', 'timeout');
});

afterAll(async () => {
  await dns.close();
});

beforeEach(() => dns.resetLog());

/** Uptrends' checkpoints as the operator would download them (two documentation ranges here). */
const UPTRENDS_LIST = '# Uptrends checkpoints\n192.0.2.0/28\n2001:db8:5::/48\n';

function realVerifier(timeoutMs = 1500): BotVerifier {
  return createBotVerifier({
    resolver: dns.resolver(500),
    timeoutMs,
    ipLists: { uptrends: loadIpList(UPTRENDS_LIST, { name: 'uptrends-checkpoints.txt' }) },
  });
}

/** Wraps a verifier, recording every query it is asked. */
function counting(inner: BotVerifier): BotVerifier & { calls: BotRequest[] } {
  const calls: BotRequest[] = [];
  return { calls, directory: inner.directory, clearCache: () => inner.clearCache(), verify: (request) => (calls.push(request), inner.verify(request)) };
}

interface Target {
  url: string;
  events: FirewallEvent[];
  close(): Promise<void>;
}

function options(events: FirewallEvent[], extra: Partial<FirewallOptions>): FirewallOptions {
  return { ruleset: BOT_RULES, secret: SECRET, onEvent: (e) => events.push(e), ...extra };
}

function app(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('app');
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closer = (server: Server) => (): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** Node `http`, the client address from a trusted proxy's header (`trustProxy`). */
async function nodeTarget(extra: Partial<FirewallOptions>): Promise<Target> {
  const events: FirewallEvent[] = [];
  const firewall = createFirewall(options(events, { trustProxy: { header: CLIENT_IP }, ...extra }));
  const server = http.createServer((req, res) => firewall.node(req, res, () => app(req, res)));
  return { url: await listen(server), events, close: closer(server) };
}

/** Express, the same way. */
async function expressTarget(extra: Partial<FirewallOptions>): Promise<Target> {
  const events: FirewallEvent[] = [];
  const firewall = createFirewall(options(events, { trustProxy: { header: CLIENT_IP }, ...extra }));
  const application = express();
  application.use((req, res, next) => firewall.node(req, res, next));
  application.all('/{*rest}', (_req, res) => void res.type('text/plain').send('app'));
  const server = http.createServer(application);
  return { url: await listen(server), events, close: closer(server) };
}

/** Hono: the client address as the runtime gives it (`handle(request, { clientIp })`), no proxy trusted. */
async function fetchTarget(extra: Partial<FirewallOptions>): Promise<Target> {
  const events: FirewallEvent[] = [];
  const firewall = createFirewall(options(events, extra));
  const application = new Hono();
  application.use(async (c, next) => {
    const answer = await firewall.handle(c.req.raw, { clientIp: c.req.header(CLIENT_IP) ?? '127.0.0.1' });
    if (answer !== undefined) return answer;
    await next();
  });
  application.all('*', (c) => c.text('app'));
  const server = serve({ fetch: application.fetch, port: 0, hostname: '127.0.0.1' }) as unknown as Server;
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, events, close: closer(server) };
}

const RUNTIMES = { 'Node http': nodeTarget, Express: expressTarget, 'Fetch (Hono)': fetchTarget } as const;

function get(target: Target, ip: string, userAgent: string, path = '/', accept = 'text/html'): Promise<Response> {
  return fetch(target.url + path, { redirect: 'manual', headers: { [CLIENT_IP]: ip, 'user-agent': userAgent, accept } });
}

describe.each(Object.entries(RUNTIMES))('%s', (_name, start) => {
  it('lets a genuine Googlebot through (forward-confirmed reverse DNS), and asks DNS once per cache period', async () => {
    const target = await start({ bots: realVerifier() });
    try {
      const response = await get(target, '66.249.66.1', GOOGLEBOT_UA);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('app');
      expect(target.events.at(-1)).toMatchObject({ outcome: 'passed', action: 'allow', clientIp: '66.249.66.1' });
      expect(target.events.at(-1)!.reason).toBeUndefined();
      expect(dns.count('PTR', '66.249.66.1')).toBe(1);
      expect(dns.count('A', 'crawl-66-249-66-1.googlebot.com')).toBe(1);
      // Cached: the second visit asks nothing.
      expect((await get(target, '66.249.66.1', GOOGLEBOT_UA)).status).toBe(200);
      expect(dns.count()).toBe(2);
    } finally {
      await target.close();
    }
  });

  it('blocks Googlebot\'s user agent from an unrelated address: 403 and the block page', async () => {
    const target = await start({ bots: realVerifier() });
    try {
      const response = await get(target, '203.0.113.9', GOOGLEBOT_UA);
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const ray = response.headers.get('x-wirefilter-ray');
      expect(ray).toMatch(/^[0-9a-f]{16}$/);
      expect(await response.text()).toContain(ray!);
      expect(target.events.at(-1)).toMatchObject({ outcome: 'blocked', action: 'block', ruleId: 'fake-crawlers', clientIp: '203.0.113.9' });
      // API clients get the decision as JSON.
      const json = await get(target, '203.0.113.9', GOOGLEBOT_UA, '/api', 'application/json');
      expect(json.status).toBe(403);
      expect(await json.json()).toMatchObject({ ray_id: expect.any(String) });
    } finally {
      await target.close();
    }
  });

  it('blocks a PTR that claims a Google name without forward confirmation', async () => {
    const target = await start({ bots: realVerifier() });
    try {
      expect((await get(target, '203.0.113.66', GOOGLEBOT_UA)).status).toBe(403);
      expect(dns.count('PTR', '203.0.113.66')).toBe(1);
      expect(dns.count('A', 'crawl-66-249-66-1.googlebot.com')).toBe(1);
      expect(target.events.at(-1)).toMatchObject({ outcome: 'blocked', ruleId: 'fake-crawlers' });
    } finally {
      await target.close();
    }
  });

  it('lets Uptrends through from an address of the IP list, and blocks its user agent elsewhere', async () => {
    const target = await start({ bots: realVerifier() });
    try {
      expect((await get(target, '192.0.2.5', UPTRENDS_UA)).status).toBe(200);
      expect((await get(target, '2001:db8:5::17', UPTRENDS_UA)).status).toBe(200);
      expect((await get(target, '198.51.100.20', UPTRENDS_UA)).status).toBe(403);
      // The list decides: Uptrends needs no DNS.
      expect(dns.count()).toBe(0);
      expect(target.events.map((e) => e.outcome)).toEqual(['passed', 'passed', 'blocked']);
    } finally {
      await target.close();
    }
  });

  it('never asks the verifier when the ruleset reads no bot field', async () => {
    const bots = counting(realVerifier());
    const target = await start({ ruleset: PLAIN_RULES, bots });
    try {
      expect((await get(target, '203.0.113.9', GOOGLEBOT_UA)).status).toBe(200);
      expect((await get(target, '203.0.113.9', GOOGLEBOT_UA, '/admin')).status).toBe(403);
      expect(bots.calls).toEqual([]);
      expect(dns.count()).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('answers with the request judged not verified when the verifier throws', async () => {
    const bots = { verify: (): Promise<never> => Promise.reject(new Error('resolver exploded')) } as unknown as BotVerifier;
    const target = await start({ bots });
    try {
      expect((await get(target, '66.249.66.1', GOOGLEBOT_UA)).status).toBe(403);
      expect(target.events.at(-1)).toMatchObject({ outcome: 'blocked', reason: 'bot verification failed (resolver exploded): not verified' });
      // A request that claims no bot is not affected.
      expect((await get(target, '66.249.66.1', BROWSER_UA)).status).toBe(200);
      expect(target.events.at(-1)).toMatchObject({ outcome: 'passed' });
    } finally {
      await target.close();
    }
  });

  it('answers within botsTimeoutMs when the verifier hangs', async () => {
    const bots = { verify: (): Promise<never> => new Promise(() => undefined) } as unknown as BotVerifier;
    const target = await start({ bots, botsTimeoutMs: 200 });
    try {
      const started = performance.now();
      expect((await get(target, '66.249.66.1', GOOGLEBOT_UA)).status).toBe(403);
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(150);
      expect(elapsed).toBeLessThan(2000);
      expect(target.events.at(-1)).toMatchObject({ outcome: 'blocked', reason: 'bot verification did not answer within 200 ms: not verified' });
    } finally {
      await target.close();
    }
  });

  it('treats DNS that never answers as not verified (the verifier\'s own timeout), and remembers the failure', async () => {
    const target = await start({ bots: realVerifier(300) });
    try {
      const started = performance.now();
      const statuses = await Promise.all(Array.from({ length: 20 }, () => get(target, '203.0.113.81', GOOGLEBOT_UA).then((r) => r.status)));
      expect(statuses).toEqual(Array(20).fill(403));
      expect(performance.now() - started).toBeLessThan(3000);
      // Twenty concurrent requests shared one PTR query (in flight, then negatively cached).
      expect(dns.count('PTR', '203.0.113.81')).toBe(1);
      expect((await get(target, '203.0.113.81', GOOGLEBOT_UA)).status).toBe(403);
      expect(dns.count('PTR', '203.0.113.81')).toBe(1);
      // The verifier answered (not verified): no error, no reason on the events.
      expect(target.events.every((e) => e.outcome === 'blocked' && e.reason === undefined)).toBe(true);
    } finally {
      await target.close();
    }
  });
});

describe('what the verifier is asked, and when', () => {
  it('verifies when the rules read cf.client.bot under its other name, or the category', async () => {
    for (const expression of ['cf.bot_management.verified_bot', 'cf.verified_bot_category eq "Search Engine Crawler"']) {
      const bots = counting(realVerifier());
      const ruleset = new Ruleset(scheme, [{ ref: 'allow-crawlers', expression: `http.request.uri.path eq "/private" and not (${expression})`, action: 'block' }]);
      const target = await nodeTarget({ ruleset, bots });
      try {
        expect((await get(target, '66.249.66.2', GOOGLEBOT_UA, '/private')).status).toBe(200);
        expect((await get(target, '203.0.113.9', GOOGLEBOT_UA, '/private')).status).toBe(403);
        expect(bots.calls.length).toBe(2);
      } finally {
        await target.close();
      }
    }
  });

  it('verifies when only a rate limiting rule reads a bot field', async () => {
    const bots = counting(realVerifier());
    const rules = [
      { id: 'crawlers-unlimited', expression: 'not cf.client.bot', action: 'block', ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 60, requests_per_period: 1, mitigation_timeout: 0 } },
    ] as RateLimitRuleInput[];
    const target = await nodeTarget({ ruleset: PLAIN_RULES, rateLimits: new RateLimiter(scheme, rules, { store: memoryStore() }), bots });
    try {
      const genuine = [];
      for (let i = 0; i < 3; i++) genuine.push((await get(target, '66.249.66.1', GOOGLEBOT_UA)).status);
      expect(genuine).toEqual([200, 200, 200]);
      const spoofed = [];
      for (let i = 0; i < 3; i++) spoofed.push((await get(target, '203.0.113.9', GOOGLEBOT_UA)).status);
      expect(spoofed).toEqual([200, 429, 429]);
      expect(bots.calls.length).toBe(6);
    } finally {
      await target.close();
    }
  });

  it('passes ip.src and the ASN of the caller\'s facts', async () => {
    const bots = counting(realVerifier());
    const target = await fetchTarget({ bots, facts: () => ({ asn: 15169 }) });
    try {
      await get(target, '66.249.66.1', GOOGLEBOT_UA);
      expect(bots.calls).toEqual([{ ip: '66.249.66.1', userAgent: GOOGLEBOT_UA, asn: 15169 }]);
    } finally {
      await target.close();
    }
    const overriding = counting(realVerifier());
    const other = await fetchTarget({ bots: overriding, facts: () => ({ clientIp: '66.249.66.2', asn: -1 }) });
    try {
      // ip.src is the facts' address; an ASN the verifier would refuse is not passed.
      expect((await get(other, '203.0.113.9', GOOGLEBOT_UA)).status).toBe(200);
      expect(overriding.calls).toEqual([{ ip: '66.249.66.2', userAgent: GOOGLEBOT_UA }]);
    } finally {
      await other.close();
    }
  });

  it('lets the caller\'s own verdict win: the verifier is not asked', async () => {
    for (const facts of [{ verifiedBot: true }, { fields: { 'cf.client.bot': true } }, { cf: { botManagement: { verifiedBot: true } } }]) {
      const bots = counting(realVerifier());
      const target = await nodeTarget({ bots, facts: () => facts });
      try {
        expect((await get(target, '203.0.113.9', GOOGLEBOT_UA)).status).toBe(200);
        expect(bots.calls).toEqual([]);
      } finally {
        await target.close();
      }
    }
    const bots = counting(realVerifier());
    const target = await nodeTarget({ bots, facts: () => ({ verifiedBot: false }) });
    try {
      expect((await get(target, '66.249.66.1', GOOGLEBOT_UA)).status).toBe(403);
      expect(bots.calls).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('refuses a `bots` that is not a verifier, in the invalid-option list', () => {
    for (const bots of [{}, 'googlebot', null, { verify: true }]) {
      expect(() => createFirewall({ ruleset: BOT_RULES, secret: SECRET, bots } as unknown as FirewallOptions)).toThrow(/`bots` must be a bot verifier/);
    }
    let error: unknown;
    try {
      createFirewall({ ruleset: BOT_RULES, secret: SECRET, bots: {}, botsTimeoutMs: 0 } as unknown as FirewallOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'invalid-option' });
    expect(String((error as Error).message)).toMatch(/`bots` must be[\s\S]*`botsTimeoutMs` must be an integer from 1 to 60000/);
    expect(() => createFirewall({ ruleset: BOT_RULES, secret: SECRET, bot: realVerifier() } as unknown as FirewallOptions)).toThrow(/unknown option `bot`; did you mean `bots`\?/);
  });
});
