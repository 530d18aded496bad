/**
 * `RateLimiter`: the rate limiting phase (`http_ratelimit`). For each enabled rule in order:
 * a request matching the counting expression adds one to the counter of its characteristic
 * values; a request matching the rule expression is acted on when that counter's rate is over
 * the limit (throttle, `mitigation_timeout: 0`) or the counter is mitigated (`> 0`). `log`
 * continues to the next rule; `block` and the challenges end the phase.
 *
 * @module
 */
import { isExecutionContext, type ExecutionContext, type FieldValues } from '../engine/context.js';
import { WirefilterError } from '../diagnostics/errors.js';
import type { Scheme } from '../engine/scheme.js';
import { CHALLENGES, type ChallengeAction } from '../ruleset/actions.js';
import { RulesetError } from '../ruleset/ruleset.js';
import type { Decision, DecisionEvent, RulesetProblem } from '../ruleset/types.js';
import { loadRateLimitRules, RESPONSE_HEADERS, type LoadedRateLimitRule } from './load.js';
import type { RateLimitAlgorithm, RateLimitCount, RateLimitHit, RateLimiterOptions, RateLimitEvaluateOptions, RateLimitRulesetSource, RateLimitStore } from './types.js';

const ALGORITHMS: ReadonlySet<string> = new Set<RateLimitAlgorithm>(['sliding-window', 'sliding-log']);

const invalidArgument = (message: string): WirefilterError => new WirefilterError(message, [], undefined, 'invalid-argument');

/** The evaluation time in milliseconds: `now` (Unix seconds) checked, else the clock. */
function readNow(options: RateLimitEvaluateOptions | undefined): number {
  const now = options?.now;
  if (now !== undefined && (typeof now !== 'number' || !Number.isFinite(now))) throw invalidArgument(`\`now\` must be a finite number of Unix seconds, got ${String(now)}`);
  return now === undefined ? Date.now() : now * 1000;
}

/**
 * Rate limiting rules of one zone with their counters.
 *
 * The default algorithm is `'sliding-window'`: the rate is approximated from the current and
 * previous fixed windows, as Cloudflare documents for its own counters, with O(1) memory per
 * counter (two numbers), so decisions follow Cloudflare's own approximation and a Redis store needs one small
 * hash per key. `'sliding-log'` counts exactly (keeping up to `limit + 1` times per counter).
 *
 * Counting needs the response for some rules (a counting expression on response fields,
 * score-based rules): {@link RateLimiter.count} counts those after the response, and
 * `evaluate` only reads their counters. {@link RateLimiter.challengePassed} resets a counter
 * whose challenge was solved.
 *
 * Choices where Cloudflare's documentation is open: every request matching the counting
 * expression is counted, including mitigated ones (Cloudflare counts incoming requests);
 * `requests_to_origin` is validated and kept, but every request the limiter sees is counted
 * (it sits where the caller puts it, usually in front of the origin); counters are keyed by
 * rule, so two rules never share one.
 */
export class RateLimiter {
  /** Warnings found while loading (disputed periods, expression warnings). */
  readonly warnings: readonly RulesetProblem[];
  private readonly rules: LoadedRateLimitRule[];
  private readonly rulesetId: string | null;
  private readonly store: RateLimitStore;
  private readonly algorithm: RateLimitAlgorithm;
  private readonly failOpen: boolean;
  private readonly onStoreError: ((error: unknown, ruleId: string) => void) | undefined;

  /**
   * Loads and validates `rules` (a `http_ratelimit` ruleset or its rule array) for `scheme`.
   * Throws a {@link RulesetError} naming every problem, or `invalid-option` for bad options.
   */
  constructor(private readonly scheme: Scheme, rules: RateLimitRulesetSource, options: RateLimiterOptions) {
    if (typeof options !== 'object' || options === null) throw new WirefilterError('RateLimiter needs options with a `store`', [], undefined, 'invalid-option');
    if (typeof options.store?.hit !== 'function' || typeof options.store.reset !== 'function') throw new WirefilterError('`store` must be a rate limit store (e.g. memoryStore())', [], undefined, 'invalid-option');
    const algorithm = options.algorithm ?? 'sliding-window';
    if (!ALGORITHMS.has(algorithm)) throw new WirefilterError(`\`algorithm\` must be one of ${[...ALGORITHMS].join(', ')}, got ${JSON.stringify(algorithm)}`, [], undefined, 'invalid-option');
    if (options.failOpen !== undefined && typeof options.failOpen !== 'boolean') throw new WirefilterError('`failOpen` must be true or false', [], undefined, 'invalid-option');
    if (options.onStoreError !== undefined && typeof options.onStoreError !== 'function') throw new WirefilterError('`onStoreError` must be a function', [], undefined, 'invalid-option');
    const load = loadRateLimitRules(scheme, rules);
    const problems = load.problems;
    if (problems.some((p) => p.severity === 'error')) throw new RulesetError(problems);
    this.warnings = problems;
    this.rules = load.rules;
    this.rulesetId = load.id ?? null;
    this.store = options.store;
    this.algorithm = algorithm;
    this.failOpen = options.failOpen !== false;
    this.onStoreError = options.onStoreError;
  }

