/**
 * Every JavaScript type where the API expects an expression string: a clear `invalid-argument`
 * error, never a `TypeError` from deep inside; and input shapes no nesting limit bounds (index
 * chains) handled without recursion.
 */
import { describe, expect, it } from 'vitest';
import { formatExpression, LanguageService } from '../../src/service/index.js';
import { parseExpression, Scheme, WirefilterError } from '../../src/index.js';
import { within } from './helpers.js';

/** One value of every JavaScript type (and the usual impostors of a string). */
const NOT_STRINGS: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['number', 1],
  ['NaN', Number.NaN],
  ['bigint', 1n],
  ['boolean', true],
  ['symbol', Symbol('x')],
  ['object', { length: 3 }],
  ['array', ['http.host eq "a"']],
  ['function', () => 'ssl'],
  ['String object', new String('ssl')],
  ['Uint8Array', new TextEncoder().encode('ssl')],
];

const scheme = new Scheme({ fields: { ssl: 'Bool', a: 'Array<Array<Bytes>>' } });

describe('an expression that is not a string', () => {
  const entries: [string, (value: unknown) => unknown][] = [
    ['parseExpression', (v) => parseExpression(v as string)],
    ['formatExpression', (v) => formatExpression(v as string)],
    ['scheme.compile', (v) => scheme.compile(v as string)],
    ['scheme.parse', (v) => scheme.parse(v as string)],
  ];
  for (const [name, call] of entries) {
    it.each(NOT_STRINGS)(`${name}(%s) throws invalid-argument`, (_type, value) => {
      let error: unknown;
      try {
        call(value);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(WirefilterError);
      expect((error as WirefilterError).code).toBe('invalid-argument');
      expect((error as WirefilterError).message).toMatch(/^expected the expression as a string, got /);
    });
  }
});

describe('scheme.validate never throws', () => {
  it.each(NOT_STRINGS)('validate(%s) reports an error diagnostic instead', (_type, value) => {
    expect(scheme.validate(value as string).map((d) => d.severity)).toEqual(['error']);
  });
});

describe('index chains (no nesting limit applies to them)', () => {
  const chain = (n: number): string => `a${'[0]'.repeat(n)} eq "x"`;

  it('formatExpression prints a 60 KB `[0][0]…` chain without overflowing the stack', () => {
    const text = chain(20_000);
    expect(within(3000, () => formatExpression(text))).toBe(text);
  });

  it('the language service answers on it, and the checker reports the nesting limit', () => {
    const text = chain(20_000);
    const service = new LanguageService(new Scheme({ fields: { a: 'Array<Array<Bytes>>' }, options: { maxExpressionLength: 1_000_000 } }));
    expect(service.validate(text).map((d) => d.code)).toEqual(['nesting-limit-exceeded']);
    expect(service.semanticTokens(text).length).toBeGreaterThan(20_000);
    expect(service.hover(text, 0)).toBeDefined();
    expect(service.format(text)).toBe(text);
  });
});

describe('Ip field values', () => {
  // Regression: a plain object shaped like an internal address value was accepted as one.
  it('only strings become addresses; address-shaped objects are missing values', () => {
    const ips = new Scheme({ fields: { 'ip.src': 'Ip' } });
    const filter = ips.compile('ip.src in {0.0.0.0/0 ::/0}');
    expect(filter.execute({ 'ip.src': '192.0.2.1' })).toBe(true);
    for (const value of [{ family: 4, value: 1 }, { family: 6, w0: 0, w1: 0, w2: 0, w3: 1 }, Object.create({ family: 4, value: 1 }), 3232235521, [192, 0, 2, 1], new Uint8Array([192, 0, 2, 1])]) {
      expect(filter.execute({ 'ip.src': value }), JSON.stringify(value)).toBe(false);
      expect(ips.compile('not ip.src in {0.0.0.0/0 ::/0}').execute({ 'ip.src': value })).toBe(true);
    }
  });
});

describe('messages never grow with the input', () => {
  // Regression: every diagnostic echoed its whole source line, and messages quoted whole
  // names, so a 1 MB expression made megabytes of text per diagnostic.
  it('a diagnostic on a 1 MB line echoes a bounded excerpt with the span marked', () => {
    const long = new Scheme({ fields: { 'http.host': 'Bytes' }, options: { maxExpressionLength: 10_000_000 } });
    const name = `x${'y'.repeat(1_000_000)}`;
    const text = `http.host eq "${'a'.repeat(500_000)}" or ${name} eq "b" or http.hots eq "${'c'.repeat(500_000)}"`;
    let error: WirefilterError | undefined;
    try {
      long.compile(text);
    } catch (caught) {
      error = caught as WirefilterError;
    }
    expect(error?.diagnostics.map((d) => d.code)).toEqual(['unknown-identifier', 'unknown-identifier']);
    for (const d of error!.diagnostics) expect(d.message.length).toBeLessThanOrEqual(500);
    expect(error!.message.length).toBeLessThan(2_000);
    const lines = error!.message.split('\n');
    // `http.hots` is shown in context, with its carets under it.
    const at = lines.findLastIndex((l) => l.includes('http.hots eq'));
    expect(lines[at + 1]!.indexOf('^^^^^^^^^')).toBe(lines[at]!.indexOf('http.hots'));
    expect(lines[at]).toMatch(/^….* or http\.hots eq "c+…$/);
  });
});
