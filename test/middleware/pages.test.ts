/**
 * The firewall's pages (src/middleware/pages.ts) in Node: escaping of every field, the CSP's
 * style hash against the page's `<style>` block (recomputed with node:crypto), no inline script
 * or handler, the Accept negotiation table, the JSON and text forms, the Turnstile variant —
 * and {@link CHALLENGE_SCRIPT} itself, run against a small stand-in DOM built from the page's
 * HTML, its proof of work checked by an independent verifier (node:crypto) for correctness and
 * minimality, on Web Crypto and on the script's own SHA-256. The real browser is
 * challenge-browser.test.ts.
 */
import { createHash, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CHALLENGE_SCRIPT,
  CHALLENGE_SCRIPT_PATH,
  RESERVED_PREFIX,
  SOLVE_PATH,
  blockJson,
  blockPage,
  blockText,
  challengePage,
  escapeHtml,
  pageSecurityHeaders,
  preferredFormat,
  type BlockPageInfo,
  type ChallengePageInfo,
} from '../../src/middleware/pages.js';

const HOSTILE = `<script>alert("x&y")</script>'"&amp; é 🔥 \u202e`;
const HOSTILE_ESCAPED = '&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;&quot;&amp;amp; é 🔥 \u202e';

const block = (over: Partial<BlockPageInfo> = {}): BlockPageInfo => ({ rayId: '8f1c2a3b4d5e6f70', status: 403, ruleId: 'r-1', clientIp: '203.0.113.7', host: 'shop.example', ...over });
const challenge = (over: Partial<ChallengePageInfo> = {}): ChallengePageInfo => ({ rayId: '8f1c2a3b4d5e6f70', token: 'tok.abc', difficulty: 8, interactive: false, host: 'shop.example', ...over });

/** Leading zero bits of a SHA-256 digest, by node:crypto: the independent verifier. */
function leadingZeroBits(text: string): number {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** The smallest n whose `${token}:${n}` has `difficulty` leading zero bits. */
function smallestSolution(token: string, difficulty: number): number {
  for (let n = 0; ; n++) if (leadingZeroBits(`${token}:${n}`) >= difficulty) return n;
}

const unescapeHtml = (text: string): string =>
  text.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name]!);

