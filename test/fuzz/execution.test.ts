/**
 * Property-based tests of compiled filters: they never throw for any values, answer within
 * the time limit, agree between plain values and execution contexts, never modify the
 * caller's values or pollute prototypes, and treat values of the wrong type exactly as missing
 * values (the documented behaviour, `src/compile/runtime-values.ts`).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { interpret } from '../support/ast-interpreter.js';
import { Scheme, type Filter } from '../../src/index.js';
import { expressionArbitraries } from './arbitraries/expressions.js';
import { mutatedExpression } from './arbitraries/mutations.js';
import { fingerprint, mapKeyValue, typedValue, valueRecord, wrongValue } from './arbitraries/values.js';
import { fcParams, runsSummary, TEST_TIMEOUT_MS } from './config.js';
import { fuzzFields, fuzzScheme, fuzzSchemeDefinition, parseTypeName, type FuzzField } from './schemes.js';
import { describeInput, slowestSummary, timed } from './timing.js';

const scheme = fuzzScheme();
const nilNotEqualScheme = new Scheme(fuzzSchemeDefinition({ nilNotEqual: true }));
const fields = fuzzFields();
const fieldByName = new Map(fields.map((f) => [f.name, f]));
const arbitraries = expressionArbitraries(fields);
const values = valueRecord(fields);

const PROTOTYPES = [Object.prototype, Array.prototype, Map.prototype, String.prototype, Function.prototype, Uint8Array.prototype];
const prototypeSnapshot = (): string => PROTOTYPES.map((p) => Reflect.ownKeys(p).map(String).sort().join(',')).join('|');
const pristine = prototypeSnapshot();

afterAll(() => {
  console.log(`${slowestSummary('execution')}\n[fuzz] runs: ${runsSummary()}`);
  expect(prototypeSnapshot()).toBe(pristine);
});

/** Compiles, or `undefined` when the expression does not compile. */
function tryCompile(s: Scheme, expression: string): Filter | undefined {
  try {
    return s.compile(expression);
  } catch {
    return undefined;
  }
}

/** Executes and checks the result is a boolean, within the time limit. */
function run(filter: Filter, input: Parameters<Filter['execute']>[0], what = 'execute'): boolean {
  const result = timed(what, { expression: filter.expression, values: input }, () => filter.execute(input));
  if (typeof result !== 'boolean') throw new Error(`execute returned ${typeof result}`);
  return result;
}

/** Compiled expressions: well typed, plus whatever ill-typed or mutated input happens to compile. */
const compiled: fc.Arbitrary<Filter> = fc
  .oneof({ weight: 6, arbitrary: arbitraries.wellTyped }, { weight: 1, arbitrary: arbitraries.illTyped }, { weight: 2, arbitrary: mutatedExpression })
  .map((e) => tryCompile(scheme, e))
  .filter((f): f is Filter => f !== undefined);

