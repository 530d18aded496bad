/**
 * Loading rate limiting rules (phase `http_ratelimit`): validates Rulesets API objects with
 * Cloudflare's documented parameter rules and reports every problem at once, in the shape of
 * {@link RulesetProblem} (code, rule, JSON path such as `rules[2].ratelimit.period`).
 *
 * @module
 */
import { WirefilterError } from '../diagnostics/errors.js';
import { renderDiagnostic } from '../diagnostics/render.js';
import type { Filter } from '../engine/filter.js';
import type { Scheme } from '../engine/scheme.js';
import { isResponseField, RATE_LIMITING_RULES } from '../functions/phases.js';
import { BLOCK_CONTENT_TYPES } from '../ruleset/actions.js';
import { ProblemList } from '../ruleset/load.js';
import type { BlockResponse, RulesetProblem } from '../ruleset/types.js';
import { COLO_CHARACTERISTIC, parseCharacteristic, VISITOR_CHARACTERISTIC, type CharacteristicReader } from './characteristics.js';
import { expressionReferences, isCustomList } from './plan.js';
import type { RateLimitAction, RateLimitRulesetSource } from './types.js';

/**
 * Periods (seconds) every page of Cloudflare's documentation lists. The parameters page also
 * lists longer periods (7200, 10800, 21600, 43200, 86400) that the plan-availability page does
 * not: we accept those with a `disputed-period` warning rather than refuse a rule Cloudflare may
 * take, and refuse every other value.
 */
export const DOCUMENTED_PERIODS: readonly number[] = [10, 60, 120, 300, 600, 3600];
/** Periods accepted with a warning (see {@link DOCUMENTED_PERIODS}). */
export const DISPUTED_PERIODS: readonly number[] = [7200, 10800, 21600, 43200, 86400];
/** Longest `mitigation_timeout`, in seconds (one day, Cloudflare's Enterprise maximum). */
export const MAX_MITIGATION_TIMEOUT = 86400;
/** Largest block response body of a rate limiting rule: 30 KB. */
export const MAX_RATELIMIT_CONTENT_BYTES = 30 * 1024;
/** The default block response of rate limiting rules: HTTP 429 with Cloudflare's page. */
export const DEFAULT_RATELIMIT_RESPONSE: Readonly<BlockResponse> = Object.freeze({ status_code: 429, content_type: 'text/html', content: null });

const ACTIONS: ReadonlySet<string> = new Set<RateLimitAction>(['block', 'challenge', 'js_challenge', 'managed_challenge', 'log']);

const EXPRESSION_OPTIONS = { phase: RATE_LIMITING_RULES, unknownLists: 'warning' } as const;

/** A validated rate limiting rule. */
export interface LoadedRateLimitRule {
  index: number;
  /** id, else ref, else `#<index>`. */
  id: string;
  action: RateLimitAction;
  enabled: boolean;
  /** The rule expression: when it matches, the counter's state decides the action. */
  filter: Filter;
  /** Which requests add to the counter (the rule expression's filter when not given). */
  counting: Filter;
  characteristics: string[];
  readers: CharacteristicReader[];
  periodSeconds: number;
  /** `requests_per_period`, or `score_per_period` for score-based rules. */
  limit: number;
  /** Set for score-based rules: the response header (lower-case) whose value is the cost. */
  scoreHeader?: string;
  /**
   * True when counting needs the response (the counting expression reads response fields, or
   * the rule is score-based): requests are then counted by `RateLimiter.count` after the
   * response, and `evaluate` only reads the counter.
   */
  countsAfterResponse: boolean;
  mitigationSeconds: number;
  requestsToOrigin: boolean;
  response?: BlockResponse;
}

