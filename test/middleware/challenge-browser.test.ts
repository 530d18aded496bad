/// <reference lib="dom" />
/**
 * The challenge page in a real headless Chromium (Debian's `/usr/bin/chromium`, driven by
 * playwright-core, launched as test/playground/ does): a node:http server on 127.0.0.1 serves
 * challengePage() under pageSecurityHeaders(), CHALLENGE_SCRIPT at CHALLENGE_SCRIPT_PATH, and
 * checks each POST to SOLVE_PATH with its own verifier (node:crypto) before answering 303 to
 * /done. The browser must solve a non-interactive page with no help, on Web Crypto and on the
 * script's own SHA-256; an interactive page must wait for a real click; with Turnstile
 * (a stand-in widget served by routing, so nothing leaves the machine) the button must also
 * wait for the widget. Every CSP violation, console error, page error and request off the
 * loopback fails the test. Saves screenshots of the block and challenge pages into
 * test/middleware/screenshots/ (not committed, like the playground's).
 *
 * Skipped (with a message) only when `/usr/bin/chromium` is absent: `apt-get install chromium`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { CHALLENGE_SCRIPT, CHALLENGE_SCRIPT_PATH, SOLVE_PATH, blockPage, challengePage, pageSecurityHeaders } from '../../src/middleware/pages.js';

const here = dirname(fileURLToPath(import.meta.url));
const SCREENSHOTS = join(here, 'screenshots');

const available = chromiumAvailable('challenge page end-to-end tests');

/** The difficulty of the end-to-end solves: 2^12 = 4096 hashes expected. */
const DIFFICULTY = 12;
const TURNSTILE_SITE_KEY = '1x00000000000000000000AA';
const FAKE_TURNSTILE_RESPONSE = 'fake-turnstile-response';
const TURNSTILE_SCRIPT = 'https://challenges.cloudflare.com/turnstile/v0/api.js';
/** The pages the server answers with 403, as the firewall does. */
const FORBIDDEN_PAGES = new Set(['/', '/interactive', '/turnstile', '/slow', '/block']);

/**
 * A stand-in for Turnstile's api.js, served by routing (nothing leaves the machine): renders a
 * checkbox in each `.cf-turnstile` and, when ticked, calls the `data-callback` global with a
 * response, as the real widget does.
 */
const FAKE_TURNSTILE = `(() => {
  for (const widget of document.querySelectorAll('.cf-turnstile')) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = 'fake-turnstile';
    box.addEventListener('change', () => window[widget.getAttribute('data-callback')](${JSON.stringify(FAKE_TURNSTILE_RESPONSE)}));
    label.append(box, ' Verify you are human (Turnstile stand-in)');
    widget.append(label);
  }
})();`;

/** Leading zero bits of SHA-256(text): the server's own verifier, independent of the page's script. */
function leadingZeroBits(text: string): number {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  let bits = 0;
  for (const byte of digest) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}

function smallestSolution(token: string, difficulty: number): number {
  for (let n = 0; ; n++) if (leadingZeroBits(`${token}:${n}`) >= difficulty) return n;
}

interface Solve {
  token: string;
  solution: string;
  turnstile: string | null;
}

/** The test's server: challenge pages, the script, the solve endpoint, a landing page. */
class ChallengeServer {
  readonly server: Server;
  /** Tokens handed out, with their difficulty. */
  readonly issued = new Map<string, number>();
  readonly solves: Solve[] = [];
  readonly refused: string[] = [];
  url = '';

