/**
 * Hostile rulesets: wrong JSON shapes at every level, 100,000 rules, duplicate ids, deeply
 * nested parameters, long `execute` chains — always a `RulesetError` with a code and a JSON
 * path (never another exception), in bounded time, and the caller's objects are never modified
 * (inputs are deep-frozen, so a write would throw, and compared with snapshots).
 */
import { describe, expect, it } from 'vitest';
import { cloudflareScheme, Ruleset, RulesetError, type RulesetProblem } from '../../src/index.js';
import { fingerprint } from '../fuzz/arbitraries/values.js';
import { deepFreeze, expectLinearGrowth, expectNoPollution, prototypeKeys, within } from './helpers.js';

const scheme = cloudflareScheme();
const before = prototypeKeys();

/** Loads `rules` (deep-frozen) and returns the problems, asserting only RulesetError is thrown. */
function problems(rules: unknown, options?: unknown): RulesetProblem[] {
  const frozenRules = deepFreeze(rules);
  const frozenOptions = deepFreeze(options);
  const snapshot = fingerprint([frozenRules, frozenOptions]);
  let thrown: unknown;
  try {
    new Ruleset(scheme, frozenRules as never, frozenOptions as never);
  } catch (error) {
    thrown = error;
  }
  expect(fingerprint([frozenRules, frozenOptions])).toBe(snapshot);
  if (thrown === undefined) return [];
  expect(thrown, String(thrown)).toBeInstanceOf(RulesetError);
  const list = (thrown as RulesetError).problems;
  for (const p of list) {
    expect(typeof p.code).toBe('string');
    expect(typeof p.path).toBe('string');
    expect(typeof p.message).toBe('string');
  }
  return list.filter((p) => p.severity === 'error');
}

const at = (list: RulesetProblem[]): string[] => list.map((p) => `${p.code}@${p.path}`);
const rule = (extra: Record<string, unknown> = {}) => ({ expression: 'http.host eq "a"', action: 'block', ...extra });