const styleBlocks = (html: string): string[] => [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
const styleHash = (css: string): string => `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
const directive = (csp: string, name: string): string | undefined => csp.split(/;\s*/).find((d) => d.startsWith(`${name} `));

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters and keeps everything else', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml('é 🔥 日本 \u202e')).toBe('é 🔥 日本 \u202e');
    expect(escapeHtml(HOSTILE)).toBe(HOSTILE_ESCAPED);
  });
});

describe('the block page', () => {
  it('is a complete, accessible document with the ray id and client IP', () => {
    const html = blockPage(block());
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>Access denied | shop.example</title>');
    expect(html.match(/<h1[ >]/g)).toHaveLength(1);
    expect(html).toContain('Sorry, you have been blocked');
    expect(html).toContain('<strong>shop.example</strong>');
    expect(html).toContain('Ray ID: <code>8f1c2a3b4d5e6f70</code>');
    expect(html).toContain('Your IP: <code>203.0.113.7</code>');
    expect(html).toContain('Error 403');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('never shows the rule id, and has no script at all', () => {
    const html = blockPage(block({ ruleId: 'secret-rule-id' }));
    expect(html).not.toContain('secret-rule-id');
    expect(html).not.toMatch(/<script/i);
  });

  it('escapes every field', () => {
    const html = blockPage({ rayId: HOSTILE, status: 403, ruleId: HOSTILE, clientIp: HOSTILE, host: HOSTILE });
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain(`"x&y"`);
    expect(html).toContain(`<code>${HOSTILE_ESCAPED}</code>`);
    expect(html).toContain(`<strong>${HOSTILE_ESCAPED}</strong>`);
    expect(html).toContain(`<title>Access denied | ${HOSTILE_ESCAPED}</title>`);
  });

  it('reads well without a host or an IP', () => {
    const html = blockPage({ rayId: 'r', status: 403 });
    expect(html).toContain('<title>Access denied</title>');
    expect(html).toContain('You are unable to access this website.');
    expect(html).not.toContain('Your IP');
  });
});

describe('the text and JSON forms', () => {
  it('text names the status, host, ray id, rule and IP, one per line', () => {
    expect(blockText(block())).toBe(
      'Sorry, you have been blocked (error 403).\nYou are unable to access shop.example.\n\nRay ID: 8f1c2a3b4d5e6f70\nRule: r-1\nYour IP: 203.0.113.7\n',
    );
    expect(blockText({ rayId: 'r', status: 403, ruleId: null })).toBe('Sorry, you have been blocked (error 403).\nYou are unable to access this website.\n\nRay ID: r\n');
  });

  it('text cannot be given extra lines by a field', () => {
    const text = blockText(block({ host: 'a\r\nRay ID: forged', rayId: 'r\u0000', clientIp: 'x\u0085y' }));
    expect(text.split('\n').filter((line) => line.startsWith('Ray ID'))).toEqual(['Ray ID: r\uFFFD']);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('Your IP: x\uFFFDy');
  });

  it('JSON parses to {error, ray_id, rule_id}, whatever the fields hold', () => {
    expect(JSON.parse(blockJson(block()))).toEqual({ error: 'blocked', ray_id: '8f1c2a3b4d5e6f70', rule_id: 'r-1' });
    expect(JSON.parse(blockJson({ rayId: 'r', status: 403 }))).toEqual({ error: 'blocked', ray_id: 'r', rule_id: null });
    expect(JSON.parse(blockJson({ rayId: HOSTILE, status: 403, ruleId: HOSTILE }))).toEqual({ error: 'blocked', ray_id: HOSTILE, rule_id: HOSTILE });
  });
});

describe('the challenge page', () => {
  it('holds the form of the protocol', () => {
    const html = challengePage(challenge({ difficulty: 14 }));
    expect(html).toContain(`<form id="wf-challenge" method="POST" action="${SOLVE_PATH}" data-difficulty="14" data-interactive="false">`);
    expect(html).toContain('<input type="hidden" name="token" value="tok.abc">');
    expect(html).toContain('<input type="hidden" name="solution" value="">');
    expect(html).not.toContain('class="cf-turnstile"');
    expect(html).not.toContain('name="cf-turnstile-response"');
    expect(html).not.toContain('turnstile/v0');
    expect(html).not.toContain('<button');
    expect(html).toContain(`<script src="${CHALLENGE_SCRIPT_PATH}" defer></script>`);
    expect(html).toMatch(/<noscript><p[^>]*>[^<]*JavaScript[^<]*<\/p><\/noscript>/);
    expect(html).toMatch(/<p id="wf-status" role="status" aria-live="polite">/);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<title>Just a moment... | shop.example</title>');
    expect(html.match(/<h1[ >]/g)).toHaveLength(1);
    expect(html).toContain('Ray ID: <code>8f1c2a3b4d5e6f70</code>');
  });

  it('interactive: a disabled "I am human" button', () => {
    const html = challengePage(challenge({ interactive: true }));
    expect(html).toContain('data-interactive="true"');
    expect(html).toContain('<button type="button" id="wf-verify" disabled>I am human</button>');
    expect(html).toContain('<title>Verify you are human | shop.example</title>');
  });

  it('Turnstile: the widget, its response field and its script, and a CSP that allows them', () => {
    const html = challengePage(challenge({ interactive: true, turnstileSiteKey: '0x4AAA-key_1' }));
    expect(html).toContain('<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" defer></script>');
    expect(html.indexOf(CHALLENGE_SCRIPT_PATH)).toBeLessThan(html.indexOf('turnstile/v0/api.js'));
    expect(html).toMatch(/<div class="cf-turnstile" data-sitekey="0x4AAA-key_1" data-callback="wirefilterTurnstileSolved"[^>]*><\/div>/);
    expect(html).toContain('<input type="hidden" name="cf-turnstile-response" value="">');
    const csp = pageSecurityHeaders({ turnstile: true })['Content-Security-Policy']!;
    expect(directive(csp, 'script-src')).toBe("script-src 'self' https://challenges.cloudflare.com");
    expect(directive(csp, 'frame-src')).toBe('frame-src https://challenges.cloudflare.com');
    const plainCsp = pageSecurityHeaders()['Content-Security-Policy']!;
    expect(directive(plainCsp, 'script-src')).toBe("script-src 'self'");
    expect(plainCsp).not.toContain('cloudflare');
  });

  it('escapes every field', () => {
    const html = challengePage({ rayId: HOSTILE, token: HOSTILE, difficulty: 1, interactive: true, turnstileSiteKey: HOSTILE, host: HOSTILE });
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain(`"x&y"`);
    expect(html).toContain(`<input type="hidden" name="token" value="${HOSTILE_ESCAPED}">`);
    expect(html).toContain(`data-sitekey="${HOSTILE_ESCAPED}"`);
    expect(html).toContain(`<code>${HOSTILE_ESCAPED}</code>`);
    expect(html).toContain(`<strong>${HOSTILE_ESCAPED}</strong>`);
    expect(html).toContain(`<title>Verify you are human | ${HOSTILE_ESCAPED}</title>`);
  });

  it('refuses a difficulty that is not an integer from 0 to 256', () => {
    for (const difficulty of [-1, 1.5, 257, Number.NaN, Infinity]) expect(() => challengePage(challenge({ difficulty }))).toThrow(RangeError);
    for (const difficulty of [0, 256]) expect(() => challengePage(challenge({ difficulty }))).not.toThrow();
  });
});

describe('the pages under their Content-Security-Policy', () => {
  const pages: [string, string][] = [
    ['block', blockPage(block())],
    ['challenge', challengePage(challenge())],
    ['interactive challenge', challengePage(challenge({ interactive: true }))],
    ['Turnstile challenge', challengePage(challenge({ interactive: true, turnstileSiteKey: 'k' }))],
  ];

  it('sends the five security headers', () => {
    const headers = pageSecurityHeaders();
    expect(Object.keys(headers).sort()).toEqual(['Cache-Control', 'Content-Security-Policy', 'Referrer-Policy', 'X-Content-Type-Options', 'X-Frame-Options']);
    expect(headers).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY', 'Cache-Control': 'no-store' });
    const csp = headers['Content-Security-Policy']!;
    for (const expected of ["default-src 'none'", "script-src 'self'", 'img-src data:', "connect-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'"]) {
      expect(csp.split('; ')).toContain(expected);
    }
    expect(csp).not.toContain('unsafe');
  });

  it.each(pages)('%s: the style-src hash is that of its one <style> block', (_, html) => {
    const blocks = styleBlocks(html);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).not.toContain('\r');
    for (const turnstile of [false, true]) {
      expect(directive(pageSecurityHeaders({ turnstile })['Content-Security-Policy']!, 'style-src')).toBe(`style-src ${styleHash(blocks[0]!)}`);
    }
    expect(html).not.toMatch(/\sstyle\s*=/i);
  });

  it.each(pages)('%s: no inline script, inline handler or javascript: URL', (_, html) => {
    for (const tag of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/gi) ?? []) expect(tag).toMatch(/^<script src="[^"]+"( defer)?><\/script>$/);
    expect(html.match(/<script\b/gi)?.length ?? 0).toBe(html.match(/<script src=/g)?.length ?? 0);
    expect(html).not.toMatch(/ on\w+=/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  it('keeps its own paths under the reserved prefix', () => {
    expect(CHALLENGE_SCRIPT_PATH.startsWith(RESERVED_PREFIX)).toBe(true);
    expect(SOLVE_PATH.startsWith(RESERVED_PREFIX)).toBe(true);
    expect(RESERVED_PREFIX).toBe('/.wirefilter/');
  });
});

describe('preferredFormat', () => {
  const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
  const table: [string | null | undefined, string | null | undefined, 'html' | 'json' | 'text'][] = [
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', FIREFOX, 'html'],
    ['text/html', null, 'html'],
    ['application/xhtml+xml', 'curl/8.5.0', 'html'],
    ['TEXT/HTML; charset=utf-8', undefined, 'html'],
    [undefined, FIREFOX, 'html'],
    [null, FIREFOX, 'html'],
    ['', FIREFOX, 'html'],
    ['   ', FIREFOX, 'html'],
    [undefined, 'curl/8.5.0', 'text'],
    [null, null, 'text'],
    [undefined, undefined, 'text'],
    ['*/*', 'curl/8.5.0', 'text'],
    ['*/*', FIREFOX, 'text'],
    ['text/plain', FIREFOX, 'text'],
    ['application/json', 'curl/8.5.0', 'json'],
    ['application/json, text/plain, */*', FIREFOX, 'json'],
    ['application/problem+json', null, 'json'],
    ['application/vnd.api+json;q=0.5', null, 'json'],
    ['text/json', null, 'json'],
    ['application/json, text/html', null, 'html'],
    ['text/html;q=0.5, application/json', null, 'json'],
    ['text/html;q=0, application/json', null, 'json'],
    ['text/html;q=0', FIREFOX, 'text'],
    ['application/json;q=0', null, 'text'],
    ['application/jsonx', null, 'text'],
    ['json', null, 'text'],
    ['image/webp,*/*', FIREFOX, 'text'],
  ];
  it.each(table)('Accept %j, User-Agent %j → %s', (accept, userAgent, expected) => {
    expect(preferredFormat(accept, userAgent)).toBe(expected);
  });
});

/** One element of the stand-in DOM: just what CHALLENGE_SCRIPT touches. */
class FakeElement {
  value = '';
  hidden = false;
  disabled = false;
  textContent = '';
  readonly listeners = new Map<string, ((event: { isTrusted: boolean; preventDefault(): void }) => void)[]>();
  constructor(readonly attributes: Record<string, string> = {}) {}
  getAttribute(name: string): string | null {
    return this.attributes[name] ?? null;
  }
  addEventListener(type: string, listener: (event: { isTrusted: boolean; preventDefault(): void }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  /** Dispatches an event; returns whether a listener called preventDefault(). */
  fire(type: string, isTrusted: boolean): boolean {
    let prevented = false;
    for (const listener of this.listeners.get(type) ?? []) listener({ isTrusted, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

interface Harness {
  window: Record<string, unknown>;
  status: FakeElement;
  button: FakeElement | undefined;
  form: FakeElement;
  /** Resolves with the posted fields when the script calls form.submit(). */
  submitted: Promise<Record<string, string>>;
  submissions: number;
}

/**
 * Runs CHALLENGE_SCRIPT against a stand-in DOM built from `html` (the real page, so the
 * page and the script are checked against each other): the form's data attributes, its
 * hidden inputs, the status region, the spinner and the button.
 */
function runChallengeScript(html: string, options: { webCrypto: boolean }): Harness {
  const formTag = /<form id="wf-challenge"([^>]*)>/.exec(html)![1]!;
  const attributes = Object.fromEntries([...formTag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, unescapeHtml(m[2]!)]));
  const form = new FakeElement(attributes);
  const inputs = new Map<string, FakeElement>();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    const input = new FakeElement();
    input.value = unescapeHtml(m[2]!);
    inputs.set(m[1]!, input);
  }
  const status = new FakeElement();
  const spinner = new FakeElement();
  spinner.hidden = true;
  const button = html.includes('id="wf-verify"') ? new FakeElement() : undefined;
  if (button !== undefined) button.disabled = true;
  const elements: Record<string, FakeElement | undefined> = { 'wf-challenge': form, 'wf-status': status, 'wf-spinner': spinner, 'wf-verify': button };
  let resolve!: (fields: Record<string, string>) => void;
  const harness: Harness = { window: {}, status, button, form, submitted: new Promise((done) => (resolve = done)), submissions: 0 };
  Object.assign(form, {
    elements: { namedItem: (name: string) => inputs.get(name) ?? null },
    submit: () => {
      harness.submissions++;
      resolve(Object.fromEntries([...inputs].map(([name, input]) => [name, input.value])));
    },
  });
  harness.window = { crypto: options.webCrypto ? webcrypto : undefined };
  const document = { getElementById: (id: string) => elements[id] ?? null };
  new Function('window', 'document', CHALLENGE_SCRIPT)(harness.window, document);
  return harness;
}

/** Waits until `condition` holds (the script works asynchronously). */
async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((done) => setTimeout(done, 5));
  }
}

describe('CHALLENGE_SCRIPT', () => {
  it('is plain ASCII JavaScript that parses, with no eval, no HTML injection and no template literal', () => {
    expect(CHALLENGE_SCRIPT).toMatch(/^[\x09\x0a\x20-\x7e]*$/);
    expect(() => new Function(CHALLENGE_SCRIPT)).not.toThrow();
    expect(CHALLENGE_SCRIPT).not.toMatch(/\beval\b|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write|`/);
    expect(CHALLENGE_SCRIPT).toContain("crypto.subtle");
  });

  const tokens = ['tok.abc', 'jeton-é-日本-🔥', 'x'.repeat(130), `a"b'c<d>&e`];
  for (const webCrypto of [true, false]) {
    const how = webCrypto ? 'Web Crypto' : 'its own SHA-256';
    it.each(tokens.map((token) => [token.length > 20 ? `${token.slice(0, 12)}… (${token.length})` : token, token]))(
      `with ${how}: posts the smallest solution for token %s, by itself`,
      async (_, token) => {
        const difficulty = 10;
        const harness = runChallengeScript(challengePage(challenge({ token, difficulty })), { webCrypto });
        const fields = await harness.submitted;
        expect(fields.token).toBe(token);
        expect(fields.solution).toMatch(/^(0|[1-9][0-9]*)$/);
        expect(leadingZeroBits(`${token}:${fields.solution}`)).toBeGreaterThanOrEqual(difficulty);
        expect(Number(fields.solution)).toBe(smallestSolution(token, difficulty));
        expect(harness.submissions).toBe(1);
        expect(harness.status.textContent).toMatch(/successful/);
      },
    );
  }

  it('difficulty 0 is solved by n = 0, difficulty 16 on its own SHA-256 too', async () => {
    const zero = runChallengeScript(challengePage(challenge({ difficulty: 0 })), { webCrypto: true });
    expect((await zero.submitted).solution).toBe('0');
    const sixteen = runChallengeScript(challengePage(challenge({ token: 'sixteen', difficulty: 16 })), { webCrypto: false });
    expect(Number((await sixteen.submitted).solution)).toBe(smallestSolution('sixteen', 16));
  });

  it('interactive: enables the button when solved, and submits on a trusted click only', async () => {
    const harness = runChallengeScript(challengePage(challenge({ interactive: true, difficulty: 8 })), { webCrypto: true });
    expect(harness.button!.disabled).toBe(true);
    await until(() => !harness.button!.disabled);
    expect(harness.status.textContent).toMatch(/I am human/);
    await new Promise((done) => setTimeout(done, 50));
    expect(harness.submissions).toBe(0);
    harness.button!.fire('click', false);
    expect(harness.submissions).toBe(0);
    // The form's own submit event (Enter, a script's requestSubmit) is refused too.
    expect(harness.form.fire('submit', true)).toBe(true);
    harness.button!.fire('click', true);
    expect(harness.submissions).toBe(1);
    const fields = await harness.submitted;
    expect(Number(fields.solution)).toBe(smallestSolution('tok.abc', 8));
    expect(harness.button!.disabled).toBe(true);
    harness.button!.fire('click', true);
    expect(harness.submissions).toBe(1);
  });

  it('Turnstile: waits for the widget callback, and again after it expires', async () => {
    const harness = runChallengeScript(challengePage(challenge({ interactive: true, difficulty: 6, turnstileSiteKey: 'k' })), { webCrypto: true });
    await until(() => /complete the check above/.test(harness.status.textContent));
    expect(harness.button!.disabled).toBe(true);
    harness.button!.fire('click', true);
    expect(harness.submissions).toBe(0);
    (harness.window.wirefilterTurnstileSolved as (token: string) => void)('turnstile-token-1');
    expect(harness.button!.disabled).toBe(false);
    (harness.window.wirefilterTurnstileExpired as () => void)();
    expect(harness.button!.disabled).toBe(true);
    (harness.window.wirefilterTurnstileSolved as (token: string) => void)('turnstile-token-2');
    harness.button!.fire('click', true);
    const fields = await harness.submitted;
    expect(fields['cf-turnstile-response']).toBe('turnstile-token-2');
    expect(Number(fields.solution)).toBe(smallestSolution('tok.abc', 6));
  });

  it('Turnstile, non-interactive: submits once both the proof and the widget are done', async () => {
    const harness = runChallengeScript(challengePage(challenge({ difficulty: 4, turnstileSiteKey: 'k' })), { webCrypto: true });
    await until(() => /complete the check above/.test(harness.status.textContent));
    expect(harness.submissions).toBe(0);
    (harness.window.wirefilterTurnstileSolved as (token: string) => void)('t');
    expect((await harness.submitted)['cf-turnstile-response']).toBe('t');
  });

  it('says so when the page is damaged, instead of searching forever', () => {
    const html = challengePage(challenge()).replace('data-difficulty="8"', 'data-difficulty="300"');
    const harness = runChallengeScript(html, { webCrypto: true });
    expect(harness.status.textContent).toMatch(/damaged/);
  });
});