  constructor() {
    this.server = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => {
        this.refused.push(String(error));
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    this.url = `http://127.0.0.1:${address.port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }

  private page(response: ServerResponse, status: number, html: string, turnstile = false): void {
    response.writeHead(status, { ...pageSecurityHeaders({ turnstile }), 'Content-Type': 'text/html; charset=utf-8' });
    response.end(html);
  }

  private challenge(response: ServerResponse, difficulty: number, interactive: boolean, turnstile = false): void {
    // A non-ASCII character checks that page, form post and verifier agree on UTF-8.
    const token = `tok-${randomBytes(9).toString('base64url')}-é`;
    this.issued.set(token, difficulty);
    const rayId = randomBytes(8).toString('hex');
    this.page(
      response,
      403,
      challengePage({ rayId, token, difficulty, interactive, host: 'shop.example', ...(turnstile ? { turnstileSiteKey: TURNSTILE_SITE_KEY } : {}) }),
      turnstile,
    );
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (request.method === 'POST' && path === SOLVE_PATH) return this.solve(request, response);
    if (request.method !== 'GET') return void response.writeHead(405).end();
    switch (path) {
      case '/':
        return this.challenge(response, DIFFICULTY, false);
      case '/interactive':
        return this.challenge(response, DIFFICULTY, true);
      case '/turnstile':
        return this.challenge(response, 8, true, true);
      case '/slow':
        // For the screenshot of a challenge at work: far too hard to finish while we look.
        return this.challenge(response, 30, false);
      case '/canary':
        // The control: what the pages' CSP must refuse, to prove the violation watch sees it.
        return this.page(response, 200, '<!doctype html><title>canary</title><p style="color:red">x</p><script>document.title = "ran"</script>');
      case '/block':
        return this.page(response, 403, blockPage({ rayId: '8f1c2a3b4d5e6f70', status: 403, ruleId: 'block-bad-bots', clientIp: '203.0.113.7', host: 'shop.example' }));
      case CHALLENGE_SCRIPT_PATH:
        response.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
        return void response.end(CHALLENGE_SCRIPT);
      case '/done':
        response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        return void response.end('done');
      default:
        return void response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  }

  private async solve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 65_536) return void response.writeHead(413).end();
      chunks.push(chunk);
    }
    const type = request.headers['content-type'] ?? '';
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const token = form.get('token') ?? '';
    const solution = form.get('solution') ?? '';
    const difficulty = this.issued.get(token);
    const problem =
      type !== 'application/x-www-form-urlencoded'
        ? `content-type ${type}`
        : difficulty === undefined
          ? `unknown token ${token}`
          : !/^(0|[1-9][0-9]*)$/.test(solution)
            ? `not a decimal integer: ${solution}`
            : leadingZeroBits(`${token}:${solution}`) < difficulty
              ? `proof too weak: ${solution}`
              : undefined;
    if (problem !== undefined) {
      this.refused.push(problem);
      return void response.writeHead(403, { 'Content-Type': 'text/plain' }).end(problem);
    }
    this.issued.delete(token);
    this.solves.push({ token, solution, turnstile: form.get('cf-turnstile-response') });
    response.writeHead(303, { Location: '/done' }).end();
  }
}

describe.skipIf(!available)('the challenge page in headless Chromium', () => {
  const server = new ChallengeServer();
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const problems: string[] = [];
  const turnstileLoads: string[] = [];

  /** Follows a page's console, errors and requests into `problems`. */
  function watch(target: Page): void {
    target.setDefaultTimeout(15_000);
    target.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    target.on('console', (message) => {
      if (message.type() !== 'error' && message.type() !== 'warning') return;
      // Chromium logs every 4xx document; the firewall's pages are 403 on purpose.
      const pathname = message.location().url.startsWith(server.url) ? new URL(message.location().url).pathname : '';
      if (/^Failed to load resource: .* status of 403\b/.test(message.text()) && FORBIDDEN_PAGES.has(pathname)) return;
      problems.push(`console ${message.type()}: ${message.text()} (${message.location().url})`);
    });
    target.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${server.url}/`) && !url.startsWith('data:') && url !== TURNSTILE_SCRIPT) problems.push(`request off the loopback: ${url}`);
    });
  }

  /** Waits for the page's `#wf-status` text to match. */
  const statusMatches = async (pattern: RegExp): Promise<void> => {
    await expect.poll(() => page.locator('#wf-status').textContent(), { timeout: 20_000 }).toMatch(pattern);
  };

  beforeAll(async () => {
    await server.listen();
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium({
      viewport: { width: 1000, height: 720 },
      // Nothing but the loopback resolves: the Turnstile host is answered by routing only.
      args: ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
    });
    context = browser.context;
    // Every violation of the pages' CSP, reported from inside the page, across navigations.
    await context.exposeBinding('wirefilterReportViolation', (_source, text: string) => problems.push(text));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { wirefilterReportViolation(text: string): void }).wirefilterReportViolation(
          `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`,
        );
      });
    });
    await context.route('https://challenges.cloudflare.com/**', (route) => {
      turnstileLoads.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: FAKE_TURNSTILE });
    });
    page = context.pages()[0] ?? (await context.newPage());
    watch(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server.close();
  });

  it('sees CSP violations (control): the pages\' CSP refuses inline script and style attributes', async () => {
    await page.goto(`${server.url}/canary`);
    await expect.poll(() => problems.filter((p) => p.startsWith('CSP violation')).length).toBeGreaterThanOrEqual(2);
    expect(await page.title()).toBe('canary');
    expect(problems.some((p) => p.startsWith('CSP violation: script-src-elem'))).toBe(true);
    expect(problems.some((p) => p.startsWith('CSP violation: style-src-attr'))).toBe(true);
    // Leave the page first, so none of its console reports arrives after the reset.
    await page.goto('about:blank');
    problems.length = 0;
  });

  it('solves a non-interactive challenge with no help and lands on /done', async () => {
    const before = server.solves.length;
    const started = performance.now();
    await page.goto(`${server.url}/`);
    await page.waitForURL(`${server.url}/done`, { timeout: 30_000 });
    const elapsed = performance.now() - started;
    console.log(`Chromium (Web Crypto) solved difficulty ${DIFFICULTY} in ${Math.round(elapsed)} ms, page load to /done`);
    expect(await page.locator('body').textContent()).toBe('done');
    expect(server.solves).toHaveLength(before + 1);
    const solve = server.solves.at(-1)!;
    expect(solve.token).toMatch(/^tok-[\w-]+-é$/);
    expect(Number(solve.solution)).toBe(smallestSolution(solve.token, DIFFICULTY));
    expect(solve.turnstile).toBeNull();
    expect(server.refused).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);

  it('solves it on its own SHA-256 where Web Crypto is missing (plain HTTP)', async () => {
    const insecure = await context!.newPage();
    watch(insecure);
    try {
      // crypto.subtle exists only in secure contexts; take it away as plain HTTP would.
      await insecure.addInitScript(() => Object.defineProperty(Crypto.prototype, 'subtle', { configurable: true, get: () => undefined }));
      const before = server.solves.length;
      const started = performance.now();
      await insecure.goto(`${server.url}/`);
      await insecure.waitForURL(`${server.url}/done`, { timeout: 30_000 });
      console.log(`Chromium (the script's own SHA-256) solved difficulty ${DIFFICULTY} in ${Math.round(performance.now() - started)} ms`);
      expect(server.solves).toHaveLength(before + 1);
      const solve = server.solves.at(-1)!;
      expect(Number(solve.solution)).toBe(smallestSolution(solve.token, DIFFICULTY));
      expect(server.refused).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await insecure.close();
    }
  }, 60_000);

  it('interactive: waits for a real click on "I am human", then submits', async () => {
    const before = server.solves.length;
    await page.goto(`${server.url}/interactive`);
    const button = page.locator('#wf-verify');
    expect(await button.textContent()).toBe('I am human');
    await expect.poll(() => button.isEnabled(), { timeout: 20_000 }).toBe(true);
    await statusMatches(/I am human/);
    // Solved, yet nothing is sent: not by itself, not by a script's click().
    await page.waitForTimeout(750);
    await page.evaluate(() => (document.getElementById('wf-verify') as HTMLButtonElement).click());
    await page.waitForTimeout(250);
    expect(new URL(page.url()).pathname).toBe('/interactive');
    expect(server.solves).toHaveLength(before);
    await page.screenshot({ path: join(SCREENSHOTS, 'challenge-interactive.png') });
    await page.click('button');
    await page.waitForURL(`${server.url}/done`);
    expect(server.solves).toHaveLength(before + 1);
    const solve = server.solves.at(-1)!;
    expect(Number(solve.solution)).toBe(smallestSolution(solve.token, DIFFICULTY));
    expect(server.refused).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);

  it('Turnstile: loads the widget under the CSP, and the button waits for it too', async () => {
    const before = server.solves.length;
    await page.goto(`${server.url}/turnstile`);
    await statusMatches(/complete the check above/);
    expect(turnstileLoads).toEqual([TURNSTILE_SCRIPT]);
    const button = page.locator('#wf-verify');
    expect(await button.isDisabled()).toBe(true);
    await page.locator('#fake-turnstile').check();
    await expect.poll(() => button.isEnabled()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'challenge-turnstile.png') });
    await button.click();
    await page.waitForURL(`${server.url}/done`);
    expect(server.solves).toHaveLength(before + 1);
    const solve = server.solves.at(-1)!;
    expect(solve.turnstile).toBe(FAKE_TURNSTILE_RESPONSE);
    expect(Number(solve.solution)).toBe(smallestSolution(solve.token, 8));
    expect(server.refused).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);

  it('renders the block page and a challenge at work (screenshots)', async () => {
    const response = await page.goto(`${server.url}/block`);
    expect(response?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('Sorry, you have been blocked');
    expect(await page.locator('footer').textContent()).toContain('8f1c2a3b4d5e6f70');
    expect(await page.locator('footer').textContent()).toContain('203.0.113.7');
    await page.screenshot({ path: join(SCREENSHOTS, 'block.png') });

    await page.goto(`${server.url}/slow`);
    await statusMatches(/attempts/);
    expect(await page.locator('#wf-spinner').isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'challenge.png') });
    // Stop the search: it would run for minutes.
    await page.goto('about:blank');
    expect(problems).toEqual([]);
  }, 60_000);
});