describe('wrong JSON shapes at every level', () => {
  it('the ruleset itself', () => {
    for (const shape of [null, undefined, 0, 1, '', 'rules', true, {}, { rules: null }, { rules: {} }, { rules: 'x' }, { rules: 5 }, new Map()]) {
      expect(at(problems(shape)), JSON.stringify(shape)).toEqual(['invalid-ruleset@']);
    }
    expect(at(problems({ rules: [], phase: 'http_request_sbfm' }))).toEqual(['invalid-ruleset@phase']);
    expect(problems([])).toEqual([]);
  });

  it('each rule', () => {
    for (const shape of [null, 0, 'rule', true, [], [rule()]]) {
      expect(at(problems([rule(), shape])), JSON.stringify(shape)).toEqual(['invalid-rule@rules[1]']);
    }
  });

  it('each property of a rule', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ expression: null }, 'invalid-rule@rules[0].expression'],
      [{ expression: 42 }, 'invalid-rule@rules[0].expression'],
      [{ expression: ['ssl'] }, 'invalid-rule@rules[0].expression'],
      [{ expression: 'ssl and' }, 'invalid-expression@rules[0].expression'],
      [{ expression: 'x'.repeat(100_000) }, 'invalid-expression@rules[0].expression'],
      [{ action: null }, 'invalid-rule@rules[0].action'],
      [{ action: ['block'] }, 'invalid-rule@rules[0].action'],
      [{ action: 'allow' }, 'action-not-allowed-in-phase@rules[0].action'],
      [{ action: '__proto__' }, 'unknown-action@rules[0].action'],
      [{ id: 5 }, 'invalid-rule@rules[0].id'],
      [{ ref: {} }, 'invalid-rule@rules[0].ref'],
      [{ description: [] }, 'invalid-rule@rules[0].description'],
      [{ enabled: 'true' }, 'invalid-rule@rules[0].enabled'],
      [{ logging: true }, 'invalid-rule@rules[0].logging'],
      [{ logging: { enabled: 'no' } }, 'invalid-rule@rules[0].logging'],
      [{ action_parameters: [] }, 'invalid-action-parameters@rules[0].action_parameters'],
      [{ action_parameters: 'x' }, 'invalid-action-parameters@rules[0].action_parameters'],
      [{ action_parameters: { response: [] } }, 'invalid-action-parameters@rules[0].action_parameters.response'],
      [{ action_parameters: { response: { status_code: '403' } } }, 'invalid-action-parameters@rules[0].action_parameters.response.status_code'],
      [{ action_parameters: { response: { status_code: 1e309 } } }, 'invalid-action-parameters@rules[0].action_parameters.response.status_code'],
      [{ action_parameters: { response: { content: 5 } } }, 'invalid-action-parameters@rules[0].action_parameters.response.content'],
      [{ action_parameters: { response: { content: 'x'.repeat(3000) } } }, 'invalid-action-parameters@rules[0].action_parameters.response.content'],
      [{ action_parameters: { response: { content_type: 'application/json', content: '{' } } }, 'invalid-action-parameters@rules[0].action_parameters.response.content'],
      [{ action_parameters: { response: { content_type: 'text/xml', content: '<a><b></a>' } } }, 'invalid-action-parameters@rules[0].action_parameters.response.content'],
    ];
    for (const [extra, expected] of cases) expect(at(problems([rule(extra)])), JSON.stringify(extra).slice(0, 80)).toContain(expected);
  });

  it('skip and execute parameters', () => {
    const skip = (p: unknown) => at(problems([{ expression: 'ssl', action: 'skip', action_parameters: p }]));
    expect(skip(undefined)).toEqual(['invalid-action-parameters@rules[0].action_parameters']);
    expect(skip({ ruleset: 'all' })).toEqual(['invalid-action-parameters@rules[0].action_parameters.ruleset']);
    expect(skip({ phases: 'http_ratelimit' })).toEqual(['invalid-action-parameters@rules[0].action_parameters.phases']);
    expect(skip({ phases: [null] })).toEqual(['invalid-action-parameters@rules[0].action_parameters.phases']);
    expect(skip({ phases: ['nope'] })).toEqual(['invalid-action-parameters@rules[0].action_parameters.phases[0]']);
    expect(skip({ products: [{}] })).toEqual(['invalid-action-parameters@rules[0].action_parameters.products']);
    expect(skip({ rules: [] })).toEqual(['invalid-action-parameters@rules[0].action_parameters.rules']);
    expect(skip({ rules: { a: 'x' } })).toEqual(['invalid-action-parameters@rules[0].action_parameters.rules']);
    const execute = (p: unknown, options?: unknown) => at(problems([{ expression: 'ssl', action: 'execute', action_parameters: p }], options));
    expect(execute({})).toEqual(['invalid-action-parameters@rules[0].action_parameters.id']);
    expect(execute({ id: 7 })).toEqual(['invalid-action-parameters@rules[0].action_parameters.id']);
    expect(execute({ id: 'missing' })).toEqual(['unknown-ruleset@rules[0].action_parameters.id']);
    expect(execute({ id: 'constructor' })).toEqual(['unknown-ruleset@rules[0].action_parameters.id']);
  });

  it('options (regression: `null` options and a non-array `account` threw TypeErrors)', () => {
    expect(problems([rule()], null)).toEqual([]);
    expect(at(problems([rule()], { account: {} }))).toEqual(['invalid-ruleset@']);
    expect(at(problems([rule()], { account: 5 }))).toEqual(['invalid-ruleset@']);
    expect(at(problems([rule()], { account: [null] }))).toEqual(['invalid-ruleset@']);
    expect(problems([rule()], { rulesets: null })).toEqual([]);
  });
});

