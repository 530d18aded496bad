/**
 * The firewall on real servers bound to 127.0.0.1: Node `http`, Express (the real package) and
 * a Fetch runtime (Hono on @hono/node-server). Block pages and custom responses, API clients,
 * log mode, fail-open, concurrency, the challenge → solution → clearance round trip, and the
 * attacks on it: forged, expired, foreign and malformed cookies, replayed solutions, open
 * redirects, oversize bodies.
 */
import { once } from 'node:events';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudflareScheme, Ruleset } from '../../src/index.js';
import { createFirewall, type Firewall, type FirewallEvent, type FirewallOptions } from '../../src/middleware/index.js';
import { solveProof } from '../../src/middleware/pow.js';

const SECRET = 'a test secret that is long enough: 0123456789abcdef';
const BROWSER = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130', accept: 'text/html,application/xhtml+xml' };

const RULES = [
  { ref: 'admin', expression: 'starts_with(http.request.uri.path, "/admin")', action: 'block' },
  { ref: 'custom', expression: 'http.request.uri.path eq "/custom"', action: 'block', action_parameters: { response: { status_code: 429, content_type: 'application/json', content: '{"slow":"down"}' } } },
  { ref: 'js', expression: 'starts_with(http.request.uri.path, "/js")', action: 'js_challenge' },
  { ref: 'managed', expression: 'starts_with(http.request.uri.path, "/managed")', action: 'managed_challenge' },
  { ref: 'interactive', expression: 'starts_with(http.request.uri.path, "/interactive")', action: 'challenge' },
  { ref: 'body', expression: 'http.request.body.raw contains "attack"', action: 'block' },
  { ref: 'logged', expression: 'http.request.uri.path eq "/logged"', action: 'log' },
  { ref: 'steal', expression: 'ends_with(http.request.uri.path, "/steal")', action: 'js_challenge' },
];

const ruleset = new Ruleset(cloudflareScheme(), RULES);

/** A fake clock, in ms, shared by the firewalls of a test. */
let clock = Date.UTC(2026, 11, 6, 12);

interface Target {
  url: string;
  events: FirewallEvent[];
  close(): Promise<void>;
}

function options(events: FirewallEvent[], extra: Partial<FirewallOptions> = {}): FirewallOptions {
  return { ruleset, ...(extra.secrets === undefined && { secret: SECRET }), now: () => clock, onEvent: (e) => events.push(e), challenge: { difficulty: 8 }, ...extra };
}

