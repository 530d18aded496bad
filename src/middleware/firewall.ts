/**
 * The firewall: evaluates the custom rules for each request and enforces the decision —
 * block responses, challenges a browser solves (a proof of work, a click or Turnstile for the
 * interactive one), and signed clearance cookies that later evaluations honour. The core works
 * on a small request abstraction; `handle` (Fetch runtimes) and `node` (Node `http`,
 * Express, Connect) adapt it. Browser-safe: no Node imports (HMACs and hashes in JS, random
 * values from `crypto.getRandomValues`).
 *
 * @module
 */
// The bot fields only (not the verifier and its bundled directory): the caller passes the verifier.
import { BOT_FIELDS, botFacts } from '../bots/fields.js';
import type { BotVerification } from '../bots/verifier.js';
import { requestFields, type RequestFacts } from '../cloudflare/request/fields.js';
import { workersCfFields } from '../cloudflare/request/workers-cf.js';
import { parseIpAddress } from '../values/ip.js';
import type { Clearance, Decision } from '../ruleset/types.js';
import type { FirewallEvent, FirewallOutcome } from './events.js';
import { readFirewallOptions, type FirewallOptions, type FirewallRequest, type FirewallSettings } from './options.js';
import {
  blockJson,
  blockPage,
  blockText,
  CHALLENGE_SCRIPT,
  CHALLENGE_SCRIPT_PATH,
  challengePage,
  pageSecurityHeaders,
  preferredFormat,
  RESERVED_PREFIX,
  SOLVE_PATH,
} from './pages.js';
import { DEFAULT_DIFFICULTY, verifyProof } from './pow.js';
import { ReplayCache } from './replay.js';
import { Signer } from './signing.js';
import { clientBinding, isSafeReturnPath, issueChallenge, issueClearance, MAX_COUNTER_KEY_LENGTH, newChallengeId, readChallenge, readClearance, type ChallengeClaims, type ClearanceLevel } from './tokens.js';

/** A request as the firewall core sees it; the adapters build one. */
export interface IncomingRequest extends FirewallRequest {
  /** Whether the client connection is HTTPS (for the cookie's `Secure`). */
  readonly https: boolean;
  /** Reads up to `limit` bytes of the body without taking it from the application. */
  readBody(limit: number): Promise<{ bytes: Uint8Array; size: number | undefined }>;
  /** Reads up to `limit` bytes of a body the firewall answers itself (no copy kept for the application). */
  consumeBody(limit: number): Promise<{ bytes: Uint8Array; size: number | undefined }>;
}

/** A response the firewall sends instead of the application's. */
export interface FirewallResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The level of clearance each challenge action grants when solved. */
const LEVEL_OF: Record<'js_challenge' | 'managed_challenge' | 'challenge', ClearanceLevel> = {
  js_challenge: 'jschallenge',
  managed_challenge: 'managed',
  challenge: 'interactive',
};

/** Extra validity of a clearance for XHR requests (the ruleset's grace decides; the cookie must still be readable). */
const XHR_GRACE_SECONDS = 3600;
/** Largest solution form accepted. */
const MAX_FORM_BYTES = 16 * 1024;
const RAY_HEADER = 'x-wirefilter-ray';

/** A firewall created by {@link createFirewall}. */
export interface Firewall {
  /**
   * Fetch adapter: a `Response` when the firewall answers (block, challenge, solution), or
   * `undefined` to let the application answer. `info.clientIp` gives the client address when
   * the runtime knows it (otherwise `trustProxy` or nothing). Never rejects.
   */
  handle(request: Request, info?: { clientIp?: string }): Promise<Response | undefined>;
  /**
   * Node adapter (`http`, Express, Connect): answers on `res`, or calls `next()` to pass.
   * Never throws into the server.
   */
  node(req: NodeRequest, res: NodeResponse, next: (error?: unknown) => void): void;
  /**
   * Fetch adapter, after the application answered a request `handle` passed: counts it for
   * rate limiting rules that count after the response (a counting expression on
   * `http.response.*`, score-based rules). Does nothing when no such rule exists. The Node
   * adapter does this itself. Never rejects.
   */
  afterResponse(request: Request, response: Response): Promise<void>;
  /** The settings in force (validated options with defaults). */
  readonly settings: Readonly<FirewallSettings>;
}

