import { describe, expect, it } from 'vitest';
import { cloudflareScheme, memoryStore, RateLimiter, RulesetError, Scheme, type RateLimitRuleInput, type RulesetProblem } from '../../src/index.js';
import { testScheme } from './support.js';

const rule = (overrides: Record<string, unknown> = {}, ratelimit: Record<string, unknown> = {}): RateLimitRuleInput =>
  ({ id: 'r', expression: 'true', action: 'block', ...overrides, ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 60, requests_per_period: 10, ...ratelimit } }) as RateLimitRuleInput;

/** The problems of loading `rules` (the constructor's RulesetError), or the warnings when it loads. */
function problems(rules: unknown): RulesetProblem[] {
  try {
    return [...new RateLimiter(testScheme(), rules as RateLimitRuleInput[], { store: memoryStore() }).warnings];
  } catch (error) {
    if (!(error instanceof RulesetError)) throw error;
    return [...error.problems];
  }
}

const summary = (rules: unknown) => problems(rules).map((p) => `${p.severity} ${p.code} ${p.path}`);

describe('rate limiting rule validation', () => {
  it('loads a valid rule with no problems', () => {
    expect(summary([rule()])).toEqual([]);
  });

  it.each([
    ['missing cf.colo.id', { characteristics: ['ip.src'] }, 'error invalid-ratelimit rules[0].ratelimit.characteristics'],
    ['ip.src with cf.unique_visitor_id', { characteristics: ['cf.colo.id', 'ip.src', 'cf.unique_visitor_id'] }, 'error invalid-ratelimit rules[0].ratelimit.characteristics'],
    ['an unknown characteristic', { characteristics: ['cf.colo.id', 'no.such.field'] }, 'error invalid-ratelimit rules[0].ratelimit.characteristics[1]'],
    ['an upper-case header name', { characteristics: ['cf.colo.id', 'http.request.headers["X-Key"]'] }, 'error invalid-ratelimit rules[0].ratelimit.characteristics[1]'],
    ['a whole map field', { characteristics: ['cf.colo.id', 'http.request.headers'] }, 'error invalid-ratelimit rules[0].ratelimit.characteristics[1]'],
    ['a key on a non-map field', { characteristics: ['cf.colo.id', 'http.host["a"]'] }, 'error invalid-ratelimit rules[0].ratelimit.characteristics[1]'],
    ['a repeated characteristic', { characteristics: ['cf.colo.id', 'ip.src', 'ip.src'] }, 'error invalid-ratelimit rules[0].ratelimit.characteristics[2]'],
    ['characteristics not an array', { characteristics: 'ip.src' }, 'error invalid-ratelimit rules[0].ratelimit.characteristics'],
    ['an undocumented period', { period: 30 }, 'error invalid-ratelimit rules[0].ratelimit.period'],
    ['a period given as a string', { period: '60' }, 'error invalid-ratelimit rules[0].ratelimit.period'],
    ['requests_per_period 0', { requests_per_period: 0 }, 'error invalid-ratelimit rules[0].ratelimit.requests_per_period'],
    ['requests_per_period 1.5', { requests_per_period: 1.5 }, 'error invalid-ratelimit rules[0].ratelimit.requests_per_period'],
    ['requests with score', { score_per_period: 5, score_response_header_name: 'x-score' }, 'error invalid-ratelimit rules[0].ratelimit.requests_per_period'],
    ['a negative mitigation_timeout', { mitigation_timeout: -1 }, 'error invalid-ratelimit rules[0].ratelimit.mitigation_timeout'],
    ['a mitigation_timeout over a day', { mitigation_timeout: 86401 }, 'error invalid-ratelimit rules[0].ratelimit.mitigation_timeout'],
    ['a counting_expression that does not compile', { counting_expression: 'http.host eq' }, 'error invalid-expression rules[0].ratelimit.counting_expression'],
    ['a counting_expression that is not a string', { counting_expression: 5 }, 'error invalid-ratelimit rules[0].ratelimit.counting_expression'],
    ['requests_to_origin not a boolean', { requests_to_origin: 'yes' }, 'error invalid-ratelimit rules[0].ratelimit.requests_to_origin'],
  ])('refuses %s', (_name, ratelimit, expected) => {
    expect(summary([rule({}, ratelimit)])).toContain(expected);
  });

  it('needs requests_per_period or score_per_period', () => {
    expect(summary([rule({}, { requests_per_period: undefined })])).toEqual(['error invalid-ratelimit rules[0].ratelimit']);
  });

  it('needs a score header with score_per_period, and a scheme with response headers to read it from', () => {
    expect(summary([rule({}, { requests_per_period: undefined, score_per_period: 5 })])).toEqual(['error invalid-ratelimit rules[0].ratelimit.score_response_header_name']);
    expect(summary([rule({}, { requests_per_period: undefined, score_per_period: 5, score_response_header_name: 'x-score' })])).toEqual([]);
    const bare = new Scheme({ fields: { 'ip.src': 'Ip' } });
    const score = rule({}, { requests_per_period: undefined, score_per_period: 5, score_response_header_name: 'x-score' });
    expect(() => new RateLimiter(bare, [score], { store: memoryStore() })).toThrow(/http\.response\.headers/);
  });

  it('warns about (and drops) a disabled rule whose expression does not compile', () => {
    expect(summary([rule({ enabled: false, expression: 'http.host eq' }), rule({ id: 'ok' })])).toEqual(['warning invalid-disabled-rule rules[0].expression']);
    expect(summary([rule({ enabled: 'no' })])).toEqual(['error invalid-rule rules[0].enabled']);
  });

  it('loads rules written for the Cloudflare field catalogue', () => {
    const limiter = new RateLimiter(
      cloudflareScheme(),
      {
        phase: 'http_ratelimit',
        rules: [
          {
            expression: 'http.request.uri.path eq "/login" and http.request.method eq "POST"',
            action: 'managed_challenge',
            ratelimit: {
              characteristics: ['cf.colo.id', 'ip.src', 'http.request.headers["x-api-key"]', 'http.request.cookies["session"]', 'http.request.uri.args["q"]'],
              period: 60,
              requests_per_period: 5,
              mitigation_timeout: 0,
              counting_expression: 'http.request.uri.path eq "/login" and http.response.code in {401 403}',
              requests_to_origin: true,
            },
          },
        ],
      },
      { store: memoryStore() },
    );
    expect(limiter.warnings).toEqual([]);
    expect(limiter.size).toBe(1);
  });

  it('refuses response fields in the rule expression, and accepts them in counting_expression', () => {
    expect(summary([rule({ expression: 'http.response.code eq 401' })])).toEqual(['error response-field-in-expression rules[0].expression']);
    expect(summary([rule({}, { counting_expression: 'http.response.code eq 401' })])).toEqual([]);
  });

  it('accepts every documented period, and the disputed longer ones with a warning', () => {
    for (const period of [10, 60, 120, 300, 600, 3600]) expect(summary([rule({}, { period })])).toEqual([]);
    for (const period of [7200, 10800, 21600, 43200, 86400]) expect(summary([rule({}, { period })])).toEqual(['warning disputed-period rules[0].ratelimit.period']);
  });

  it('accepts map-entry characteristics, cf.unique_visitor_id without ip.src, and mitigation up to a day', () => {
    const characteristics = ['cf.colo.id', 'cf.unique_visitor_id', 'http.request.headers["x-key"]', 'http.request.cookies["s"]', 'http.request.uri.args["q"]', 'http.host'];
    expect(summary([rule({}, { characteristics, mitigation_timeout: 86400, counting_expression: '' })])).toEqual([]);
  });

  it('checks actions and block responses (default 429, 400–499, up to 30 KB)', () => {
    expect(summary([rule({ action: 'skip' })])).toEqual(['error action-not-allowed-in-phase rules[0].action']);
    expect(summary([rule({ action: 'allow' })])).toEqual(['error action-not-allowed-in-phase rules[0].action']);
    for (const action of ['block', 'challenge', 'js_challenge', 'managed_challenge', 'log']) expect(summary([rule({ action })])).toEqual([]);
    const response = (r: Record<string, unknown>) => rule({ action_parameters: { response: r } });
    expect(summary([response({ status_code: 399 })])).toEqual(['error invalid-action-parameters rules[0].action_parameters.response.status_code']);
    expect(summary([response({ status_code: 500 })])).toEqual(['error invalid-action-parameters rules[0].action_parameters.response.status_code']);
    expect(summary([response({ content_type: 'image/png' })])).toEqual(['error invalid-action-parameters rules[0].action_parameters.response.content_type']);
    expect(summary([response({ content: 'x'.repeat(30 * 1024) })])).toEqual([]);
    expect(summary([response({ content: 'x'.repeat(30 * 1024 + 1) })])).toEqual(['error invalid-action-parameters rules[0].action_parameters.response.content']);
    expect(summary([rule({ action: 'log', action_parameters: { response: { status_code: 429 } } })])).toEqual(['error invalid-action-parameters rules[0].action_parameters.response']);
  });

  it('defaults the block response to 429', async () => {
    const limiter = new RateLimiter(testScheme(), [rule({}, { requests_per_period: 1 })], { store: memoryStore() });
    await limiter.evaluate({ 'ip.src': '192.0.2.1' }, { now: 0 });
    const decision = await limiter.evaluate({ 'ip.src': '192.0.2.1' }, { now: 0 });
    expect(decision.response).toEqual({ status_code: 429, content_type: 'text/html', content: null });
  });

  it('reports rule-level problems with the rule id and index, and every problem at once', () => {
    const found = problems([rule(), rule({ id: 'second', expression: 'http.host eq' }, { period: 5 }), 'nonsense', rule()]);
    expect(found.map((p) => `${p.rule} ${p.code} ${p.path}`)).toEqual([
      'second invalid-expression rules[1].expression',
      'second invalid-ratelimit rules[1].ratelimit.period',
      '#2 invalid-rule rules[2]',
      'r duplicate-rule-id rules[3]',
    ]);
  });

  it('takes a Rulesets API response envelope', () => {
    const limiter = new RateLimiter(testScheme(), { result: { id: 'rl', phase: 'http_ratelimit', rules: [rule()] }, success: true }, { store: memoryStore() });
    expect(limiter.size).toBe(1);
    expect(summary({ result: [], success: false })).toEqual(['error invalid-ruleset success']);
  });

  it('refuses a ruleset of another phase, a rule without ratelimit, and bad options', () => {
    expect(summary({ phase: 'http_request_firewall_custom', rules: [rule()] })).toEqual(['error invalid-ruleset phase']);
    expect(summary([{ id: 'x', expression: 'true', action: 'block' }])).toEqual(['error invalid-ratelimit rules[0].ratelimit']);
    expect(() => new RateLimiter(testScheme(), [], { store: {} as never })).toThrow(/store/);
    expect(() => new RateLimiter(testScheme(), [], { store: memoryStore(), algorithm: 'leaky' as never })).toThrow(/algorithm/);
    expect(() => memoryStore({ maxKeys: 0 })).toThrow(/maxKeys/);
  });
  it('with Cloudflare\'s scheme, counts per cf.colo.id and cf.unique_visitor_id as catalogue fields (typed values, context or plain values)', async () => {
    const scheme = cloudflareScheme();
    const limiter = new RateLimiter(scheme, [rule({}, { characteristics: ['cf.colo.id', 'cf.unique_visitor_id'], requests_per_period: 1 })], { store: memoryStore() });
    const request = (colo: number, visitor: string) => ({ 'cf.colo.id': colo, 'cf.unique_visitor_id': visitor, 'ip.src': '192.0.2.1' });
    expect((await limiter.evaluate(request(1, 'a'), { now: 0 })).action).toBe('allow');
    expect((await limiter.evaluate(scheme.context(request(1, 'a')), { now: 0 })).action).toBe('block');
    expect((await limiter.evaluate(request(2, 'a'), { now: 0 })).action).toBe('allow');
    expect((await limiter.evaluate(request(1, 'b'), { now: 0 })).action).toBe('allow');
  });

  it('warns when an expression reads cf.colo.id or cf.unique_visitor_id (Cloudflare: not for expressions)', () => {
    const limiter = new RateLimiter(cloudflareScheme(), [rule({ expression: 'cf.colo.id eq 1' }, { counting_expression: 'cf.unique_visitor_id ne "" and cf.colo.id eq 1' })], { store: memoryStore() });
    expect(limiter.warnings.map((p) => `${p.code} ${p.path}`)).toEqual(['characteristic-in-expression rules[0].expression', 'characteristic-in-expression rules[0].ratelimit.counting_expression']);
    expect(limiter.warnings[1]!.message).toContain('`cf.unique_visitor_id` and `cf.colo.id` are characteristics');
  });
});
