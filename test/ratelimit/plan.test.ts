import { describe, expect, it } from 'vitest';
import { cloudflareScheme, lintRateLimitPlan, memoryStore, RATE_LIMIT_PLAN_LIMITS, RATE_LIMIT_PLANS, RateLimiter, RulesetError, type RateLimitPlan, type RateLimitRuleInput, type RulesetProblem } from '../../src/index.js';
import { expressionReferences } from '../../src/ratelimit/plan.js';

const scheme = cloudflareScheme();

const rule = (overrides: Record<string, unknown> = {}, ratelimit: Record<string, unknown> = {}): RateLimitRuleInput =>
  ({
    ref: 'r',
    expression: 'http.request.uri.path eq "/login"',
    action: 'block',
    ...overrides,
    ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 10, requests_per_period: 5, mitigation_timeout: 10, ...ratelimit },
  }) as RateLimitRuleInput;

const lint = (rules: unknown, plan: RateLimitPlan): string[] => lintRateLimitPlan(scheme, rules, plan).map((p) => `${p.code} ${p.path}`);

/** The lowest plan on which `rules` lint clean. */
const lowest = (rules: unknown): RateLimitPlan | undefined => RATE_LIMIT_PLANS.find((plan) => lint(rules, plan).length === 0);

describe('lintRateLimitPlan', () => {
  it('a rule within the Free plan is clean on every plan', () => {
    for (const plan of RATE_LIMIT_PLANS) expect(lint([rule()], plan)).toEqual([]);
  });

  it.each([
    ['period 60', rule({}, { period: 60 }), 'pro', 'plan-period rules[0].ratelimit.period'],
    ['period 600', rule({}, { period: 600 }), 'business', 'plan-period rules[0].ratelimit.period'],
    ['period 3600', rule({}, { period: 3600 }), 'enterprise', 'plan-period rules[0].ratelimit.period'],
    ['timeout 60', rule({}, { mitigation_timeout: 60 }), 'pro', 'plan-mitigation-timeout rules[0].ratelimit.mitigation_timeout'],
    ['timeout 1 day', rule({}, { mitigation_timeout: 86400 }), 'business', 'plan-mitigation-timeout rules[0].ratelimit.mitigation_timeout'],
    ['an unlisted timeout (custom, via API)', rule({}, { mitigation_timeout: 7 }), 'enterprise', 'plan-mitigation-timeout rules[0].ratelimit.mitigation_timeout'],
    ['NAT support', rule({}, { characteristics: ['cf.colo.id', 'cf.unique_visitor_id'] }), 'business', 'plan-characteristic rules[0].ratelimit.characteristics[1]'],
    ['a header characteristic', rule({}, { characteristics: ['cf.colo.id', 'http.request.headers["x-key"]'] }), 'enterprise', 'plan-characteristic rules[0].ratelimit.characteristics[1]'],
    ['the host', rule({ expression: 'http.host eq "a.example"' }), 'pro', 'plan-field rules[0].expression'],
    ['the method', rule({ expression: 'http.request.method eq "POST"' }), 'business', 'plan-field rules[0].expression'],
    ['a header', rule({ expression: 'any(http.request.headers["x"][*] eq "1")' }), 'enterprise', 'plan-field rules[0].expression'],
    ['a counting expression', rule({}, { counting_expression: 'http.request.uri.path eq "/login" and http.response.code eq 401' }), 'business', 'plan-counting-expression rules[0].ratelimit.counting_expression'],
    ['a counting expression on request fields', rule({}, { counting_expression: 'http.request.uri.path eq "/login"' }), 'business', 'plan-counting-expression rules[0].ratelimit.counting_expression'],
    ['a cookie in the counting expression', rule({}, { counting_expression: 'http.request.cookies["s"][0] eq "x"' }), 'enterprise', 'plan-counting-expression rules[0].ratelimit.counting_expression'],
    ['a challenge with a duration', rule({ action: 'managed_challenge' }), 'enterprise', 'plan-challenge-timeout rules[0].ratelimit.mitigation_timeout'],
    ['block throttling', rule({}, { mitigation_timeout: 0 }), 'enterprise', 'plan-block-throttle rules[0].ratelimit.mitigation_timeout'],
    ['block throttling by default', rule({}, { mitigation_timeout: undefined }), 'enterprise', 'plan-block-throttle rules[0].ratelimit'],
    ['log', rule({ action: 'log' }), 'enterprise', 'plan-action rules[0].action'],
    ['complexity', rule({}, { requests_per_period: undefined, score_per_period: 400, score_response_header_name: 'x-score' }), 'enterprise', 'plan-complexity rules[0].ratelimit.score_per_period'],
  ])('%s needs %s (first warning below it: %s)', (_name, input, plan, first) => {
    expect(lowest([input])).toBe(plan);
    expect(lint([input], 'free')[0]).toBe(first);
  });

  it('a challenge that throttles is fine on every plan', () => {
    for (const plan of RATE_LIMIT_PLANS) expect(lint([rule({ action: 'js_challenge' }, { mitigation_timeout: 0 })], plan)).toEqual([]);
  });

  it('counts rules per plan: 1, 2, 5, 100', () => {
    const rules = (n: number) => Array.from({ length: n }, (_, i) => rule({ ref: `r${i}` }));
    expect(lint(rules(2), 'free')).toEqual(['plan-rule-count rules']);
    expect(lint(rules(2), 'pro')).toEqual([]);
    expect(lint(rules(3), 'pro')).toEqual(['plan-rule-count rules']);
    expect(lint(rules(5), 'business')).toEqual([]);
    expect(lint(rules(6), 'business')).toEqual(['plan-rule-count rules']);
    expect(lint(rules(101), 'enterprise')).toEqual(['plan-rule-count rules']);
    expect(RATE_LIMIT_PLANS.map((p) => RATE_LIMIT_PLAN_LIMITS[p].rules)).toEqual([1, 2, 5, 100]);
  });

  it('names each rule by id, ref or index and reads rulesets and API responses', () => {
    const rules = [rule({ ref: undefined, id: 'abc', action: 'log' }), rule({ ref: undefined, action: 'log' })];
    const problems = lintRateLimitPlan(scheme, { result: { id: 'rl', phase: 'http_ratelimit', rules } }, 'free');
    expect(problems.map((p) => [p.code, p.rule, p.index, p.ruleset, p.severity])).toEqual([
      ['plan-rule-count', undefined, undefined, 'rl', 'warning'],
      ['plan-action', 'abc', 0, 'rl', 'warning'],
      ['plan-action', '#1', 1, 'rl', 'warning'],
    ]);
  });

  it('gives field warnings a diagnostic at the field', () => {
    const expression = 'http.request.uri.path eq "/x"\nand http.user_agent contains "bot"';
    const [problem] = lintRateLimitPlan(scheme, [rule({ expression })], 'pro');
    expect(problem).toMatchObject({ code: 'plan-field', path: 'rules[0].expression' } satisfies Partial<RulesetProblem>);
    expect(problem!.diagnostics).toEqual([
      expect.objectContaining({ code: 'plan-field', severity: 'warning', span: { start: 34, end: 49 }, line: 2, column: 5, message: expect.stringContaining('needs Business or higher') }),
    ]);
  });

  it('skips what the loader reports (non-objects, missing ratelimit blocks)', () => {
    expect(lint([null, 'x', { expression: 'http.host eq "a"', action: 'block' }], 'free')).toEqual(['plan-rule-count rules', 'plan-field rules[2].expression']);
  });

  it('finds fields and lists in expressions', () => {
    expect(expressionReferences(scheme, 'lower(http.host) in $office and ip.src in $cf.open_proxies and http.request.headers["a"][0] eq "1"').map((r) => `${r.kind}:${r.name}`)).toEqual([
      'field:http.host',
      'list:office',
      'field:ip.src',
      'list:cf.open_proxies',
      'field:http.request.headers',
    ]);
  });
});