describe('problem texts', () => {
  // Regression: option keys, phases, rule ids, execute targets and actions were quoted whole in
  // problems: a 10 MB option key made a 20 MB error message.
  it('never grow with the names and values they quote', () => {
    const big = 'x'.repeat(1_000_000);
    const inputs: [unknown, unknown][] = [
      [[], { [big]: 1 }],
      [{ phase: big, rules: [] }, undefined],
      [[rule({ id: big }), rule({ id: big })], undefined],
      [[rule({ action: 'execute', action_parameters: { id: big } })], undefined],
      [[rule({ action: big })], undefined],
    ];
    for (const [rules, options] of inputs) {
      let error: unknown;
      try {
        new Ruleset(scheme, rules as never, options as never);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(RulesetError);
      for (const p of (error as RulesetError).problems) {
        expect(p.message.length + p.path.length + p.ruleset.length + (p.rule?.length ?? 0)).toBeLessThanOrEqual(8_600);
      }
      expect((error as RulesetError).message.length).toBeLessThan(20_000);
    }
  });
});

describe('block response content', () => {
  // Regression: text/xml and application/json content was checked for its format (with
  // quadratic work for XML) before its size, so a 4 MB content cost seconds.
  it('is measured before its format is checked: cost linear in its size, one size problem', () => {
    for (const [type, unit] of [['text/xml', '<a'], ['application/json', '[']] as const) {
      const load = (content: string) => problems([rule({ action: 'block', action_parameters: { response: { status_code: 403, content_type: type, content } } })]);
      expect(at(load(unit.repeat(1_000_000)))).toEqual(['invalid-action-parameters@rules[0].action_parameters.response.content']);
      expectLinearGrowth([500_000, 1_000_000, 2_000_000], (n) => unit.repeat(n), load, { label: type });
    }
  });
});

describe('size and depth', () => {
  it('100,000 rules load and evaluate in bounded time', { timeout: 60_000 }, () => {
    const rules = Array.from({ length: 100_000 }, (_, i) => ({ id: `r${i}`, expression: `http.host eq "h${i}"`, action: i % 2 ? 'block' : 'log' }));
    const ruleset = within(30_000, () => new Ruleset(scheme, deepFreeze(rules)), 'load');
    expect(ruleset.size).toBe(100_000);
    const decision = within(2_000, () => ruleset.evaluate({ 'http.host': 'h99999' }), 'evaluate');
    expect(decision).toMatchObject({ action: 'block', ruleId: 'r99999' });
  });

  // The contract changed on purpose (reliability round 2): problems past 10,000 are counted, not
  // kept — keeping 200,000 problems with rendered messages ran the heap out on big rulesets.
  it('100,000 invalid rules: the first 10,000 problems with their paths, the rest counted, a bounded message', { timeout: 60_000 }, () => {
    const rules = Array.from({ length: 100_000 }, (_, i) => ({ id: `r${i % 1000}`, expression: 'http.hots eq "a"', action: 'nope' }));
    let error: unknown;
    within(30_000, () => {
      try {
        new Ruleset(scheme, rules);
      } catch (e) {
        error = e;
      }
    }, 'load');
    expect(error).toBeInstanceOf(RulesetError);
    const list = (error as RulesetError).problems.filter((p) => p.severity === 'error');
    expect(list.length).toBe(10_001);
    expect(list[0]!.path).toMatch(/^rules\[0\]\./);
    expect(list[9_999]!.path).toMatch(/^rules\[\d+\]\./);
    const last = list[10_000]!;
    expect(last.code).toBe('too-many-problems');
    expect(last.message).toMatch(/^\d{3},\d{3} more problems \(\d{3},\d{3} errors\) were found but not kept/);
    expect((error as RulesetError).message.length).toBeLessThan(100_000);
    expect((error as RulesetError).message).toMatch(/… and \d+ more \(see `problems`\)$/);
  });

  it('duplicate ids and refs are all reported', () => {
    const rules = Array.from({ length: 1000 }, (_, i) => ({ id: 'same', ref: `ref${i % 2}`, expression: 'ssl', action: 'log' }));
    const found = problems(rules);
    expect(found.filter((p) => p.code === 'duplicate-rule-id' && p.path.endsWith('.id'))).toHaveLength(999);
    expect(found.filter((p) => p.code === 'duplicate-rule-id' && p.path.endsWith('.ref'))).toHaveLength(998);
  });

  it('action_parameters nested 100,000 deep are never walked recursively', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100_000; i++) deep = (deep.x = {}) as Record<string, unknown>;
    let deepArray: unknown[] = [];
    const rootArray = deepArray;
    for (let i = 0; i < 100_000; i++) deepArray.push((deepArray = []));
    expect(problems([rule({ action: 'log', action_parameters: root })])).toEqual([]);
    expect(at(problems([rule({ action_parameters: { response: { content: root } } })]))).toEqual(['invalid-action-parameters@rules[0].action_parameters.response.content']);
    expect(at(problems([{ expression: 'ssl', action: 'skip', action_parameters: { phases: rootArray, rules: { x: rootArray } } }]))).toEqual([
      'invalid-action-parameters@rules[0].action_parameters.phases',
      'invalid-action-parameters@rules[0].action_parameters.rules',
    ]);
  });

  it('execute chains: 32 levels run, deeper chains are a load error (regression: stack overflow)', { timeout: 60_000 }, () => {
    const chain = (n: number) => {
      const rulesets: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        rulesets[`r${i}`] = { id: `r${i}`, rules: [i + 1 < n ? { expression: 'true', action: 'execute', action_parameters: { id: `r${i + 1}` } } : { expression: 'true', action: 'block' }] };
      }
      return { rulesets };
    };
    const zone = [{ expression: 'true', action: 'execute', action_parameters: { id: 'r0' } }];
    expect(new Ruleset(scheme, zone, chain(32) as never).evaluate({}).action).toBe('block');
    for (const n of [33, 5_000, 20_000]) {
      const found = within(10_000, () => problems(zone, chain(n)), `chain of ${n}`);
      expect(found.some((p) => p.message.startsWith('execute chain deeper than 32')), `chain of ${n}`).toBe(true);
    }
    const cycle = { rulesets: { a: { rules: [{ expression: 'true', action: 'execute', action_parameters: { id: 'b' } }] }, b: { rules: [{ expression: 'true', action: 'execute', action_parameters: { id: 'a' } }] } } };
    expect(problems(zone.map((r) => ({ ...r, action_parameters: { id: 'a' } })), cycle).map((p) => p.message)).toContain('execute cycle: a → b → a');
  });

  // Regression: the depth walk stopped at rulesets it had finished, so a chain listed deepest
  // first was never measured: 33–1,500 levels loaded, 2,000 overflowed the stack in evaluate,
  // 8,000 in the load itself (a RangeError, not a RulesetError).
  it('execute chains listed deepest first are measured too', { timeout: 60_000 }, () => {
    const reversed = (n: number) => {
      const rulesets: Record<string, unknown> = {};
      for (let i = n - 1; i >= 0; i--) {
        rulesets[`r${i}`] = { id: `r${i}`, rules: [i + 1 < n ? { expression: 'true', action: 'execute', action_parameters: { id: `r${i + 1}` } } : { expression: 'true', action: 'block' }] };
      }
      return { rulesets };
    };
    const zone = [{ expression: 'true', action: 'execute', action_parameters: { id: 'r0' } }];
    expect(new Ruleset(scheme, zone, reversed(32) as never).evaluate({}).action).toBe('block');
    for (const n of [33, 2_000, 8_000, 50_000]) {
      const found = within(10_000, () => problems(zone, reversed(n)), `reversed chain of ${n}`);
      expect(found.map((p) => p.message).filter((m) => m.startsWith('execute chain deeper than 32')), `chain of ${n}`).toEqual([`execute chain deeper than 32 rulesets (${n}): r0 → r1 → r2 → …`]);
    }
  });

  // Regression: two `execute` rules per level to the same next ruleset, 31 levels deep (within
  // the depth limit, no cycle), loaded without a warning and then ran 2^31 rules per request —
  // with a `log` rule at the leaf the heap ran out and the process died.
  it('execute fan-out: the rules one request can run are counted at load time and bounded', { timeout: 60_000 }, () => {
    const fanOut = (levels: number, leaf: string) => {
      const rulesets: Record<string, unknown> = {};
      for (let i = 0; i < levels; i++) {
        const next = { expression: 'true', action: 'execute', action_parameters: { id: `r${i + 1}` } };
        rulesets[`r${i}`] = { id: `r${i}`, rules: [next, { ...next }] };
      }
      rulesets[`r${levels}`] = { id: `r${levels}`, rules: [{ expression: 'true', action: leaf }] };
      return { rulesets };
    };
    const zone = [{ expression: 'true', action: 'execute', action_parameters: { id: 'r0' } }];
    for (const leaf of ['log', 'block']) {
      const found = within(2_000, () => problems(zone, fanOut(31, leaf)), `fan-out to ${leaf}`);
      expect(at(found), leaf).toEqual(['too-many-executed-rules@']);
      expect(found[0]!.message).toMatch(/could run 6,442,450,943 rules .* limit \(maxRulesPerRequest\) is 1,000,000/);
    }
    // 2^10 leaves: within the default limit, and every path runs.
    const small = new Ruleset(scheme, zone, fanOut(10, 'log') as never);
    expect(small.evaluate({}).events).toHaveLength(1024);
    // The limit is an option; a bad value is an invalid-option problem.
    expect(at(problems(zone, { ...fanOut(10, 'log'), maxRulesPerRequest: 100 }))).toEqual(['too-many-executed-rules@']);
    expect(at(problems(zone, { ...fanOut(10, 'log'), maxRulesPerRequest: '1e9' }))).toEqual(['invalid-option@options.maxRulesPerRequest']);
    expect(at(problems(zone, { ...fanOut(31, 'log'), maxRulesPerRequest: 1e16 }))).toEqual(['invalid-option@options.maxRulesPerRequest', 'too-many-executed-rules@']);
  });
});