/** The rules and every problem of one load. */
export interface RateLimitLoad {
  id?: string;
  rules: LoadedRateLimitRule[];
  problems: RulesetProblem[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;

/** Validates and compiles a `http_ratelimit` ruleset (or rule array) for `scheme`. */
export function loadRateLimitRules(scheme: Scheme, source: RateLimitRulesetSource): RateLimitLoad {
  const problems = new ProblemList();
  if (isObject(source) && !('rules' in source) && 'result' in source) {
    // A Rulesets API response: the ruleset is its `result`.
    if (source.success === false) {
      problems.add({ code: 'invalid-ruleset', message: 'the API response reports failure (success: false)', ruleset: 'zone', path: 'success' });
      return { rules: [], problems: problems.items };
    }
    source = source.result as RateLimitRulesetSource;
  }
  const label = !Array.isArray(source) && isObject(source) && typeof source.id === 'string' ? source.id : 'zone';
  let rules: unknown[] = [];
  if (Array.isArray(source)) rules = source;
  else if (isObject(source) && Array.isArray(source.rules)) {
    rules = source.rules;
    if (source.phase !== undefined && source.phase !== RATE_LIMITING_RULES) {
      problems.add({ code: 'invalid-ruleset', message: `phase ${JSON.stringify(source.phase)} is not ${RATE_LIMITING_RULES}`, ruleset: label, path: 'phase' });
    }
  } else problems.add({ code: 'invalid-ruleset', message: 'expected an array of rate limiting rules or a ruleset object with a `rules` array', ruleset: label, path: '' });
  const loaded: LoadedRateLimitRule[] = [];
  const seen = new Map<string, number>();
  rules.forEach((raw, index) => {
    const rule = loadRule(scheme, raw, index, label, problems);
    if (rule === undefined) return;
    const first = seen.get(rule.id);
    if (first !== undefined) problems.add({ code: 'duplicate-rule-id', message: `${JSON.stringify(rule.id)} is also used by rules[${first}]`, ruleset: label, path: `rules[${index}]`, rule: rule.id, index });
    else seen.set(rule.id, index);
    loaded.push(rule);
  });
  return { ...(label !== 'zone' && { id: label }), rules: loaded, problems: problems.items };
}

function loadRule(scheme: Scheme, raw: unknown, index: number, label: string, problems: ProblemList): LoadedRateLimitRule | undefined {
  const base = `rules[${index}]`;
  if (!isObject(raw)) {
    problems.add({ code: 'invalid-rule', message: 'expected a rule object', ruleset: label, path: base, index, rule: `#${index}` });
    return undefined;
  }
  const id = typeof raw.id === 'string' && raw.id !== '' ? raw.id : typeof raw.ref === 'string' && raw.ref !== '' ? raw.ref : `#${index}`;
  let ok = true;
  const report = (code: string, message: string, where: string, severity: 'error' | 'warning' = 'error', extra: Partial<RulesetProblem> = {}): void => {
    problems.add({ code, message, severity, ruleset: label, path: where ? `${base}.${where}` : base, rule: id, index, ...extra });
    if (severity === 'error') ok = false;
  };
  if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') report('invalid-rule', '`enabled` must be true or false', 'enabled');
  const enabled = raw.enabled !== false;
  const filter = compile(scheme, raw.expression, 'expression', report, enabled);
  const action = raw.action;
  if (typeof action !== 'string' || !ACTIONS.has(action)) {
    report(typeof action === 'string' ? 'action-not-allowed-in-phase' : 'invalid-rule', `action must be one of ${[...ACTIONS].join(', ')} in ${RATE_LIMITING_RULES}, got ${JSON.stringify(action ?? null)}`, 'action');
  }
  const parameters = raw.action_parameters;
  let response: BlockResponse | undefined;
  if (parameters !== undefined && !isObject(parameters)) report('invalid-action-parameters', '`action_parameters` must be an object', 'action_parameters');
  else if (action === 'block') response = blockResponse(parameters?.response, report);
  else if (parameters?.response !== undefined) report('invalid-action-parameters', '`response` is only valid with the block action', 'action_parameters.response');

  const limits = raw.ratelimit;
  if (!isObject(limits)) {
    report('invalid-ratelimit', 'a rate limiting rule needs a `ratelimit` object', 'ratelimit');
    return undefined;
  }
  const at = (key: string) => `ratelimit.${key}`;
  // characteristics
  const characteristics: string[] = [];
  const readers: CharacteristicReader[] = [];
  const list = limits.characteristics;
  if (!Array.isArray(list) || !list.every((c) => typeof c === 'string')) {
    report('invalid-ratelimit', '`characteristics` must be an array of strings including "cf.colo.id"', at('characteristics'));
  } else {
    list.forEach((text: string, i) => {
      if (characteristics.includes(text)) return report('invalid-ratelimit', `characteristic \`${text}\` is listed twice`, at(`characteristics[${i}]`));
      const parsed = parseCharacteristic(scheme, text);
      if (!parsed.ok) return report('invalid-ratelimit', parsed.message, at(`characteristics[${i}]`));
      characteristics.push(text);
      readers.push(parsed.read);
    });
    if (!list.includes(COLO_CHARACTERISTIC)) report('invalid-ratelimit', `\`characteristics\` must include "${COLO_CHARACTERISTIC}" (counters are kept per data center)`, at('characteristics'));
    if (list.includes('ip.src') && list.includes(VISITOR_CHARACTERISTIC)) report('invalid-ratelimit', `\`ip.src\` and \`${VISITOR_CHARACTERISTIC}\` cannot be used together`, at('characteristics'));
  }
  // period
  const period = limits.period;
  if (typeof period !== 'number' || (!DOCUMENTED_PERIODS.includes(period) && !DISPUTED_PERIODS.includes(period))) {
    report('invalid-ratelimit', `\`period\` must be one of ${DOCUMENTED_PERIODS.join(', ')} seconds (or ${DISPUTED_PERIODS.join(', ')}, accepted with a warning), got ${JSON.stringify(period ?? null)}`, at('period'));
  } else if (DISPUTED_PERIODS.includes(period)) {
    report('disputed-period', `period ${period} is listed on Cloudflare's parameters page but not on its plan-availability page (${DOCUMENTED_PERIODS.join(', ')}); it may be refused`, at('period'), 'warning');
  }
  // requests or score
  const requests = limits.requests_per_period;
  const score = limits.score_per_period;
  const header = limits.score_response_header_name;
  let limit = 0;
  let scoreHeader: string | undefined;
  if (requests !== undefined && (score !== undefined || header !== undefined)) {
    report('invalid-ratelimit', '`requests_per_period` cannot be combined with `score_per_period`/`score_response_header_name`', at('requests_per_period'));
  } else if (requests !== undefined) {
    if (!isCount(requests)) report('invalid-ratelimit', `\`requests_per_period\` must be a positive integer, got ${JSON.stringify(requests)}`, at('requests_per_period'));
    else limit = requests;
  } else if (score !== undefined || header !== undefined) {
    if (!isCount(score)) report('invalid-ratelimit', `\`score_per_period\` must be a positive integer, got ${JSON.stringify(score ?? null)}`, at('score_per_period'));
    else limit = score;
    if (typeof header !== 'string' || header === '') report('invalid-ratelimit', '`score_per_period` needs `score_response_header_name` (the response header carrying the score)', at('score_response_header_name'));
    else if (scheme.field(RESPONSE_HEADERS)?.type.kind !== 'Map') report('invalid-ratelimit', `score-based rules read the score from \`${RESPONSE_HEADERS}\`, which this scheme has not as a map field`, at('score_response_header_name'));
    else scoreHeader = header;
  } else {
    report('invalid-ratelimit', 'one of `requests_per_period` or `score_per_period` (with `score_response_header_name`) is required', 'ratelimit');
  }
  // mitigation timeout
  const timeout = limits.mitigation_timeout ?? 0;
  if (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout < 0 || timeout > MAX_MITIGATION_TIMEOUT) {
    report('invalid-ratelimit', `\`mitigation_timeout\` must be an integer from 0 to ${MAX_MITIGATION_TIMEOUT} seconds, got ${JSON.stringify(timeout)}`, at('mitigation_timeout'));
  }
  // counting expression: defaults to the rule expression, also when ""; never extends it.
  const countingText = limits.counting_expression;
  let counting = filter;
  if (countingText !== undefined && countingText !== null && typeof countingText !== 'string') {
    report('invalid-ratelimit', '`counting_expression` must be a string', at('counting_expression'));
  } else if (typeof countingText === 'string' && countingText !== '') {
    counting = compile(scheme, countingText, at('counting_expression'), report, enabled);
  }
  if (filter !== undefined) {
    const response = filter.fields.filter(isResponseField);
    // cloudflare-docs #23641: the rule expression runs before the response exists.
    if (response.length > 0) report('response-field-in-expression', `the rule expression runs on the request and cannot read response fields (${response.join(', ')}); use them in \`counting_expression\``, 'expression');
  }
  for (const [where, compiled] of [['expression', filter], [at('counting_expression'), counting === filter ? undefined : counting]] as const) {
    const named = compiled?.fields.filter((name) => name === COLO_CHARACTERISTIC || name === VISITOR_CHARACTERISTIC) ?? [];
    if (named.length > 0) report('characteristic-in-expression', `${named.map((n) => `\`${n}\``).join(' and ')} ${named.length > 1 ? 'are characteristics' : 'is a characteristic'} of rate limiting rules; Cloudflare's documentation says not to use ${named.length > 1 ? 'them' : 'it'} in expressions`, where, 'warning');
  }
  const toOrigin = limits.requests_to_origin ?? true;
  if (typeof toOrigin !== 'boolean') report('invalid-ratelimit', '`requests_to_origin` must be true or false', at('requests_to_origin'));
  // cloudflare-docs, rate limiting parameters, "Configuration restrictions": custom lists need
  // cached requests counted (`requests_to_origin: false`), and a counting expression cannot
  // combine response fields with custom lists. Only an explicit `true` is refused.
  const ruleLists = customLists(scheme, raw.expression);
  const countingLists = customLists(scheme, countingText);
  if (limits.requests_to_origin === true && ruleLists.length + countingLists.length > 0) {
    report('requests-to-origin-with-lists', `rules using custom lists (${[...new Set([...ruleLists, ...countingLists])].join(', ')}) must count cached requests too: set \`requests_to_origin\` to false`, at('requests_to_origin'));
  }
  if (counting !== undefined && counting !== filter && counting.fields.some(isResponseField) && countingLists.length > 0) {
    report('response-fields-with-lists', `a counting expression cannot combine response fields (${counting.fields.filter(isResponseField).join(', ')}) with custom lists (${countingLists.join(', ')})`, at('counting_expression'));
  }
  if (!ok || filter === undefined || counting === undefined) return undefined;
  return {
    index,
    id,
    action: action as RateLimitAction,
    enabled,
    filter,
    counting,
    characteristics,
    readers,
    periodSeconds: period as number,
    limit,
    ...(scoreHeader !== undefined && { scoreHeader: scoreHeader.toLowerCase() }),
    countsAfterResponse: scoreHeader !== undefined || counting.fields.some(isResponseField),
    mitigationSeconds: timeout as number,
    requestsToOrigin: toOrigin as boolean,
    ...(response !== undefined && { response }),
  };
}

/** The custom lists (`$name`, not Cloudflare's managed `$cf.…`) an expression names. */
function customLists(scheme: Scheme, expression: unknown): string[] {
  if (typeof expression !== 'string' || expression === '') return [];
  return [...new Set(expressionReferences(scheme, expression).filter((r) => r.kind === 'list' && isCustomList(r.name)).map((r) => `$${r.name}`))];
}

/** The field score-based rules read their score header from. */
export const RESPONSE_HEADERS = 'http.response.headers';


type Report = (code: string, message: string, where: string, severity?: 'error' | 'warning', extra?: Partial<RulesetProblem>) => void;

/**
 * Compiles one expression for the rate limiting phase, reporting its diagnostics. As in custom
 * rules, an expression of a disabled rule that does not compile is a warning (the rule is
 * dropped: it never runs), so a ruleset with a rule switched off for repair still loads.
 */
function compile(scheme: Scheme, expression: unknown, where: string, report: Report, enabled: boolean): Filter | undefined {
  if (typeof expression !== 'string') {
    report('invalid-rule', `\`${where.split('.').pop()}\` must be an expression string`, where);
    return undefined;
  }
  try {
    const filter = scheme.compile(expression, EXPRESSION_OPTIONS);
    for (const d of filter.diagnostics) report(d.code, renderDiagnostic(expression, d), where, 'warning', { diagnostics: [d] });
    return filter;
  } catch (error) {
    if (!(error instanceof WirefilterError)) throw error;
    const errors = error.diagnostics.filter((d) => d.severity === 'error');
    const text = errors.map((d) => renderDiagnostic(expression, d)).join('\n') || error.message;
    if (enabled) report('invalid-expression', text, where, 'error', { diagnostics: [...error.diagnostics] });
    else report('invalid-disabled-rule', `this disabled rule would not load if enabled:\n${text}`, where, 'warning', { diagnostics: [...error.diagnostics] });
    return undefined;
  }
}

function blockResponse(response: unknown, report: Report): BlockResponse {
  if (response === undefined) return { ...DEFAULT_RATELIMIT_RESPONSE };
  const where = 'action_parameters.response';
  if (!isObject(response)) {
    report('invalid-action-parameters', '`response` must be an object {status_code, content_type, content}', where);
    return { ...DEFAULT_RATELIMIT_RESPONSE };
  }
  const status = response.status_code ?? DEFAULT_RATELIMIT_RESPONSE.status_code;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 499) {
    report('invalid-action-parameters', `status_code must be an integer from 400 to 499, got ${JSON.stringify(status)}`, `${where}.status_code`);
  }
  const type = response.content_type ?? 'text/html';
  if (typeof type !== 'string' || !BLOCK_CONTENT_TYPES.has(type)) {
    report('invalid-action-parameters', `content_type must be one of ${[...BLOCK_CONTENT_TYPES].join(', ')}, got ${JSON.stringify(type)}`, `${where}.content_type`);
  }
  const content = response.content ?? null;
  if (content !== null) {
    if (typeof content !== 'string') report('invalid-action-parameters', 'content must be a string', `${where}.content`);
    else {
      const bytes = new TextEncoder().encode(content).length;
      if (bytes > MAX_RATELIMIT_CONTENT_BYTES) report('invalid-action-parameters', `content is ${bytes} bytes; the limit is ${MAX_RATELIMIT_CONTENT_BYTES} (30 KB)`, `${where}.content`);
    }
  }
  return { status_code: status as number, content_type: type as string, content: content as string | null };
}