/** Loading problems (errors and warnings) of `rules` with the Cloudflare scheme. */
function problems(rules: unknown): string[] {
  try {
    return new RateLimiter(scheme, rules as RateLimitRuleInput[], { store: memoryStore() }).warnings.map((p) => `${p.severity} ${p.code} ${p.path}`);
  } catch (error) {
    if (!(error instanceof RulesetError)) throw error;
    return error.problems.map((p) => `${p.severity} ${p.code} ${p.path}`);
  }
}

describe('configuration restrictions (plan-independent errors of the loader)', () => {
  const lists = { ref: 'l', expression: 'ip.src in $office', action: 'block' };

  it('custom lists need cached requests counted: requests_to_origin true is an error', () => {
    expect(problems([rule(lists, { requests_to_origin: true })])).toContain('error requests-to-origin-with-lists rules[0].ratelimit.requests_to_origin');
    expect(problems([rule({}, { requests_to_origin: true, counting_expression: 'ip.src in $office' })])).toContain('error requests-to-origin-with-lists rules[0].ratelimit.requests_to_origin');
    expect(problems([rule(lists, { requests_to_origin: false })]).filter((p) => p.startsWith('error'))).toEqual([]);
    expect(problems([rule(lists)]).filter((p) => p.startsWith('error'))).toEqual([]);
  });

  it('managed lists are not custom lists', () => {
    expect(problems([rule({ expression: 'ip.src in $cf.open_proxies' }, { requests_to_origin: true })])).toEqual([]);
  });

  it('a counting expression cannot combine response fields and custom lists', () => {
    expect(problems([rule({}, { counting_expression: 'http.response.code eq 401 and ip.src in $office' })])).toContain('error response-fields-with-lists rules[0].ratelimit.counting_expression');
    expect(problems([rule({}, { counting_expression: 'http.response.code eq 401 and ip.src in $cf.vpn' })]).filter((p) => p.startsWith('error'))).toEqual([]);
    expect(problems([rule({}, { counting_expression: 'http.response.code eq 401' })])).toEqual([]);
  });
});
