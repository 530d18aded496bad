/**
 * Ruleset API beyond the scenario data: trace (data and text), static checks, errors with
 * paths, contexts, and immutability of the caller's objects.
 */
import { describe, expect, it } from 'vitest';
import { cloudflareScheme, renderTrace, Ruleset, RulesetError, WirefilterError, type RuleInput } from '../src/index.js';

const scheme = cloudflareScheme({ lists: { office: { type: 'Ip', items: ['192.0.2.0/24'] } } });

const rules: RuleInput[] = [
  { id: 'skip-office', expression: 'ip.src in $office', action: 'skip', action_parameters: { ruleset: 'current' } },
  { id: 'log-api', expression: 'starts_with(http.request.uri.path, "/api/")', action: 'log' },
  {
    id: 'block-admin',
    expression: 'http.request.uri.path contains "/admin" and not cf.client.bot and http.request.method eq "POST"',
    action: 'block',
  },
  { id: 'challenge-cloud', expression: 'ip.src.asnum in {16509 15169} and not cf.client.bot', action: 'managed_challenge' },
];

describe('trace', () => {
  const ruleset = new Ruleset(scheme, rules);
  const request = { 'ip.src': '203.0.113.9', 'http.request.uri.path': '/admin/users', 'cf.client.bot': false, 'http.request.method': 'GET', 'ip.src.asnum': 16509 };

  it('explains every evaluated rule as data', () => {
    const decision = ruleset.evaluate(request, { trace: true });
    expect(decision.action).toBe('managed_challenge');
    const trace = decision.trace!;
    expect(trace.map((t) => [t.ruleId, t.status])).toEqual([
      ['skip-office', 'not-matched'],
      ['log-api', 'not-matched'],
      ['block-admin', 'not-matched'],
      ['challenge-cloud', 'matched'],
    ]);
    const block = trace[2]!.explanation!;
    expect(block.result).toBe(false);
    expect(block.children.map((c) => [c.expression, c.evaluated, c.result, c.decisive ?? false])).toEqual([
      ['http.request.uri.path contains "/admin"', true, true, false],
      ['not cf.client.bot', true, true, false],
      ['http.request.method eq "POST"', true, false, true],
    ]);
    expect(block.children[2]!.value).toEqual({ expression: 'http.request.method', value: 'GET' });
    expect(trace[0]!.explanation!.value).toEqual({ expression: 'ip.src', value: '203.0.113.9' });
    expect(trace[3]!.outcome).toBe('managed_challenge');
  });

  it('marks what short-circuiting skipped', () => {
    const decision = ruleset.evaluate({ ...request, 'http.request.uri.path': '/home' }, { trace: true });
    const block = decision.trace![2]!.explanation!;
    expect(block.children.map((c) => c.evaluated)).toEqual([true, false, false]);
    expect(block.children[0]!.decisive).toBe(true);
  });

  it('renders as text', () => {
    const text = renderTrace(ruleset.evaluate(request, { trace: true }).trace!);
    expect(text).toContain('[zone] block-admin (block): not-matched');
    expect(text).toContain('✗ http.request.method eq "POST"   ⟵ http.request.method = "GET"   (decisive)');
    expect(text).toContain('[zone] challenge-cloud (managed_challenge): matched → managed_challenge');
  });

  it('shows missing values and per-element results of [*]', () => {
    const rs = new Ruleset(scheme, [{ id: 'h', expression: 'any(http.request.headers["x-a"][*] eq "1") or http.request.headers["x-b"][0] eq "2"', action: 'log' }]);
    const [trace] = rs.evaluate({ 'http.request.headers': { 'x-a': ['0', '1'] } }, { trace: true }).trace!;
    const [any, missing] = trace!.explanation!.children;
    expect(any!.children[0]!.result).toEqual([false, true]);
    expect(any!.children[0]!.value).toEqual({ expression: 'http.request.headers["x-a"][*]', value: ['0', '1'] });
    expect(missing!.evaluated).toBe(false);
    const [other] = rs.evaluate({ 'http.request.headers': {} }, { trace: true }).trace!;
    expect(other!.explanation!.children[1]!.value).toEqual({ expression: 'http.request.headers["x-b"][0]', value: 'missing' });
  });

  it('costs nothing unless asked for', () => {
    expect(ruleset.evaluate(request).trace).toBeUndefined();
  });
});

