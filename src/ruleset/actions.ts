/**
 * The actions of the custom-rules phase and the clearance levels of challenges
 * (spec ruleset-engine.md §4 and §6).
 *
 * @module
 */
import type { Clearance, EventAction } from './types.js';

/** Actions valid in `http_request_firewall_custom`. */
export type CustomRuleAction = 'block' | 'managed_challenge' | 'js_challenge' | 'challenge' | 'log' | 'skip' | 'execute' | 'rewrite';

/** The challenge actions, with the clearance rank each needs and its event names. */
export const CHALLENGES = {
  js_challenge: { rank: 1, event: 'jschallenge', bypassed: 'jschallenge_bypassed' },
  managed_challenge: { rank: 2, event: 'managed_challenge', bypassed: 'managed_challenge_bypassed' },
  challenge: { rank: 3, event: 'challenge', bypassed: 'challenge_bypassed' },
} as const satisfies Record<string, { rank: number; event: EventAction; bypassed: EventAction }>;

/** A challenge action name. */
export type ChallengeAction = keyof typeof CHALLENGES;

/** Rank of each clearance level: a higher level satisfies every lower challenge. */
export const CLEARANCE_RANK: Record<Clearance['level'], number> = { jschallenge: 1, managed: 2, interactive: 3 };

/** Every action the custom-rules phase accepts. */
export const CUSTOM_RULE_ACTIONS: ReadonlySet<string> = new Set<CustomRuleAction>([
  'block', 'managed_challenge', 'js_challenge', 'challenge', 'log', 'skip', 'execute', 'rewrite',
]);

/** Ruleset Engine actions that exist but are not valid in this phase, with advice. */
export const OTHER_PHASE_ACTIONS: Readonly<Record<string, string>> = {
  allow: 'WAF custom rules have no `allow` action; use `skip`',
  bypass: '`bypass` belongs to legacy Firewall Rules; use `skip`',
  redirect: '`redirect` belongs to redirect rules',
  route: '`route` belongs to origin rules',
  rewrite_url: '`rewrite` of URLs belongs to transform rules',
  set_config: '`set_config` belongs to configuration rules',
  set_cache_settings: '`set_cache_settings` belongs to cache rules',
  compress_response: '`compress_response` belongs to compression rules',
  serve_error: '`serve_error` belongs to custom error rules',
  log_custom_field: '`log_custom_field` belongs to custom log fields',
  score: '`score` belongs to managed rulesets',
  connection_close: '`connection_close` is not a custom-rule action',
  force_connection_close: '`force_connection_close` is not a custom-rule action',
  ddos_dynamic: '`ddos_dynamic` belongs to DDoS rules',
};

/** True for the actions that end the phase when they match. */
export function isTerminating(action: string): boolean {
  return action === 'block' || Object.hasOwn(CHALLENGES, action);
}

/** Later phases a `skip` may name in `phases`. */
export const SKIPPABLE_PHASES: ReadonlySet<string> = new Set(['http_ratelimit', 'http_request_firewall_managed', 'http_request_sbfm']);

/** Non-Ruleset-Engine products a `skip` may name in `products` (case-sensitive). */
export const SKIPPABLE_PRODUCTS: ReadonlySet<string> = new Set(['zoneLockdown', 'uaBlock', 'bic', 'hot', 'securityLevel', 'rateLimit', 'waf']);

/** Content types a custom block response may use. */
export const BLOCK_CONTENT_TYPES: ReadonlySet<string> = new Set(['text/html', 'text/plain', 'application/json', 'text/xml']);

/** Largest custom block response body, in bytes. */
export const MAX_BLOCK_CONTENT_BYTES = 2048;

/** The default block response: HTTP 403 with Cloudflare's block page. */
export const DEFAULT_BLOCK_RESPONSE = Object.freeze({ status_code: 403, content_type: 'text/html', content: null });

/** Options of the clearance model. */
export interface ClearancePolicy {
  passageSeconds: number;
  skewSeconds: number;
  xhrGraceSeconds: number;
}

/**
 * Whether held clearance lets a request through a challenge of the given action
 * (spec §6.1 matrix and §6.2 lifetime).
 */
export function clearanceSatisfies(
  clearance: Clearance | null | undefined,
  action: ChallengeAction,
  now: number,
  xhr: boolean,
  policy: ClearancePolicy,
): boolean {
  if (clearance === null || clearance === undefined) return false;
  // Own keys only: a level such as "constructor" must not find Object.prototype members.
  const rank = Object.hasOwn(CLEARANCE_RANK, clearance.level) ? CLEARANCE_RANK[clearance.level] : undefined;
  if (rank === undefined || rank < CHALLENGES[action].rank) return false;
  if (clearance.issuedAt === undefined) return true;
  const expires = clearance.issuedAt + policy.passageSeconds + policy.skewSeconds + (xhr ? policy.xhrGraceSeconds : 0);
  return now < expires;
}
