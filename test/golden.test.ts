/**
 * Golden syntax trees, in lezer's style. Each file `test/golden/*.txt` holds cases:
 *
 * ```
 * # title                                  optionally followed by parse options as JSON
 * input expression (one or more lines)
 * ==>
 * (compact tree, see compactTree in src/syntax/canonical.ts)   or `none` when there is no tree
 * error code@start..end: message           one line per diagnostic, in order
 * ```
 *
 * Broken input shows the tree error recovery made of it and the diagnostics, side by side.
 * A golden file that is missing (GOLDEN_FILES lists them), a case without its expectation
 * and a stale expectation all FAIL. After a deliberate change, rewrite the expectations with
 *
 * ```
 * UPDATE_GOLDENS=1 npx vitest run test/golden.test.ts
 * ```
 *
 * and review the diff (`git diff test/golden`). Layout of the tree does not matter when
 * comparing: whitespace outside strings is normalised, so hand-written expectations may
 * break lines anywhere. See test/golden/README.md.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Lexer } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { DiagnosticBag } from '../src/diagnostics/diagnostics.js';
import type { Node } from '../src/syntax/ast.js';
import { compactTree } from '../src/syntax/canonical.js';
import { tokenize } from '../src/syntax/lexer.js';
import { parseExpression } from '../src/index.js';
import type { ParseOptions } from '../src/scheme/options.js';
import { allTokens, WhiteSpace } from '../src/syntax/tokens.js';

/** Every golden file: a missing one fails, and a new one must be listed here. */
const GOLDEN_FILES = ['literals.txt', 'operators.txt', 'precedence.txt', 'values.txt', 'sets-and-lists.txt', 'whitespace.txt', 'recovery.txt'];

const UPDATE = process.env.UPDATE_GOLDENS === '1';
const directory = new URL('./golden/', import.meta.url);

interface GoldenCase {
  title: string;
  /** The options as written after the title (kept verbatim when the file is rewritten). */
  optionsText: string;
  options: ParseOptions;
  input: string;
  /** The lines after `==>`, or `undefined` when the case has no `==>` line. */
  expected: string | undefined;
  line: number;
}

function readCases(file: string, text: string): GoldenCase[] {
  const lines = text.split('\n');
  const cases: GoldenCase[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.trim() === '') {
      i++;
      continue;
    }
    const header = /^# (.*?)(?:\s+(\{.*\}))?$/.exec(lines[i]!);
    if (header === null) throw new Error(`${file}:${i + 1}: expected a \`# title\` line, found ${JSON.stringify(lines[i])}`);
    const line = i + 1;
    const optionsText = header[2] ?? '';
    const options = optionsText === '' ? {} : (JSON.parse(optionsText) as ParseOptions);
    const input: string[] = [];
    for (i++; i < lines.length && lines[i] !== '==>'; i++) input.push(lines[i]!);
    let expected: string | undefined;
    if (i < lines.length) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith('# '); i++) body.push(lines[i]!);
      while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
      expected = body.join('\n');
    }
    cases.push({ title: header[1]!, optionsText, options, input: input.join('\n'), expected, line });
  }
  return cases;
}

function writeCases(cases: readonly GoldenCase[], actual: ReadonlyMap<GoldenCase, string>): string {
  return cases
    .map((c) => `# ${c.title}${c.optionsText === '' ? '' : ` ${c.optionsText}`}\n${c.input}\n==>\n${actual.get(c)}\n`)
    .join('\n');
}

/** The expectation of a case as this parser produces it. */
function describeParse(c: GoldenCase): { text: string; ast: Node | undefined; codes: string[] } {
  const { ast, diagnostics } = parseExpression(c.input, c.options);
  const lines = [ast === undefined ? 'none' : compactTree(ast)];
  for (const d of diagnostics) {
    lines.push(`${d.severity} ${d.code}@${d.span.start}..${d.span.end}: ${d.message.replace(/\r/g, '\\r').replace(/\n/g, '\\n')}`);
  }
  return { text: lines.join('\n'), ast, codes: diagnostics.map((d) => d.code) };
}

const DIAGNOSTIC_LINE = /^(error|warning|info) /;

