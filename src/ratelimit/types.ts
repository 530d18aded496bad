/**
 * Shapes of rate limiting rules (Rulesets API, phase `http_ratelimit`) and of the counter
 * store interface.
 *
 * @module
 */
import type { RuleInput } from '../ruleset/types.js';

/** The `ratelimit` block of a rate limiting rule, as the Rulesets API takes it. */
export interface RateLimitParametersInput {
  /** What a counter is kept per; always includes `cf.colo.id`. */
  characteristics: string[];
  /** Seconds the rate is measured over. */
  period: number;
  /** Requests allowed per period (or `score_per_period` with `score_response_header_name`). */
  requests_per_period?: number;
  /** Score allowed per period; the score comes from a response header. */
  score_per_period?: number;
  /** The response header carrying each request's score. */
  score_response_header_name?: string;
  /** Seconds the action applies to every request of the counter; 0 = throttle. */
  mitigation_timeout?: number;
  /** Which requests are counted; default (also when `""`): the rule expression. */
  counting_expression?: string;
  /** Whether cached requests are counted (Cloudflare's default: true). */
  requests_to_origin?: boolean;
  [other: string]: unknown;
}

/** A rate limiting rule as the Rulesets API returns it. Unknown properties are ignored. */
export interface RateLimitRuleInput extends RuleInput {
  ratelimit: RateLimitParametersInput;
}

/** A ruleset of the `http_ratelimit` phase, just its rules, or a Rulesets API response holding either. */
export type RateLimitRulesetSource =
  | { id?: string; phase?: string; rules: RateLimitRuleInput[]; [other: string]: unknown }
  | RateLimitRuleInput[]
  | { result: { id?: string; phase?: string; rules: RateLimitRuleInput[]; [other: string]: unknown } | RateLimitRuleInput[]; success?: boolean; [other: string]: unknown };

/** The actions of rate limiting rules. */
export type RateLimitAction = 'block' | 'challenge' | 'js_challenge' | 'managed_challenge' | 'log';

/** The counting algorithm of a store. */
export type RateLimitAlgorithm = 'sliding-window' | 'sliding-log';

/** One request's operation on one counter, as a store receives it. */
export interface RateLimitHit {
  /** Current time in milliseconds (the caller's clock, so that replays and tests are exact). */
  now: number;
  /** The rule's period in milliseconds. */
  periodMs: number;
  algorithm: RateLimitAlgorithm;
  /** Requests (or score) allowed per period: the rate is over when it exceeds this. */
  limit: number;
  /**
   * Milliseconds the counter stays mitigated once its rate goes over the limit; 0 = throttle
   * (no mitigation state is kept).
   */
  mitigationMs: number;
  /**
   * What this request adds to the counter: 1 when it matches the counting expression, 0 when it
   * only reads the counter (it matches the rule expression but not the counting expression).
   */
  cost: number;
}

/** What a store answers for one {@link RateLimitHit}. */
export interface RateLimitCount {
  /**
   * The rate after this hit, over the period ending now: an estimate (possibly fractional)
   * for `sliding-window`, exact for `sliding-log` (capped at `limit + 1`, which is all a
   * decision needs).
   */
  count: number;
  /** Milliseconds timestamp until which the counter is mitigated, when it is. */
  mitigatedUntil?: number;
}

/**
 * Where counters live. One call per request and rule, applied atomically: add `cost` to the
 * counter at `key`, compute its rate over the period ending at `now`, and when the rate goes
 * over `limit` with `mitigationMs > 0`, mark the counter mitigated until `now + mitigationMs`
 * (unless it already is). A store kept elsewhere (Redis) implements this as one script per
 * request, so counters of many processes add up without races. Errors are rejected promises;
 * the limiter turns them into decisions according to `failOpen`.
 */
export interface RateLimitStore {
  /** Counts one request (or reads the counter, with `cost: 0`) and answers its state. */
  hit(key: string, hit: RateLimitHit): Promise<RateLimitCount>;
  /** Forgets the counter at `key`, its mitigation included (a passed challenge resets it). */
  reset(key: string): Promise<void>;
}

/** Options of a {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Where counters live, e.g. `memoryStore({ maxKeys })`. */
  store: RateLimitStore;
  /** Default `'sliding-window'` (see {@link RateLimitAlgorithm}). */
  algorithm?: RateLimitAlgorithm;
  /**
   * When the store fails: true (default) lets the request through as if under the limit;
   * false applies the rule's action. Either way the error is reported to `onStoreError`, never
   * thrown.
   */
  failOpen?: boolean;
  /** Called with every store error (the rule's id and the error). */
  onStoreError?: (error: unknown, ruleId: string) => void;
}

/** Options of one rate limit evaluation. */
export interface RateLimitEvaluateOptions {
  /** Current time in Unix seconds (fractions allowed; default: the clock). */
  now?: number;
}