describe('static checks', () => {
  const codes = (input: RuleInput[]) => new Ruleset(scheme, input).warnings.map((w) => [w.code, w.rule]);

  it('finds rules after a catch-all terminating rule', () => {
    expect(codes([
      { id: 'all', expression: 'true', action: 'block' },
      { id: 'never', expression: 'ssl', action: 'log' },
    ])).toEqual([['unreachable-rule', 'never']]);
    expect(codes([
      { id: 'all', expression: 'ssl or not (ssl and true) or true', action: 'js_challenge' },
      { id: 'never', expression: 'ssl', action: 'block' },
    ])).toContainEqual(['unreachable-rule', 'never']);
  });

  it('finds skip rules placed after the rules they should exempt', () => {
    expect(codes([
      { id: 'block-admin', expression: 'http.request.uri.path eq "/admin"', action: 'block' },
      { id: 'skip-office', expression: 'ip.src in $office', action: 'skip', action_parameters: { ruleset: 'current' } },
    ])).toEqual([['skip-after-terminating-rule', 'skip-office']]);
  });

  it('finds block rules after challenge rules', () => {
    expect(codes([
      { id: 'challenge', expression: 'ip.src.country eq "XX"', action: 'managed_challenge' },
      { id: 'block', expression: 'http.request.uri.path eq "/x"', action: 'block' },
    ])).toEqual([['block-after-challenge', 'block']]);
  });

  it('reports unknown lists, deprecated fields and invalid disabled rules as warnings', () => {
    const bare = cloudflareScheme();
    const warnings = new Ruleset(bare, [
      { id: 'old', expression: 'ip.geoip.country eq "GB"', action: 'log' },
      { id: 'off', expression: 'http.host eq', action: 'block', enabled: false },
    ]).warnings.map((w) => [w.code, w.rule, w.severity]);
    expect(warnings).toEqual([
      ['deprecated-field', 'old', 'warning'],
      ['invalid-disabled-rule', 'off', 'warning'],
    ]);
    const lists = new Ruleset(bare, [{ id: 'l', expression: 'ip.src in $nope', action: 'block' }]);
    expect(lists.warnings.map((w) => [w.code, w.rule])).toEqual([['unknown-list', 'l']]);
    expect(lists.evaluate({ 'ip.src': '192.0.2.1' }).action).toBe('allow');
  });
});

describe('loading', () => {
  it('reports every problem at once with rule ids and JSON paths', () => {
    const bad = [
      { id: 'a', expression: 'http.hots eq "x"', action: 'block' },
      { id: 'b', expression: 'ssl', action: 'block', action_parameters: { response: { status_code: 302, content_type: 'application/json', content: '{' } } },
      { id: 'a', expression: 'ssl', action: 'allow' },
      { ref: 'r', expression: 'ssl', action: 'skip' },
      'not a rule',
    ];
    try {
      new Ruleset(scheme, bad as unknown as RuleInput[]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RulesetError);
      const problems = (error as RulesetError).problems.map((p) => [p.code, p.rule, p.path]);
      expect(problems).toEqual([
        ['invalid-expression', 'a', 'rules[0].expression'],
        ['invalid-action-parameters', 'b', 'rules[1].action_parameters.response.status_code'],
        ['invalid-action-parameters', 'b', 'rules[1].action_parameters.response.content'],
        ['action-not-allowed-in-phase', 'a', 'rules[2].action'],
        ['invalid-action-parameters', 'r', 'rules[3].action_parameters'],
        ['invalid-rule', '#4', 'rules[4]'],
      ]);
      expect((error as RulesetError).message).toContain('zone rule b (rules[1].action_parameters.response.status_code)');
    }
  });

  it('accepts a whole ruleset object and never modifies it', () => {
    const input = Object.freeze({ id: 'zone1', kind: 'zone', phase: 'http_request_firewall_custom', rules: Object.freeze(rules.map((r) => Object.freeze({ ...r }))) });
    const ruleset = new Ruleset(scheme, input as never);
    expect(ruleset.evaluate({ 'ip.src': '192.0.2.1' }).events).toEqual([{ ruleId: 'skip-office', action: 'skip', rulesetId: 'zone1' }]);
  });

  it('evaluates with a context shared with other filters', () => {
    const ruleset = new Ruleset(scheme, rules);
    const context = scheme.context({ 'ip.src': '203.0.113.1', 'http.request.uri.path': '/admin', 'http.request.method': 'POST', 'cf.client.bot': false });
    expect(ruleset.evaluate(context)).toMatchObject({ action: 'block', ruleId: 'block-admin', response: { status_code: 403 } });
    expect(scheme.compile('http.request.method eq "POST"').execute(context)).toBe(true);
  });
});

