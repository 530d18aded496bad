/**
 * Property-based tests of the front end (parse → check → compile) on generated and mutated
 * expressions. See `test/fuzz/config.ts` for seeds, budgets and long campaigns.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Scheme, WirefilterError } from '../../src/index.js';
import { expressionArbitraries } from './arbitraries/expressions.js';
import { mutatedExpression, SEED_EXPRESSIONS } from './arbitraries/mutations.js';
import { checkExpression } from './checks.js';
import { fcParams, runsSummary, TEST_TIMEOUT_MS } from './config.js';
import { fuzzFields, fuzzScheme, fuzzSchemeDefinition } from './schemes.js';
import { slowestSummary } from './timing.js';

const scheme = fuzzScheme();
const arbitraries = expressionArbitraries(fuzzFields());

afterAll(() => {
  console.log(`${slowestSummary('front end')}\n[fuzz] runs: ${runsSummary()}`);
});

describe('front end: any input', () => {
  it('well-typed generated expressions compile, within the time limit', { timeout: TEST_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(arbitraries.wellTyped, (expression) => {
        const { diagnostics, filter } = checkExpression(scheme, expression);
        const errors = diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0 || filter === undefined) {
          throw new Error(`a well-typed expression was rejected: ${errors.map((d) => `${d.code}: ${d.message}`).join('; ')}`);
        }
      }),
      fcParams('well-typed', 1000),
    );
  });

  it('ill-typed expressions: validate never throws, compile throws only WirefilterError', { timeout: TEST_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(arbitraries.illTyped, (expression) => {
        checkExpression(scheme, expression);
      }),
      fcParams('ill-typed', 1500),
    );
  });

  it('token soup: every error has a valid span', { timeout: TEST_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(arbitraries.soup, (expression) => {
        const { diagnostics } = checkExpression(scheme, expression);
        if (expression.trim() === '') expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      fcParams('soup', 1500),
    );
  });

  it('nesting around the limit: a diagnostic, never a stack overflow', { timeout: TEST_TIMEOUT_MS }, () => {
    const roomy = new Scheme(fuzzSchemeDefinition({ maxExpressionLength: 100_000 }));
    fc.assert(
      fc.property(arbitraries.deep, fc.constantFrom(undefined, 10, 128, 1_000, 100_000, 1e9), (expression, maxNestingDepth) => {
        const options = maxNestingDepth === undefined ? {} : { maxNestingDepth };
        const { diagnostics } = checkExpression(roomy, expression, options);
        // Well over the limit must be reported as nesting, whatever else is wrong.
        const depth = (expression.match(/\(|not |!/g) ?? []).length;
        if (depth > 2 * (maxNestingDepth ?? 128) + 10 && maxNestingDepth !== undefined && maxNestingDepth < 1000) {
          expect(diagnostics.map((d) => d.code)).toContain('nesting-limit-exceeded');
        }
      }),
      fcParams('deep', 300),
    );
  });

  it('mutated conformance expressions (code units and UTF-8 bytes)', { timeout: TEST_TIMEOUT_MS }, () => {
    expect(SEED_EXPRESSIONS.length).toBeGreaterThan(1000);
    fc.assert(
      fc.property(mutatedExpression, (expression) => {
        checkExpression(scheme, expression);
      }),
      fcParams('mutations', 3000),
    );
  });

  it('options never break the contract (limits, nilNotEqual, phase, star limit, regex size)', { timeout: TEST_TIMEOUT_MS }, () => {
    const options = fc.record(
      {
        nilNotEqual: fc.boolean(),
        maxExpressionLength: fc.constantFrom(0, 1, 10, 100, 4096, 1e9, -1, NaN),
        maxNestingDepth: fc.constantFrom(0, 1, 3, 128, 1e9, -1),
        wildcardStarLimit: fc.constantFrom(0, 1, 2, 100),
        regexSizeLimit: fc.constantFrom(0, 1, 100, 10_000, 10 * 1024 * 1024),
        regexUtf8Literals: fc.boolean(),
        allowIpOrdering: fc.boolean(),
        phase: fc.constantFrom('http_request_firewall_custom', 'http_request_transform', 'nope', ''),
        unknownLists: fc.constantFrom('error' as const, 'warning' as const),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(arbitraries.wellTyped, arbitraries.illTyped, mutatedExpression), options, (expression, opts) => {
        // Options out of their documented ranges (-1, NaN, an empty phase) are refused up front
        // with `invalid-option`, whatever the expression; valid ones keep the whole contract.
        const invalid = Object.entries(opts).some(([key, value]) => (typeof value === 'number' && !(value >= 0 && Number.isSafeInteger(value))) || (key === 'phase' && value === ''));
        if (!invalid) {
          checkExpression(scheme, expression, opts);
          return;
        }
        for (const call of [() => scheme.validate(expression, opts), () => scheme.compile(expression, opts)]) {
          expect(call).toThrow(WirefilterError);
          try {
            call();
          } catch (error) {
            expect((error as WirefilterError).code).toBe('invalid-option');
          }
        }
      }),
      fcParams('options', 1000),
    );
  });
});
