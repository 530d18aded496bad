/**
 * The claims the middleware signs: challenge tokens (what a challenge page was issued for) and
 * clearance values (the `cf_clearance` cookie). Both are JSON inside a {@link Signer} token,
 * each under its own purpose.
 *
 * Reading is strict: a token is used only when its signature is right *and* its claims have
 * exactly the expected keys, types and ranges. A signed token is trusted to be ours, but the
 * shape check keeps a bug in an older or newer issuer (or a leaked secret used carelessly)
 * from turning into an open redirect or a clearance of an unknown level.
 *
 * @module
 */
import { WirefilterError } from '../diagnostics/errors.js';
import { encodeBase64 } from '../values/base64.js';
import { decodeUtf8Strict, toUtf8 } from '../values/bytes.js';
import { formatIpAddress, ipv4Address, maskIp, parseIpAddress } from '../values/ip.js';
import { sha256 } from '../values/sha256.js';
import type { Signer } from './signing.js';

/** The clearance a solved challenge grants, as `Clearance['level']` of the ruleset names it. */
export type ClearanceLevel = 'jschallenge' | 'managed' | 'interactive';

/** What a challenge page was issued for. Times are Unix seconds. */
export interface ChallengeClaims {
  /** The clearance that solving it grants. */
  level: ClearanceLevel;
  /** The ray id of the challenged request (1–64 letters, digits or `-`). */
  ray: string;
  /** Where to send the visitor back: the original path and query (see {@link isSafeReturnPath}). */
  url: string;
  /** The {@link clientBinding} of the client it was issued to. */
  bind: string;
  /** Issued at. */
  iat: number;
  /** Expires at (exclusive). */
  exp: number;
  /** A single-use id from {@link newChallengeId} (for the replay cache). */
  id: string;
  /** Leading zero bits the proof of work needs (0–32). */
  difficulty: number;
  /**
   * For a rate limiting rule's challenge: the key of the counter to reset when it is solved
   * (`RateLimiter.counterKey`, at most {@link MAX_COUNTER_KEY_LENGTH} characters). Optional.
   */
  rl?: string;
}

/** What a clearance cookie holds. */
export interface ClearanceClaims {
  level: ClearanceLevel;
  /** Issued at, Unix seconds. */
  iat: number;
  /** The {@link clientBinding} of the client it was issued to. */
  bind: string;
}

/** Token purposes: a challenge token never reads as a clearance, nor the reverse. */
const CHALLENGE_PURPOSE = 'challenge';
const CLEARANCE_PURPOSE = 'clearance';

/** Seconds a token's `iat` may lie in the future, for clocks of several servers that drift apart. */
export const MAX_CLOCK_SKEW_SECONDS = 60;

/**
 * The longest return path a challenge carries. With printable ASCII only, this keeps every
 * challenge token far below the signer's 8 KiB bound.
 */
export const MAX_RETURN_PATH_LENGTH = 2048;

/** The longest rate limiting counter key a challenge carries (longer keys are not reset by a solve). */
export const MAX_COUNTER_KEY_LENGTH = 1024;

/** Highest proof-of-work difficulty a challenge may ask for (2³² hashes on average is already days). */
export const MAX_CHALLENGE_DIFFICULTY = 32;

const LEVELS: readonly string[] = ['jschallenge', 'managed', 'interactive'] satisfies ClearanceLevel[];
const CHALLENGE_KEYS = ['level', 'ray', 'url', 'bind', 'iat', 'exp', 'id', 'difficulty'] as const;
/** Claims a challenge may carry besides {@link CHALLENGE_KEYS}. */
const OPTIONAL_CHALLENGE_KEYS = ['rl'] as const;
const CLEARANCE_KEYS = ['level', 'iat', 'bind'] as const;

/** 128 or 132 bits as unpadded base64url: challenge ids and bindings. */
const ID_SHAPE = /^[A-Za-z0-9_-]{22}$/;
const RAY_SHAPE = /^[A-Za-z0-9-]{1,64}$/;
/** Printable ASCII: no spaces, no control characters (browsers drop tabs and newlines from URLs). */
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

const isTimestamp = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * True when `value` can be a redirect target that stays on this origin: a string of at most
 * {@link MAX_RETURN_PATH_LENGTH} printable ASCII characters that starts with `/` but not with
 * `//` or `/\` (browsers read both as a protocol-relative URL to another host: `//evil.com`).
 * Spaces and control characters are refused too, since browsers drop tabs and newlines from
 * URLs (`/\t/evil.com` would become `//evil.com`). A challenge whose request path fails this
 * should return to `/`.
 */
