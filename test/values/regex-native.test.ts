/**
 * The native-RegExp fast path: which patterns take it, and that it agrees with the
 * linear-time engine on every input.
 */
import { describe, expect, it } from 'vitest';
import { compileRegex, type CompiledRegex } from '../../src/values/regex/index.js';
import { mulberry32 as rng } from '../../src/cli/random.js';

const compile = (pattern: string, engine?: 'auto' | 'linear'): CompiledRegex => {
  const result = compileRegex(pattern, { engine });
  if (!result.ok) throw new Error(result.message);
  return result.regex;
};

/** Whether a pattern runs on native RegExp (its engine object is the native one). */
const isNative = (pattern: string): boolean => {
  const regex = compile(pattern) as unknown as { engine: { constructor: { name: string } } };
  return regex.engine.constructor.name === 'NativeEngine';
};

describe('native fast path eligibility', () => {
  it.each([
    '(?i)(bot|crawler|spider|curl)',
    '^/wp-login\\.php$',
    'login',
    '\\bapi\\b',
    '[0-9a-f]{32}',
    '^/(en|fr|de)/',
    '(?s)a.b',
    '^/api/v[0-9]+/users/[0-9]+/?$', // deterministic loops: what follows is outside the class
    '^[A-Za-z]+/[0-9.]+ \\([^()]*\\)',
    '[a-z]+$',
    'id=[0-9]+',
    '(?i)(bad|evil)[a-z]*\\b[0-9]',
  ])('takes %s', (pattern) => expect(isNative(pattern)).toBe(true));

  it.each([
    '[a-z]+[a-z]', // a loop followed by its own class
    '[0-9]+[0-9]?x',
    '\\w+\\b\\w', // a zero-width assertion does not separate overlapping classes
    '(ab)+', // unbounded repetition of more than one byte
    'a+(b|a)',
    '(a+)+$',
    '(a|a)*b',
    '(ab){2,3}', // repetition of more than one byte
    '[ab]{0,64}[ab]{0,64}[ab]{0,64}c', // too many ways to match
    '(?m)^a$', // multi-line anchors
    '(?u)\\p{Hangul}', // Unicode classes
    'a{100}', // long repetition
  ])('leaves %s to the linear-time engine', (pattern) => expect(isNative(pattern)).toBe(false));
});

describe('native fast path agreement', () => {
  const patterns = [
    '^/api/v[0-9]+/users/[0-9]+/?$', 'a[0-9]*b', '^[a-z]+$', '(?i)x[a-f]+?y', '[^/]+/', '\\bcaf[a-z]*\\b', '(é|x)[0-9]+$',
    '(?i)(bot|crawler|spider|curl)', '^/wp-login\\.php$', '\\bapi\\b', '[0-9a-f]{8}', '^/(en|fr|de)/', '(?s)a.b', 'a.b',
    '(?i)é?', '\\xff', '^.$', '^..$', 'caf\\xC3\\xA9', '\\Bx', '(?i)select\\s{1,8}from', '[^a-z]{2}', 'a??b', '^$',
  ].filter((p) => compileRegex(p).ok);
  const alphabet = ['a', 'b', 'x', 'y', '7', '12', '/api/v2/users/', 'é', 'É', '\n', '\r', ' ', '/', 'bot', 'BOT', 'api', '-', '\u00ff', '\ud800', 'select', 'FROM', '0', 'f', 'caf'];
  const random = rng(7);

  for (const pattern of patterns) {
    it(pattern, () => {
      const fast = compile(pattern);
      const linear = compile(pattern, 'linear');
      for (let i = 0; i < 400; i++) {
        let input = '';
        const n = random() % 8;
        for (let j = 0; j < n; j++) input += alphabet[random() % alphabet.length];
        expect(fast.test(input), JSON.stringify(input)).toBe(linear.test(input));
        const bytes = Uint8Array.from({ length: random() % 6 }, () => random() % 256);
        expect(fast.test(bytes)).toBe(linear.test(bytes));
        expect(fast.exec(input)).toEqual(linear.exec(input));
      }
    });
  }
});

describe('native input limits', () => {
  const limitOf = (pattern: string): number => (compile(pattern) as unknown as { engine: { maxInput: number } }).engine.maxInput;

  it('bound an unanchored loop quadratically and an anchored one linearly', () => {
    // `[0-9]+x` on n digits: n attempts of up to 2n steps each.
    expect(limitOf('[0-9]+x')).toBeGreaterThan(1_000);
    expect(limitOf('[0-9]+x')).toBeLessThan(5_000);
    expect(limitOf('^[0-9]+x')).toBeGreaterThan(1_000_000);
    expect(limitOf('login')).toBeGreaterThan(1_000_000);
  });

  it('send long adversarial inputs to the linear-time engine, with the same answers', () => {
    const digits = '1'.repeat(200_000);
    for (const [pattern, input, expected] of [
      ['[0-9]+x', digits, false],
      ['[0-9]+x', `${digits}x`, true],
      ['^[0-9]+x', digits, false],
      ['[a-z]+$', `${'a'.repeat(100_000)}!`, false],
    ] as const) {
      if (!pattern.startsWith('^')) expect(input.length, pattern).toBeGreaterThan(limitOf(pattern));
      expect(compile(pattern).test(input), pattern).toBe(expected);
    }
  });
});

describe('the linear-time engine behind the native path', () => {
  it('is built only when needed (captures, or an input over the native limit)', () => {
    const regex = compile('^/(en|fr|de)/');
    expect(isNative('^/(en|fr|de)/')).toBe(true);
    const engine = (regex as unknown as { engine: { linearEngine: unknown } }).engine;
    expect(regex.test('/fr/x')).toBe(true); // native: no linear engine yet
    expect(engine.linearEngine).toBeUndefined();
    const match = regex.exec('/fr/x'); // captures come from the linear engine
    expect(engine.linearEngine).toBeDefined();
    expect(match).toEqual({ start: 0, end: 4, groups: [[0, 4], [1, 3]] });
    expect(regex.test(`/de/${'x'.repeat(1_000_000)}`)).toBe(true);
    expect(regex.test(`/es/${'x'.repeat(1_000_000)}`)).toBe(false);
  });
});
