/**
 * Plan limits of rate limiting rules: what each Cloudflare plan lets a `http_ratelimit`
 * ruleset use (number of rules, periods, mitigation timeouts, characteristics, fields, custom
 * counting expressions, complexity-based counting), as pure data, and
 * {@link lintRateLimitPlan}, which reports what a ruleset uses above a plan as warnings (the
 * same rules may be valid on another plan, so they are never errors).
 *
 * Sources (Cloudflare's documentation as stored in the cloudflare-docs repository, 2025):
 * - [A] "Availability" table, `src/content/partials/waf/rate-limiting-availability-by-plan.mdx`
 *   (shown on https://developers.cloudflare.com/waf/rate-limiting-rules/#availability and on the
 *   learning path "Rate limiting › Features").
 * - [P] "Rate limiting parameters", https://developers.cloudflare.com/waf/rate-limiting-rules/parameters/
 *   ("For duration", "With the following behavior", "Configuration restrictions").
 * - [R] Ruleset Engine actions reference (Log: "Only available on Enterprise plans").
 * Figures marked UNCONFIRMED are readings where those pages are open or disagree between
 * versions; each says why.
 *
 * @module
 */
import type { Diagnostic, Span } from '../diagnostics/diagnostics.js';
import { LineIndex } from '../diagnostics/line-index.js';
import type { Scheme } from '../engine/scheme.js';
import type { RulesetProblem } from '../ruleset/types.js';
import { COLO_CHARACTERISTIC, VISITOR_CHARACTERISTIC } from './characteristics.js';

/** Cloudflare plans, lowest first. `enterprise` means Enterprise with Advanced Rate Limiting. */
export const RATE_LIMIT_PLANS = ['free', 'pro', 'business', 'enterprise'] as const;
export type RateLimitPlan = (typeof RATE_LIMIT_PLANS)[number];

/**
 * Supported counting and mitigation periods in seconds, [A] footnote 3 ("Not all values are
 * available on all plans"). The loader accepts fewer periods (the API values of [P]); the plan
 * lint only asks whether a value is within the plan.
 */
export const SUPPORTED_DURATIONS: readonly number[] = [10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600, 65535, 86400];

/** What one plan allows. `undefined` lists mean "no restriction". */
export interface RateLimitPlanLimits {
  /** Rate limiting rules per zone. */
  rules: number;
  /** Longest counting period (seconds); below Enterprise also one of {@link SUPPORTED_DURATIONS}. */
  maxPeriod: number;
  /** Mitigation timeouts (> 0) the plan offers; `undefined`: any value up to the loader's maximum. */
  mitigationTimeouts?: readonly number[];
  /** Whether challenge actions may have `mitigation_timeout > 0` (else they must throttle: 0). */
  challengeDuration: boolean;
  /** Whether `block` may throttle (`mitigation_timeout: 0`). */
  blockThrottle: boolean;
  /** Whether the `log` action is available. */
  log: boolean;
  /** Characteristics allowed (`cf.colo.id` is always there). */
  characteristics?: readonly string[];
  /** Fields allowed in the rule expression. */
  expressionFields?: readonly string[];
  /** Whether a custom `counting_expression` is allowed. */
  countingExpression: boolean;
  /** Fields allowed in the counting expression besides `expressionFields`. */
  countingFields?: readonly string[];
  /** Whether complexity-based counting (`score_per_period`) is allowed. */
  complexity: boolean;
}

// [A] "Available fields in rule expression". Field names for the table's labels: Path =
// http.request.uri.path, Verified Bot = cf.bot_management.verified_bot (the table links it),
// Host = http.host, URI = http.request.uri, Full URI = http.request.full_uri, Query =
// http.request.uri.query, Method = http.request.method, Source IP = ip.src, User Agent =
// http.user_agent (UNCONFIRMED mapping: the table gives dashboard labels, not field names).
const FREE_FIELDS = ['http.request.uri.path', 'cf.bot_management.verified_bot'];
const PRO_FIELDS = [...FREE_FIELDS, 'http.host', 'http.request.uri', 'http.request.full_uri', 'http.request.uri.query'];
const BUSINESS_FIELDS = [...PRO_FIELDS, 'http.request.method', 'ip.src', 'http.user_agent'];
// [A] "Available fields in counting expression" (Business and up): "All rule expression fields,
// Response code, Response headers". Response headers as http.response.headers and its
// .names/.values forms (UNCONFIRMED: the table names no field).
const RESPONSE_COUNTING_FIELDS = ['http.response.code', 'http.response.headers', 'http.response.headers.names', 'http.response.headers.values'];

