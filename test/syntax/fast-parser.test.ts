/**
 * The fast parser (src/syntax/fast-parser.ts) against the chevrotain parser: for every input,
 * either the fast parser bails out or its tree deep-equals chevrotain's (spans included) and
 * chevrotain reports no diagnostic. It must also take the realistic corpus, or it is no faster.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExpression } from '../../src/syntax/parser.js';
import { fastParse, setFastParserEnabled } from '../../src/syntax/fast-parser.js';
import { DEFAULT_MAX_EXPRESSION_LENGTH, DEFAULT_MAX_NESTING_DEPTH, type ParseOptions } from '../../src/scheme/options.js';
import { conformanceFiles } from '../conformance/runner.js';
import { expressionArbitraries } from '../fuzz/arbitraries/expressions.js';
import { mutatedExpression } from '../fuzz/arbitraries/mutations.js';
import { fuzzFields } from '../fuzz/schemes.js';

const isUnicodeSpace = (c: string): boolean => /\p{White_Space}/u.test(c);

/** The fast parser's answer, called as parseWithOptions calls it (on the trimmed text). */
function fast(source: string, options: ParseOptions = {}): ReturnType<typeof fastParse> {
  // Too long: refused before either parser runs.
  if (source.length > (options.maxExpressionLength ?? DEFAULT_MAX_EXPRESSION_LENGTH)) return undefined;
  let start = 0;
  let end = source.length;
  while (start < end && isUnicodeSpace(source[start]!)) start++;
  while (end > start && isUnicodeSpace(source[end - 1]!)) end--;
  return fastParse(source.slice(start, end), start, options.maxNestingDepth ?? DEFAULT_MAX_NESTING_DEPTH);
}

/** Chevrotain alone. */
function reference(source: string, options: ParseOptions = {}): ReturnType<typeof parseExpression> {
  setFastParserEnabled(false);
  try {
    return parseExpression(source, options);
  } finally {
    setFastParserEnabled(true);
  }
}

/** Checks one input; returns whether the fast parser took it. */
function agrees(source: string, options: ParseOptions = {}): boolean {
  const tree = fast(source, options);
  if (tree === undefined) return false;
  const expected = reference(source, options);
  expect(expected.diagnostics, source).toEqual([]);
  expect(tree, source).toEqual(expected.ast);
  // Key order too: printed trees (goldens, JSON) must not change.
  expect(JSON.stringify(tree), source).toBe(JSON.stringify(expected.ast));
  // And through the public entry point.
  expect(parseExpression(source, options)).toEqual(expected);
  return true;
}

afterAll(() => setFastParserEnabled(true));

/** Generated inputs per arbitrary (FAST_PARSER_RUNS raises it for a longer search). */
const RUNS = Number(process.env.FAST_PARSER_RUNS ?? 1500);
const report = (what: string, taken: number, total: number): void => {
  if (process.env.FAST_PARSER_RUNS !== undefined) console.log(`${what}: fast path took ${taken}/${total}`);
};

const conformance = conformanceFiles().flatMap((f) => f.cases.map((c) => ({ ...c, file: f.file })));

function goldenInputs(): { input: string; options: ParseOptions }[] {
  const directory = new URL('../golden/', import.meta.url);
  const out: { input: string; options: ParseOptions }[] = [];
  for (const file of readdirSync(directory).filter((f) => f.endsWith('.txt'))) {
    const lines = readFileSync(new URL(file, directory), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const header = /^# (.*?)(?:\s+(\{.*\}))?$/.exec(lines[i]!);
      if (header === null) continue;
      const input: string[] = [];
      for (i++; i < lines.length && lines[i] !== '==>' && !lines[i]!.startsWith('# '); i++) input.push(lines[i]!);
      out.push({ input: input.join('\n'), options: header[2] === undefined ? {} : (JSON.parse(header[2]) as ParseOptions) });
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith('# ')) i++;
    }
  }
  return out;
}

function exampleExpressions(): string[] {
  const out: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if ((key === 'expression' || key === 'counting_expression') && typeof v === 'string') out.push(v);
        else visit(v);
      }
    }
  };
  for (const file of ['ruleset.json', 'ruleset.test.json', 'ratelimit.json']) {
    visit(JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8')));
  }
  return out;
}

