/**
 * The differential fuzz of rulesets extended to the rule index: rulesets of generated
 * well-typed expressions (test/fuzz arbitraries, over the fuzz scheme), joined by `and`/`or`
 * with indexable tests on the scheme's Bytes and Ip fields, decide every generated request the
 * same with the index as without it (the unindexed loop runs each compiled rule, which the
 * execution fuzz checks against the AST interpreter).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ruleset, RulesetError, Scheme } from '../../src/index.js';
import { expressionArbitraries } from '../fuzz/arbitraries/expressions.js';
import { valueRecord } from '../fuzz/arbitraries/values.js';
import { fcParams, TEST_TIMEOUT_MS } from '../fuzz/config.js';
import { fuzzFields, fuzzSchemeDefinition } from '../fuzz/schemes.js';

const scheme = new Scheme(fuzzSchemeDefinition());
const fields = fuzzFields();
const arbitraries = expressionArbitraries(fields);
const bytesFields = fields.filter((f) => f.typeName === 'Bytes').map((f) => f.name);
const ipFields = fields.filter((f) => f.typeName === 'Ip').map((f) => f.name);
const TEXTS = ['', 'a', 'abc', 'GET', '/api', '/api/v1', 'example.com', 'é'];

const indexable: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...bytesFields), fc.constantFrom(...TEXTS)).map(([f, t]) => `${f} eq ${JSON.stringify(t)}`),
  fc.tuple(fc.constantFrom(...bytesFields), fc.subarray(TEXTS, { minLength: 1 })).map(([f, ts]) => `${f} in {${ts.map((t) => JSON.stringify(t)).join(' ')}}`),
  fc.tuple(fc.constantFrom(...bytesFields), fc.constantFrom(...TEXTS)).map(([f, t]) => `starts_with(${f}, ${JSON.stringify(t)})`),
  ...(ipFields.length > 0
    ? [fc.tuple(fc.constantFrom(...ipFields), fc.subarray(['127.0.0.1', '10.0.0.0/8', '192.168.0.0/16', '::1', '2001:db8::/32', '0.0.0.0/0'], { minLength: 1 })).map(([f, items]) => `${f} in {${items.join(' ')}}`)]
    : []),
);
const expression = fc.oneof(
  indexable,
  arbitraries.wellTyped,
  fc.tuple(indexable, fc.constantFrom(' and ', ' or ', ' xor '), arbitraries.wellTyped).map(([a, op, b]) => `(${a})${op}(${b})`),
  fc.tuple(indexable, indexable).map(([a, b]) => `${a} or ${b}`),
);
const rule = fc.record({ expression, action: fc.constantFrom('log', 'log', 'block', 'managed_challenge', 'skip') });

describe('rulesets with the index: differential fuzz', () => {
  it('decide the same as without the index', { timeout: TEST_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 12 }), fc.array(valueRecord(fields), { minLength: 1, maxLength: 3 }), (shapes, records) => {
        const rules = shapes.map((r, i) => ({ id: `r${i}`, ...r, ...(r.action === 'skip' && { action_parameters: { ruleset: 'current' } }) }));
        let plain: Ruleset;
        try {
          plain = new Ruleset(scheme, rules, { index: false });
        } catch (error) {
          if (error instanceof RulesetError) return;
          throw error;
        }
        const indexed = new Ruleset(scheme, rules, { index: true });
        for (const record of records) expect(indexed.evaluate(record, { now: 0 })).toEqual(plain.evaluate(record, { now: 0 }));
      }),
      fcParams('rulesets with the index', 300),
    );
  });
});