export function isSafeReturnPath(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= MAX_RETURN_PATH_LENGTH &&
    value[0] === '/' &&
    value[1] !== '/' &&
    value[1] !== '\\' &&
    PRINTABLE_ASCII.test(value)
  );
}

/**
 * True when `value` has the own keys `keys`, any of `optional`, and no other (JSON objects
 * have no other kind).
 */
function hasExactKeys(value: object, keys: readonly string[], optional: readonly string[] = []): boolean {
  const present = optional.filter((key) => Object.hasOwn(value, key)).length;
  return Object.keys(value).length === keys.length + present && keys.every((key) => Object.hasOwn(value, key));
}

/** The first claim of a challenge that is missing or malformed, or `undefined` when all are right. */
function challengeProblem(c: Record<string, unknown>): string | undefined {
  if (typeof c.level !== 'string' || !LEVELS.includes(c.level)) return 'level';
  if (typeof c.ray !== 'string' || !RAY_SHAPE.test(c.ray)) return 'ray';
  if (!isSafeReturnPath(c.url)) return 'url';
  if (typeof c.bind !== 'string' || !ID_SHAPE.test(c.bind)) return 'bind';
  if (!isTimestamp(c.iat)) return 'iat';
  if (!isTimestamp(c.exp)) return 'exp';
  if (typeof c.id !== 'string' || !ID_SHAPE.test(c.id)) return 'id';
  if (!Number.isInteger(c.difficulty) || (c.difficulty as number) < 0 || (c.difficulty as number) > MAX_CHALLENGE_DIFFICULTY) return 'difficulty';
  if (c.rl !== undefined && (typeof c.rl !== 'string' || c.rl.length > MAX_COUNTER_KEY_LENGTH)) return 'rl';
  return undefined;
}

function clearanceProblem(c: Record<string, unknown>): string | undefined {
  if (typeof c.level !== 'string' || !LEVELS.includes(c.level)) return 'level';
  if (!isTimestamp(c.iat)) return 'iat';
  if (typeof c.bind !== 'string' || !ID_SHAPE.test(c.bind)) return 'bind';
  return undefined;
}

/**
 * Only the known claims, in a fixed order: extra properties of the caller's object are never
 * signed. Optional claims are kept only when present (not `undefined`).
 */
function pick<K extends string>(claims: Record<K, unknown>, keys: readonly K[], optional: readonly K[] = []): Record<K, unknown> {
  const out = {} as Record<K, unknown>;
  for (const key of keys) out[key] = claims[key];
  for (const key of optional) if (claims[key] !== undefined) out[key] = claims[key];
  return out;
}

/** Validates and signs claims; a malformed claim is the caller's bug, reported as `invalid-argument`. */
async function issue(signer: Signer, purpose: string, claims: Record<string, unknown>, problem: string | undefined): Promise<string> {
  if (problem !== undefined) throw new WirefilterError(`invalid ${purpose} claims: '${problem}' is missing or malformed`, [], undefined, 'invalid-argument');
  return signer.sign(purpose, toUtf8(JSON.stringify(claims)));
}

/** The claims object of a verified token with exactly `keys`, or `undefined` (never throws). */
async function read(signer: Signer, purpose: string, token: unknown, keys: readonly string[], optional: readonly string[] = []): Promise<Record<string, unknown> | undefined> {
  const payload = await signer.verify(purpose, token);
  if (payload === undefined) return undefined;
  const text = decodeUtf8Strict(payload);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !hasExactKeys(value, keys, optional)) return undefined;
  return value as Record<string, unknown>;
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A fresh random challenge id: 128 bits from `crypto.getRandomValues`, as 22 base64url characters. */
export function newChallengeId(): string {
  return encodeBase64(crypto.getRandomValues(new Uint8Array(16)), { urlSafe: true });
}

/**
 * Signs challenge claims (purpose `challenge`).
 *
 * @throws WirefilterError code `invalid-argument` when a claim is malformed — in particular a
 *   `url` that fails {@link isSafeReturnPath}: check request paths before issuing.
 */
export async function issueChallenge(signer: Signer, claims: ChallengeClaims): Promise<string> {
  const picked = pick(claims as unknown as Record<string, unknown>, CHALLENGE_KEYS, OPTIONAL_CHALLENGE_KEYS);
  return issue(signer, CHALLENGE_PURPOSE, picked, challengeProblem(picked));
}

