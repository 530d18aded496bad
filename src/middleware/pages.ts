/**
 * What the firewall shows a client it stops: the block page (HTML, plain text or JSON, as the
 * client prefers), the challenge page, the browser script that solves a challenge's proof of
 * work, and the security headers both pages are served with.
 *
 * Every page runs under a strict Content-Security-Policy (see {@link pageSecurityHeaders}):
 * no inline script, no inline event handler, no `eval`. The one script is
 * {@link CHALLENGE_SCRIPT}, served by the firewall from its own origin at
 * {@link CHALLENGE_SCRIPT_PATH}, so `script-src 'self'` suffices; the one `<style>` block is
 * allowed by its SHA-256 hash, computed once when this module loads.
 *
 * Challenge protocol, between {@link challengePage}, {@link CHALLENGE_SCRIPT} and the
 * firewall's handler of {@link SOLVE_PATH}: the page holds
 * `<form id="wf-challenge" method="POST" action="/.wirefilter/solve">` with the data
 * attributes `data-difficulty` and `data-interactive`, and the hidden inputs `token`,
 * `solution` and (with Turnstile) `cf-turnstile-response`. The script finds the smallest
 * decimal integer `n ≥ 0` whose SHA-256 of the UTF-8 string `` `${token}:${n}` `` starts with
 * at least `difficulty` zero bits, puts `String(n)` into `solution`, and posts the form: by
 * itself on a non-interactive page, on a real click of "I am human" on an interactive one.
 *
 * Browser-safe: no Node imports, so the Fetch adapter runs in workers too.
 *
 * @module
 */
import { encodeBase64 } from '../values/base64.js';
import { toUtf8 } from '../values/bytes.js';
import { sha256 } from '../values/sha256.js';

/** Paths under this prefix belong to the firewall (its script and its solve endpoint), never to the application. */
export const RESERVED_PREFIX = '/.wirefilter/';

/** Where the firewall serves {@link CHALLENGE_SCRIPT} (same origin, so `script-src 'self'` allows it). */
export const CHALLENGE_SCRIPT_PATH = '/.wirefilter/challenge.js';

/** Where the challenge form posts its `token`, `solution` and optional `cf-turnstile-response`. */
export const SOLVE_PATH = '/.wirefilter/solve';

/** Turnstile's script; loaded only by challenge pages given a site key. */
const TURNSTILE_SCRIPT = 'https://challenges.cloudflare.com/turnstile/v0/api.js';

/** Turnstile's origin: its script, and the iframe its widget renders. */
const TURNSTILE_ORIGIN = 'https://challenges.cloudflare.com';

/** The largest `difficulty` a page accepts: a SHA-256 digest has 256 bits. */
const MAX_DIFFICULTY = 256;

/**
 * The challenge page's script: plain ES2020, ASCII only, served by the firewall at
 * {@link CHALLENGE_SCRIPT_PATH} (as `text/javascript`).
 *
 * It reads `token` and `data-difficulty` from the form `#wf-challenge`, searches n = 0, 1, 2 …
 * for the first whose SHA-256 of `` `${token}:${n}` `` has `difficulty` leading zero bits
 * (`crypto.subtle.digest` in batches, yielding to the event loop about every 100 ms and
 * reporting progress in the `#wf-status` live region), and writes `String(n)` into the
 * `solution` input. Where Web Crypto is missing (`crypto.subtle` exists only in secure
 * contexts: HTTPS or localhost), it hashes with a small SHA-256 of its own instead, so a site
 * served over plain HTTP still lets its visitors through.
 *
 * Then: a non-interactive form is submitted at once; an interactive one enables its
 * "I am human" button, and submits only on a trusted click (`event.isTrusted`, a real user
 * gesture, not a script's `click()`). With Turnstile, both wait for the widget's callback
 * (`wirefilterTurnstileSolved`), which fills `cf-turnstile-response`.
 */
