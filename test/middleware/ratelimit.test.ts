/**
 * The firewall with `rateLimits`: the rate limiting phase after custom rules, on real servers
 * bound to 127.0.0.1 (Node `http`, Express, and a Fetch runtime: Hono on @hono/node-server).
 * Rate limited blocks (429, page/JSON/text), a custom rule's `skip` of `http_ratelimit`, custom
 * rules ending the request before the phase, challenges whose solve resets the counter, and
 * counting after the response (Node adapter by itself, Fetch through `afterResponse`).
 */
import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { cloudflareScheme, memoryStore, RateLimiter, Ruleset, type RateLimitRuleInput } from '../../src/index.js';
import { createFirewall, type FirewallEvent, type FirewallOptions } from '../../src/middleware/index.js';
import { solveProof } from '../../src/middleware/pow.js';

const SECRET = 'a test secret that is long enough: 0123456789abcdef';
const BROWSER = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130', accept: 'text/html,application/xhtml+xml' };
const API = { 'user-agent': 'curl/8', accept: 'application/json' };

const scheme = cloudflareScheme();
const CUSTOM_RULES = new Ruleset(scheme, [
  { ref: 'blocked', expression: 'http.request.uri.path eq "/blocked"', action: 'block' },
  { ref: 'trusted', expression: 'any(http.request.headers["x-trusted"][*] eq "yes")', action: 'skip', action_parameters: { phases: ['http_ratelimit'] } },
]);

const limit = (id: string, expression: string, action: string, ratelimit: Partial<RateLimitRuleInput['ratelimit']> = {}): RateLimitRuleInput =>
  ({ id, expression, action, ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 60, requests_per_period: 2, mitigation_timeout: 0, ...ratelimit } }) as RateLimitRuleInput;

const RATE_RULES: RateLimitRuleInput[] = [
  limit('api', 'starts_with(http.request.uri.path, "/api")', 'block'),
  limit('login', 'http.request.uri.path eq "/login"', 'managed_challenge', { mitigation_timeout: 600 }),
  limit('blocked-path', 'http.request.uri.path eq "/blocked"', 'block', { requests_per_period: 1 }),
  limit('failures', 'http.request.uri.path eq "/auth"', 'block', { counting_expression: 'http.request.uri.path eq "/auth" and http.response.code eq 401' }),
];

interface Target {
  url: string;
  events: FirewallEvent[];
  close(): Promise<void>;
}

let clock = Date.UTC(2026, 11, 6, 12);

function options(events: FirewallEvent[], extra: Partial<FirewallOptions> = {}): FirewallOptions {
  return {
    ruleset: CUSTOM_RULES,
    rateLimits: new RateLimiter(scheme, RATE_RULES, { store: memoryStore() }),
    secret: SECRET,
    now: () => clock,
    onEvent: (e) => events.push(e),
    challenge: { difficulty: 6 },
    ...extra,
  };
}

/** The application: 401 on /auth without the right password, else 200. */
const answer = (url: string): { status: number; body: string } =>
  url.startsWith('/auth') && !url.includes('password=right') ? { status: 401, body: 'wrong password' } : { status: 200, body: 'ok' };