const upTo = (max: number): number[] => SUPPORTED_DURATIONS.filter((d) => d <= max);

/** The plan table. */
export const RATE_LIMIT_PLAN_LIMITS: Readonly<Record<RateLimitPlan, Readonly<RateLimitPlanLimits>>> = {
  free: {
    rules: 1, // [A] "Number of rules"
    maxPeriod: 10, // [A] "Counting periods: 10 s"
    mitigationTimeouts: [10], // [A] "Mitigation timeout periods: 10 s"
    challengeDuration: false, // [P] "For duration": Free, Pro and Business must set 0 with challenge actions
    blockThrottle: false, // [P] "Only Enterprise customers can throttle requests using the Block action"
    log: false, // [R]; UNCONFIRMED for this phase: the rate limiting pages do not restate it
    characteristics: [COLO_CHARACTERISTIC, 'ip.src'], // [A] "Counting characteristics: IP"
    expressionFields: FREE_FIELDS,
    countingExpression: false, // [A] "Custom counting expression: No"
    complexity: false, // [A] "Counting model: Number of requests"
  },
  pro: {
    rules: 2,
    maxPeriod: 60, // [A] "All supported values up to 1 min"
    mitigationTimeouts: upTo(3600), // [A] "All supported values up to 1 h"
    challengeDuration: false,
    blockThrottle: false,
    log: false,
    characteristics: [COLO_CHARACTERISTIC, 'ip.src'],
    expressionFields: PRO_FIELDS,
    countingExpression: false,
    complexity: false,
  },
  business: {
    rules: 5,
    maxPeriod: 600, // [A] "All supported values up to 10 min"
    mitigationTimeouts: upTo(86400), // [A] "All supported values up to 1 day"
    challengeDuration: false,
    blockThrottle: false,
    log: false,
    // [A] "IP, IP with NAT support". UNCONFIRMED: some published versions of the table list NAT
    // support from Enterprise only; the repository's current partial lists it for Business.
    characteristics: [COLO_CHARACTERISTIC, 'ip.src', VISITOR_CHARACTERISTIC],
    expressionFields: BUSINESS_FIELDS,
    countingExpression: true, // [A] "Custom counting expression: Yes"
    countingFields: RESPONSE_COUNTING_FIELDS,
    complexity: false,
  },
  enterprise: {
    // [A] "100" (footnote 5: "depends on the exact contract terms").
    rules: 100,
    maxPeriod: 65535, // [A] "All supported values up to 65,535 s"
    // [A] footnote 4: "Enterprise customers can specify a custom mitigation timeout period via API".
    challengeDuration: true, // [P] "Enterprise customers can always configure a duration"
    blockThrottle: true,
    log: true,
    // Enterprise with Advanced Rate Limiting: every characteristic, field, counting expression
    // and the complexity model ([A], last column).
    countingExpression: true,
    complexity: true,
  },
};

const CHALLENGE_ACTIONS: ReadonlySet<string> = new Set(['challenge', 'js_challenge', 'managed_challenge']);

/** A field or list named in an expression, with its span. */
export interface ExpressionReference {
  kind: 'field' | 'list';
  name: string;
  span: Span;
}

/**
 * The fields and lists an expression names, in source order (empty when it does not parse).
 * Lists keep their name without `$` (`cf.open_proxies`, `office_ips`).
 */
export function expressionReferences(scheme: Scheme, expression: string): ExpressionReference[] {
  const parsed = scheme.parse(expression);
  const out: ExpressionReference[] = [];
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node)) return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const record = node as { kind?: unknown; name?: unknown; span?: Span };
    if ((record.kind === 'Field' || record.kind === 'List') && typeof record.name === 'string' && record.span !== undefined) {
      out.push({ kind: record.kind === 'Field' ? 'field' : 'list', name: record.name, span: record.span });
      return;
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(parsed.ast);
  return out;
}