export const CHALLENGE_SCRIPT: string = String.raw`/* wirefilter-ts challenge: finds the form's proof of work, then posts it. */
(() => {
  'use strict';
  const form = document.getElementById('wf-challenge');
  const status = document.getElementById('wf-status');
  if (!form || !status) return;
  const input = (name) => form.elements.namedItem(name);
  const tokenInput = input('token');
  const solution = input('solution');
  const turnstileResponse = input('cf-turnstile-response');
  const button = document.getElementById('wf-verify');
  const spinner = document.getElementById('wf-spinner');
  const token = tokenInput ? String(tokenInput.value) : '';
  const difficulty = Number(form.getAttribute('data-difficulty'));
  const interactive = form.getAttribute('data-interactive') === 'true';

  const say = (text) => { status.textContent = text; };
  const working = (on) => { if (spinner) spinner.hidden = !on; };
  let solved = false;
  let human = !turnstileResponse;
  let submitting = false;

  const submit = () => {
    if (submitting) return;
    submitting = true;
    if (button) button.disabled = true;
    working(true);
    say('Verification successful. Continuing...');
    form.submit();
  };

  const update = () => {
    if (submitting) return;
    if (button) button.disabled = !(solved && human);
    if (!solved) return;
    if (!human) say('One more step: complete the check above.');
    else if (interactive) say('Ready. Select "I am human" to continue.');
    else submit();
  };

  if (button) {
    button.addEventListener('click', (event) => {
      // Only a real user gesture counts: a script calling click() makes an untrusted event.
      if (event.isTrusted && solved && human) submit();
    });
  }
  form.addEventListener('submit', (event) => {
    if (!submitting) event.preventDefault();
  });

  if (turnstileResponse) {
    window.wirefilterTurnstileSolved = (response) => {
      turnstileResponse.value = String(response);
      human = true;
      update();
    };
    window.wirefilterTurnstileExpired = () => {
      turnstileResponse.value = '';
      human = false;
      update();
    };
    window.wirefilterTurnstileError = () => {
      turnstileResponse.value = '';
      human = false;
      update();
      say('The human check could not run. Reload the page to try again.');
    };
  }

  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 256 || !token || !solution) {
    say('This check is damaged. Reload the page to try again.');
    return;
  }

  const hasLeadingZeroBits = (digest, bits) => {
    let i = 0;
    for (; bits >= 8; bits -= 8, i += 1) if (digest[i] !== 0) return false;
    return bits === 0 || digest[i] >> (8 - bits) === 0;
  };

  // SHA-256 (FIPS 180-4) for browsers without Web Crypto: crypto.subtle exists only in
  // secure contexts, and a site on plain HTTP must still let its visitors through.
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  const w = new Uint32Array(64);
  const sha256 = (data) => {
    const length = data.length;
    const padded = new Uint8Array(((length + 72) >> 6) << 6);
    padded.set(data);
    padded[length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
    view.setUint32(padded.length - 4, (length * 8) >>> 0);
    const h = H0.slice();
    for (let offset = 0; offset < padded.length; offset += 64) {
      for (let t = 0; t < 16; t += 1) w[t] = view.getUint32(offset + t * 4);
      for (let t = 16; t < 64; t += 1) {
        const x = w[t - 15];
        const y = w[t - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      let [a, b, c, d, e, f, g, k] = h;
      for (let t = 0; t < 64; t += 1) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0;
        d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    const digest = new Uint8Array(32);
    const out = new DataView(digest.buffer);
    for (let i = 0; i < 8; i += 1) out.setUint32(i * 4, h[i] >>> 0);
    return digest;
  };

  const BATCH = 256;
  const encoder = new TextEncoder();
  const subtle = window.crypto && window.crypto.subtle;
  const prefix = token + ':';
  const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

  // Batches of digests run concurrently; the first hit of a batch is the smallest n, since
  // every earlier batch had none.
  const solve = async () => {
    let n = 0;
    let lastPause = Date.now();
    for (;;) {
      if (subtle) {
        const pending = [];
        for (let i = 0; i < BATCH; i += 1) pending.push(subtle.digest('SHA-256', encoder.encode(prefix + (n + i))));
        const digests = await Promise.all(pending);
        for (let i = 0; i < BATCH; i += 1) if (hasLeadingZeroBits(new Uint8Array(digests[i]), difficulty)) return n + i;
      } else {
        for (let i = 0; i < BATCH; i += 1) if (hasLeadingZeroBits(sha256(encoder.encode(prefix + (n + i))), difficulty)) return n + i;
      }
      n += BATCH;
      if (Date.now() - lastPause >= 100) {
        say('Checking your browser... ' + n.toLocaleString('en-US') + ' attempts');
        await pause();
        lastPause = Date.now();
      }
    }
  };

  working(true);
  say('Checking your browser...');
  solve().then(
    (n) => {
      solution.value = String(n);
      solved = true;
      working(false);
      if (interactive || !human) say('Check complete.');
      update();
    },
    (error) => {
      working(false);
      say('The check failed (' + ((error && error.message) || String(error)) + '). Reload the page to try again.');
    },
  );
})();
`;

