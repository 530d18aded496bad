/**
 * The options of {@link createFirewall}, validated once when the firewall is created: a
 * misspelt key or a wrong type must fail loudly at start-up, never weaken enforcement later.
 *
 * @module
 */
import { describeType, describeValue, WirefilterError } from '../diagnostics/errors.js';
import { closestName } from '../diagnostics/suggest.js';
import type { BotVerifier } from '../bots/verifier.js';
import type { RequestFacts } from '../cloudflare/request/fields.js';
import { RateLimiter } from '../ratelimit/limiter.js';
import { Ruleset } from '../ruleset/ruleset.js';
import type { FirewallEvent } from './events.js';

/** What the firewall sees of a request before it reads field values (for `facts`). */
export interface FirewallRequest {
  readonly method: string;
  /** Path and query as received, e.g. `/search?q=1`. */
  readonly url: string;
  /** A header's value (names are case-insensitive), or `null`. */
  header(name: string): string | null;
  /** The client address the firewall determined (socket, or a trusted proxy header). */
  readonly clientIp: string | undefined;
  /** The adapter's request object: a Fetch `Request` or a Node `IncomingMessage`. */
  readonly raw: unknown;
}

/** Turnstile (Cloudflare's CAPTCHA alternative) for interactive challenges. */
export interface TurnstileOptions {
  /** The widget's site key (public). */
  siteKey: string;
  /** The secret key for `siteverify` (server side). */
  secretKey: string;
  /** The fetch used for `siteverify` (default: `globalThis.fetch`); tests inject one. */
  fetch?: (input: string, init: { method: string; body: URLSearchParams }) => Promise<{ json(): Promise<unknown> }>;
  /** `siteverify` endpoint. Default Cloudflare's. */
  verifyUrl?: string;
}

/** How challenges are served and solved. */
export interface ChallengeOptions {
  /** Leading zero bits the proof of work needs (0–32). Default: `DEFAULT_DIFFICULTY`. */
  difficulty?: number;
  /** How long a clearance cookie lasts, in seconds. Default: the ruleset's Challenge Passage. */
  passageSeconds?: number;
  /** How long a served challenge may be solved, in seconds. Default 300. */
  tokenSeconds?: number;
  /** Turnstile for the interactive `challenge` action (otherwise a click after the proof of work). */
  turnstile?: TurnstileOptions;
  /** What tokens and clearance are bound to. Default `{ ip: true, userAgent: true }` (IPv6 per /64). */
  bind?: { ip?: boolean; userAgent?: boolean };
  /** Solved challenges remembered to refuse replays. Default 100,000. */
  replayCacheSize?: number;
}

/** Options of {@link createFirewall}. */
export interface FirewallOptions {
  /** The custom rules to enforce. */
  ruleset: Ruleset;
  /**
   * Rate limiting rules (`http_ratelimit`), run after the custom rules when those let the
   * request through and did not skip the phase. Their challenges are served like custom rules'
   * ones; solving one resets the rule's counter (it grants no exemption from rate limits).
   * When some rule counts after the response, the Node adapter counts each answered request
   * itself; with `handle`, call `firewall.afterResponse(request, response)`.
   */
  rateLimits?: RateLimiter;
  /** Signs challenges and clearance: at least 32 bytes. */
  secret?: string | Uint8Array;
  /** Several secrets for rotation: the first signs, all verify. Use instead of `secret`. */
  secrets?: readonly (string | Uint8Array)[];
  /**
   * What only the caller knows about a request (ASN, country, bot score, …), sync or async;
   * merged into the request's facts. Bounded by `factsTimeoutMs`.
   */
  facts?: (request: FirewallRequest) => RequestFacts | Promise<RequestFacts>;
  /** Longest wait for `facts`, in ms. Default 1000. */
  factsTimeoutMs?: number;
  /**
   * Verified bots (`createBotVerifier` from `wirefilter-ts/bots`): fills `cf.client.bot`,
   * `cf.bot_management.verified_bot` and `cf.verified_bot_category`. Called only when the
   * ruleset (or `rateLimits`) reads one of those fields, and only when the caller's `facts`
   * (or Workers' `request.cf`) do not already give them — the caller's values win. The client
   * address verified is `ip.src` (the facts' `clientIp`, else the firewall's), the ASN the facts'
   * `asn`. A verifier that throws or outlasts `botsTimeoutMs` leaves the request *not verified*
   * (never an error of the request; the event's `reason` says why).
   */
  bots?: BotVerifier;
  /**
   * Longest wait for `bots.verify`, in ms, past which the request is not verified. Default
   * 3000: a backstop above the verifier's own `timeoutMs` (default 2000), which bounds DNS.
   */
  botsTimeoutMs?: number;
  /** `enforce` (default) acts on decisions; `log` evaluates and reports events, never acts. */
  mode?: 'enforce' | 'log';
  /**
   * Where the client address comes from. `false` (default): the socket (Node) or
   * `handle(request, { clientIp })`. A number `n`: the `n`-th address from the right of
   * `X-Forwarded-For` (1 = the address your one proxy saw). `{ header }`: a header your proxy
   * sets (e.g. `cf-connecting-ip`).
   */
  trustProxy?: false | number | { header: string };
  /** Challenge settings. */
  challenge?: ChallengeOptions;
  /** Name of the clearance cookie. Default `wf_clearance`. */
  cookieName?: string;
  /** On an internal error or a `facts` timeout: pass the request (default true) or block it (503). */
  failOpen?: boolean;
  /** Body bytes inspected when the rules read `http.request.body.*`. Default 131072 (128 KiB). */
  bodyLimit?: number;
  /** Called for every request the firewall handles, with what it decided and did. */
  onEvent?: (event: FirewallEvent) => void;
  /** The clock, in ms since the epoch (tests use a fake one). Default `Date.now`. */
  now?: () => number;
}