  /** Number of rules. */
  get size(): number {
    return this.rules.length;
  }

  /**
   * Names of the fields the enabled rules read: their expressions, counting expressions and
   * characteristics (`http.request.headers` for `http.request.headers["name"]`), plus
   * `cf.colo.id`. A caller building values (the firewall middleware) supplies these.
   */
  get fields(): string[] {
    const names = new Set<string>(['cf.colo.id']);
    for (const rule of this.rules) {
      if (!rule.enabled) continue;
      for (const name of [...rule.filter.fields, ...rule.counting.fields]) names.add(name);
      for (const characteristic of rule.characteristics) names.add(characteristic.split('[', 1)[0]!);
    }
    return [...names];
  }

  /**
   * True when some enabled rule counts after the response (a counting expression on response
   * fields, or a score-based rule): the caller should then call {@link RateLimiter.count} with
   * each answered request.
   */
  get countsResponses(): boolean {
    return this.rules.some((rule) => rule.enabled && rule.countsAfterResponse);
  }

  /**
   * The store key of rule `ruleId`'s counter for this request (its characteristic values), or
   * `undefined` for an unknown rule. With {@link RateLimiter.resetCounter}, this lets a caller
   * reset the counter later without keeping the request: the firewall middleware signs the key
   * into the challenge it serves and resets the counter when the challenge is solved.
   */
  counterKey(values: FieldValues | ExecutionContext, ruleId: string): string | undefined {
    const rule = this.rules.find((r) => r.id === ruleId);
    if (rule === undefined) return undefined;
    return this.key(rule, this.scheme.context(values), isExecutionContext(values) ? undefined : values);
  }

  /**
   * Resets the counter at `key` (from {@link RateLimiter.counterKey}), mitigation included.
   * Returns false when the store fails (the error goes to `onStoreError`, with the rule id
   * read from the key); never rejects because of the store.
   */
  async resetCounter(key: string): Promise<boolean> {
    if (typeof key !== 'string') throw invalidArgument(`expected a counter key string, got ${typeof key}`);
    try {
      await this.store.reset(key);
      return true;
    } catch (error) {
      let ruleId = '';
      try {
        ruleId = String((JSON.parse(key) as unknown[])[1] ?? '');
      } catch {
        // Not one of our keys: reported without a rule id.
      }
      this.report(error, ruleId);
      return false;
    }
  }