describe('execution: any values', () => {
  it('never throws, returns a boolean, agrees with scheme.context, never mutates the values', { timeout: TEST_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(compiled, fc.array(values, { minLength: 1, maxLength: 3 }), (filter, records) => {
        for (const record of records) {
          const before = fingerprint(record);
          const direct = run(filter, record);
          const context = timed('scheme.context', record, () => scheme.context(record));
          expect(run(filter, context, 'execute(context)')).toBe(direct);
          expect(run(filter, new Map(Object.entries(record)))).toBe(direct);
          expect(run(filter, record)).toBe(direct);
          expect(fingerprint(record)).toBe(before);
        }
        expect(prototypeSnapshot()).toBe(pristine);
      }),
      fcParams('execute', 600),
    );
  });

  it('the compiled closures (with their fused fast paths) agree with a tree-walking interpreter', { timeout: TEST_TIMEOUT_MS }, () => {
    // test/support/ast-interpreter.ts evaluates the checked tree without any of the compiler's code.
    fc.assert(
      fc.property(compiled, values, fc.boolean(), (filter, record, nilNotEqual) => {
        const target = nilNotEqual ? tryCompile(nilNotEqualScheme, filter.expression) : filter;
        if (target === undefined) return;
        const context = (nilNotEqual ? nilNotEqualScheme : scheme).context(record);
        expect(run(target, context, 'execute(context)'), target.expression).toBe(interpret(target.checked, context.slots, { nilNotEqual }));
      }),
      fcParams('interpreter', 600),
    );
  });

  it('a value of the wrong type behaves exactly like a missing value', { timeout: TEST_TIMEOUT_MS }, () => {
    const withField = compiled.filter((f) => f.fields.length > 0);
    fc.assert(
      fc.property(withField, values, fc.nat(), fc.boolean(), (filter, record, pickIndex, nilNotEqual) => {
        const target = nilNotEqual ? tryCompile(nilNotEqualScheme, filter.expression) : filter;
        if (target === undefined) return;
        const name = filter.fields[pickIndex % filter.fields.length]!;
        const field = fieldByName.get(name)!;
        const missing = { ...record };
        delete missing[name];
        const expected = run(target, missing);
        for (const wrong of fc.sample(wrongValue(field.type), { numRuns: 3, seed: pickIndex })) {
          const actual = run(target, { ...record, [name]: wrong });
          if (actual !== expected) {
            throw new Error(`${name} = ${describeInput(wrong)} (wrong type for ${field.typeName}) gave ${actual}, missing gives ${expected}`);
          }
        }
      }),
      fcParams('wrong-type', 600),
    );
  });

  it('on a missing or wrongly typed field, `cmp` is false and `not cmp` is true (nilNotEqual: only `ne` is true)', { timeout: TEST_TIMEOUT_MS }, () => {
    const scalarFields = fields.filter((f) => ['Bytes', 'Int', 'Ip', 'Bool'].includes(f.typeName));
    const cases = fc.constantFrom(...scalarFields).chain((field) =>
      fc.tuple(fc.constant(field), arbitraries.fieldComparison(field)!, fc.option(wrongValue(field.type), { nil: undefined }), values),
    );
    fc.assert(
      fc.property(cases, fc.boolean(), ([field, comparison, wrong, record], nilNotEqual) => {
        const s = nilNotEqual ? nilNotEqualScheme : scheme;
        const positive = tryCompile(s, comparison);
        const negative = tryCompile(s, `not (${comparison})`);
        if (positive === undefined || negative === undefined) throw new Error(`does not compile: ${comparison}`);
        const input = { ...record };
        // A field and its aliases share one value: every name of it is missing or wrong.
        for (const name of sameValueNames(s, field.name)) {
          if (wrong === undefined) delete input[name];
          else input[name] = wrong;
        }
        const isNe = /^\S+\s+(ne|!=)\s/.test(comparison);
        const expected = nilNotEqual && isNe;
        expect(run(positive, input), comparison).toBe(expected);
        expect(run(negative, input), `not (${comparison})`).toBe(!expected);
      }),
      fcParams('not-consistency', 800),
    );
  });

  it('a string and its UTF-8 bytes are the same Bytes value (a lone surrogate is U+FFFD)', { timeout: TEST_TIMEOUT_MS }, () => {
    const encoder = new TextEncoder();
    const toBytes = (value: unknown, type: FuzzField['type']): unknown => {
      if (type.kind === 'Bytes') return typeof value === 'string' ? encoder.encode(value) : value;
      if (type.kind === 'Array' && Array.isArray(value)) return value.map((v) => toBytes(v, type.element));
      return value;
    };
    fc.assert(
      fc.property(compiled, values, (filter, record) => {
        const converted = Object.fromEntries(Object.entries(record).map(([name, value]) => [name, toBytes(value, fieldByName.get(name)!.type)]));
        const asText = run(filter, record);
        const asBytes = run(filter, converted);
        if (asText !== asBytes) throw new Error(`strings gave ${asText}, their UTF-8 bytes gave ${asBytes}`);
      }),
      fcParams('utf8-equivalence', 500),
    );
  });

  it('map lookups follow own keys only (`__proto__`, `constructor`, … are ordinary keys)', { timeout: TEST_TIMEOUT_MS }, () => {
    const field = 'http.request.uri.args';
    const entry = fc.tuple(mapKeyValue, fc.oneof(fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), wrongValue(parseTypeName('Array<Bytes>'))));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), mapKeyValue, fc.nat(2), (entries, key, form) => {
        if (!key.isWellFormed()) return;
        const map: Record<string, unknown> | Map<string, unknown> = form === 0 ? new Map() : form === 1 ? Object.create(null) : {};
        for (const [k, v] of entries) {
          if (map instanceof Map) map.set(k, v);
          else Object.defineProperty(map, k, { value: v, enumerable: true, writable: true, configurable: true });
        }
        const own = map instanceof Map ? map.get(key) : Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
        const present = Array.isArray(own);
        const first = present ? (own as unknown[])[0] : undefined;
        const literal = `"${[...key].map((c) => (c === '"' || c === '\\' ? `\\${c}` : c)).join('')}"`;
        const hasKey = tryCompile(scheme, `has_key(${field}, ${literal})`)!;
        expect(run(hasKey, { [field]: map }), `has_key ${JSON.stringify(key)}`).toBe(present);
        const lookup = tryCompile(scheme, `${field}[${literal}][0] eq "v"`)!;
        expect(run(lookup, { [field]: map }), `lookup ${JSON.stringify(key)}`).toBe(first === 'v');
        expect(prototypeSnapshot()).toBe(pristine);
        expect(({} as Record<string, unknown>).v).toBeUndefined();
      }),
      fcParams('map-keys', 1500),
    );
  });

  it('typed values of every field type are accepted by scheme.context without throwing', { timeout: TEST_TIMEOUT_MS }, () => {
    const anyField = fc.constantFrom(...fields).chain((f: FuzzField) => fc.tuple(fc.constant(f), fc.oneof(typedValue(f.type), wrongValue(f.type))));
    fc.assert(
      fc.property(fc.array(anyField, { maxLength: 8 }), (pairs) => {
        const record = Object.fromEntries(pairs.map(([f, v]) => [f.name, v]));
        const before = fingerprint(record);
        timed('scheme.context', record, () => scheme.context(record));
        expect(fingerprint(record)).toBe(before);
      }),
      fcParams('context', 1000),
    );
  });
});

/** A field's name and the names of its aliases (or, for an alias, its field's names). */
function sameValueNames(scheme: Scheme, name: string): string[] {
  const canonical = scheme.fieldInfo(name)?.aliasOf ?? name;
  return scheme.fields().filter((f) => f.name === canonical || f.aliasOf === canonical).map((f) => f.name);
}
