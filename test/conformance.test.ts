/**
 * Runs every case of the conformance data (test/conformance/*.json) through the public API.
 */
import { describe, expect, it } from 'vitest';
import { Scheme, WirefilterError } from '../src/index.js';
import {
  conformanceFiles,
  conformanceScheme,
  conformanceSkips,
  conformanceValues,
  mergeValues,
} from './conformance/runner.js';

const defaultSchemeDefinition = conformanceScheme();
const defaultValues = conformanceValues();
const skips = conformanceSkips();
const files = conformanceFiles();

describe('conformance skip-list', () => {
  it('explains every entry and names an existing case', () => {
    const names = new Set(files.flatMap((f) => f.cases.map((c) => `${f.file}: ${c.name}`)));
    for (const [name, reason] of Object.entries(skips)) {
      expect(reason.length, name).toBeGreaterThan(20);
      expect(names.has(name), name).toBe(true);
    }
  });
});

for (const file of files) {
  describe(file.file, () => {
    const scheme = new Scheme(file.scheme ?? defaultSchemeDefinition);
    it('names every case uniquely', () => {
      const names = file.cases.map((c) => c.name);
      expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    });
    for (const testCase of file.cases) {
      const id = `${file.file}: ${testCase.name}`;
      const run = skips[id] !== undefined ? it.skip : it;
      run(`${testCase.name} — ${testCase.expression}`, () => {
        const options = testCase.options ?? {};
        const diagnostics = scheme.validate(testCase.expression, options);
        const errors = diagnostics.filter((d) => d.severity === 'error');
        for (const d of diagnostics) {
          expect(d.span.start).toBeLessThanOrEqual(d.span.end);
          expect(d.span.end).toBeLessThanOrEqual(testCase.expression.length);
        }
        const expectedCodes = testCase.errors ?? (testCase.error !== undefined ? [testCase.error] : []);
        if (expectedCodes.length > 0) {
          const codes = errors.map((d) => d.code);
          for (const code of expectedCodes) expect(codes, JSON.stringify(errors)).toContain(code);
          if (testCase.span !== undefined) {
            const match = errors.find((d) => d.code === testCase.error && d.span.start === testCase.span![0] && d.span.end === testCase.span![1]);
            expect(match, JSON.stringify(errors)).toBeDefined();
          }
          expect(() => scheme.compile(testCase.expression, options)).toThrow(WirefilterError);
          return;
        }
        expect(errors, JSON.stringify(errors)).toEqual([]);
        const filter = scheme.compile(testCase.expression, options);
        if (testCase.result === undefined) return;
        const values = mergeValues(defaultValues, file.values, testCase.values);
        expect(filter.execute(values)).toBe(testCase.result);
        // The reusable context must agree with plain-object execution.
        expect(filter.execute(scheme.context(values))).toBe(testCase.result);
      });
    }
  });
}