describe('clearance from outside', () => {
  // Regression: `CLEARANCE_RANK[level]` found Object.prototype members, whose comparison with a
  // rank is always false — so a level named "constructor" satisfied every challenge.
  it('a clearance level named like an Object.prototype member never passes a challenge', () => {
    const ruleset = new Ruleset(scheme, [{ ref: 'c', expression: 'true', action: 'challenge' }]);
    for (const level of ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '', 'INTERACTIVE']) {
      const decision = ruleset.evaluate({}, { clearance: { level } as never, now: 0 });
      expect(decision.action, level).toBe('challenge');
    }
    expect(ruleset.evaluate({}, { clearance: { level: 'interactive' }, now: 0 }).action).toBe('allow');
    for (const clearance of [null, {}, { level: null }, { level: 'interactive', issuedAt: 'x' }, { level: 'interactive', issuedAt: NaN }]) {
      expect(() => ruleset.evaluate({}, { clearance: clearance as never, now: 0 })).not.toThrow();
    }
    expect(ruleset.evaluate({}, { clearance: { level: 'interactive', issuedAt: NaN }, now: 0 }).action).toBe('challenge');
  });

  // Regression: a string `issuedAt` (or a JSON passage of "1800") was concatenated into the
  // expiry ("1767225000" + 1800 + 300 …), so the clearance never expired; a bigint threw.
  it('a clearance whose issuedAt is not a finite number is no clearance, whatever its type', () => {
    const ruleset = new Ruleset(scheme, [{ ref: 'c', expression: 'true', action: 'managed_challenge' }]);
    const now = 1_767_225_000 + 10 * 365 * 86_400;
    for (const issuedAt of ['1767225000', '4102444800', 1_767_225_000n, true, null, {}, [], () => 0, Symbol('t'), Infinity, -Infinity, NaN, new Number(now)]) {
      const decision = ruleset.evaluate({}, { clearance: deepFreeze({ level: 'managed', issuedAt }) as never, now });
      expect(decision.action, String(typeof issuedAt)).toBe('managed_challenge');
    }
    // A well-formed, expired clearance is refused; a fresh one passes.
    expect(ruleset.evaluate({}, { clearance: { level: 'managed', issuedAt: 1_767_225_000 }, now }).action).toBe('managed_challenge');
    expect(ruleset.evaluate({}, { clearance: { level: 'managed', issuedAt: now - 60 }, now }).action).toBe('allow');
    for (const clearance of ['managed', 1, true, [], () => 0]) {
      expect(ruleset.evaluate({}, { clearance: clearance as never, now }).action).toBe('managed_challenge');
    }
  });

  it('evaluate options: null is none; now, xhr and trace of another type are invalid-argument errors', () => {
    const ruleset = new Ruleset(scheme, [{ ref: 'b', expression: 'true', action: 'block' }]);
    expect(ruleset.evaluate({}, null as never).action).toBe('block');
    const bad: [string, unknown][] = [
      ['options', 'x'], ['options', 5], ['options', []],
      ['now', '1767225000'], ['now', 1n], ['now', NaN], ['now', Infinity], ['now', null], ['now', {}],
      ['xhr', 'true'], ['xhr', 1], ['trace', 'yes'], ['trace', {}],
    ];
    for (const [key, value] of bad) {
      const options = key === 'options' ? value : { [key]: value };
      expect(() => ruleset.evaluate({}, options as never), `${key}: ${String(value)}`).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
  });

  it('ruleset options of the wrong type or range, or unknown, are invalid-option problems (regression: "1800")', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ challengePassageSeconds: '1800' }, 'options.challengePassageSeconds'],
      [{ challengePassageSeconds: -1 }, 'options.challengePassageSeconds'],
      [{ challengePassageSeconds: Infinity }, 'options.challengePassageSeconds'],
      [{ clockSkewSeconds: 300n }, 'options.clockSkewSeconds'],
      [{ xhrGraceSeconds: NaN }, 'options.xhrGraceSeconds'],
      [{ laterPhasesRunAfterClearance: 'no' }, 'options.laterPhasesRunAfterClearance'],
      [{ rulesets: [] }, 'options.rulesets'],
      [{ challengePasageSeconds: 60 }, 'options.challengePasageSeconds'],
    ];
    for (const [options, path] of cases) {
      expect(at(problems([rule()], options)), path).toEqual([`invalid-option@${path}`]);
    }
    expect(at(problems([rule()], 'x'))).toEqual(['invalid-option@options']);
    expect(problems([rule()], { challengePassageSeconds: null, clockSkewSeconds: 0, xhrGraceSeconds: 0, laterPhasesRunAfterClearance: false })).toEqual([]);
  });

  it('an action named like an Object.prototype member is an unknown action (regression: "[object Object]" advice)', () => {
    for (const action of ['__proto__', 'constructor', 'toString']) {
      const found = problems([rule({ action })]);
      expect(at(found), action).toEqual(['unknown-action@rules[0].action']);
    }
  });
});

