/**
 * The operator table is the one source of the operators: the lexer's tokens, the grammar's
 * list of spellings, the checker's acceptance and the editor's documentation all agree with it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DiagnosticBag } from '../../src/diagnostics/diagnostics.js';
import { Scheme } from '../../src/index.js';
import { COMPARISON_OPERATORS, LOGICAL_OPERATORS, operatorsFor } from '../../src/service/index.js';
import { tokenize } from '../../src/syntax/lexer.js';
import {
  acceptsLeftType,
  COMPARISON_OPERATOR_DOCS,
  COMPARISON_OPERATOR_TABLE,
  LOGICAL_OPERATOR_TABLE,
  symbolicSpelling,
  type ComparisonOperatorRow,
} from '../../src/syntax/operators.js';
import { COMPARISON_OPERATOR_OF_TOKEN, LOGICAL_OPERATOR_OF_TOKEN } from '../../src/syntax/tokens.js';

const spellings = (operators: readonly { readonly name: string; readonly symbol?: string }[]): string[] =>
  operators.flatMap((o) => (o.symbol === undefined ? [o.name] : [o.name, o.symbol]));

const lex = (text: string) => tokenize(text, 0, new DiagnosticBag(text));

describe('the comparison operator table', () => {
  it('gives every spelling one token of its operator, wherever the operator stands', () => {
    for (const operator of COMPARISON_OPERATOR_TABLE) {
      for (const spelling of spellings([operator])) {
        // Symbols need no space around them.
        for (const text of spelling === operator.name ? [`x ${spelling} 1`] : [`x ${spelling} 1`, `x${spelling}1`]) {
          const tokens = lex(text);
          expect(tokens.map((t) => t.image), text).toEqual(['x', spelling, '1']);
          expect(COMPARISON_OPERATOR_OF_TOKEN.get(tokens[1]!.tokenType), text).toBe(operator.name);
        }
      }
    }
  });

  it('lexes a quoted string after the regex operators as a regex string', () => {
    for (const operator of COMPARISON_OPERATOR_TABLE) {
      for (const spelling of spellings([operator])) {
        const string = lex(`x ${spelling} "[\\"]"`)[2]!;
        expect(string.tokenType.name, spelling).toBe(operator.right === 'regex' ? 'RegexString' : 'QuotedString');
      }
    }
  });

  it('is what grammar/rules.ebnf lists', () => {
    const ebnf = readFileSync(new URL('../../grammar/rules.ebnf', import.meta.url), 'utf8').replace(/\(\*[\s\S]*?\*\)/g, '');
    const terminals = (symbol: string): string[] => {
      const body = new RegExp(`^${symbol}\\s*=([^;]*);`, 'm').exec(ebnf)![1]!;
      return [...body.matchAll(/"([^"]+)"/g)].map((m) => m[1]!).sort();
    };
    expect(terminals('COMPARISON_OPERATOR')).toEqual(spellings(COMPARISON_OPERATOR_TABLE).sort());
    for (const operator of LOGICAL_OPERATOR_TABLE) {
      expect(terminals(operator.name.toUpperCase())).toEqual(spellings([operator]).sort());
    }
  });

  it('decides what the checker accepts, for every operator, left-hand type and ordering option', () => {
    const fields = { bytes: 'Bytes', int: 'Int', ip: 'Ip', bool: 'Bool', ints: 'Array<Int>', map: 'Map<Bytes>' } as const;
    const literal: Record<string, string> = { bytes: '"a"', int: '1', ip: '192.0.2.1' };
    const right = (operator: ComparisonOperatorRow, field: string): string => {
      const single = literal[field] ?? '"a"';
      switch (operator.right) {
        case 'literal':
          return single;
        case 'set':
          return `{${single}}`;
        case 'integer':
          return '1';
        default:
          return '"a"';
      }
    };
    for (const allowIpOrdering of [true, false]) {
      const scheme = new Scheme({ fields, options: { allowIpOrdering } });
      for (const operator of COMPARISON_OPERATOR_TABLE) {
        for (const [field, type] of Object.entries(fields)) {
          const expression = `${field} ${operator.name} ${right(operator, field)}`;
          const codes = scheme.validate(expression).map((d) => d.code);
          const accepted = acceptsLeftType(operator, { kind: type.replace(/<.*/, '') }, { allowIpOrdering });
          expect(codes, `${expression} (allowIpOrdering: ${allowIpOrdering})`).toEqual(accepted ? [] : ['unsupported-operator']);
        }
      }
    }
  });

  it('orders and gates the operators completion proposes', () => {
    expect(operatorsFor(undefined)).toEqual(COMPARISON_OPERATOR_TABLE.map((o) => o.name));
    expect(operatorsFor({ kind: 'Ip' }, { allowIpOrdering: false })).toEqual(['eq', 'ne', 'in']);
    expect(operatorsFor({ kind: 'Bool' })).toEqual([]);
  });

  it('documents every operator, with its spellings', () => {
    expect(COMPARISON_OPERATORS.map((d) => [d.name, d.symbol, d.title])).toEqual(
      COMPARISON_OPERATOR_TABLE.map((o) => [o.name, 'symbol' in o ? o.symbol : undefined, COMPARISON_OPERATOR_DOCS[o.name].title]),
    );
    expect(LOGICAL_OPERATORS.map((d) => [d.name, d.symbol])).toEqual(LOGICAL_OPERATOR_TABLE.map((o) => [o.name, o.symbol]));
  });
});

describe('the logical operator table', () => {
  it('gives every spelling one token of its operator', () => {
    for (const operator of LOGICAL_OPERATOR_TABLE) {
      for (const spelling of spellings([operator])) {
        const token = lex(`${spelling} `)[0]!;
        expect(LOGICAL_OPERATOR_OF_TOKEN.get(token.tokenType), spelling).toBe(operator.name);
      }
    }
  });

  it('gives the formatter its symbolic spellings', () => {
    expect(symbolicSpelling('and')).toBe('&&');
    expect(symbolicSpelling('bitwise_and')).toBe('&');
    expect(symbolicSpelling('contains')).toBeUndefined();
  });
});