/** The parts of Node's `IncomingMessage` the adapter uses. */
export interface NodeRequest {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  socket: { remoteAddress?: string; encrypted?: boolean };
  read(size?: number): unknown;
  unshift(chunk: Uint8Array): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
  readonly readableEnded?: boolean;
}

/** The parts of Node's `ServerResponse` the adapter uses. */
export interface NodeResponse {
  headersSent?: boolean;
  /** The status the application answered with (read after `finish`, for rate limiting rules that count responses). */
  statusCode?: number;
  getHeaders?(): Record<string, unknown>;
  once?(event: 'finish', listener: () => void): unknown;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string): unknown;
}

/**
 * Creates a firewall enforcing `options.ruleset`. Options are checked now (`invalid-option`
 * listing every problem); keys are derived on first use.
 */
export function createFirewall(options: FirewallOptions): Firewall {
  const settings = readFirewallOptions(options);
  const core = new FirewallCore(settings);
  return {
    settings,
    handle: (request, info) => core.handleFetch(request, info),
    afterResponse: (request, response) => {
      const headers: [string, string][] = [];
      response?.headers?.forEach((value, name) => headers.push([name, value]));
      return core.afterResponse(request, { status: response?.status, headers });
    },
    node: (req, res, next) => core.handleNode(req, res, next),
  };
}

class FirewallCore {
  private signer: Promise<Signer> | undefined;
  private readonly replays: ReplayCache;
  private readonly readsBody: boolean;
  private readonly difficulty: number;
  /** Field names the rules read, with the other names of aliased fields. */
  private readonly readNames: readonly string[];
  private readonly readSet: ReadonlySet<string>;
  /** Whether `settings.bots` is asked: some rule reads a bot field (under either name). */
  private readonly readsBots: boolean;
  /** Values of answered requests, for rate limiting rules that count after the response (Fetch adapter). */
  private readonly pendingCounts = new WeakMap<object, Record<string, unknown>>();

  constructor(private readonly settings: FirewallSettings) {
    this.replays = new ReplayCache(settings.replayCacheSize);
    const read = [...settings.ruleset.fields, ...(settings.rateLimits?.fields ?? [])];
    this.readsBody = read.some((name) => name.startsWith('http.request.body.'));
    this.difficulty = settings.difficulty ?? DEFAULT_DIFFICULTY;
    const scheme = settings.ruleset.scheme;
    const aliases = new Map<string, string[]>();
    for (const field of scheme.fields()) if (field.aliasOf !== undefined) aliases.set(field.aliasOf, [...(aliases.get(field.aliasOf) ?? []), field.name]);
    const names = new Set<string>();
    for (const name of read) {
      const canonical = scheme.fieldInfo(name)?.aliasOf ?? name;
      names.add(canonical);
      for (const alias of aliases.get(canonical) ?? []) names.add(alias);
    }
    this.readNames = [...names];
    this.readSet = names;
    this.readsBots = settings.bots !== undefined && BOT_FIELDS.some((name) => names.has(name));
  }

  async handleFetch(request: Request, info: { clientIp?: string } = {}): Promise<Response | undefined> {
    const url = new URL(request.url);
    const incoming: IncomingRequest = {
      method: request.method,
      url: url.pathname + url.search,
      https: url.protocol === 'https:',
      header: (name) => request.headers.get(name),
      clientIp: this.clientIp((name) => request.headers.get(name), info.clientIp),
      raw: request,
      readBody: (limit) => readFetchBody(request.clone(), limit),
      consumeBody: (limit) => readFetchBody(request, limit),
    };
    const response = await this.process(incoming);
    if (response === undefined) return undefined;
    return new Response(response.status === 303 || response.body === '' ? null : response.body, { status: response.status, headers: response.headers });
  }