describe('Rulesets API response envelope', () => {
  const request = { 'ip.src': '203.0.113.9', 'http.request.uri.path': '/admin/users', 'cf.client.bot': false, 'http.request.method': 'POST', 'ip.src.asnum': 64500 };

  it('accepts { result: ruleset } with success/errors/messages, as GET …/rulesets/{id} returns it', () => {
    const envelope = { result: { id: 'zone-custom', phase: 'http_request_firewall_custom', rules }, success: true, errors: [], messages: [] };
    const frozen = structuredClone(envelope);
    const decision = new Ruleset(scheme, envelope).evaluate(request);
    expect([decision.action, decision.ruleId]).toEqual(['block', 'block-admin']);
    expect(envelope).toEqual(frozen);
  });

  it('accepts { result: rules[] } and execute targets given as envelopes', () => {
    const ruleset = new Ruleset(scheme, { result: [{ id: 'x', expression: 'true', action: 'execute', action_parameters: { id: 'inner' } }] }, {
      rulesets: { inner: { result: { rules: [{ id: 'b', expression: 'ip.src.asnum eq 64500', action: 'block' }] }, success: true } },
    });
    expect(ruleset.evaluate(request).ruleId).toBe('b');
  });

  it('refuses a response that reports failure, quoting the API error', () => {
    let error: unknown;
    try {
      new Ruleset(scheme, { result: null as never, success: false, errors: [{ code: 10000, message: 'Authentication error' }] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RulesetError);
    expect((error as RulesetError).problems[0]).toMatchObject({ code: 'invalid-ruleset', path: 'success', message: expect.stringContaining('Authentication error') });
  });

  it('still refuses other shapes with a message naming the three accepted ones', () => {
    expect(() => new Ruleset(scheme, { result: 'x' } as never)).toThrow(/API response with the ruleset as `result`/);
    expect(() => new Ruleset(scheme, { rules: 'x' } as never)).toThrow(/expected an array of rules/);
  });
});

describe('contexts of another scheme or another copy of the library', () => {
  const ruleset = new Ruleset(scheme, rules);
  const other = cloudflareScheme();

  it('scheme.context(context) returns its own context and refuses another scheme’s', () => {
    const context = scheme.context({ 'ip.src': '192.0.2.1' });
    expect(scheme.context(context)).toBe(context);
    expect(() => other.context(context)).toThrow(expect.objectContaining({ code: 'context-scheme-mismatch' }));
  });

  it('treats an object branded by another copy as a context, never as field values', () => {
    // What a context of the other build (ESM vs CJS) looks like to this one.
    const foreign = Object.assign(Object.create({ [Symbol.for('wirefilter-ts.ExecutionContext')]: true }), { owner: {}, slots: [] });
    expect(() => ruleset.evaluate(foreign)).toThrow(expect.objectContaining({ code: 'context-scheme-mismatch' }));
    expect(() => scheme.compile('ssl').execute(foreign)).toThrow(expect.objectContaining({ code: 'context-scheme-mismatch' }));
  });

  it('recognises errors of another copy with instanceof', () => {
    const foreignError = Object.assign(Object.create({ [Symbol.for('wirefilter-ts.WirefilterError')]: true }), { code: 'invalid-expression' });
    expect(foreignError instanceof WirefilterError).toBe(true);
    expect(foreignError instanceof RulesetError).toBe(false);
    expect({ code: 'invalid-expression' } instanceof WirefilterError).toBe(false);
    const foreignRulesetError = Object.create({ [Symbol.for('wirefilter-ts.WirefilterError')]: true, [Symbol.for('wirefilter-ts.RulesetError')]: true });
    expect(foreignRulesetError instanceof RulesetError).toBe(true);
  });
});
