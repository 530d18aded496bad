/**
 * Property-based tests of the formatter (`src/service/format.ts`): it never throws, returns
 * `undefined` exactly for input with syntax errors, is idempotent, and never changes what an
 * expression means (same diagnostics codes, same results on random values).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExpression, type Filter } from '../../src/index.js';
import { formatExpression } from '../../src/service/index.js';
import { type FormatOptions } from '../../src/service/format.js';
import { expressionArbitraries } from './arbitraries/expressions.js';
import { mutatedExpression } from './arbitraries/mutations.js';
import { valueRecord } from './arbitraries/values.js';
import { fcParams, runsSummary, TEST_TIMEOUT_MS } from './config.js';
import { fuzzFields, fuzzScheme } from './schemes.js';
import { describeInput, slowestSummary, timed } from './timing.js';

const scheme = fuzzScheme();
const fields = fuzzFields();
const arbitraries = expressionArbitraries(fields);
const formatOptions: fc.Arbitrary<FormatOptions> = fc.record(
  {
    width: fc.constantFrom(0, 1, 20, 40, 80, 100, 1000),
    indent: fc.constantFrom(0, 2, 4, -1, Infinity, NaN, 1.5, '\t', ' ', '  ', '\n', '\r\n', 'x'),
    operators: fc.constantFrom('english' as const, 'symbolic' as const),
  },
  { requiredKeys: [] },
);

afterAll(() => {
  console.log(`${slowestSummary('format')}\n[fuzz] runs: ${runsSummary()}`);
});

const codes = (expression: string): string =>
  scheme
    .validate(expression, { maxExpressionLength: 1e9 })
    .map((d) => `${d.severity}:${d.code}`)
    .sort()
    .join(',');

function tryCompile(expression: string): Filter | undefined {
  try {
    return scheme.compile(expression, { maxExpressionLength: 1e9 });
  } catch {
    return undefined;
  }
}

describe('formatExpression round-trips', () => {
  it('never throws; undefined exactly on syntax errors; idempotent; same meaning', { timeout: TEST_TIMEOUT_MS }, () => {
    const input = fc.oneof({ weight: 4, arbitrary: arbitraries.wellTyped }, { weight: 2, arbitrary: arbitraries.illTyped }, { weight: 2, arbitrary: mutatedExpression }, { weight: 1, arbitrary: arbitraries.soup });
    fc.assert(
      fc.property(input, formatOptions, fc.array(valueRecord(fields), { minLength: 1, maxLength: 3 }), (expression, options, records) => {
        const formatted = timed('format', expression, () => formatExpression(expression, options));
        const syntaxErrors = parseExpression(expression, { maxExpressionLength: 1e9 }).diagnostics.some((d) => d.severity === 'error');
        if (formatted === undefined) {
          expect(syntaxErrors, `formatExpression gave up on an expression without syntax errors: ${describeInput(expression)}`).toBe(true);
          return;
        }
        expect(typeof formatted).toBe('string');
        expect(syntaxErrors, 'formatted an expression with syntax errors').toBe(false);
        const reparsed = parseExpression(formatted, { maxExpressionLength: 1e9 });
        expect(reparsed.diagnostics.filter((d) => d.severity === 'error'), `formatted text does not parse: ${describeInput(formatted)}`).toEqual([]);
        expect(formatExpression(formatted, options), `not idempotent: ${describeInput(formatted)}`).toBe(formatted);
        expect(codes(formatted), `diagnostics changed:\n  before: ${describeInput(expression)}\n  after:  ${describeInput(formatted)}`).toBe(codes(expression));
        const before = tryCompile(expression);
        const after = tryCompile(formatted);
        expect(after === undefined).toBe(before === undefined);
        if (before && after) {
          for (const record of records) {
            expect(after.execute(record), `meaning changed:\n  before: ${describeInput(expression)}\n  after:  ${describeInput(formatted)}`).toBe(before.execute(record));
          }
        }
      }),
      fcParams('format', 800),
    );
  });
});
