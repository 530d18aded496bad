/**
 * Hostile expressions against the parser's limits: the expression length limit, nesting of
 * every kind 100,000 deep (with default and huge `maxNestingDepth`), index chains, long flat
 * chains, and error recovery deep inside a nested expression — always a diagnostic, never a
 * stack overflow, within a bounded time, and independent of what was parsed before.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseExpression, WirefilterError } from '../../src/index.js';
import { codes, expectCompileError, hostileScheme, within } from './helpers.js';

const scheme = hostileScheme();
const N = 100_000;
const ROOMY = { maxExpressionLength: 10_000_000 };
const HUGE = { maxExpressionLength: 10_000_000, maxNestingDepth: 1e9 };

const NESTINGS: Record<string, (n: number) => string> = {
  parentheses: (n) => `${'('.repeat(n)}ssl${')'.repeat(n)}`,
  'not ': (n) => `${'not '.repeat(n)}ssl`,
  '!': (n) => `${'!'.repeat(n)}ssl`,
  'function calls': (n) => `len(${'lower('.repeat(n)}http.host${')'.repeat(n)}) eq 1`,
  'any(': (n) => `${'any('.repeat(n)}test.bools${')'.repeat(n)}`,
  'mixed (not any(lower(': (n) => `${'(not any(lower('.repeat(n / 4)}http.host${')))'.repeat(n / 4)}`,
  'unclosed (': (n) => '('.repeat(n),
  'unclosed lower(': (n) => 'lower('.repeat(n),
};

describe('expression length', () => {
  it('one character over the limit is `expression-too-long`, spanning the excess', () => {
    const expression = `http.host eq "${'a'.repeat(4096)}"`;
    const [d] = scheme.validate(expression);
    expect(d).toMatchObject({ code: 'expression-too-long', span: { start: 4096, end: expression.length } });
    expect(codes(scheme, 'x'.repeat(4096))).not.toContain('expression-too-long');
  });

  it('10 MB of input is rejected immediately, whatever it contains', () => {
    for (const expression of ['('.repeat(10_000_000), `http.host eq "${'\\x41'.repeat(2_500_000)}"`, '\ud800'.repeat(10_000_000)]) {
      const diagnostics = within(200, () => scheme.validate(expression), 'validate 10 MB');
      expect(diagnostics.map((d) => d.code)).toEqual(['expression-too-long']);
      expectCompileError(scheme, expression, 'expression-too-long');
    }
  });

  it('maxExpressionLength is honoured per call, also at 0', () => {
    expect(codes(scheme, 'ssl', { maxExpressionLength: 2 })).toEqual(['expression-too-long']);
    expect(codes(scheme, 'ssl', { maxExpressionLength: 0 })).toEqual(['expression-too-long']);
    expect(codes(scheme, 'ssl', { maxExpressionLength: 3 })).toEqual([]);
  });
});

describe('nesting: a diagnostic, never a stack overflow', () => {
  for (const [kind, make] of Object.entries(NESTINGS)) {
    it(`100,000 × ${kind}`, () => {
      const expression = make(N);
      // Default options: too long long before it is too deep.
      expect(codes(scheme, expression)).toEqual(['expression-too-long']);
      for (const options of [ROOMY, HUGE]) {
        const diagnostics = within(3000, () => scheme.validate(expression, options), `validate ${kind}`);
        expect(diagnostics.map((d) => d.code)).toContain('nesting-limit-exceeded');
        expectCompileError(scheme, expression, 'nesting-limit-exceeded', options);
        expect(parseExpression(expression, options).ast).toBeUndefined();
      }
    });
  }

  it('the limit is exact: 128 levels compile, the 129th is reported at its own token', () => {
    expect(codes(scheme, NESTINGS.parentheses!(128))).toEqual([]);
    const [d] = scheme.validate(NESTINGS.parentheses!(129));
    expect(d).toMatchObject({ code: 'nesting-limit-exceeded', span: { start: 128, end: 129 } });
    expect(codes(scheme, NESTINGS['not ']!(128))).toEqual([]);
    expect(codes(scheme, NESTINGS['not ']!(129))).toEqual(['nesting-limit-exceeded']);
    expect(codes(scheme, NESTINGS.parentheses!(5), { maxNestingDepth: 4 })).toEqual(['nesting-limit-exceeded']);
  });

  it('a huge maxNestingDepth on a valid deep expression ends as a diagnostic when the stack runs out', () => {
    for (const n of [1_000, 10_000]) {
      const diagnostics = within(3000, () => scheme.validate(NESTINGS.parentheses!(n), HUGE));
      expect(diagnostics.map((d) => d.code)).toEqual(['nesting-limit-exceeded']);
    }
  });

  // Regression (fuzz finding): index chains are not nesting for the parser, but the checker
  // recursed once per `[n]` and overflowed the stack — `validate` threw a RangeError.
  it('100,000 chained indexes `x[0][0]…` (regression: RangeError escaped validate)', () => {
    const expression = `http.request.headers${'[0]'.repeat(N)} eq "a"`;
    const diagnostics = within(3000, () => scheme.validate(expression, HUGE), 'validate index chain');
    expect(diagnostics.map((d) => d.code)).toContain('nesting-limit-exceeded');
    expectCompileError(scheme, expression, 'nesting-limit-exceeded', HUGE);
    // Within the default length a chain is merely ill-typed.
    expect(codes(scheme, `http.request.headers${'[0]'.repeat(1300)} eq "a"`)).toEqual(['invalid-index-access']);
  });

  it('flat chains of 100,000 operands are not nesting: they compile and run', () => {
    const filter = within(5000, () => scheme.compile(`ssl${' and ssl'.repeat(N)}`, ROOMY));
    expect(filter.execute({ ssl: true })).toBe(true);
    expect(filter.execute({ ssl: false })).toBe(false);
    const set = within(5000, () => scheme.compile(`ssl${' or not ssl'.repeat(N)}`, ROOMY));
    expect(set.execute({})).toBe(true);
  });
});

describe('error recovery deep inside nested expressions (regression: seconds per call)', () => {
  const fill = (prefix: string, unit: string, suffix = ''): string =>
    prefix + unit.repeat(Math.floor((4096 - prefix.length - suffix.length) / unit.length)) + suffix;
  // Each of these took 0.3–17 s before re-sync was made linear and errors were capped at 25.
  const worst: Record<string, string> = {
    '127 × ( then `a b` × 990': fill('('.repeat(127), 'a b '),
    '127 × lower( then `a b` × 650': fill('lower('.repeat(127), 'a b '),
    '127 × lower( then `) (` × 1000': fill(`${'lower('.repeat(127)}a`, ') ('),
    '127 × x( then `).y` × 1000': fill(`${'x('.repeat(127)}a`, ').y'),
    '32 × (lower(not any( then junk': fill('(lower(not any('.repeat(32), 'a b ) ] , '),
    'unknown calls 265 deep (fuzz finding)': `alen(${'halen('.repeat(264)}http.host${').host'.repeat(265)} eq 4`,
  };
  for (const [name, expression] of Object.entries(worst)) {
    it(name, () => {
      expect(expression.length).toBeLessThanOrEqual(4096);
      scheme.validate(expression); // warm up
      const diagnostics = within(1000, () => scheme.validate(expression), 'validate');
      expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
      within(1000, () => expect(() => scheme.compile(expression)).toThrow(WirefilterError), 'compile');
      // Parsing stops after 25 recognition errors (plus the odd error found while building nodes).
      expect(diagnostics.filter((d) => d.code === 'expected-token' || d.code === 'unexpected-input').length).toBeLessThanOrEqual(30);
    });
  }

  it('diagnostics do not depend on what was parsed before (regression: JIT-dependent results)', () => {
    const probe = fill('('.repeat(127), 'a b ');
    const first = JSON.stringify(scheme.validate(probe));
    for (const other of Object.values(worst)) scheme.validate(other);
    expect(JSON.stringify(scheme.validate(probe))).toBe(first);
    expect(first).toContain('expected `)` but found `b`');
  });

  it('a cold runtime reports the syntax error, not "nests too deeply" (regression)', () => {
    const script = fileURLToPath(new URL('./fixtures/cold-parse.ts', import.meta.url));
    for (const [kind, depth] of [['paren', 127], ['call', 110], ['not', 127]] as const) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', script, kind, String(depth)], { encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      const found = JSON.parse(run.stdout) as { code: string; start: number }[];
      expect(found.map((d) => d.code), `${kind} × ${depth}`).toEqual([kind === 'not' ? 'unexpected-input' : 'expected-token']);
      expect(found[0]!.start, `${kind} × ${depth}`).toBeGreaterThan(depth);
    }
  });
});
