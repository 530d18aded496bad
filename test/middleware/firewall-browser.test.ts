/**
 * The firewall end to end in real headless Chromium (Debian's `/usr/bin/chromium`): a Node
 * server protected by the firewall answers a protected page with the JS challenge; the browser
 * solves it without help, lands on the original URL with an HttpOnly clearance cookie and is
 * not challenged again until the Challenge Passage runs out (a fake clock); the interactive
 * challenge waits for a real click; no page violates its strict CSP.
 *
 * Skipped (with a message) only when `/usr/bin/chromium` is absent: `apt-get install chromium`.
 */
import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudflareScheme, Ruleset } from '../../src/index.js';
import { createFirewall, type FirewallEvent } from '../../src/middleware/index.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';

const available = chromiumAvailable('firewall end-to-end tests');

const ruleset = new Ruleset(cloudflareScheme(), [
  { ref: 'protect', expression: 'starts_with(http.request.uri.path, "/protected")', action: 'js_challenge' },
  { ref: 'human', expression: 'starts_with(http.request.uri.path, "/interactive")', action: 'challenge' },
  { ref: 'deny', expression: 'http.request.uri.path eq "/blocked"', action: 'block' },
]);

describe.skipIf(!available)('the firewall in headless Chromium', () => {
  let clock = Date.UTC(2026, 11, 6, 12);
  const events: FirewallEvent[] = [];
  const problems: string[] = [];
  let server: Server;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext;
  let page: Page;

  const outcomes = (): string[] => events.map((e) => `${e.outcome} ${e.url}`);

  beforeAll(async () => {
    const firewall = createFirewall({ ruleset, secret: 'an end-to-end secret of thirty-two bytes or more', now: () => clock, challenge: { difficulty: 12 }, onEvent: (e) => {
      // The browser's own favicon request is not part of the story.
      if (e.url !== '/favicon.ico') events.push(e);
    } });
    server = http.createServer((req, res) =>
      firewall.node(req, res, () => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>App</title><h1 id="app">protected content at ${req.url?.replace(/[<>&"]/g, '')}</h1>`);
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium({ viewport: { width: 1000, height: 720 } });
    context = browser.context;
    await context.exposeBinding('wirefilterReportViolation', (_source, text: string) => problems.push(text));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { wirefilterReportViolation(text: string): void }).wirefilterReportViolation(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'}`);
      });
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => server?.close(done));
  });

  it('solves the JS challenge without help and lands on the original URL with clearance', async () => {
    await page.goto(`${base}/protected/page?x=1`);
    await page.locator('#app').waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/protected/page?x=1');
    expect(await page.locator('#app').textContent()).toBe('protected content at /protected/page?x=1');
    const cookie = (await context.cookies()).find((c) => c.name === 'wf_clearance');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(outcomes()).toEqual(['challenged /protected/page?x=1', 'solved /.wirefilter/solve', 'passed /protected/page?x=1']);
    expect(problems).toEqual([]);
  });

  it('is not challenged again until the Challenge Passage runs out', async () => {
    events.length = 0;
    await page.goto(`${base}/protected/other`);
    expect(await page.locator('#app').textContent()).toBe('protected content at /protected/other');
    expect(events.map((e) => e.outcome)).toEqual(['passed']);
    expect(events[0]).toMatchObject({ clearance: 'jschallenge', events: [{ ruleId: 'protect', action: 'jschallenge_bypassed' }] });
    // 29 minutes later: still within the passage.
    clock += 29 * 60 * 1000;
    events.length = 0;
    await page.goto(`${base}/protected/later`);
    expect(events.map((e) => e.outcome)).toEqual(['passed']);
    // Past the passage (30 min) and the clock-skew tolerance (5 min): challenged (and solved) again.
    clock += 7 * 60 * 1000;
    events.length = 0;
    await page.goto(`${base}/protected/expired`);
    await page.locator('#app').waitFor();
    expect(outcomes()).toEqual(['challenged /protected/expired', 'solved /.wirefilter/solve', 'passed /protected/expired']);
  });

  it('waits for a real click on the interactive challenge', async () => {
    events.length = 0;
    await page.goto(`${base}/interactive/form`);
    const button = page.locator('#wf-verify');
    await expect.poll(() => button.isEnabled(), { timeout: 20_000 }).toBe(true);
    // Solved, but nothing is submitted without the click.
    await page.waitForTimeout(300);
    expect(new URL(page.url()).pathname).toBe('/interactive/form');
    expect(events.map((e) => e.outcome)).toEqual(['challenged']);
    await button.click();
    await page.locator('#app').waitFor();
    expect(await page.locator('#app').textContent()).toBe('protected content at /interactive/form');
    expect(events.map((e) => e.outcome)).toEqual(['challenged', 'solved', 'passed']);
    expect(events[2]).toMatchObject({ clearance: 'interactive' });
  });

  it('shows the block page under its CSP', async () => {
    const response = await page.goto(`${base}/blocked`);
    expect(response?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toContain('blocked');
    expect(problems).toEqual([]);
  });
});