/** The application behind the firewall: echoes the method, path and body it received. */
function echo(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ app: true, method: req.method, url: req.url, bodyLength: body.length, bodyStart: body.subarray(0, 20).toString() }));
  });
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function nodeTarget(extra: Partial<FirewallOptions> = {}): Promise<Target> {
  const events: FirewallEvent[] = [];
  const firewall = createFirewall(options(events, extra));
  const server = http.createServer((req, res) => firewall.node(req, res, () => echo(req, res)));
  const url = await listen(server);
  return { url, events, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function expressTarget(extra: Partial<FirewallOptions> = {}): Promise<Target> {
  const events: FirewallEvent[] = [];
  const firewall = createFirewall(options(events, extra));
  const app = express();
  app.use((req, res, next) => firewall.node(req, res, next));
  app.use(express.text({ type: '*/*', limit: '5mb' }));
  app.all('/{*rest}', (req, res) => {
    const body = typeof req.body === 'string' ? req.body : '';
    res.json({ app: true, method: req.method, url: req.url, bodyLength: Buffer.byteLength(body), bodyStart: body.slice(0, 20) });
  });
  const server = http.createServer(app);
  const url = await listen(server);
  return { url, events, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function fetchTarget(extra: Partial<FirewallOptions> = {}): Promise<Target> {
  const events: FirewallEvent[] = [];
  const firewall: Firewall = createFirewall(options(events, extra));
  const app = new Hono();
  app.use(async (c, next) => {
    const answer = await firewall.handle(c.req.raw, { clientIp: '127.0.0.1' });
    if (answer !== undefined) return answer;
    await next();
  });
  app.all('*', async (c) => {
    const body = await c.req.text();
    return c.json({ app: true, method: c.req.method, url: new URL(c.req.url).pathname + new URL(c.req.url).search, bodyLength: new TextEncoder().encode(body).length, bodyStart: body.slice(0, 20) });
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as unknown as Server;
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, events, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const RUNTIMES = { 'Node http': nodeTarget, Express: expressTarget, 'Fetch (Hono)': fetchTarget } as const;

/** A request with redirects left to the test. */
function get(target: Target, path: string, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<Response> {
  return fetch(target.url + path, { redirect: 'manual', ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } });
}

/** Serves the challenge for `path`, solves it like the page's script would, and posts the solution. */
async function solveFor(target: Target, path: string, headers: Record<string, string> = BROWSER): Promise<{ challenge: Response; token: string; solution: string; answer: Response }> {
  const challenge = await get(target, path, headers);
  const html = await challenge.text();
  const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
  if (token === undefined) throw new Error(`no token in the challenge page:\n${html.slice(0, 400)}`);
  const difficulty = Number(/data-difficulty="(\d+)"/.exec(html)?.[1]);
  const solution = (await solveProof(token, difficulty))!;
  const answer = await post(target, token, solution, headers);
  return { challenge, token, solution, answer };
}

function post(target: Target, token: string, solution: string, headers: Record<string, string> = BROWSER, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${target.url}/.wirefilter/solve`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, solution, ...extra }).toString(),
  });
}

const cookieOf = (response: Response): string => response.headers.get('set-cookie')!.split(';', 1)[0]!;

for (const [runtime, make] of Object.entries(RUNTIMES)) {
  describe(`firewall on ${runtime}`, () => {
    let target: Target;
    beforeAll(async () => {
      target = await make();
    });
    afterAll(() => target.close());

    it('passes allowed requests to the application untouched', async () => {
      const r = await get(target, '/hello?x=1', BROWSER);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ app: true, method: 'GET', url: '/hello?x=1' });
      expect(target.events.at(-1)).toMatchObject({ outcome: 'passed', action: 'allow', url: '/hello?x=1', clientIp: '127.0.0.1' });
    });

    it('blocks with the default page: HTML for browsers, JSON and text for API clients, with a ray id', async () => {
      const page = await get(target, '/admin/users', BROWSER);
      expect(page.status).toBe(403);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      const ray = page.headers.get('x-wirefilter-ray')!;
      expect(ray).toMatch(/^[0-9a-f]{16}$/);
      expect(await page.text()).toContain(ray);
      const json = await get(target, '/admin', { accept: 'application/json' });
      expect(json.status).toBe(403);
      expect(await json.json()).toMatchObject({ error: 'blocked', rule_id: 'admin' });
      const text = await get(target, '/admin', { accept: '*/*', 'user-agent': 'curl/8' });
      expect(text.headers.get('content-type')).toContain('text/plain');
      expect(target.events.at(-1)).toMatchObject({ outcome: 'blocked', ruleId: 'admin', action: 'block' });
    });

    it('sends a rule\'s custom response as configured', async () => {
      const r = await get(target, '/custom', BROWSER);
      expect(r.status).toBe(429);
      expect(r.headers.get('content-type')).toContain('application/json');
      expect(await r.text()).toBe('{"slow":"down"}');
    });

    it('never echoes the request unescaped into a page', async () => {
      const r = await get(target, '/admin/<script>alert(1)</script>', { ...BROWSER, host: 'evil"><script>x</script>' }).catch(() => undefined);
      if (r !== undefined) expect(await r.text()).not.toContain('<script>alert(1)');
    });

    it('challenges API clients with 403 and cf-mitigated: challenge, without a page', async () => {
      const r = await get(target, '/js/data', { accept: 'application/json', 'user-agent': 'curl/8' });
      expect(r.status).toBe(403);
      expect(r.headers.get('cf-mitigated')).toBe('challenge');
      expect(await r.json()).toMatchObject({ error: 'challenge' });
    });

    it('serves a solvable challenge; the solution sets clearance and redirects to the original URL', async () => {
      const { challenge, answer } = await solveFor(target, '/js/page?q=1');
      expect(challenge.status).toBe(403);
      expect(challenge.headers.get('cf-mitigated')).toBe('challenge');
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe('/js/page?q=1');
      const setCookie = answer.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/^wf_clearance=[^;]+; Path=\/; Max-Age=1800; HttpOnly; SameSite=Lax$/);
      const again = await get(target, '/js/page?q=1', { ...BROWSER, cookie: cookieOf(answer) });
      expect(again.status).toBe(200);
      expect(target.events.at(-1)).toMatchObject({ outcome: 'passed', clearance: 'jschallenge', events: [{ ruleId: 'js', action: 'jschallenge_bypassed' }] });
      // A js_challenge clearance does not satisfy the interactive challenge.
      const higher = await get(target, '/interactive', { ...BROWSER, cookie: cookieOf(answer) });
      expect(higher.status).toBe(403);
    });

    it('refuses a replayed solution, a wrong proof, a token of another client and a forged token', async () => {
      const { token, solution, answer } = await solveFor(target, '/managed');
      expect(answer.status).toBe(303);
      expect((await post(target, token, solution)).status).toBe(403);
      expect(target.events.at(-1)).toMatchObject({ outcome: 'refused', reason: 'the challenge was already used' });
      const fresh = await get(target, '/managed', BROWSER);
      const freshToken = /name="token" value="([^"]+)"/.exec(await fresh.text())![1]!;
      expect((await post(target, freshToken, '1234567')).status).toBe(403);
      const otherUa = { ...BROWSER, 'user-agent': 'Mozilla/5.0 Other' };
      const other = await post(target, freshToken, (await solveProof(freshToken, 8))!, otherUa);
      expect(other.status).toBe(403);
      expect(target.events.at(-1)?.reason).toBe('the challenge was issued to another client');
      const forged = `${freshToken.slice(0, -4)}AAAA`;
      expect((await post(target, forged, '0')).status).toBe(400);
    });

    it('treats forged, foreign, malformed and expired cookies as no clearance', async () => {
      const { answer } = await solveFor(target, '/js/x');
      const good = cookieOf(answer);
      const [name, value] = good.split('=') as [string, string];
      const [payload, mac] = value.split('.') as [string, string];
      const flip = (text: string, at: number): string => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
      const attempts = [
        `${name}=${payload}.${flip(mac, 0)}`,
        `${name}=${flip(payload, 3)}.${mac}`,
        `${name}=${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
        `${name}=`,
        `${name}=not.a.token`,
        `${name}=${'x'.repeat(10_000)}`,
        `${name}=${value}.extra`,
        `${name}=${mac}.${payload}`,
      ];
      for (const cookie of attempts) expect((await get(target, '/js/x', { ...BROWSER, cookie })).status, cookie.slice(0, 40)).toBe(403);
      // Another user agent (the default binding includes it).
      expect((await get(target, '/js/x', { ...BROWSER, 'user-agent': 'Mozilla/5.0 Stolen', cookie: good })).status).toBe(403);
      // Expired: past the Challenge Passage (1800 s) and the ruleset's clock-skew tolerance (300 s).
      const start = clock;
      clock += 2101 * 1000;
      try {
        expect((await get(target, '/js/x', { ...BROWSER, cookie: good })).status).toBe(403);
      } finally {
        clock = start;
      }
      expect((await get(target, '/js/x', { ...BROWSER, cookie: good })).status).toBe(200);
    });

    it('redirects only to same-origin paths', async () => {
      const { answer } = await solveFor(target, '//evil.example/steal');
      const location = answer.headers.get('location')!;
      expect(location.startsWith('/')).toBe(true);
      expect(location.startsWith('//')).toBe(false);
    });

    it('inspects bodies without taking them from the application, and refuses oversize solution forms', async () => {
      const blocked = await get(target, '/upload', {}, { method: 'POST', body: 'an attack payload', headers: { 'content-type': 'text/plain' } });
      expect(blocked.status).toBe(403);
      const big = 'x'.repeat(300_000);
      const passed = await get(target, '/upload', {}, { method: 'POST', body: big, headers: { 'content-type': 'text/plain' } });
      expect(passed.status).toBe(200);
      expect(await passed.json()).toMatchObject({ app: true, bodyLength: 300_000, bodyStart: 'x'.repeat(20) });
      const form = await fetch(`${target.url}/.wirefilter/solve`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${'a'.repeat(20_000)}` });
      expect(form.status).toBe(413);
    });

    it('keeps decisions consistent under 1,000 concurrent requests', async () => {
      const paths = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? '/admin' : i % 3 === 1 ? '/ok' : '/js'));
      const statuses = await Promise.all(paths.map((path) => get(target, path, BROWSER).then(async (r) => (await r.arrayBuffer(), r.status))));
      statuses.forEach((status, i) => expect(status, paths[i]).toBe(paths[i] === '/ok' ? 200 : 403));
    });
  });
}

describe('firewall modes and failures', () => {
  it('log mode evaluates and reports but never acts', async () => {
    const target = await nodeTarget({ mode: 'log' });
    try {
      for (const path of ['/admin', '/js', '/interactive']) expect((await get(target, path, BROWSER)).status).toBe(200);
      expect(target.events.map((e) => e.outcome)).toEqual(['logged', 'logged', 'logged']);
      expect(target.events.map((e) => e.action)).toEqual(['block', 'js_challenge', 'challenge']);
    } finally {
      await target.close();
    }
  });

  it('fails open on a throwing or slow facts() and records the error; fails closed when asked', async () => {
    const throwing = await nodeTarget({ facts: () => { throw new Error('geo lookup down'); } });
    const slow = await nodeTarget({ facts: () => new Promise(() => undefined), factsTimeoutMs: 50 });
    const closed = await nodeTarget({ facts: () => { throw new Error('down'); }, failOpen: false });
    try {
      expect((await get(throwing, '/admin', BROWSER)).status).toBe(200);
      expect(throwing.events.at(-1)).toMatchObject({ outcome: 'error', reason: 'geo lookup down' });
      expect((await get(slow, '/admin', BROWSER)).status).toBe(200);
      expect(slow.events.at(-1)?.reason).toContain('within 50 ms');
      expect((await get(closed, '/hello', BROWSER)).status).toBe(503);
    } finally {
      await Promise.all([throwing.close(), slow.close(), closed.close()]);
    }
  });

  it('uses facts for the rules (country, ASN) and a trusted proxy header for the client address', async () => {
    const geo = new Ruleset(cloudflareScheme(), [{ ref: 'ru', expression: 'ip.src.country eq "RU" and ip.src in {203.0.113.0/24}', action: 'block' }]);
    const target = await nodeTarget({ ruleset: geo, trustProxy: 1, facts: (request) => ({ country: request.header('x-test-country') ?? 'GB' }) });
    try {
      expect((await get(target, '/', { 'x-test-country': 'RU', 'x-forwarded-for': '198.51.100.1, 203.0.113.5' })).status).toBe(403);
      expect(target.events.at(-1)?.clientIp).toBe('203.0.113.5');
      expect((await get(target, '/', { 'x-test-country': 'GB', 'x-forwarded-for': '203.0.113.5' })).status).toBe(200);
      expect((await get(target, '/', { 'x-test-country': 'RU' })).status).toBe(200);
    } finally {
      await target.close();
    }
  });

  it('verifies Turnstile server-side for the interactive challenge (siteverify through the injected fetch)', async () => {
    const calls: { secret: string | null; response: string | null; remoteip: string | null }[] = [];
    const fetchStub = async (_url: string, init: { method: string; body: URLSearchParams }) => {
      calls.push({ secret: init.body.get('secret'), response: init.body.get('response'), remoteip: init.body.get('remoteip') });
      return { json: async () => ({ success: init.body.get('response') === 'good-widget-token' }) };
    };
    const target = await nodeTarget({ challenge: { difficulty: 6, turnstile: { siteKey: 'site-key_1', secretKey: 'secret-key', fetch: fetchStub } } });
    try {
      const page = await get(target, '/interactive', BROWSER);
      expect(page.headers.get('content-security-policy')).toContain('https://challenges.cloudflare.com');
      const html = await page.text();
      expect(html).toContain('data-sitekey="site-key_1"');
      const token = /name="token" value="([^"]+)"/.exec(html)![1]!;
      const solution = (await solveProof(token, 6))!;
      expect((await post(target, token, solution)).status).toBe(403);
      expect((await post(target, token, solution, BROWSER, { 'cf-turnstile-response': 'forged' })).status).toBe(403);
      const ok = await post(target, token, solution, BROWSER, { 'cf-turnstile-response': 'good-widget-token' });
      expect(ok.status).toBe(303);
      expect(calls.map((c) => c.response)).toEqual(['forged', 'good-widget-token']);
      expect(calls[1]).toMatchObject({ secret: 'secret-key', remoteip: '127.0.0.1' });
    } finally {
      await target.close();
    }
  });

  it('checks its options: secret length, mode, unknown keys', () => {
    expect(() => createFirewall({ ruleset, secret: 'short' })).toThrow(/at least 32 bytes/);
    expect(() => createFirewall({ ruleset, secret: SECRET, mode: 'block' as never })).toThrow(/`mode` must be "enforce" or "log"/);
    expect(() => createFirewall({ ruleset, secret: SECRET, onEvnt: () => undefined } as never)).toThrow(/did you mean `onEvent`/);
    expect(() => createFirewall({ ruleset: {} as never, secret: SECRET })).toThrow(/`ruleset` must be a Ruleset/);
    expect(() => createFirewall(null as never)).toThrow(/expected an options object/);
  });

  it('verifies clearance issued with a rotated-out secret while it is still listed', async () => {
    const events: FirewallEvent[] = [];
    const oldSecret = 'the previous secret, also long enough 0123456789';
    const before = createFirewall({ ruleset, secrets: [oldSecret], now: () => clock, challenge: { difficulty: 4 }, onEvent: (e) => events.push(e) });
    const server = http.createServer((req, res) => before.node(req, res, () => echo(req, res)));
    const url = await listen(server);
    const target: Target = { url, events, close: () => new Promise((resolve) => server.close(() => resolve())) };
    const { answer } = await solveFor(target, '/js');
    await target.close();
    const rotated = await nodeTarget({ secrets: [SECRET, oldSecret] });
    const removed = await nodeTarget({ secrets: [SECRET] });
    try {
      expect((await get(rotated, '/js', { ...BROWSER, cookie: cookieOf(answer) })).status).toBe(200);
      expect((await get(removed, '/js', { ...BROWSER, cookie: cookieOf(answer) })).status).toBe(403);
    } finally {
      await Promise.all([rotated.close(), removed.close()]);
    }
  });
});