const KEYS = new Set([
  'ruleset', 'rateLimits', 'secret', 'secrets', 'facts', 'factsTimeoutMs', 'bots', 'botsTimeoutMs', 'mode', 'trustProxy', 'challenge', 'cookieName', 'failOpen', 'bodyLimit', 'onEvent', 'now',
]);
const CHALLENGE_KEYS = new Set(['difficulty', 'passageSeconds', 'tokenSeconds', 'turnstile', 'bind', 'replayCacheSize']);

/** Options with their defaults, checked. */
export interface FirewallSettings {
  ruleset: Ruleset;
  rateLimits: RateLimiter | undefined;
  secrets: readonly (string | Uint8Array)[];
  facts: FirewallOptions['facts'];
  factsTimeoutMs: number;
  bots: BotVerifier | undefined;
  botsTimeoutMs: number;
  mode: 'enforce' | 'log';
  trustProxy: false | number | { header: string };
  difficulty: number | undefined;
  passageSeconds: number;
  tokenSeconds: number;
  turnstile: TurnstileOptions | undefined;
  bind: { ip: boolean; userAgent: boolean };
  replayCacheSize: number;
  cookieName: string;
  failOpen: boolean;
  bodyLimit: number;
  onEvent: FirewallOptions['onEvent'];
  now: () => number;
}

