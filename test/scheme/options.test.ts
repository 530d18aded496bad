/**
 * Scheme options are validated once (src/scheme/options.ts): every option accepts its
 * documented values and refuses wrong types, out-of-range values and unknown keys with an
 * `invalid-option` error that names the option — a wrong value must never silently switch a
 * protection off.
 */
import { describe, expect, it } from 'vitest';
import { Scheme, WirefilterError, type SchemeOptions } from '../../src/index.js';
import { SCHEME_OPTION_NAMES } from '../../src/scheme/options.js';

const fields = { 'http.host': 'Bytes', 'tcp.port': 'Int', ssl: 'Bool' } as const;

/** For every option: values it accepts, and values it refuses with the expectation quoted. */
const CASES: { readonly [K in keyof Required<SchemeOptions>]: { good: unknown[]; bad: [unknown, RegExp][] } } = {
  nilNotEqual: { good: [true, false], bad: [['true', /true or false, got "true"/], [1, /true or false, got 1/]] },
  maxNestingDepth: { good: [0, 128, 1000], bad: [['x', /integer from 0 to 9007199254740991, got "x"/], [-1, /got -1/], [1.5, /got 1.5/], [Number.NaN, /got NaN/], [Infinity, /got Infinity/]] },
  maxExpressionLength: { good: [3, 4096, 100_000], bad: [[-1, /got -1/], ['4096', /got "4096"/], [null, /got null/]] },
  wildcardStarLimit: { good: [0, 3], bad: [[-1, /integer from 0/], [true, /got true/]] },
  regexSizeLimit: { good: [0, 10_485_760, Number.MAX_SAFE_INTEGER], bad: [[-5, /got -5/], [2 ** 53, /got 9007199254740992/]] },
  regexCostLimit: { good: [65_536], bad: [[{}, /got object/], [10n, /got 10/]] },
  regexCostAction: { good: ['warning', 'error'], bad: [['Error', /"warning" or "error", got "Error"/]] },
  regexUtf8Literals: { good: [true, false], bad: [[0, /true or false/]] },
  allowIpOrdering: { good: [true, false], bad: [['no', /true or false/]] },
  phase: { good: ['http_request_firewall_custom', 'http_ratelimit'], bad: [['', /phase name/], [7, /phase name/], ['HTTP phase', /phase name/]] },
  unknownLists: { good: ['error', 'warning'], bad: [['ignore', /"error" or "warning", got "ignore"/]] },
};

function optionError(make: () => unknown): WirefilterError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(WirefilterError);
    expect((error as WirefilterError).code).toBe('invalid-option');
    return error as WirefilterError;
  }
  throw new Error('expected an invalid-option error');
}

describe('scheme options', () => {
  it('has a case for every option', () => {
    expect(Object.keys(CASES).sort()).toEqual([...SCHEME_OPTION_NAMES].sort());
  });

  for (const [name, { good, bad }] of Object.entries(CASES)) {
    it(`${name}: accepts its documented values and refuses others, in the scheme and per call`, () => {
      for (const value of good) {
        const scheme = new Scheme({ fields, options: { [name]: value } });
        expect(scheme.options).toEqual({ [name]: value });
        expect(scheme.validate('ssl', { [name]: value } as SchemeOptions)).toEqual([]);
      }
      const scheme = new Scheme({ fields });
      for (const [value, message] of bad) {
        const options = { [name]: value } as SchemeOptions;
        expect(optionError(() => new Scheme({ fields, options })).message, `${name}: ${String(value)}`).toMatch(message);
        expect(optionError(() => new Scheme({ fields, options })).message).toContain(`\`${name}\` must be`);
        expect(optionError(() => scheme.compile('ssl', options)).message).toMatch(message);
        expect(optionError(() => scheme.validate('ssl', options)).message).toMatch(message);
        expect(optionError(() => scheme.parse('ssl', options)).message).toMatch(message);
      }
    });
  }

  it('refuses unknown keys, suggesting the option meant', () => {
    const error = optionError(() => new Scheme({ fields, options: { maxNestingdepth: 4, nilNotEqaul: true, colour: 'red' } as never }));
    expect(error.message).toContain('unknown option `maxNestingdepth`; did you mean `maxNestingDepth`?');
    expect(error.message).toContain('unknown option `nilNotEqaul`; did you mean `nilNotEqual`?');
    expect(error.message).toContain('unknown option `colour`');
    expect(error.message).not.toContain('`colour`; did you mean');
  });

  it('reports every problem at once, and refuses options that are not an object', () => {
    const error = optionError(() => new Scheme({ fields, options: { maxNestingDepth: 'x', phase: 3 } as never }));
    expect(error.message.split('\n')).toHaveLength(3);
    expect(optionError(() => new Scheme({ fields, options: 'fast' as never })).message).toBe('scheme options must be an object, got string');
    expect(optionError(() => new Scheme({ fields, options: [] as never })).message).toBe('scheme options must be an object, got an array');
  });

  it('treats undefined values, null and absent options as the defaults', () => {
    expect(new Scheme({ fields, options: { maxNestingDepth: undefined } }).options).toEqual({});
    expect(new Scheme({ fields, options: null as never }).options).toEqual({});
    expect(new Scheme({ fields }).validate('ssl', undefined)).toEqual([]);
  });

  it('applies what it validated: the nesting limit of the scheme and of a call', () => {
    const deep = '((((ssl))))';
    expect(new Scheme({ fields, options: { maxNestingDepth: 2 } }).validate(deep).map((d) => d.code)).toContain('nesting-limit-exceeded');
    expect(new Scheme({ fields }).validate(deep, { maxNestingDepth: 2 }).map((d) => d.code)).toContain('nesting-limit-exceeded');
    expect(new Scheme({ fields }).validate(deep)).toEqual([]);
  });

  it('does not keep or modify the caller\'s object', () => {
    const options = Object.freeze({ nilNotEqual: true });
    const scheme = new Scheme({ fields, options });
    expect(scheme.options).not.toBe(options);
    expect(Object.isFrozen(scheme.options)).toBe(true);
    expect(scheme.compile('tcp.port ne 1').execute({})).toBe(true);
  });
});
