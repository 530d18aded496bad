/**
 * Keeps grammar/rules.ebnf, the parser and grammar/diagrams.html in step.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syntaxDiagramsHtml } from '../grammar/diagrams.js';
import { grammarDefinitionErrors, serializedGrammar } from '../src/syntax/parser.js';

const ebnf = readFileSync(new URL('../grammar/rules.ebnf', import.meta.url), 'utf8').replace(/\(\*[\s\S]*?\*\)/g, '');

/** EBNF symbol for each chevrotain terminal the parser consumes. */
const TERMINALS: Record<string, string> = {
  OrOperator: 'OR', XorOperator: 'XOR', AndOperator: 'AND', NotOperator: 'NOT', Quantifier: 'QUANTIFIER',
  ComparisonOperator: 'COMPARISON_OPERATOR', Identifier: 'IDENTIFIER', ListReference: 'LIST_REFERENCE',
  StringToken: 'STRING', BareLiteral: 'BARE_LITERAL', True: '"true"',
  LParen: '"("', RParen: '")"', LBracket: '"["', RBracket: '"]"', LCurly: '"{"', RCurly: '"}"', Comma: '","', Star: '"*"',
};

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

interface Production { type: string; name?: string; definition?: Production[] }

function references(productions: Production[], out = new Set<string>()): Set<string> {
  for (const p of productions) {
    if (p.type === 'NonTerminal') out.add(snake(p.name!));
    if (p.type === 'Terminal') out.add(TERMINALS[p.name!] ?? `?${p.name}`);
    if (p.definition) references(p.definition, out);
  }
  return out;
}

/** Syntactic rules of the EBNF (lowercase names) with the symbols their bodies use. */
function ebnfRules(): Map<string, Set<string>> {
  const rules = new Map<string, Set<string>>();
  const syntax = ebnf.split(/^OR\s*=/m)[0]!;
  for (const match of syntax.matchAll(/^([a-z_]+)\s*=([\s\S]*?);\s*$/gm)) {
    const body = match[2]!;
    const symbols = new Set<string>();
    for (const symbol of body.matchAll(/"[^"]+"|[A-Za-z_]+/g)) symbols.add(symbol[0]);
    rules.set(match[1]!, symbols);
  }
  return rules;
}

describe('the parser grammar', () => {
  it('passes chevrotain’s validations (the parsers in use skip them to start faster)', () => {
    expect(grammarDefinitionErrors()).toEqual([]);
  });
});

describe('grammar/rules.ebnf', () => {
  const parserRules = serializedGrammar() as unknown as Production[];
  const rules = ebnfRules();

  it('has exactly the parser rules', () => {
    expect([...rules.keys()].sort()).toEqual(parserRules.map((r) => snake(r.name!)).sort());
  });

  for (const rule of parserRules) {
    it(`rule ${snake(rule.name!)} uses the same symbols as the parser`, () => {
      expect([...(rules.get(snake(rule.name!)) ?? [])].sort()).toEqual([...references(rule.definition!)].sort());
    });
  }
});

describe('grammar/diagrams.html', () => {
  it('is generated from the current parser (run `npm run grammar`)', () => {
    const committed = readFileSync(new URL('../grammar/diagrams.html', import.meta.url), 'utf8');
    expect(committed).toBe(syntaxDiagramsHtml());
  });
});