/** Custom lists are the account's own; managed lists (`$cf.…`) are Cloudflare's. */
export const isCustomList = (name: string): boolean => !name.startsWith('cf.');

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const planName = (plan: RateLimitPlan): string => plan[0]!.toUpperCase() + plan.slice(1);

/** The lowest plan that allows `ok`, for messages. */
function lowestPlan(ok: (limits: Readonly<RateLimitPlanLimits>) => boolean): string {
  const plan = RATE_LIMIT_PLANS.find((p) => ok(RATE_LIMIT_PLAN_LIMITS[p]));
  return plan === undefined ? 'no plan' : plan === 'enterprise' ? 'Enterprise (Advanced Rate Limiting)' : `${planName(plan)} or higher`;
}

const periodAllowed = (limits: Readonly<RateLimitPlanLimits>, period: number): boolean =>
  period <= limits.maxPeriod && (limits.mitigationTimeouts === undefined || SUPPORTED_DURATIONS.includes(period));
const timeoutAllowed = (limits: Readonly<RateLimitPlanLimits>, timeout: number): boolean => limits.mitigationTimeouts === undefined || limits.mitigationTimeouts.includes(timeout);
const characteristicAllowed = (limits: Readonly<RateLimitPlanLimits>, c: string): boolean => limits.characteristics === undefined || limits.characteristics.includes(c);
const fieldAllowed = (limits: Readonly<RateLimitPlanLimits>, name: string): boolean => limits.expressionFields === undefined || limits.expressionFields.includes(name);
const countingFieldAllowed = (limits: Readonly<RateLimitPlanLimits>, name: string): boolean =>
  limits.countingExpression && (limits.expressionFields === undefined || limits.expressionFields.includes(name) || (limits.countingFields ?? []).includes(name));

/** The rules of a ruleset source (a ruleset, a rule array, or an API response holding either) and its label. */
function rulesOf(source: unknown): { rules: unknown[]; label: string } {
  let value = source;
  if (isObject(value) && !('rules' in value) && 'result' in value) value = value.result;
  if (Array.isArray(value)) return { rules: value, label: 'zone' };
  if (isObject(value) && Array.isArray(value.rules)) return { rules: value.rules, label: typeof value.id === 'string' ? value.id : 'zone' };
  return { rules: [], label: 'zone' };
}

/**
 * Warnings for what a `http_ratelimit` ruleset uses above `plan` (codes `plan-rule-count`,
 * `plan-period`, `plan-mitigation-timeout`, `plan-challenge-timeout`, `plan-block-throttle`,
 * `plan-action`, `plan-characteristic`, `plan-field`, `plan-counting-expression`,
 * `plan-counting-field`, `plan-complexity`), with JSON paths as {@link RulesetProblem}s give
 * them (`rules[2].ratelimit.period`); field problems carry a diagnostic with the field's span.
 * Values the loader refuses anyway are left to it; rules that are not objects are skipped.
 */