describe('the fast parser', () => {
  it('agrees with chevrotain on every conformance expression, and takes ≥ 90 % of the valid ones', () => {
    let valid = 0;
    let taken = 0;
    for (const c of conformance) {
      const took = agrees(c.expression, c.options);
      if (c.error === undefined && c.errors === undefined) {
        valid++;
        if (took) taken++;
      }
    }
    report('conformance (valid)', taken, valid);
    expect(valid).toBeGreaterThan(300);
    expect(taken / valid).toBeGreaterThanOrEqual(0.9);
  });

  it('agrees with chevrotain on the examples, and takes all of them', () => {
    const expressions = exampleExpressions();
    expect(expressions.length).toBeGreaterThanOrEqual(22);
    for (const expression of expressions) expect(agrees(expression), expression).toBe(true);
  });

  it('agrees with chevrotain on the golden inputs', () => {
    const inputs = goldenInputs();
    expect(inputs.length).toBeGreaterThan(50);
    for (const { input, options } of inputs) agrees(input, options);
  });

  it('bails on what chevrotain reports', () => {
    for (const source of [
      '', 'a ==', 'a eq "x', 'a eq "\\q"', 'a..b eq 1', 'a. eq 1', 'x [0]', 'x[r"k"]', 'a in $', 'a in $.x', 'any("x")', 'any(true)',
      'a eq 1 b', '(a', 'a)', 'a\teq 1', 'a eq r#x', 'a eq r#"x"', 'a - 1', 'f(true)', 'a strict wildcardx "a"',
    ]) {
      const took = fast(source) !== undefined;
      if (took) agrees(source);
      else expect(fast(source)).toBeUndefined();
    }
    expect(fast('a eq "\\q"')).toBeUndefined();
    expect(fast('x [0]')).toBeUndefined();
    expect(fast('a..b')).toBeUndefined();
  });

  it('bails beyond the nesting limit (chevrotain reports it)', () => {
    const deep = (n: number): string => `${'('.repeat(n)}ssl${')'.repeat(n)}`;
    expect(agrees(deep(5), { maxNestingDepth: 5 })).toBe(true);
    expect(fast(deep(6), { maxNestingDepth: 5 })).toBeUndefined();
    expect(fast(deep(400), { maxNestingDepth: 1000 })).toBeUndefined();
  });

  const arbitraries = expressionArbitraries(fuzzFields());

  it('agrees with chevrotain on generated well-typed expressions (and takes most)', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(arbitraries.wellTyped, (source) => {
        runs++;
        if (agrees(source)) taken++;
      }),
      { numRuns: RUNS },
    );
    report('well-typed', taken, runs);
    expect(taken / runs).toBeGreaterThan(0.8);
  });

  it('agrees with chevrotain on the context-sensitive lexical corners', () => {
    const piece = fc.constantFrom(
      'ab:cd', 'ab.cd', 'ab-cd', 'abc', 'c3', 'fe80::1', '::1', '-1', '- 1', '-x', '0x1F', '1.2.3.4/24', '1..5', 'a..b', 'e', 'eq', 'and', 'any', 'all',
      'cf.x', 'r"x"', 'r#"a"b"#', 'r##"x"#"##', 'r#x', '61:62r"x"', '"a\\\\"', '"\\x41\\101"', '"[\\"]"', '"a[b"c]"', '"\\q"', '$list', '$a.b', '$A', 'true',
      'x[0]', 'x["k"]', 'x[*]', 'x [0]', 'f()', 'f(ab:cd)', 'f(ab.cd)', 'f(c3-a9, 1)', 'f(r"x")', 'f(x eq 1)', 'f(not x)', 'f((x))', 'f(any(x[*]))', 'strict wildcard',
      '{', '}', '(', ')', ',', '!', '!=', '&', '&&', '~', '==', '<=', '<', 'matches', 'wildcard', 'in', 'contains', 'bitwise_and', 'not', 'xor', 'or',
    );
    const separator = fc.constantFrom(' ', '', '  ', '\n', '\r\n');
    const template = fc.oneof(
      fc.tuple(fc.constantFrom('x', 'x.y', 'f(x)', 'x[0]'), separator, fc.constantFrom('eq', '==', 'in', 'matches', '~', 'contains', '&', 'strict wildcard'), separator, piece).map((p) => p.join('')),
      fc.tuple(fc.constantFrom('x in {', 'x in{', 'f('), fc.array(fc.tuple(piece, separator), { maxLength: 5 }), fc.constantFrom('}', ')', '')).map(([a, b, c]) => a + b.map((p) => p.join('')).join('') + c),
      fc.array(fc.tuple(piece, separator), { minLength: 1, maxLength: 8 }).map((xs) => xs.map((p) => p.join('')).join('')),
    );
    let taken = 0;
    fc.assert(
      fc.property(template, (source) => {
        if (agrees(source)) taken++;
      }),
      { numRuns: RUNS * 2 },
    );
    report('lexical corners', taken, RUNS * 2);
  });

  it('agrees with chevrotain on generated ill-typed expressions, token soup and mutations', () => {
    const named = { illTyped: arbitraries.illTyped, soup: arbitraries.soup, deep: arbitraries.deep, mutated: mutatedExpression };
    for (const [name, arbitrary] of Object.entries(named)) {
      let taken = 0;
      fc.assert(
        fc.property(arbitrary, (source) => {
          if (agrees(source)) taken++;
        }),
        { numRuns: RUNS },
      );
      report(name, taken, RUNS);
    }
  });
});