/** A cookie name: an RFC 6265 token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;
/** A header name: an RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;

/** Checks {@link FirewallOptions} and fills in defaults; throws `invalid-option` listing every problem. */
export function readFirewallOptions(options: unknown): FirewallSettings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new WirefilterError(`createFirewall: expected an options object, got ${describeType(options)}`, [], undefined, 'invalid-option');
  }
  const o = options as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(o)) {
    if (!KEYS.has(key)) {
      const near = closestName(key, KEYS);
      problems.push(`unknown option \`${key.slice(0, 60)}\`${near === undefined ? '' : `; did you mean \`${near}\`?`}`);
    }
  }
  const integer = (value: unknown, name: string, min: number, max: number, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    problems.push(`\`${name}\` must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
    return fallback;
  };
  const boolean = (value: unknown, name: string, fallback: boolean): boolean => {
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    problems.push(`\`${name}\` must be true or false, got ${describeValue(value)}`);
    return fallback;
  };
  const fn = <T>(value: unknown, name: string): T | undefined => {
    if (value === undefined) return undefined;
    if (typeof value === 'function') return value as T;
    problems.push(`\`${name}\` must be a function, got ${describeValue(value)}`);
    return undefined;
  };

  if (!(o.ruleset instanceof Ruleset)) problems.push(`\`ruleset\` must be a Ruleset, got ${describeValue(o.ruleset)}`);
  if (o.rateLimits !== undefined && !(o.rateLimits instanceof RateLimiter)) problems.push(`\`rateLimits\` must be a RateLimiter, got ${describeValue(o.rateLimits)}`);
  let secrets: (string | Uint8Array)[] = [];
  if (o.secret !== undefined && o.secrets !== undefined) problems.push('give `secret` or `secrets`, not both');
  else if (o.secrets !== undefined) {
    if (Array.isArray(o.secrets)) secrets = o.secrets as (string | Uint8Array)[];
    else problems.push(`\`secrets\` must be an array, got ${describeValue(o.secrets)}`);
  } else if (o.secret !== undefined) secrets = [o.secret as string | Uint8Array];
  else problems.push('a `secret` of at least 32 bytes is required (it signs challenges and clearance)');
  secrets.forEach((secret, i) => {
    const size = typeof secret === 'string' ? new TextEncoder().encode(secret).length : secret instanceof Uint8Array ? secret.length : -1;
    const name = o.secrets !== undefined ? `secrets[${i}]` : 'secret';
    if (size < 0) problems.push(`\`${name}\` must be a string or a Uint8Array, got ${describeValue(secret)}`);
    else if (size < 32) problems.push(`\`${name}\` must be at least 32 bytes, got ${size}`);
  });

  if (o.bots !== undefined && (typeof o.bots !== 'object' || o.bots === null || typeof (o.bots as { verify?: unknown }).verify !== 'function')) {
    problems.push(`\`bots\` must be a bot verifier (createBotVerifier from wirefilter-ts/bots: an object with a \`verify\` function), got ${describeValue(o.bots)}`);
  }

  const mode = o.mode === undefined ? 'enforce' : o.mode;
  if (mode !== 'enforce' && mode !== 'log') problems.push(`\`mode\` must be "enforce" or "log", got ${describeValue(o.mode)}`);

  let trustProxy: FirewallSettings['trustProxy'] = false;
  const tp = o.trustProxy;
  if (tp === undefined || tp === false) trustProxy = false;
  else if (typeof tp === 'number' && Number.isInteger(tp) && tp >= 1 && tp <= 16) trustProxy = tp;
  else if (typeof tp === 'object' && tp !== null && typeof (tp as { header?: unknown }).header === 'string' && HEADER_NAME.test((tp as { header: string }).header)) {
    trustProxy = { header: (tp as { header: string }).header.toLowerCase() };
  } else problems.push(`\`trustProxy\` must be false, a number of proxies from 1 to 16, or { header: "name" }, got ${describeValue(tp)}`);

  const challenge = (o.challenge ?? {}) as Record<string, unknown>;
  if (typeof challenge !== 'object' || Array.isArray(challenge)) problems.push(`\`challenge\` must be an object, got ${describeValue(o.challenge)}`);
  for (const key of Object.keys(challenge)) {
    if (!CHALLENGE_KEYS.has(key)) problems.push(`unknown challenge option \`${key.slice(0, 60)}\``);
  }
  const difficulty = challenge.difficulty === undefined ? undefined : integer(challenge.difficulty, 'challenge.difficulty', 0, 32, 0);
  const ruleset = o.ruleset instanceof Ruleset ? o.ruleset : undefined;
  const passageSeconds = integer(challenge.passageSeconds, 'challenge.passageSeconds', 1, 31_536_000, ruleset?.challengePassageSeconds ?? 1800);
  const tokenSeconds = integer(challenge.tokenSeconds, 'challenge.tokenSeconds', 10, 3600, 300);
  const replayCacheSize = integer(challenge.replayCacheSize, 'challenge.replayCacheSize', 1, 10_000_000, 100_000);
  let turnstile: TurnstileOptions | undefined;
  if (challenge.turnstile !== undefined) {
    const t = challenge.turnstile as Record<string, unknown>;
    if (typeof t !== 'object' || t === null || typeof t.siteKey !== 'string' || typeof t.secretKey !== 'string' || t.siteKey === '' || t.secretKey === '') {
      problems.push('`challenge.turnstile` must be { siteKey, secretKey } (non-empty strings)');
    } else if (!/^[A-Za-z0-9_-]{1,128}$/.test(t.siteKey)) {
      problems.push('`challenge.turnstile.siteKey` must be letters, digits, `_` or `-`');
    } else {
      turnstile = t as unknown as TurnstileOptions;
      if (t.fetch !== undefined && typeof t.fetch !== 'function') problems.push('`challenge.turnstile.fetch` must be a function');
    }
  }
  const bindInput = (challenge.bind ?? {}) as Record<string, unknown>;
  const bind = { ip: boolean(bindInput.ip, 'challenge.bind.ip', true), userAgent: boolean(bindInput.userAgent, 'challenge.bind.userAgent', true) };

  const cookieName = o.cookieName === undefined ? 'wf_clearance' : o.cookieName;
  if (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName)) problems.push(`\`cookieName\` must be a cookie name (letters, digits and !#$%&'*+-.^_\`|~), got ${describeValue(o.cookieName)}`);

  const settings: FirewallSettings = {
    ruleset: ruleset as Ruleset,
    rateLimits: o.rateLimits instanceof RateLimiter ? o.rateLimits : undefined,
    secrets,
    facts: fn(o.facts, 'facts'),
    factsTimeoutMs: integer(o.factsTimeoutMs, 'factsTimeoutMs', 1, 60_000, 1000),
    bots: typeof o.bots === 'object' && o.bots !== null && typeof (o.bots as { verify?: unknown }).verify === 'function' ? (o.bots as BotVerifier) : undefined,
    botsTimeoutMs: integer(o.botsTimeoutMs, 'botsTimeoutMs', 1, 60_000, 3000),
    mode: mode as 'enforce' | 'log',
    trustProxy,
    difficulty,
    passageSeconds,
    tokenSeconds,
    turnstile,
    bind,
    replayCacheSize,
    cookieName: cookieName as string,
    failOpen: boolean(o.failOpen, 'failOpen', true),
    bodyLimit: integer(o.bodyLimit, 'bodyLimit', 0, 64 * 1024 * 1024, 131_072),
    onEvent: fn(o.onEvent, 'onEvent'),
    now: fn<() => number>(o.now, 'now') ?? Date.now,
  };
  if (problems.length > 0) {
    throw new WirefilterError(`invalid firewall options:\n${problems.map((p) => `- ${p}`).join('\n')}`, [], undefined, 'invalid-option');
  }
  return settings;
}