/**
 * Reads a challenge token.
 *
 * @param now the current time, Unix seconds.
 * @returns fresh claims, or `undefined` unless the signature is right for purpose `challenge`,
 *   the claims have exactly the keys of {@link ChallengeClaims} (`rl` optional) with the right types (a known
 *   level, an integer difficulty 0–32, a `url` that passes {@link isSafeReturnPath}, ids of the
 *   right shape), and `iat <= now + 60` and `now < exp`. Never throws.
 */
export async function readChallenge(signer: Signer, token: unknown, now: number): Promise<ChallengeClaims | undefined> {
  if (!isTime(now)) return undefined;
  const c = await read(signer, CHALLENGE_PURPOSE, token, CHALLENGE_KEYS, OPTIONAL_CHALLENGE_KEYS);
  if (c === undefined || challengeProblem(c) !== undefined) return undefined;
  const claims = pick(c, CHALLENGE_KEYS, OPTIONAL_CHALLENGE_KEYS) as unknown as ChallengeClaims;
  return claims.iat <= now + MAX_CLOCK_SKEW_SECONDS && now < claims.exp ? claims : undefined;
}

/**
 * Signs clearance claims (purpose `clearance`).
 *
 * @throws WirefilterError code `invalid-argument` when a claim is malformed.
 */
export async function issueClearance(signer: Signer, claims: ClearanceClaims): Promise<string> {
  const picked = pick(claims as unknown as Record<string, unknown>, CLEARANCE_KEYS);
  return issue(signer, CLEARANCE_PURPOSE, picked, clearanceProblem(picked));
}

/**
 * Reads a clearance value (the cookie).
 *
 * @param now the current time, Unix seconds.
 * @param maxAgeSeconds how long a clearance lasts (the Challenge Passage).
 * @returns fresh claims, or `undefined` unless the signature is right for purpose `clearance`,
 *   the claims have exactly the keys of {@link ClearanceClaims} with the right types, and
 *   `iat <= now + 60` and `now < iat + maxAgeSeconds`. Never throws.
 */
export async function readClearance(signer: Signer, value: unknown, now: number, maxAgeSeconds: number): Promise<ClearanceClaims | undefined> {
  if (!isTime(now) || !isTime(maxAgeSeconds) || maxAgeSeconds < 0) return undefined;
  const c = await read(signer, CLEARANCE_PURPOSE, value, CLEARANCE_KEYS);
  if (c === undefined || clearanceProblem(c) !== undefined) return undefined;
  const claims = pick(c, CLEARANCE_KEYS) as unknown as ClearanceClaims;
  return claims.iat <= now + MAX_CLOCK_SKEW_SECONDS && now < claims.iat + maxAgeSeconds ? claims : undefined;
}

/**
 * The IP as a binding sees it: IPv4 as is; IPv6 as its /64 (one subscriber usually holds a
 * whole /64 and rotates addresses within it); an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`,
 * what a dual-stack Node server reports for IPv4 clients) as its IPv4 address — its /64 would
 * be `::` for every IPv4 client. Text that is not an address is kept as it is.
 */
function bindingIp(ip: string): string {
  const address = parseIpAddress(ip);
  if (address === undefined) return ip;
  if (address.family === 4) return formatIpAddress(address);
  if (address.w0 === 0 && address.w1 === 0 && address.w2 === 0xffff) return formatIpAddress(ipv4Address(address.w3));
  return `${formatIpAddress(maskIp(address, 64))}/64`;
}

/**
 * What a token is bound to: SHA-256 over the enabled parts, base64url, first 22 characters
 * (132 bits). `ip` counts as IPv4 as is, IPv6 as its /64 prefix (IPv4-mapped IPv6 as the IPv4
 * address); `userAgent` is the header value. A missing (or non-string) part is hashed as
 * empty; a disabled part is left out, so the same client gets another binding under other
 * settings. Never throws.
 */
export async function clientBinding(parts: { ip?: string; userAgent?: string }, use: { ip: boolean; userAgent: boolean }): Promise<string> {
  const ip = typeof parts?.ip === 'string' ? bindingIp(parts.ip) : '';
  const userAgent = typeof parts?.userAgent === 'string' ? parts.userAgent : '';
  // A JSON array keeps the parts apart whatever characters they hold; null marks a disabled part.
  const input = JSON.stringify(['wirefilter-ts/binding/v1', use?.ip === true ? ip : null, use?.userAgent === true ? userAgent : null]);
  return encodeBase64(sha256(toUtf8(input)), { urlSafe: true }).slice(0, 22);
}