/**
 * The one style sheet of every page, inlined in a `<style>` block and allowed by its hash.
 * Its text must stay free of `\r`: the HTML parser turns CR LF into LF, and the browser hashes
 * what it parsed.
 */
const STYLE = [
  ':root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#f6f8fa;--card:#fff;--line:#d1d9e0;--accent:#0b57d0;--on-accent:#fff;--alert:#b3261e}',
  '@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#151b23;--line:#3d444d;--accent:#8ab4f8;--on-accent:#0d1117;--alert:#f2b8b5}}',
  '*{box-sizing:border-box}',
  '[hidden]{display:none!important}',
  'body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}',
  'main{width:100%;max-width:42rem;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:32px}',
  'h1{margin:0 0 8px;font-size:1.75rem;line-height:1.25}',
  'h2{margin:24px 0 4px;font-size:1.05rem}',
  'p{margin:0 0 12px}',
  'code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.95em}',
  '.wf-kicker{margin:0 0 4px;color:var(--muted);font-size:.8rem;font-weight:600;letter-spacing:.06em;text-transform:uppercase}',
  '.wf-lead{color:var(--muted);font-size:1.1rem}',
  '.wf-progress{display:flex;align-items:center;gap:10px;min-height:2em;margin:20px 0}',
  '.wf-progress p{margin:0;font-weight:500}',
  '.wf-spinner{flex:none;width:20px;height:20px;border:3px solid var(--line);border-top-color:var(--accent);border-radius:50%;animation:wf-spin .9s linear infinite}',
  '@keyframes wf-spin{to{transform:rotate(360deg)}}',
  '@media (prefers-reduced-motion:reduce){.wf-spinner{animation:none}}',
  '.cf-turnstile{margin:16px 0;min-height:65px}',
  'button{font:inherit;font-weight:600;padding:10px 22px;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:var(--on-accent);cursor:pointer}',
  'button:disabled{opacity:.45;cursor:not-allowed}',
  'button:focus-visible{outline:3px solid var(--accent);outline-offset:3px}',
  '.wf-notice{padding:12px 16px;border-left:4px solid var(--alert);background:var(--bg)}',
  'footer{display:flex;flex-wrap:wrap;gap:4px 24px;margin-top:28px;padding-top:16px;border-top:1px solid var(--line);color:var(--muted);font-size:.875rem}',
].join('\n');

/** The CSP source that allows {@link STYLE}: `'sha256-…'` of its UTF-8 bytes, base64. */
const STYLE_SOURCE = `'sha256-${encodeBase64(sha256(toUtf8(STYLE)), { pad: true })}'`;

