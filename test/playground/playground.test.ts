/// <reference lib="dom" />
/**
 * The playground end to end in a real headless Chromium (Debian's `/usr/bin/chromium`,
 * driven by playwright-core): the page is built with Vite's JS API into a temporary folder,
 * served on 127.0.0.1 under a strict Content-Security-Policy, and used like a person would —
 * typing into the editor, accepting a completion, hovering, formatting, editing the request
 * JSON — while every console error, page error and non-loopback request fails the test.
 * Saves `test/playground/screenshot.png`.
 *
 * Skipped (with a message) only when `/usr/bin/chromium` is absent: `apt-get install chromium`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_JSON } from '../../playground/values.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';

const here = dirname(fileURLToPath(import.meta.url));
const playground = resolve(here, '../../playground');
const SCREENSHOT = join(here, 'screenshot.png');

const available = chromiumAvailable('playground end-to-end tests');

// No inline scripts, no eval, nothing from another origin. CodeMirror injects <style>
// elements, hence 'unsafe-inline' for styles only.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A static file server for `root` on 127.0.0.1 (a free port). */
async function serve(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    if (!file.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP });
        response.end(body);
      },
      () => response.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

describe.skipIf(!available)('the playground in headless Chromium', () => {
  let outDir: string;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let server: Server | undefined;
  let base: string;
  let context: BrowserContext | undefined;
  let page: Page;
  const problems: string[] = [];

  /** The editor's document: its `.cm-line`s without the placeholder widget. */
  const editorText = (): Promise<string> =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll('.cm-content .cm-line'))
        .map((line) => {
          const copy = line.cloneNode(true) as Element;
          copy.querySelectorAll('.cm-placeholder').forEach((widget) => widget.remove());
          return copy.textContent ?? '';
        })
        .join('\n'),
    );

  /** Replaces the editor's content by typing `text`, as a user would. */
  async function typeExpression(text: string): Promise<void> {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await expect.poll(editorText).toBe('');
    await page.keyboard.press('Escape');
    await page.keyboard.type(text);
  }

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'wirefilter-playground-'));
    await build({
      root: playground,
      configFile: join(playground, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    ({ server, url: base } = await serve(outDir));
    browser = await launchChromium({ viewport: { width: 1440, height: 1000 } });
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
    // Fail a step after 10 s with the locator's name rather than at the test timeout.
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(base) && !url.startsWith('data:')) problems.push(`request outside the page's origin: ${url}`);
    });
    await page.goto(base);
    await page.locator('.cm-editor').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server === undefined ? done(undefined) : server.close(done)));
    if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
  });

  it('starts with an example that matches the prefilled request, explained by a trace', async () => {
    await expect.poll(() => page.locator('#result').textContent()).toBe('true');
    expect(await page.locator('#values').inputValue()).toBe(SAMPLE_JSON);
    expect(await page.locator('#value-problems li').count()).toBe(0);
    // Semantic highlighting, with the colors of the default highlight style.
    expect(await page.locator('.cm-content .cm-wf-field').count()).toBeGreaterThan(2);
    expect(await page.locator('.cm-content .cm-wf-function').first().textContent()).toBe('starts_with');
    // The trace tree: the rule matched, every operand of `and` evaluated and decisive.
    await expect.poll(() => page.locator('.trace .status').first().textContent()).toBe('matched');
    expect(await page.locator('.trace .badge-decisive').count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('.trace .chip-data').first().textContent()).toBe('"example.com"');
    expect(await page.locator('#trace-text').textContent()).toContain('[playground] my-rule (block): matched → block');
    // The trace's expressions are colored like the editor, token type by token type.
    const looks = await page.evaluate(() =>
      ['field', 'function', 'keyword', 'string', 'number', 'punctuation'].map((type) =>
        ['.cm-content', '.trace .expr'].map((scope) => {
          const token = document.querySelector(`${scope} .cm-wf-${type}`);
          if (token === null) return `no ${type} in ${scope}`;
          const style = getComputedStyle(token);
          return `${type}: ${style.color} ${style.fontWeight} ${style.fontStyle}`;
        }),
      ),
    );
    for (const [editor, trace] of looks) {
      expect(editor).not.toMatch(/^no /);
      expect(trace).toBe(editor);
    }
    expect(await page.locator('.trace .expr .cm-wf-function').first().textContent()).toBe('starts_with');
    expect(await page.locator('#decision').textContent()).toContain('block');
  });

  it('marks a broken expression with a lint error and lists the diagnostic', async () => {
    await typeExpression('http.host eq and ssl');
    await page.locator('.cm-lintRange-error').first().waitFor();
    expect(await page.locator('.cm-lintRange-error').first().textContent()).toBe('and');
    expect(await page.locator('#diagnostics .problem-error .problem-code').first().textContent()).toBe('expected-token');
    // The message's `code` spans are rendered as <code>.
    expect(await page.locator('#diagnostics .problem-error .problem-message code').allTextContents()).toEqual(['{…}', '$list', 'and']);
    expect(await page.locator('#result').textContent()).toBe('invalid');
    // The lint tooltip shows the message and its code.
    await page.locator('.cm-lintRange-error').first().hover();
    const tooltip = page.locator('.cm-tooltip-lint');
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toContain('expected-token');
  });

  it('accepts a completion with Enter', async () => {
    await typeExpression('http.ho');
    await page.keyboard.press('Control+Space');
    const selected = page.locator('.cm-tooltip-autocomplete li[aria-selected="true"]');
    await selected.waitFor();
    expect(await selected.locator('.cm-completionLabel').textContent()).toBe('http.host');
    // The documentation of the selected item, rendered from Markdown.
    const info = page.locator('.cm-completionInfo .cm-wf-markdown');
    await info.waitFor();
    expect(await info.locator('pre code').textContent()).toBe('http.host: Bytes');
    // CodeMirror ignores Enter for 75 ms after the list (re)opens, against accidental picks.
    await page.waitForTimeout(150);
    await page.keyboard.press('Enter');
    await expect.poll(editorText).toBe('http.host');
    expect(await page.locator('.cm-tooltip-autocomplete').count()).toBe(0);
  });

  it('completes a namespace and opens the list again, and completes snippets with tab stops', async () => {
    await typeExpression('http.req');
    const list = page.locator('.cm-tooltip-autocomplete');
    await list.waitFor();
    // Pick `http.request.` (a namespace) explicitly: the list reopens with its fields.
    const namespace = list.locator('li').filter({ has: page.locator('.cm-completionLabel', { hasText: /^http\.request\.$/ }) });
    await namespace.click();
    await expect.poll(editorText).toBe('http.request.');
    await page.locator('.cm-tooltip-autocomplete li').first().waitFor();
    expect(await page.locator('.cm-tooltip-autocomplete .cm-completionLabel').first().textContent()).toMatch(/^http\.request\./);

    // `in {…}`: the set snippet puts the cursor inside the braces.
    await typeExpression('ip.src in ');
    await page.keyboard.press('Control+Space');
    const set = page.locator('.cm-tooltip-autocomplete li').filter({ has: page.locator('.cm-completionLabel', { hasText: /^\{$/ }) });
    await set.click();
    await page.keyboard.type('192.0.2.0/24');
    await expect.poll(editorText).toBe('ip.src in {192.0.2.0/24}');
  });

  it('shows hover documentation rendered from Markdown, and strikes deprecated fields through', async () => {
    await typeExpression('ip.geoip.country eq "GB"');
    const deprecated = page.locator('.cm-content .cm-wf-deprecated');
    await deprecated.waitFor();
    expect(await deprecated.evaluate((e) => getComputedStyle(e).textDecorationLine)).toBe('line-through');
    await page.locator('.cm-lintRange-warning').first().waitFor();
    await deprecated.hover();
    const hover = page.locator('.cm-tooltip-hover .cm-wf-markdown');
    await hover.waitFor();
    expect(await hover.locator('strong').first().textContent()).toBe('Deprecated:');
    expect(await hover.locator('pre code').first().textContent()).toBe('ip.geoip.country: Bytes');
    expect(await hover.locator('p code').last().textContent()).toBe('geo');
    // The quick fix of the deprecation warning, from the lint tooltip.
    await page.mouse.move(5, 5);
    await page.locator('.cm-lintRange-warning').first().hover();
    const fix = page.locator('.cm-tooltip-lint .cm-diagnosticAction', { hasText: 'ip.src.country' });
    await fix.click();
    await expect.poll(editorText).toBe('ip.src.country eq "GB"');
    await expect.poll(() => page.locator('.cm-lintRange-warning').count()).toBe(0);
  });

  it('shows signature help inside a call, and formats with Shift-Alt-F', async () => {
    await typeExpression('substring(http.host, ');
    const signature = page.locator('.cm-tooltip.cm-wf-signature');
    await signature.waitFor();
    expect(await signature.locator('.cm-wf-signature-label').textContent()).toBe('substring(source: Bytes, start: Int, [end: Int]) -> Bytes');
    expect(await signature.locator('.cm-wf-signature-active').textContent()).toBe('start: Int');

    await typeExpression('http.host eq "a"&&ssl');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Alt+F');
    await expect.poll(editorText).toBe('http.host eq "a" and ssl');

    // The Format button too.
    await typeExpression('ssl&&not(http.host eq "a")');
    await page.keyboard.press('Escape');
    await page.locator('#format').click();
    await expect.poll(editorText).toBe('ssl and not (http.host eq "a")');
  });

  it('edits: Backspace next to a lint marker, undo and redo', async () => {
    await typeExpression('http.host eq "a" and');
    await page.locator('.cm-lintRange-error').first().waitFor();
    await page.keyboard.press('Escape');
    await page.waitForTimeout(600); // a new undo step
    for (let i = 0; i < 4; i++) await page.keyboard.press('Backspace');
    await expect.poll(editorText).toBe('http.host eq "a"');
    await expect.poll(() => page.locator('#result').textContent()).toBe('false');
    await page.keyboard.press('Control+z');
    await expect.poll(editorText).toBe('http.host eq "a" and');
    await page.keyboard.press('Control+Shift+Z'); // (capital: a real keyboard's key with Shift)
    await expect.poll(editorText).toBe('http.host eq "a"');
  });

  it('recomputes the result when a request field value changes', async () => {
    await typeExpression('http.host eq "example.com"');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#result').textContent()).toBe('true');
    const values = page.locator('#values');
    await values.fill(SAMPLE_JSON.replace('"http.host": "example.com"', '"http.host": "shop.example.net"'));
    await expect.poll(() => page.locator('#result').textContent()).toBe('false');
    expect(await page.locator('.trace .status').first().textContent()).toBe('did not match');
    expect(await page.locator('.trace .chip-data').first().textContent()).toBe('"shop.example.net"');

    // Invalid JSON and wrongly typed values are reported next to the panel.
    await values.fill('{ "http.host": ');
    await page.locator('#value-problems .problem-error').first().waitFor();
    expect(await page.locator('#result').textContent()).toBe('no request');
    await values.fill(JSON.stringify({ 'http.host': 'example.com', 'ip.src': 'not an ip', 'http.hots': 'x' }, null, 2));
    await expect.poll(() => page.locator('#value-problems li').allTextContents()).toEqual([
      expect.stringContaining('ip.src: expected an IP address'),
      expect.stringContaining('http.hots: unknown field, ignored; did you mean http.host?'),
    ]);
    expect(await page.locator('#result').textContent()).toBe('true');
    await page.locator('#reset-values').click();
    expect(await page.locator('#values').inputValue()).toBe(SAMPLE_JSON);
  });

  it('evaluates a whole ruleset in ruleset mode', async () => {
    await page.locator('#tab-ruleset').click();
    await page.locator('#rules .rule .cm-editor').first().waitFor();
    expect(await page.locator('#rules .rule').count()).toBe(6);
    await expect.poll(() => page.locator('#result').textContent()).toBe('allow');
    expect(await page.locator('.trace .trace-rule').count()).toBe(6);
    // An admin page from outside the allowed network is blocked by rule 3.
    await page.locator('#values').fill(SAMPLE_JSON.replace('"http.request.uri.path": "/products/search"', '"http.request.uri.path": "/admin/users"'));
    await expect.poll(() => page.locator('#result').textContent()).toBe('block');
    expect(await page.locator('#decision code').first().textContent()).toBe('admin');
    // From the office network, the skip rule exempts the request from the rest.
    await page.locator('#values').fill(SAMPLE_JSON.replace('"http.request.uri.path": "/products/search"', '"http.request.uri.path": "/admin/users"').replace('"ip.src": "203.0.113.42"', '"ip.src": "192.0.2.10"'));
    await expect.poll(() => page.locator('#result').textContent()).toBe('allow');
    expect(await page.locator('#decision').textContent()).toContain('office:skip');
    // Rule editors have the language features too: a broken rule stops the ruleset loading.
    const editor = page.locator('#rules .rule .cm-content').nth(1);
    await editor.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' and');
    // (At the end of the document the marker is a zero-width point, not a range.)
    await page.locator('#rules .rule').nth(1).locator('.cm-lintRange-error, .cm-lintPoint-error').first().waitFor({ state: 'attached' });
    await expect.poll(() => page.locator('#result').textContent()).toBe('invalid');
    expect(await page.locator('#decision .problem-code').first().textContent()).toBe('invalid-expression');
    expect(await page.locator('#decision .problem-message').first().textContent()).toBe('expected a condition but found the end of the expression');
    await page.screenshot({ path: join(here, 'screenshot-ruleset.png'), fullPage: true });
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await expect.poll(() => page.locator('#result').textContent()).toBe('allow');
    // The Format button formats every rule.
    await page.keyboard.type('&&ssl');
    await page.keyboard.press('Escape');
    await page.locator('#format').click();
    await expect.poll(() => editor.textContent()).toBe('http.request.uri.path wildcard r"/.env*" and ssl');
    for (let i = 0; i < ' and ssl'.length; i++) await page.keyboard.press('Backspace');
    await expect.poll(() => editor.textContent()).toBe('http.request.uri.path wildcard r"/.env*"');
    await page.locator('#reset-values').click();
    await page.locator('#tab-expression').click();
  });

  it('looks right (screenshot), with no console errors and no outside requests', async () => {
    await page.locator('#examples').selectOption('0');
    await expect.poll(() => page.locator('#result').textContent()).toBe('true');
    await page.locator('.cm-content .cm-wf-function').first().hover();
    await page.locator('.cm-tooltip-hover').waitFor();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(problems).toEqual([]);
  });
});