export function lintRateLimitPlan(scheme: Scheme, source: unknown, plan: RateLimitPlan): RulesetProblem[] {
  const limits = RATE_LIMIT_PLAN_LIMITS[plan];
  const { rules, label } = rulesOf(source);
  const problems: RulesetProblem[] = [];
  const on = `the plan is ${plan}`;
  if (rules.length > limits.rules) {
    const enabled = rules.filter((r) => !isObject(r) || r.enabled !== false).length;
    problems.push({ code: 'plan-rule-count', severity: 'warning', message: `${rules.length} rate limiting rules (${enabled} enabled); the ${plan} plan allows ${limits.rules}`, ruleset: label, path: 'rules' });
  }
  rules.forEach((raw, index) => {
    if (!isObject(raw)) return;
    const id = typeof raw.id === 'string' && raw.id !== '' ? raw.id : typeof raw.ref === 'string' && raw.ref !== '' ? raw.ref : `#${index}`;
    const base = `rules[${index}]`;
    const add = (code: string, message: string, where: string, diagnostics?: Diagnostic[]): void => {
      problems.push({ code, severity: 'warning', message, ruleset: label, path: where === '' ? base : `${base}.${where}`, rule: id, index, ...(diagnostics !== undefined && { diagnostics }) });
    };
    const fieldWarnings = (expression: unknown, where: string, code: string, allowed: (name: string) => boolean, needs: (name: string) => string): void => {
      if (typeof expression !== 'string' || expression === '') return;
      const seen = new Set<string>();
      let lines: LineIndex | undefined;
      for (const ref of expressionReferences(scheme, expression)) {
        if (ref.kind !== 'field' || seen.has(ref.name) || allowed(ref.name)) continue;
        seen.add(ref.name);
        lines ??= new LineIndex(expression);
        const message = `\`${ref.name}\` is not available in ${where === 'expression' ? 'rate limiting rule expressions' : 'counting expressions'} on the ${plan} plan (needs ${needs(ref.name)})`;
        add(code, message, where, [{ code, severity: 'warning', message, span: ref.span, ...lines.position(ref.span.start) }]);
      }
    };
    const action = raw.action;
    if (action === 'log' && !limits.log) add('plan-action', `the \`log\` action needs ${lowestPlan((l) => l.log)}; ${on}`, 'action');
    fieldWarnings(raw.expression, 'expression', 'plan-field', (name) => fieldAllowed(limits, name), (name) => lowestPlan((l) => fieldAllowed(l, name)));
    const rl = raw.ratelimit;
    if (!isObject(rl)) return;
    const at = (key: string) => `ratelimit.${key}`;
    if (Array.isArray(rl.characteristics)) {
      rl.characteristics.forEach((c: unknown, i) => {
        if (typeof c === 'string' && !characteristicAllowed(limits, c)) add('plan-characteristic', `characteristic \`${c}\` needs ${lowestPlan((l) => characteristicAllowed(l, c))}; ${on}`, at(`characteristics[${i}]`));
      });
    }
    const period = rl.period;
    if (typeof period === 'number' && !periodAllowed(limits, period)) {
      add('plan-period', `period ${period} s needs ${lowestPlan((l) => periodAllowed(l, period))}; the ${plan} plan counts over ${limits.maxPeriod === 10 ? '10 s only' : `supported periods up to ${limits.maxPeriod} s`}`, at('period'));
    }
    const timeout = rl.mitigation_timeout ?? 0;
    const timeoutAt = rl.mitigation_timeout === undefined ? 'ratelimit' : at('mitigation_timeout');
    if (typeof timeout === 'number') {
      const challenge = typeof action === 'string' && CHALLENGE_ACTIONS.has(action);
      if (challenge && timeout > 0 && !limits.challengeDuration) {
        add('plan-challenge-timeout', `below Enterprise, rules with a challenge action must throttle (\`mitigation_timeout: 0\`), got ${timeout}; ${on}`, timeoutAt);
      } else if (action === 'block' && timeout === 0 && !limits.blockThrottle) {
        add('plan-block-throttle', `throttling with \`block\` (\`mitigation_timeout: 0\`${rl.mitigation_timeout === undefined ? ', the default' : ''}) needs Enterprise; set a mitigation timeout; ${on}`, timeoutAt);
      } else if (timeout > 0 && !timeoutAllowed(limits, timeout)) {
        add('plan-mitigation-timeout', `mitigation timeout ${timeout} s needs ${lowestPlan((l) => timeoutAllowed(l, timeout))}; the ${plan} plan offers ${limits.mitigationTimeouts!.length === 1 ? `${limits.mitigationTimeouts![0]} s only` : `supported values up to ${Math.max(...limits.mitigationTimeouts!)} s`}`, at('mitigation_timeout'));
      }
    }
    if ((rl.score_per_period !== undefined || rl.score_response_header_name !== undefined) && !limits.complexity) {
      add('plan-complexity', `complexity-based rate limiting (\`score_per_period\`) needs ${lowestPlan((l) => l.complexity)}; ${on}`, rl.score_per_period !== undefined ? at('score_per_period') : at('score_response_header_name'));
    }
    const counting = rl.counting_expression;
    if (typeof counting === 'string' && counting !== '') {
      if (!limits.countingExpression) add('plan-counting-expression', `a custom counting expression needs ${lowestPlan((l) => l.countingExpression)}; ${on}`, at('counting_expression'));
      else fieldWarnings(counting, at('counting_expression'), 'plan-counting-field', (name) => countingFieldAllowed(limits, name), (name) => lowestPlan((l) => countingFieldAllowed(l, name)));
    }
  });
  return problems;
}