/**
 * The headers every firewall page is served with:
 *
 * - `Content-Security-Policy`: `default-src 'none'`; scripts only from the page's origin
 *   (plus `https://challenges.cloudflare.com`, and its frames, with Turnstile); the page's one
 *   `<style>` block by hash; `form-action 'self'`, `base-uri 'none'`,
 *   `frame-ancestors 'none'`, `img-src data:`, `connect-src 'self'`.
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
 *   `X-Frame-Options: DENY` (for browsers without `frame-ancestors`), `Cache-Control: no-store`
 *   (a block or a challenge is about this one request, never to be cached).
 *
 * The status code and `Content-Type` are the firewall's to set.
 */
export function pageSecurityHeaders(options: { turnstile?: boolean } = {}): Record<string, string> {
  const turnstile = options.turnstile === true;
  const csp = [
    "default-src 'none'",
    `script-src 'self'${turnstile ? ` ${TURNSTILE_ORIGIN}` : ''}`,
    `style-src ${STYLE_SOURCE}`,
    'img-src data:',
    "connect-src 'self'",
    ...(turnstile ? [`frame-src ${TURNSTILE_ORIGIN}`] : []),
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * `text` made safe for HTML text and for quoted attribute values: `& < > " '` become character
 * references; everything else, non-ASCII included, is kept (the pages are UTF-8).
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** What the block page shows. */
export interface BlockPageInfo {
  /** The request's ray id, shown so a visitor can quote it to the site owner. */
  rayId: string;
  /** The HTTP status the block is answered with (usually 403). */
  status: number;
  /** The rule that blocked: in the JSON and text forms for API clients, never on the HTML page. */
  ruleId?: string | null;
  /** The client's IP address as the firewall saw it. */
  clientIp?: string;
  /** The site's host name. */
  host?: string;
  /** A rate limiting rule answered: the page says "You are being rate limited" (Cloudflare's error 1015) instead. */
  rateLimited?: boolean;
}

/** The `<head>` and opening of `<body>` shared by every page; `extraHead` must already be HTML. */
function documentStart(title: string, extraHead = ''): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    ...(extraHead === '' ? [] : [extraHead]),
    '</head>',
    '<body>',
  ].join('\n');
}

/** The footer shared by every page: the ray id, and the client IP when known. */
function footer(rayId: string, clientIp: string | undefined): string {
  const ip = clientIp === undefined || clientIp === '' ? '' : `<span>Your IP: <code>${escapeHtml(clientIp)}</code></span>`;
  return `<footer><span>Ray ID: <code>${escapeHtml(rayId)}</code></span>${ip}<span>Protected by wirefilter-ts</span></footer>`;
}

/**
 * The block page: a complete UTF-8 HTML document ("Sorry, you have been blocked", or "You are
 * being rate limited" for a rate limiting rule) naming the
 * host, the ray id and the client IP. Every field is escaped; the rule id is not shown (it
 * would tell an attacker which rule to work around). No script at all.
 */
