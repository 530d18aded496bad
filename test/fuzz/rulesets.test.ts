/**
 * Property-based tests of ruleset loading and evaluation on generated rulesets: any JSON-shaped
 * input loads or fails with a `RulesetError` (each problem with a code and a JSON path), never
 * another exception; inputs are deep-frozen and never modified; a loaded ruleset evaluates any
 * values (with or without traces and clearance) without throwing, to a well-formed decision.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Ruleset, RulesetError, Scheme, WirefilterError } from '../../src/index.js';
import { deepFreeze } from '../hostile/helpers.js';
import { expressionArbitraries } from './arbitraries/expressions.js';
import { fingerprint, valueRecord } from './arbitraries/values.js';
import { fcParams, runsSummary, TEST_TIMEOUT_MS } from './config.js';
import { fuzzFields, fuzzSchemeDefinition } from './schemes.js';
import { slowestSummary, timed } from './timing.js';

const scheme = new Scheme(fuzzSchemeDefinition());
const fields = fuzzFields();
const arbitraries = expressionArbitraries(fields);

afterAll(() => {
  console.log(`${slowestSummary('rulesets')}\n[fuzz] runs: ${runsSummary()}`);
});

const ACTIONS = ['block', 'log', 'skip', 'execute', 'managed_challenge', 'js_challenge', 'challenge', 'rewrite', 'allow', 'bypass', '__proto__', 'constructor', '', 'BLOCK'];
const junk = fc.oneof(fc.constantFrom(null, 0, -1, 1.5, true, '', 'x', [], {}, [null], { __proto__: null }), fc.jsonValue({ maxDepth: 3 }));
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: junk });

const response = fc.record(
  {
    status_code: maybe(fc.integer({ min: 100, max: 600 })),
    content_type: maybe(fc.constantFrom('text/html', 'text/plain', 'application/json', 'text/xml', 'image/png')),
    content: maybe(fc.constantFrom('', 'blocked', '{"a":1}', '{', '<a/>', '<a><b></a>', 'é'.repeat(1100))),
  },
  { requiredKeys: [] },
);
const actionParameters = fc.record(
  {
    response: maybe(response),
    ruleset: maybe(fc.constantFrom('current', 'all')),
    phase: maybe(fc.constantFrom('current')),
    phases: maybe(fc.array(fc.constantFrom('http_ratelimit', 'http_request_firewall_managed', 'http_request_sbfm', 'nope'), { maxLength: 3 })),
    products: maybe(fc.array(fc.constantFrom('zoneLockdown', 'uaBlock', 'bic', 'hot', 'securityLevel', 'rateLimit', 'waf', 'WAF'), { maxLength: 3 })),
    rulesets: maybe(fc.array(fc.constantFrom('r1', 'r2', '__proto__'), { maxLength: 2 })),
    rules: maybe(fc.dictionary(fc.constantFrom('r1', 'r2', '__proto__', 'constructor'), fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 2 }), { maxKeys: 2 })),
    id: maybe(fc.constantFrom('r1', 'r2', 'missing', '__proto__')),
  },
  { requiredKeys: [] },
);
const ruleArb = fc.record(
  {
    id: maybe(fc.constantFrom('a', 'b', 'c', 'a', '')),
    ref: maybe(fc.constantFrom('x', 'y', 'x')),
    description: maybe(fc.string({ maxLength: 5 })),
    expression: maybe(fc.oneof({ weight: 4, arbitrary: arbitraries.wellTyped }, { weight: 1, arbitrary: arbitraries.illTyped }, { weight: 1, arbitrary: fc.constantFrom('true', 'ssl', 'not ssl') })),
    action: maybe(fc.constantFrom(...ACTIONS)),
    action_parameters: maybe(actionParameters),
    enabled: maybe(fc.boolean()),
    logging: maybe(fc.record({ enabled: maybe(fc.boolean()) }, { requiredKeys: [] })),
  },
  { requiredKeys: ['expression', 'action'] },
);
const rulesArb = fc.array(fc.oneof({ weight: 9, arbitrary: ruleArb }, { weight: 1, arbitrary: junk }), { maxLength: 6 });
const rulesetArb = fc.oneof(
  { weight: 3, arbitrary: rulesArb },
  { weight: 3, arbitrary: fc.record({ id: maybe(fc.constantFrom('zone', 'r1')), kind: maybe(fc.constantFrom('root', 'zone', 'custom')), phase: maybe(fc.constantFrom('http_request_firewall_custom', 'http_request_sbfm')), rules: rulesArb }, { requiredKeys: ['rules'] }) },
  { weight: 1, arbitrary: junk },
);
/** A value of every JavaScript type (and numbers that are not finite), for options and clearance. */
const anyType = fc.oneof(
  fc.constantFrom(undefined, null, NaN, Infinity, -Infinity, -0, 1e308, 2 ** 53, '1800', '', 'x', true, false, 1n, 10n ** 20n, Symbol('s'), () => 1, new Number(5), new String('5'), new Date(0), [], [1], {}, new Map(), new Uint8Array(2)),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 4 }),
);
const optionsArb = fc.option(
  fc.record(
    {
      rulesets: maybe(fc.dictionary(fc.constantFrom('r1', 'r2'), rulesetArb, { maxKeys: 2 })),
      account: maybe(fc.array(rulesetArb, { maxLength: 2 })),
      challengePassageSeconds: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: -10, max: 10_000 }) }, { weight: 1, arbitrary: anyType }),
      clockSkewSeconds: anyType,
      xhrGraceSeconds: anyType,
      maxRulesPerRequest: fc.oneof(fc.integer({ min: 0, max: 100 }), anyType),
      laterPhasesRunAfterClearance: maybe(fc.boolean()),
      misspelt: anyType,
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);
const clearanceArb = fc.oneof(
  { weight: 4, arbitrary: fc.option(fc.record({ level: fc.constantFrom('jschallenge', 'managed', 'interactive', '__proto__', 'constructor', ''), issuedAt: fc.option(fc.integer({ min: -10, max: 10_000 }), { nil: undefined }) }, { requiredKeys: ['level'] }), { nil: undefined }) },
  { weight: 2, arbitrary: fc.record({ level: fc.oneof(fc.constantFrom('jschallenge', 'managed', 'interactive'), anyType), issuedAt: anyType }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: anyType },
);
/** Evaluation options whose `now`, `xhr` and `trace` may be of any type. */
const evaluateExtrasArb = fc.record({ now: anyType, xhr: anyType, trace: anyType }, { requiredKeys: [] });
const DECISIONS = new Set(['block', 'managed_challenge', 'js_challenge', 'challenge', 'allow']);

describe('rulesets: any JSON-shaped input', () => {
  it('loads or throws a RulesetError with paths; never modifies its input; evaluates any values', { timeout: TEST_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(rulesetArb, optionsArb, fc.array(valueRecord(fields), { minLength: 1, maxLength: 2 }), clearanceArb, evaluateExtrasArb, (rules, options, records, clearance, extras) => {
        const frozen = deepFreeze({ rules, options });
        const snapshot = fingerprint(frozen);
        let ruleset: Ruleset | undefined;
        try {
          ruleset = timed('new Ruleset', frozen, () => new Ruleset(scheme, frozen.rules as never, frozen.options as never), 1000);
        } catch (error) {
          if (!(error instanceof RulesetError)) throw error;
          expect(error.problems.some((p) => p.severity === 'error')).toBe(true);
          for (const p of error.problems) {
            expect(typeof p.code).toBe('string');
            expect(typeof p.path).toBe('string');
            expect(p.message.length).toBeGreaterThan(0);
          }
        }
        expect(fingerprint(frozen)).toBe(snapshot);
        if (ruleset === undefined) return;
        // Options of the wrong type are refused with invalid-argument; nothing else is thrown.
        try {
          ruleset.evaluate(records[0]!, { ...extras, clearance: clearance as never } as never);
        } catch (error) {
          expect(error).toBeInstanceOf(WirefilterError);
          expect((error as WirefilterError).code).toBe('invalid-argument');
        }
        for (const record of records) {
          const before = fingerprint(record);
          for (const trace of [false, true]) {
            const decision = timed('evaluate', record, () => ruleset!.evaluate(record, { trace, clearance: clearance as never, now: 1000 }));
            expect(DECISIONS.has(decision.action), decision.action).toBe(true);
            expect(Array.isArray(decision.events)).toBe(true);
            if (trace) expect(Array.isArray(decision.trace)).toBe(true);
          }
          expect(fingerprint(record)).toBe(before);
        }
      }),
      fcParams('rulesets', 500),
    );
  });
});