async function listen(server: Server): Promise<string> {
  if (!server.listening) {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  }
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function nodeTarget(extra: Partial<FirewallOptions> = {}): Promise<Target> {
  const events: FirewallEvent[] = [];
  const firewall = createFirewall(options(events, extra));
  const server = http.createServer((req, res) =>
    firewall.node(req, res, () => {
      const { status, body } = answer(req.url ?? '/');
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    }),
  );
  const url = await listen(server);
  return { url, events, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function expressTarget(extra: Partial<FirewallOptions> = {}): Promise<Target> {
  const events: FirewallEvent[] = [];
  const firewall = createFirewall(options(events, extra));
  const app = express();
  app.use((req, res, next) => firewall.node(req, res, next));
  app.all('/{*rest}', (req, res) => {
    const { status, body } = answer(req.url);
    res.status(status).type('text/plain').send(body);
  });
  const server = http.createServer(app);
  const url = await listen(server);
  return { url, events, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function fetchTarget(extra: Partial<FirewallOptions> = {}): Promise<Target> {
  const events: FirewallEvent[] = [];
  const firewall = createFirewall(options(events, extra));
  const app = new Hono();
  app.use(async (c, next) => {
    const blocked = await firewall.handle(c.req.raw, { clientIp: '127.0.0.1' });
    if (blocked !== undefined) return blocked;
    await next();
    await firewall.afterResponse(c.req.raw, c.res);
  });
  app.all('*', (c) => {
    const url = new URL(c.req.url);
    const { status, body } = answer(url.pathname + url.search);
    return c.text(body, status as 200);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as unknown as Server;
  const url = await listen(server);
  return { url, events, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const RUNTIMES = { 'Node http': nodeTarget, Express: expressTarget, 'Fetch (Hono)': fetchTarget } as const;

function get(target: Target, path: string, headers: Record<string, string> = API): Promise<Response> {
  return fetch(target.url + path, { redirect: 'manual', headers });
}

async function statuses(target: Target, path: string, count: number, headers: Record<string, string> = API): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await get(target, path, headers);
    await response.arrayBuffer();
    out.push(response.status);
  }
  return out;
}

describe.each(Object.entries(RUNTIMES))('rate limiting in the firewall (%s)', (_name, start) => {
  it('answers 429 once the rate is over the limit, as JSON for API clients and as a page for browsers', async () => {
    const target = await start();
    try {
      expect(await statuses(target, '/api/items', 2)).toEqual([200, 200]);
      const json = await get(target, '/api/items');
      expect(json.status).toBe(429);
      expect(json.headers.get('cache-control')).toBe('no-store');
      const body = (await json.json()) as { error: string; rule_id: string };
      expect(body).toMatchObject({ error: 'rate_limited', rule_id: 'api' });
      const page = await get(target, '/api/items', BROWSER);
      expect(page.status).toBe(429);
      expect(await page.text()).toContain('You are being rate limited');
      const blocked = target.events.filter((e) => e.outcome === 'blocked');
      expect(blocked.map((e) => [e.phase, e.ruleId, e.action])).toEqual([
        ['http_ratelimit', 'api', 'block'],
        ['http_ratelimit', 'api', 'block'],
      ]);
      // Throttle (mitigation_timeout 0): a minute later the rate is under the limit again.
      clock += 120_000;
      expect(await statuses(target, '/api/items', 1)).toEqual([200]);
    } finally {
      await target.close();
    }
  });

  it('skips the phase for requests a custom rule skips it for, and never counts requests a custom rule ended', async () => {
    const target = await start();
    try {
      expect(await statuses(target, '/api/x', 5, { ...API, 'x-trusted': 'yes' })).toEqual([200, 200, 200, 200, 200]);
      expect(target.events.every((e) => e.outcome === 'passed' && e.phase === undefined && e.events.some((r) => r.ruleId === 'trusted' && r.action === 'skip'))).toBe(true);
      // Custom rule blocks first (403); the rate limiting rule for /blocked (1 per period) never counts them.
      expect(await statuses(target, '/blocked', 3)).toEqual([403, 403, 403]);
      expect(target.events.slice(-3).map((e) => e.phase)).toEqual(['http_request_firewall_custom', 'http_request_firewall_custom', 'http_request_firewall_custom']);
    } finally {
      await target.close();
    }
  });

  it('challenges with the rule\'s action; solving resets the counter and lands on the original URL', async () => {
    const target = await start();
    try {
      expect(await statuses(target, '/login', 2, BROWSER)).toEqual([200, 200]);
      const api = await get(target, '/login', API);
      expect(api.status).toBe(403);
      expect(api.headers.get('cf-mitigated')).toBe('challenge');
      const challenge = await get(target, '/login', BROWSER);
      expect(challenge.status).toBe(403);
      const html = await challenge.text();
      const token = /name="token" value="([^"]+)"/.exec(html)![1]!;
      const solution = (await solveProof(token, 6))!;
      // Mitigated for 600 s: still challenged before the solve.
      expect(await statuses(target, '/login', 1, BROWSER)).toEqual([403]);
      const solved = await fetch(`${target.url}/.wirefilter/solve`, {
        method: 'POST',
        redirect: 'manual',
        headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, solution }).toString(),
      });
      expect(solved.status).toBe(303);
      expect(solved.headers.get('location')).toBe('/login');
      // The counter was reset: a fresh budget of two requests, then the challenge again.
      expect(await statuses(target, '/login', 3, BROWSER)).toEqual([200, 200, 403]);
      expect(target.events.filter((e) => e.outcome === 'challenged').every((e) => e.phase === 'http_ratelimit' && e.action === 'managed_challenge')).toBe(true);
    } finally {
      await target.close();
    }
  });

  it('counts after the response when the counting expression reads response fields (401s only)', async () => {
    const target = await start();
    try {
      // Successful logins are not counted…
      expect(await statuses(target, '/auth?password=right', 4)).toEqual([200, 200, 200, 200]);
      // …failures are, after their response: the third 401 takes the rate over 2 per minute, and
      // the next request is blocked whatever it would get.
      expect(await statuses(target, '/auth', 3)).toEqual([401, 401, 401]);
      await new Promise((resolve) => setTimeout(resolve, 20)); // the Node adapter counts on 'finish'
      expect(await statuses(target, '/auth', 1)).toEqual([429]);
      expect(await statuses(target, '/auth?password=right', 1)).toEqual([429]);
    } finally {
      await target.close();
    }
  });
});

describe('rate limiting options and modes', () => {
  it('refuses a rateLimits that is not a RateLimiter', () => {
    expect(() => createFirewall({ ruleset: CUSTOM_RULES, secret: SECRET, rateLimits: { evaluate: () => undefined } as never })).toThrow(/`rateLimits` must be a RateLimiter/);
  });

  it('in log mode reports rate limited requests and lets them through', async () => {
    const target = await nodeTarget({ mode: 'log' });
    try {
      expect(await statuses(target, '/api/a', 4)).toEqual([200, 200, 200, 200]);
      expect(target.events.map((e) => e.outcome)).toEqual(['passed', 'passed', 'logged', 'logged']);
      expect(target.events[3]).toMatchObject({ phase: 'http_ratelimit', ruleId: 'api', action: 'block' });
    } finally {
      await target.close();
    }
  });

  it('a store that fails lets requests through (the limiter\'s failOpen) and the firewall keeps answering', async () => {
    const errors: unknown[] = [];
    const failing = { hit: async () => Promise.reject(new Error('store down')), reset: async () => undefined };
    const target = await nodeTarget({ rateLimits: new RateLimiter(scheme, RATE_RULES, { store: failing, onStoreError: (e) => errors.push(e) }) });
    try {
      expect(await statuses(target, '/api/a', 3)).toEqual([200, 200, 200]);
      expect(errors).toHaveLength(3);
    } finally {
      await target.close();
    }
  });
});