describe('the caller’s objects are never modified', () => {
  it('loading and evaluating (with traces) frozen rulesets, options and values', () => {
    const rules = deepFreeze({
      id: 'zone',
      rules: [
        { ref: 'skip', expression: 'ip.src in {192.0.2.0/24}', action: 'skip', action_parameters: { ruleset: 'current', phases: ['http_ratelimit'] } },
        { ref: 'log', expression: 'http.host contains "a"', action: 'log' },
        { ref: 'exec', expression: 'true', action: 'execute', action_parameters: { id: 'custom' } },
        { ref: 'block', expression: 'http.request.uri.path eq "/x"', action: 'block', action_parameters: { response: { status_code: 418, content_type: 'application/json', content: '{"a":1}' } } },
      ],
    });
    const options = deepFreeze({
      rulesets: { custom: { rules: [{ ref: 'c', expression: 'http.host eq "z"', action: 'managed_challenge' }] } },
      account: [{ id: 'acct', rules: [{ ref: 'a', expression: 'false_field_never', action: 'log', enabled: false }] }],
      challengePassageSeconds: 60,
    });
    const values = deepFreeze({ 'ip.src': '203.0.113.1', 'http.host': 'a.example', 'http.request.uri.path': '/x', 'http.request.headers': { accept: ['*/*'] } });
    const snapshot = fingerprint([rules, options, values]);
    const ruleset = new Ruleset(scheme, rules as never, options as never);
    const first = ruleset.evaluate(values, { trace: true, clearance: deepFreeze({ level: 'managed', issuedAt: 0 }), now: 10 });
    expect(first.action).toBe('block');
    expect(first.response).toEqual({ status_code: 418, content_type: 'application/json', content: '{"a":1}' });
    // Decisions are fresh objects: changing one changes nothing else.
    first.response!.status_code = 200;
    first.events.length = 0;
    expect(ruleset.evaluate(values).response?.status_code).toBe(418);
    expect(fingerprint([rules, options, values])).toBe(snapshot);
    expectNoPollution(before);
  });
});