describe('rulesets: execute graphs', () => {
  // Random DAGs of rulesets where rules may execute any later ruleset, several times: the load
  // either refuses the graph (too-many-executed-rules, or the depth limit) or evaluates within
  // the bound it counted, quickly.
  const graphArb = fc.record({
    levels: fc.integer({ min: 1, max: 40 }),
    fanOut: fc.integer({ min: 1, max: 3 }),
    skip: fc.integer({ min: 1, max: 3 }),
    leaf: fc.constantFrom('log', 'block', 'skip', 'managed_challenge'),
    limit: fc.integer({ min: 1, max: 5000 }),
  });
  it('are bounded at load time: refused, or evaluated within maxRulesPerRequest', { timeout: TEST_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(graphArb, ({ levels, fanOut, skip, leaf, limit }) => {
        const rulesets: Record<string, unknown> = {};
        for (let i = 0; i < levels; i++) {
          const rules: unknown[] = [];
          for (let k = 0; k < fanOut; k++) rules.push({ expression: 'true', action: 'execute', action_parameters: { id: `r${Math.min(levels, i + 1 + (k % skip))}` } });
          rulesets[`r${i}`] = { id: `r${i}`, rules };
        }
        const leafRule = leaf === 'skip' ? { expression: 'true', action: 'skip', action_parameters: { ruleset: 'current' } } : { expression: 'true', action: leaf };
        rulesets[`r${levels}`] = { id: `r${levels}`, rules: [leafRule] };
        const zone = [{ expression: 'true', action: 'execute', action_parameters: { id: 'r0' } }];
        let ruleset: Ruleset | undefined;
        try {
          ruleset = timed('new Ruleset', { levels, fanOut }, () => new Ruleset(scheme, zone, { rulesets, maxRulesPerRequest: limit } as never), 1000);
        } catch (error) {
          if (!(error instanceof RulesetError)) throw error;
          expect(error.problems.some((p) => p.code === 'too-many-executed-rules' || p.message.startsWith('execute chain deeper'))).toBe(true);
          return;
        }
        const decision = timed('evaluate', { levels, fanOut }, () => ruleset!.evaluate({}, { trace: true }));
        expect(decision.trace!.length).toBeLessThanOrEqual(limit);
      }),
      fcParams('execute graphs', 300),
    );
  });
});