/** Whitespace outside JSON strings collapsed (and dropped inside parentheses) in the tree; diagnostics verbatim. */
function normalise(expected: string): string {
  const lines = expected.split('\n').map((l) => l.trimEnd());
  const firstDiagnostic = lines.findIndex((l) => DIAGNOSTIC_LINE.test(l));
  const tree = (firstDiagnostic < 0 ? lines : lines.slice(0, firstDiagnostic)).join('\n');
  let out = '';
  let inString = false;
  for (let k = 0; k < tree.length; k++) {
    const c = tree[k]!;
    if (inString) {
      out += c;
      if (c === '\\') out += tree[++k] ?? '';
      else if (c === '"') inString = false;
    } else if (/\s/.test(c)) {
      if (!out.endsWith(' ')) out += ' ';
    } else {
      if (c === '"') inString = true;
      out += c;
    }
  }
  out = out.trim().replace(/\( /g, '(').replace(/ \)/g, ')');
  return [out, ...(firstDiagnostic < 0 ? [] : lines.slice(firstDiagnostic))].join('\n');
}

function* nodes(node: Node): Generator<Node> {
  yield node;
  for (const value of Object.values(node)) {
    const children: unknown[] = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child !== null && typeof child === 'object' && 'kind' in child && 'span' in child) yield* nodes(child as Node);
    }
  }
}

const present = readdirSync(directory).filter((name) => name.endsWith('.txt'));
const files = GOLDEN_FILES.filter((name) => existsSync(new URL(name, directory))).map((name) => {
  const cases = readCases(name, readFileSync(new URL(name, directory), 'utf8'));
  const actual = new Map(cases.map((c) => [c, describeParse(c)] as const));
  if (UPDATE) {
    writeFileSync(new URL(name, directory), writeCases(cases, new Map([...actual].map(([c, a]) => [c, a.text]))));
    for (const c of cases) c.expected = actual.get(c)!.text;
  }
  return { name, cases, actual };
});
const everyParse = files.flatMap((f) => [...f.actual.values()]);
const everyCase = files.flatMap((f) => f.cases);

describe('golden files', () => {
  it('are exactly the listed ones, all present', () => {
    expect(present.sort()).toEqual([...GOLDEN_FILES].sort());
  });

  it('have unique titles', () => {
    for (const { name, cases } of files) {
      const titles = cases.map((c) => c.title);
      expect(titles.filter((t, k) => titles.indexOf(t) !== k), name).toEqual([]);
    }
  });

  it('cover every node kind', () => {
    const kinds = new Set(everyParse.flatMap((p) => (p.ast === undefined ? [] : [...nodes(p.ast)].map((n) => n.kind))));
    const all: Node['kind'][] = ['Logical', 'Not', 'Group', 'Quantifier', 'True', 'Comparison', 'Field', 'Call', 'Index', 'ArrayIndex', 'MapKey', 'MapEach', 'String', 'Bare', 'Boolean', 'Set', 'List', 'Error'];
    expect(all.filter((k) => !kinds.has(k))).toEqual([]);
  });

  it('cover every token type (every operator in both spellings)', () => {
    const seen = new Set<string>();
    for (const c of everyCase) for (const token of tokenize(c.input, 0, new DiagnosticBag(c.input))) seen.add(token.tokenType.name);
    const concrete = allTokens.filter((t) => t !== WhiteSpace && t.PATTERN !== Lexer.NA).map((t) => t.name);
    expect(concrete.filter((name) => !seen.has(name))).toEqual([]);
  });

  it('cover every syntax diagnostic, with at least ten broken inputs', () => {
    const codes = new Set(everyParse.flatMap((p) => p.codes));
    const syntax = [
      'expression-too-long', 'nesting-limit-exceeded', 'unexpected-character', 'expected-token', 'unexpected-input',
      'invalid-identifier', 'invalid-escape', 'missing-ending-quote', 'invalid-raw-string-hash-count', 'invalid-list-name',
    ];
    expect(syntax.filter((code) => !codes.has(code))).toEqual([]);
    expect(everyParse.filter((p) => p.codes.length > 0).length).toBeGreaterThanOrEqual(10);
  });
});

for (const { name, cases, actual } of files) {
  describe(`golden ${name}`, () => {
    for (const c of cases) {
      it(`${c.title} (line ${c.line})`, () => {
        const { text } = actual.get(c)!;
        if (c.expected === undefined || c.expected.trim() === '') {
          throw new Error(`${name}:${c.line}: no expectation after the input (a \`==>\` line and the tree); run with UPDATE_GOLDENS=1 to write it`);
        }
        if (normalise(c.expected) !== normalise(text)) expect(c.expected, `${name}:${c.line}: stale golden (UPDATE_GOLDENS=1 rewrites it)`).toBe(text);
      });
    }
  });
}