  /** Counts an answered request for rate limiting rules that count after the response. */
  async afterResponse(raw: object, response: { status: number; headers: Iterable<[string, string]> | Record<string, unknown> }): Promise<void> {
    const limiter = this.settings.rateLimits;
    const values = this.pendingCounts.get(raw);
    if (limiter === undefined || values === undefined) return;
    this.pendingCounts.delete(raw);
    try {
      await limiter.count({ ...values, 'http.response.code': response.status, 'http.response.headers': responseHeaders(response.headers) }, { now: this.settings.now() / 1000 });
    } catch (error) {
      // Bad response values (a status that is not a number): reported, never thrown.
      this.emit({ rayId: '', time: this.settings.now(), clientIp: undefined, method: '', url: '', action: 'allow', ruleId: null, rulesetId: null, events: [], outcome: 'error', reason: `counting the response failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  handleNode(req: NodeRequest, res: NodeResponse, next: (error?: unknown) => void): void {
    const header = (name: string): string | null => {
      const value = req.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(name.toLowerCase() === 'cookie' ? '; ' : ', ') : value;
    };
    const incoming: IncomingRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      https: req.socket.encrypted === true,
      header,
      clientIp: this.clientIp(header, unmapped(req.socket.remoteAddress)),
      raw: req,
      readBody: (limit) => readNodeBody(req, limit),
      consumeBody: (limit) => readNodeBody(req, limit),
    };
    this.process(incoming).then(
      (response) => {
        if (response === undefined) {
          if (this.pendingCounts.has(req) && typeof res.once === 'function') {
            res.once('finish', () => void this.afterResponse(req, { status: res.statusCode ?? 0, headers: res.getHeaders?.() ?? {} }));
          }
          next();
          return;
        }
        if (res.headersSent === true) return;
        res.writeHead(response.status, response.headers);
        res.end(response.body);
      },
      // process() never rejects; this is the last line of defence.
      () => next(),
    );
  }

  /** The client address: socket (or runtime) address, or what a trusted proxy reported. */
  private clientIp(header: (name: string) => string | null, direct: string | undefined): string | undefined {
    const trust = this.settings.trustProxy;
    if (trust === false) return direct;
    if (typeof trust === 'number') {
      const hops = (header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
      const candidate = hops[hops.length - trust];
      return candidate !== undefined && parseIpAddress(unmapped(candidate) ?? '') !== undefined ? unmapped(candidate) : direct;
    }
    const value = header(trust.header)?.trim();
    return value !== undefined && parseIpAddress(unmapped(value) ?? '') !== undefined ? unmapped(value) : direct;
  }

  private signerReady(): Promise<Signer> {
    this.signer ??= Signer.create(this.settings.secrets);
    return this.signer;
  }

  /** The whole pipeline for one request; never rejects. */
  async process(request: IncomingRequest): Promise<FirewallResponse | undefined> {
    const rayId = newRayId();
    const time = this.settings.now();
    const base = { rayId, time, clientIp: request.clientIp, method: request.method, url: request.url };
    try {
      const path = request.url.split('?', 1)[0]!;
      if (path.startsWith(RESERVED_PREFIX)) return await this.reserved(request, path, rayId, base);
      return await this.evaluate(request, rayId, base);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.emit({ ...base, action: 'allow', ruleId: null, rulesetId: null, events: [], outcome: 'error', reason });
      if (this.settings.failOpen) return undefined;
      return this.textResponse(503, rayId, 'The firewall could not check this request.\n');
    }
  }

  private async evaluate(request: IncomingRequest, rayId: string, base: EventBase): Promise<FirewallResponse | undefined> {
    const nowSeconds = Math.floor(base.time / 1000);
    const userFacts = await this.userFacts(request);
    const bots = this.readsBots ? await this.botFacts(request, userFacts) : undefined;
    // The caller's facts come last: a `verifiedBot` of theirs (never asked of the verifier) wins.
    const facts: RequestFacts = { clientIp: request.clientIp ?? null, rayId, timestamp: base.time, ...bots?.facts, ...userFacts };
    if (this.readsBody && request.method !== 'GET' && request.method !== 'HEAD') {
      const { bytes, size } = await request.readBody(this.settings.bodyLimit);
      facts.body = bytes;
      if (size !== undefined) facts.bodySize = size;
    }
    const values = this.usedValues(requestFields(request.raw as Request, facts, { bodyLimit: this.settings.bodyLimit, now: this.settings.now, fields: this.readSet }));
    const clearance = await this.clearance(request, nowSeconds);
    let decision = this.settings.ruleset.evaluate(values, { clearance, now: nowSeconds, xhr: isXhr(request) });
    let phase: FirewallEvent['phase'] = decision.ruleId === null ? undefined : 'http_request_firewall_custom';
    const limiter = this.settings.rateLimits;
    let counterKey: string | undefined;
    if (limiter !== undefined && decision.action === 'allow' && !decision.skipped.phases.includes('http_ratelimit')) {
      // The rate limiting phase runs after custom rules that let the request through (Cloudflare's phase order).
      const limited = await limiter.evaluate(values, { now: base.time / 1000 });
      if (limited.action !== 'allow') {
        phase = 'http_ratelimit';
        if (limited.ruleId !== null && limited.action !== 'block') counterKey = limiter.counterKey(values, limited.ruleId);
      }
      decision = { ...limited, events: [...decision.events, ...limited.events], skipped: decision.skipped };
      if (limiter.countsResponses && limited.action === 'allow') this.pendingCounts.set(request.raw as object, values);
    }
    if (decision.action === 'allow' && this.settings.onEvent === undefined) return undefined; // nobody to tell: no event object
    const event = { ...base, action: decision.action, ruleId: decision.ruleId, rulesetId: decision.rulesetId, events: decision.events, ...(phase !== undefined && { phase }), ...(clearance !== null && { clearance: clearance.level }), ...(bots?.problem !== undefined && { reason: bots.problem }) };
    if (decision.action === 'allow') {
      this.emit({ ...event, outcome: 'passed' });
      return undefined;
    }
    if (this.settings.mode === 'log') {
      this.emit({ ...event, outcome: 'logged' });
      return undefined;
    }
    if (decision.action === 'block') {
      this.emit({ ...event, outcome: 'blocked' });
      return this.blockResponse(request, decision, rayId, phase === 'http_ratelimit');
    }
    this.emit({ ...event, outcome: 'challenged' });
    return this.challengeResponse(request, decision.action, rayId, base.time, counterKey);
  }

  /**
   * Only the values some rule reads (under either name of an aliased field): converting the
   * other derived fields into the context would be most of the per-request cost.
   */
  private usedValues(values: Record<string, unknown>): Record<string, unknown> {
    const used: Record<string, unknown> = {};
    for (const name of this.readNames) if (values[name] !== undefined) used[name] = values[name];
    return used;
  }

  /** `facts(request)` bounded by `factsTimeoutMs`; a timeout or a throw is an error of the whole request. */
  private async userFacts(request: IncomingRequest): Promise<RequestFacts> {
    const facts = this.settings.facts;
    if (facts === undefined) return {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`facts() did not answer within ${this.settings.factsTimeoutMs} ms`)), this.settings.factsTimeoutMs);
    });
    try {
      const result = await Promise.race([Promise.resolve().then(() => facts(request)), timeout]);
      if (typeof result !== 'object' || result === null || Array.isArray(result)) throw new Error('facts() must return an object of request facts');
      return result;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The bot facts of `settings.bots` for a request, unless the caller's facts (or Workers'
   * `request.cf`) already say whether it is a verified bot. A verifier that throws or outlasts
   * `botsTimeoutMs` gives the facts of non-verified traffic and a `problem` for the event:
   * doubt never verifies, and never breaks the request.
   */
  private async botFacts(request: IncomingRequest, userFacts: RequestFacts): Promise<{ facts: RequestFacts; problem?: string } | undefined> {
    if (callerKnowsBot(userFacts, request.raw)) return undefined;
    const ip = userFacts.clientIp !== undefined ? userFacts.clientIp : request.clientIp;
    const asn = userFacts.asn;
    const query = { ip: ip ?? null, userAgent: request.header('user-agent'), ...(typeof asn === 'number' && Number.isInteger(asn) && asn >= 0 && asn <= 0xffffffff && { asn }) };
    const timeoutMs = this.settings.botsTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const pending = Promise.resolve().then(() => this.settings.bots!.verify(query));
      pending.catch(() => undefined); // a verification that ends after the timeout must not go unhandled
      const result: BotVerification | 'timeout' = await Promise.race([pending, timeout]);
      if (result === 'timeout') return { facts: botFacts(undefined), problem: `bot verification did not answer within ${timeoutMs} ms: not verified` };
      return { facts: botFacts(result) };
    } catch (error) {
      return { facts: botFacts(undefined), problem: `bot verification failed (${error instanceof Error ? error.message : String(error)}): not verified` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The clearance the request's cookie proves, or null (missing, forged, expired, another client). */
  private async clearance(request: IncomingRequest, nowSeconds: number): Promise<Clearance | null> {
    const value = cookieValue(request.header('cookie'), this.settings.cookieName);
    if (value === undefined) return null;
    const signer = await this.signerReady();
    const claims = await readClearance(signer, value, nowSeconds, this.settings.passageSeconds + XHR_GRACE_SECONDS);
    if (claims === undefined) return null;
    if (claims.bind !== (await this.binding(request))) return null;
    return { level: claims.level, issuedAt: claims.iat };
  }

  private binding(request: IncomingRequest): Promise<string> {
    return clientBinding({ ip: request.clientIp, userAgent: request.header('user-agent') ?? undefined }, this.settings.bind);
  }

  private blockResponse(request: IncomingRequest, decision: Decision, rayId: string, rateLimited: boolean): FirewallResponse {
    const custom = decision.response;
    const status = custom?.status_code ?? (rateLimited ? 429 : 403);
    if (custom !== undefined && custom.content !== null) {
      return { status, headers: { ...this.baseHeaders(rayId), 'content-type': `${custom.content_type}; charset=utf-8`, 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" }, body: custom.content };
    }
    const info = { rayId, status, ruleId: decision.ruleId, rateLimited, ...(request.clientIp !== undefined && { clientIp: request.clientIp }), ...(request.header('host') !== null && { host: request.header('host')! }) };
    const format = preferredFormat(request.header('accept'), request.header('user-agent'));
    if (format === 'html') return { status, headers: headers(this.baseHeaders(rayId), pageSecurityHeaders(), { 'content-type': 'text/html; charset=utf-8' }), body: blockPage(info) };
    if (format === 'json') return { status, headers: { ...this.baseHeaders(rayId), 'content-type': 'application/json' }, body: blockJson(info) };
    return { status, headers: { ...this.baseHeaders(rayId), 'content-type': 'text/plain; charset=utf-8' }, body: blockText(info) };
  }

  private async challengeResponse(request: IncomingRequest, action: 'js_challenge' | 'managed_challenge' | 'challenge', rayId: string, time: number, counterKey?: string): Promise<FirewallResponse> {
    const base = { ...this.baseHeaders(rayId), 'cf-mitigated': 'challenge' };
    const format = preferredFormat(request.header('accept'), request.header('user-agent'));
    if (format !== 'html' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      // API clients (and non-navigations) cannot solve a page: Cloudflare answers 403 + cf-mitigated.
      const body = format === 'json' ? JSON.stringify({ error: 'challenge', ray_id: rayId }) : `Challenge required (ray ${rayId}).\n`;
      return { status: 403, headers: { ...base, 'content-type': format === 'json' ? 'application/json' : 'text/plain; charset=utf-8' }, body };
    }
    const nowSeconds = Math.floor(time / 1000);
    const signer = await this.signerReady();
    const claims: ChallengeClaims = {
      level: LEVEL_OF[action],
      ray: rayId,
      url: isSafeReturnPath(request.url) ? request.url : '/',
      bind: await this.binding(request),
      iat: nowSeconds,
      exp: nowSeconds + this.settings.tokenSeconds,
      id: newChallengeId(),
      difficulty: this.difficulty,
    };
    let token: string;
    try {
      // A rate limiting challenge carries its counter's key, so a solve resets that counter.
      token = await issueChallenge(signer, counterKey !== undefined && counterKey.length <= MAX_COUNTER_KEY_LENGTH ? { ...claims, rl: counterKey } : claims);
    } catch {
      // A key whose escaping makes the token too large: the solve then does not reset the counter.
      token = await issueChallenge(signer, claims);
    }
    const interactive = action === 'challenge';
    const turnstile = interactive ? this.settings.turnstile : undefined;
    const body = challengePage({ rayId, token, difficulty: this.difficulty, interactive, ...(turnstile !== undefined && { turnstileSiteKey: turnstile.siteKey }), ...(request.header('host') !== null && { host: request.header('host')! }) });
    return { status: 403, headers: headers(base, pageSecurityHeaders({ turnstile: turnstile !== undefined }), { 'content-type': 'text/html; charset=utf-8' }), body };
  }

  /** The firewall's own paths: the challenge script and the solution endpoint. */
  private async reserved(request: IncomingRequest, path: string, rayId: string, base: EventBase): Promise<FirewallResponse> {
    if (path === CHALLENGE_SCRIPT_PATH && (request.method === 'GET' || request.method === 'HEAD')) {
      return {
        status: 200,
        headers: { [RAY_HEADER]: rayId, 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' },
        body: CHALLENGE_SCRIPT,
      };
    }
    if (path === SOLVE_PATH && request.method === 'POST') return this.solve(request, rayId, base);
    return this.textResponse(404, rayId, 'Not found.\n');
  }

  /** Verifies a solved challenge; sets the clearance cookie and redirects to the original URL. */
  private async solve(request: IncomingRequest, rayId: string, base: EventBase): Promise<FirewallResponse> {
    const refuse = (reason: string, status = 403): FirewallResponse => {
      this.emit({ ...base, action: 'allow', ruleId: null, rulesetId: null, events: [], outcome: 'refused', reason });
      return this.textResponse(status, rayId, `The challenge could not be verified: ${reason}. Reload the page to try again.\n`);
    };
    const type = (request.header('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') return refuse('expected a form submission', 415);
    const { bytes, size } = await request.consumeBody(MAX_FORM_BYTES + 1);
    if (bytes.length > MAX_FORM_BYTES || (size !== undefined && size > MAX_FORM_BYTES)) return refuse('the form is too large', 413);
    const form = new URLSearchParams(new TextDecoder().decode(bytes));
    const token = form.get('token') ?? '';
    const nowSeconds = Math.floor(base.time / 1000);
    const signer = await this.signerReady();
    const claims = await readChallenge(signer, token, nowSeconds);
    if (claims === undefined) return refuse('the challenge is invalid or has expired', 400);
    if (claims.bind !== (await this.binding(request))) return refuse('the challenge was issued to another client');
    if (!(await verifyProof(token, form.get('solution'), claims.difficulty))) return refuse('the proof of work is wrong');
    if (claims.level === 'interactive' && this.settings.turnstile !== undefined) {
      const ok = await verifyTurnstile(this.settings.turnstile, form.get('cf-turnstile-response'), request.clientIp);
      if (!ok) return refuse('the Turnstile response was not accepted');
    }
    if (!this.replays.use(claims.id, claims.exp, nowSeconds)) return refuse('the challenge was already used');
    // Cloudflare resets a rate limiting counter when its visitor passes the rule's challenge.
    if (claims.rl !== undefined) await this.settings.rateLimits?.resetCounter(claims.rl);
    const cookie = await issueClearance(signer, { level: claims.level, iat: nowSeconds, bind: claims.bind });
    const attributes = [`${this.settings.cookieName}=${cookie}`, 'Path=/', `Max-Age=${this.settings.passageSeconds}`, 'HttpOnly', 'SameSite=Lax'];
    if (request.https) attributes.push('Secure');
    this.emit({ ...base, action: 'allow', ruleId: null, rulesetId: null, events: [], outcome: 'solved', clearance: claims.level });
    return { status: 303, headers: { ...this.baseHeaders(rayId), location: isSafeReturnPath(claims.url) ? claims.url : '/', 'set-cookie': attributes.join('; ') }, body: '' };
  }

  private baseHeaders(rayId: string): Record<string, string> {
    return { [RAY_HEADER]: rayId, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  }

  private textResponse(status: number, rayId: string, body: string): FirewallResponse {
    return { status, headers: { ...this.baseHeaders(rayId), 'content-type': 'text/plain; charset=utf-8' }, body };
  }

  /** Reports an event; a throwing `onEvent` is ignored (it must not break the request). */
  private emit(event: FirewallEvent): void {
    try {
      this.settings.onEvent?.(event);
    } catch {
      // The application's listener failed; the request goes on.
    }
  }
}

type EventBase = Pick<FirewallEvent, 'rayId' | 'time' | 'clientIp' | 'method' | 'url'>;

/** Re-exported for the outcome type's users. */
export type { FirewallOutcome };

/** Header sets merged with lower-case names (a later set wins). */
function headers(...sets: Record<string, string>[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const set of sets) for (const [name, value] of Object.entries(set)) out[name.toLowerCase()] = value;
  return out;
}

/**
 * A 16-hex-digit ray id, like Cloudflare's: a random per-process prefix and a counter. Ray ids
 * name requests in logs; they are not secrets (challenge ids are random, see tokens.ts), and
 * drawing 8 random bytes per request cost a tenth of the firewall's time on allowed requests.
 */
function newRayId(): string {
  rayCounter = (rayCounter + 1) >>> 0;
  return rayPrefix + rayCounter.toString(16).padStart(8, '0');
}
const rayPrefix = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');
let rayCounter = 0;

/** Response headers as the `http.response.headers` field takes them: lower-case names, lists of values. */
function responseHeaders(headers: Iterable<[string, string]> | Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const entries = Symbol.iterator in headers ? [...(headers as Iterable<[string, string]>)] : Object.entries(headers);
  for (const [name, value] of entries) {
    const list = Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
    (out[name.toLowerCase()] ??= []).push(...list);
  }
  return out;
}

/**
 * Whether the caller already says if the request is a verified bot: the `verifiedBot` fact, a
 * bot field in `facts.fields`, or Cloudflare's verdict (`botManagement.verifiedBot`,
 * `verifiedBotCategory`) in a Workers `request.cf` (on the request or in `facts.cf`). Their
 * answer is used, and the verifier is not asked.
 */
function callerKnowsBot(facts: RequestFacts, raw: unknown): boolean {
  if (facts.verifiedBot !== undefined && facts.verifiedBot !== null) return true;
  const fields = facts.fields;
  if (typeof fields === 'object' && fields !== null && BOT_FIELDS.some((name) => Object.hasOwn(fields, name))) return true;
  const rawCf = typeof raw === 'object' && raw !== null ? (raw as { cf?: unknown }).cf : undefined;
  for (const cf of [facts.cf, rawCf]) {
    if (typeof cf !== 'object' || cf === null) continue;
    const known = workersCfFields(cf);
    if (BOT_FIELDS.some((name) => known[name] !== undefined)) return true;
  }
  return false;
}

/** `::ffff:192.0.2.1` → `192.0.2.1`. */
function unmapped(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

/** A cookie's value from a `Cookie` header, or undefined. */
function cookieValue(header: string | null, name: string): string | undefined {
  if (header === null || header.length > 16 * 1024) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** An XMLHttpRequest/fetch call (Cloudflare adds XHR grace to their clearance). */
function isXhr(request: IncomingRequest): boolean {
  return request.header('x-requested-with')?.toLowerCase() === 'xmlhttprequest' || request.header('sec-fetch-dest') === 'empty';
}

/**
 * Reads up to `limit` bytes of a Fetch request's body: of a clone when the application still
 * needs the body (`readBody`), of the request itself when the firewall answers it.
 */
async function readFetchBody(request: Request, limit: number): Promise<{ bytes: Uint8Array; size: number | undefined }> {
  const declared = Number(request.headers.get('content-length'));
  const size = Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined;
  if (request.body === null) return { bytes: new Uint8Array(0), size: 0 };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total <= limit) {
      const { done, value } = await reader.read();
      if (done) return { bytes: concat(chunks, total), size: size ?? total };
      chunks.push(value);
      total += value.length;
    }
  } finally {
    // Not awaited: a tee'd branch's cancel settles only when the other branch (the one the
    // application reads) is cancelled or read to the end.
    reader.cancel().catch(() => undefined);
  }
  return { bytes: concat(chunks, total).subarray(0, limit), size };
}

/**
 * Reads up to `limit` bytes of a Node request's body and puts them back at the front of the
 * stream (`unshift`, which Node allows until the `end` event), so the application reads the
 * whole body as if nobody had.
 */
function readNodeBody(req: NodeRequest, limit: number): Promise<{ bytes: Uint8Array; size: number | undefined }> {
  const declared = Number(req.headers['content-length']);
  const size = Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined;
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const state = (req as unknown as { _readableState?: { ended?: boolean } })._readableState;
    const finish = (): void => {
      req.removeListener('readable', onReadable);
      req.removeListener('error', onError);
      const bytes = concat(chunks, total);
      if (total > 0) req.unshift(bytes);
      resolve({ bytes: bytes.subarray(0, limit), size: state?.ended === true ? total : size });
    };
    const onReadable = (): void => {
      let chunk: unknown;
      while (total <= limit && (chunk = req.read()) !== null) {
        const bytes = chunk instanceof Uint8Array ? chunk : new TextEncoder().encode(String(chunk));
        chunks.push(bytes);
        total += bytes.length;
      }
      if (total > limit || state?.ended === true || req.readableEnded === true) finish();
    };
    const onError = (error: unknown): void => {
      req.removeListener('readable', onReadable);
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    req.on('error', onError);
    req.on('readable', onReadable);
  });
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Server-side Turnstile check (`siteverify`); any failure is a refusal. */
async function verifyTurnstile(options: NonNullable<FirewallSettings['turnstile']>, response: string | null, clientIp: string | undefined): Promise<boolean> {
  if (response === null || response === '' || response.length > 4096) return false;
  const body = new URLSearchParams({ secret: options.secretKey, response });
  if (clientIp !== undefined) body.set('remoteip', clientIp);
  const fetcher = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  try {
    const answer = await fetcher(options.verifyUrl ?? 'https://challenges.cloudflare.com/turnstile/v0/siteverify', { method: 'POST', body });
    const json = (await answer.json()) as { success?: unknown };
    return json?.success === true;
  } catch {
    return false;
  }
}