export function blockPage(info: BlockPageInfo): string {
  const host = info.host === undefined || info.host === '' ? undefined : info.host;
  const where = host === undefined ? 'this website' : `<strong>${escapeHtml(host)}</strong>`;
  const limited = info.rateLimited === true;
  const title = limited ? 'Rate limited' : 'Access denied';
  const body = limited
    ? [
        '<h1 id="wf-title">You are being rate limited</h1>',
        `<p class="wf-lead">You have sent ${where} too many requests in a short time.</p>`,
        '<h2>What can I do?</h2>',
        '<p>Wait a while before trying again. If you think this is a mistake, contact the site owner and quote the Ray ID below.</p>',
      ]
    : [
        '<h1 id="wf-title">Sorry, you have been blocked</h1>',
        `<p class="wf-lead">You are unable to access ${where}.</p>`,
        '<h2>Why have I been blocked?</h2>',
        '<p>This website uses a security service to protect itself from online attacks. Something in your request, such as a word or phrase, a malformed request or where it came from, matched one of its rules.</p>',
        '<h2>What can I do to resolve this?</h2>',
        '<p>Contact the site owner to let them know you were blocked. Tell them what you were doing when this page came up, and quote the Ray ID below.</p>',
      ];
  return [
    documentStart(host === undefined ? title : `${title} | ${host}`),
    '<main aria-labelledby="wf-title">',
    `<p class="wf-kicker">Error ${escapeHtml(String(info.status))}</p>`,
    ...body,
    footer(info.rayId, info.clientIp),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** `text` without control characters, so a header value cannot forge lines of a plain-text answer. */
function plain(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
}

/** The block as plain text (UTF-8), for clients that want neither HTML nor JSON: curl, scripts. */
export function blockText(info: BlockPageInfo): string {
  const lines = [
    info.rateLimited === true ? `You are being rate limited (error ${info.status}).` : `Sorry, you have been blocked (error ${info.status}).`,
    info.host === undefined || info.host === '' ? 'You are unable to access this website.' : `You are unable to access ${plain(info.host)}.`,
    '',
    `Ray ID: ${plain(info.rayId)}`,
  ];
  if (info.ruleId !== undefined && info.ruleId !== null) lines.push(`Rule: ${plain(info.ruleId)}`);
  if (info.clientIp !== undefined && info.clientIp !== '') lines.push(`Your IP: ${plain(info.clientIp)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The block as JSON, for API clients: `{"error":"blocked","ray_id":…,"rule_id":…}` (`rule_id`
 * null when unknown; `"error":"rate_limited"` for a rate limiting rule).
 */
export function blockJson(info: BlockPageInfo): string {
  return JSON.stringify({ error: info.rateLimited === true ? 'rate_limited' : 'blocked', ray_id: info.rayId, rule_id: info.ruleId ?? null });
}

/** What the challenge page needs. */
export interface ChallengePageInfo {
  /** The request's ray id, shown in the footer. */
  rayId: string;
  /** The signed challenge token, posted back as `token` and hashed into the proof of work. */
  token: string;
  /** Leading zero bits the proof's SHA-256 must have: an integer from 0 to 256 (each bit doubles the expected work). */
  difficulty: number;
  /** Whether the visitor must click "I am human" after the proof (the `challenge` action) rather than be sent on at once. */
  interactive: boolean;
  /** With a Turnstile site key, the page loads Turnstile's widget and waits for it too (serve it with `pageSecurityHeaders({ turnstile: true })`). */
  turnstileSiteKey?: string;
  /** The site's host name. */
  host?: string;
}

/**
 * The challenge page: a complete UTF-8 HTML document with the form `#wf-challenge` described
 * in the module comment, a live status region, a `<noscript>` explanation, and the ray id.
 * It loads {@link CHALLENGE_SCRIPT} from {@link CHALLENGE_SCRIPT_PATH} and, given a site key,
 * Turnstile's script after it (both deferred, so the script's callbacks exist before the
 * widget can call them).
 *
 * @throws RangeError when `difficulty` is not an integer from 0 to 256.
 */
export function challengePage(info: ChallengePageInfo): string {
  if (!Number.isInteger(info.difficulty) || info.difficulty < 0 || info.difficulty > MAX_DIFFICULTY) {
    throw new RangeError(`challenge difficulty must be an integer from 0 to ${MAX_DIFFICULTY}, got ${String(info.difficulty)}`);
  }
  const host = info.host === undefined || info.host === '' ? undefined : info.host;
  const siteKey = info.turnstileSiteKey === undefined || info.turnstileSiteKey === '' ? undefined : info.turnstileSiteKey;
  const scripts = [`<script src="${CHALLENGE_SCRIPT_PATH}" defer></script>`];
  if (siteKey !== undefined) scripts.push(`<script src="${TURNSTILE_SCRIPT}" defer></script>`);
  const title = info.interactive ? 'Verify you are human' : 'Just a moment...';
  const heading = info.interactive ? 'Verify you are human' : 'Checking your browser before you continue';
  const who = host === undefined ? 'This website' : `<strong>${escapeHtml(host)}</strong>`;
  const widget =
    siteKey === undefined
      ? []
      : [
          `<div class="cf-turnstile" data-sitekey="${escapeHtml(siteKey)}" data-callback="wirefilterTurnstileSolved" data-expired-callback="wirefilterTurnstileExpired" data-error-callback="wirefilterTurnstileError" data-response-field="false"></div>`,
          '<input type="hidden" name="cf-turnstile-response" value="">',
        ];
  return [
    documentStart(host === undefined ? title : `${title} | ${host}`, scripts.join('\n')),
    '<main aria-labelledby="wf-title">',
    `<h1 id="wf-title">${heading}</h1>`,
    `<p class="wf-lead">${who} needs to check that you are a person, not an automated program, before letting you in. This takes a few seconds.</p>`,
    `<form id="wf-challenge" method="POST" action="${SOLVE_PATH}" data-difficulty="${info.difficulty}" data-interactive="${info.interactive ? 'true' : 'false'}">`,
    `<input type="hidden" name="token" value="${escapeHtml(info.token)}">`,
    '<input type="hidden" name="solution" value="">',
    ...widget,
    '<div class="wf-progress"><span id="wf-spinner" class="wf-spinner" aria-hidden="true" hidden></span><p id="wf-status" role="status" aria-live="polite">Checking your browser...</p></div>',
    ...(info.interactive ? ['<button type="button" id="wf-verify" disabled>I am human</button>'] : []),
    '</form>',
    '<noscript><p class="wf-notice">This check needs JavaScript. Turn on JavaScript in your browser, then reload the page.</p></noscript>',
    footer(info.rayId, undefined),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Media types of an `Accept` header with their q-values (absent q = 1). */
function acceptedTypes(accept: string): { type: string; q: number }[] {
  return accept.split(',').flatMap((range) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type === '') return [];
    let q = 1;
    for (const param of params) {
      const match = /^q\s*=\s*([0-9.]+)$/.exec(param);
      if (match !== null) q = Number(match[1]);
    }
    return [{ type, q: Number.isFinite(q) ? q : 0 }];
  });
}

const isHtmlType = (type: string): boolean => type === 'text/html' || type === 'application/xhtml+xml';
const isJsonType = (type: string): boolean => {
  const subtype = type.slice(type.indexOf('/') + 1);
  return type.includes('/') && (subtype === 'json' || subtype.endsWith('+json'));
};

/**
 * Which representation of a block a client wants:
 *
 * - `'html'` when `Accept` lists `text/html` (or `application/xhtml+xml`), or when `Accept`
 *   is absent or empty and the `User-Agent` looks like a browser (`Mozilla/`);
 * - `'json'` when it lists `application/json` or any `…/…+json` type (`application/problem+json`),
 *   and not HTML with at least as high a q-value;
 * - `'text'` otherwise (curl's `*\/*`, unknown clients).
 *
 * Types with `q=0` count as refused.
 */
export function preferredFormat(accept: string | null | undefined, userAgent: string | null | undefined): 'html' | 'json' | 'text' {
  if (accept === null || accept === undefined || accept.trim() === '') {
    return userAgent !== null && userAgent !== undefined && userAgent.includes('Mozilla/') ? 'html' : 'text';
  }
  let html = 0;
  let json = 0;
  for (const { type, q } of acceptedTypes(accept)) {
    if (isHtmlType(type)) html = Math.max(html, q);
    else if (isJsonType(type)) json = Math.max(json, q);
  }
  if (html > 0 && html >= json) return 'html';
  if (json > 0) return 'json';
  return 'text';
}