  /**
   * Evaluates the phase for one request: counts it and decides. Never rejects because of the
   * store (see `failOpen`); rejects with `invalid-argument` for bad values or options.
   * `cf.colo.id` and `cf.unique_visitor_id`, when the scheme lacks them, are read from plain
   * field values only; without `cf.colo.id` every request counts as one data center.
   */
  async evaluate(values: FieldValues | ExecutionContext, options: RateLimitEvaluateOptions = {}): Promise<Decision> {
    const nowMs = readNow(options);
    const context = this.scheme.context(values);
    const raw = isExecutionContext(values) ? undefined : values;
    const events: DecisionEvent[] = [];
    const decision: Decision = { action: 'allow', ruleId: null, rulesetId: null, events, skipped: { phases: [], products: [] } };
    for (const rule of this.rules) {
      if (!rule.enabled) continue;
      const matched = rule.filter.execute(context);
      // Rules counted after the response are only read here (see count()).
      const counted = rule.countsAfterResponse ? false : rule.counting === rule.filter ? matched : rule.counting.execute(context);
      if (!matched && !counted) continue;
      let over: boolean;
      try {
        const result: RateLimitCount = await this.store.hit(this.key(rule, context, raw), this.hitOf(rule, nowMs, counted ? 1 : 0));
        // A store answering nonsense (a Redis script of another version, say) is a store error.
        if (typeof result?.count !== 'number' || Number.isNaN(result.count)) throw new Error(`the rate limit store answered ${JSON.stringify(result)} instead of { count, mitigatedUntil? }`);
        over = result.count > rule.limit || (typeof result.mitigatedUntil === 'number' && result.mitigatedUntil > nowMs);
      } catch (error) {
        this.report(error, rule.id);
        over = !this.failOpen;
      }
      if (!matched || !over) continue;
      const event = (action: DecisionEvent['action']): void => {
        events.push({ ruleId: rule.id, action, ...(this.rulesetId !== null && { rulesetId: this.rulesetId }) });
      };
      if (rule.action === 'log') {
        event('log');
        continue;
      }
      decision.ruleId = rule.id;
      decision.rulesetId = this.rulesetId;
      if (rule.action === 'block') {
        event('block');
        decision.action = 'block';
        decision.response = { ...rule.response! };
      } else {
        const action = rule.action as ChallengeAction;
        event(CHALLENGES[action].event);
        decision.action = action;
      }
      return decision;
    }
    return decision;
  }

  /**
   * Counts one answered request for the rules whose counting needs the response: those whose
   * counting expression reads response fields (`http.response.code`, …) and score-based rules,
   * which add the integer value of their score header (`http.response.headers["name"]`; a
   * missing or non-integer value adds nothing). `values` hold the request's and the response's
   * fields. Call it once per request after the response, with the same `now` clock as
   * {@link RateLimiter.evaluate}. Never rejects because of the store (errors go to
   * `onStoreError`).
   */
  async count(values: FieldValues | ExecutionContext, options: RateLimitEvaluateOptions = {}): Promise<void> {
    const nowMs = readNow(options);
    const context = this.scheme.context(values);
    const raw = isExecutionContext(values) ? undefined : values;
    for (const rule of this.rules) {
      if (!rule.enabled || !rule.countsAfterResponse || !rule.counting.execute(context)) continue;
      const cost = rule.scoreHeader === undefined ? 1 : this.score(context, rule.scoreHeader);
      if (cost === 0) continue;
      try {
        await this.store.hit(this.key(rule, context, raw), this.hitOf(rule, nowMs, cost));
      } catch (error) {
        this.report(error, rule.id);
      }
    }
  }

  /**
   * Resets the counter of rule `ruleId` for this request's characteristics, mitigation
   * included: Cloudflare resets a counter when its visitor passes the rule's challenge. Call it
   * when a challenge issued by `decision.ruleId` is solved. Returns false for an unknown rule
   * or when the store fails (the error goes to `onStoreError`); never rejects because of the
   * store.
   */
  async challengePassed(values: FieldValues | ExecutionContext, ruleId: string): Promise<boolean> {
    const key = this.counterKey(values, ruleId);
    return key === undefined ? false : this.resetCounter(key);
  }

  /** The score a response header carries: its first value as a non-negative integer, else 0. */
  private score(context: ExecutionContext, header: string): number {
    const slot = this.scheme.field(RESPONSE_HEADERS)!.slot; // checked when the rule loaded
    const values = (context.slots[slot] as Map<string, unknown> | undefined)?.get(header);
    const first = Array.isArray(values) ? values[0] : values;
    if (typeof first !== 'string' || !/^\s*\d{1,15}\s*$/.test(first)) return 0;
    return Number(first);
  }

  private key(rule: LoadedRateLimitRule, context: ExecutionContext, raw: FieldValues | undefined): string {
    return JSON.stringify([this.rulesetId, rule.id, ...rule.readers.map((read) => read(context, raw))]);
  }

  private hitOf(rule: LoadedRateLimitRule, nowMs: number, cost: number): RateLimitHit {
    return { now: nowMs, periodMs: rule.periodSeconds * 1000, algorithm: this.algorithm, limit: rule.limit, mitigationMs: rule.mitigationSeconds * 1000, cost };
  }

  /** Hands a store error to `onStoreError`; an error thrown there is dropped, never re-thrown. */
  private report(error: unknown, ruleId: string): void {
    try {
      this.onStoreError?.(error, ruleId);
    } catch {
      // The request path must not fail because a reporter did.
    }
  }
}
