/**
 * The wording of syntax errors: what the lexer and the parser say when the input does not
 * fit the grammar. Kept apart from the grammar so that `parser.ts` reads like
 * `grammar/rules.ebnf`, and so that every message users may search for is in one place.
 *
 * @module
 */
import { EOF, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import type { DiagnosticBag, Span } from '../diagnostics/diagnostics.js';
import {
  BareLiteral,
  Comma,
  ComparisonOperator,
  Identifier,
  LBracket,
  LCurly,
  ListReference,
  LParen,
  RBracket,
  RCurly,
  RParen,
  Star,
  StringToken,
} from './tokens.js';

/** What each terminal is called in "expected …" messages; others go by their token name. */
const TOKEN_DESCRIPTIONS = new Map<TokenType, string>([
  [LParen, '`(`'], [RParen, '`)`'], [LBracket, '`[`'], [RBracket, '`]`'], [LCurly, '`{`'], [RCurly, '`}`'],
  [Comma, '`,`'], [Star, '`*`'], [Identifier, 'a field or function name'], [BareLiteral, 'a literal'],
  [StringToken, 'a string'], [ComparisonOperator, 'a comparison operator'], [ListReference, 'a `$list`'],
  [EOF, 'the end of the expression'],
]);

/** What each rule of the parser stands for when none of its alternatives fits. */
const RULE_DESCRIPTIONS: Record<string, string> = {
  filter: 'a condition',
  orExpression: 'a condition',
  xorExpression: 'a condition',
  andExpression: 'a condition',
  unaryExpression: 'a condition',
  primaryExpression: 'a condition: a field, a function call, `(`, `not`, `any(` or `all(`',
  rightHandSide: 'a literal, a set `{…}` or a `$list`',
  literal: 'a literal (string, number, IP address or hex bytes)',
  indexSelector: 'an index: a number, a quoted key or `*`',
  argument: 'a function argument',
  setLiteral: 'a set item or `}`',
};

/** The token found where another was expected, quoted and shortened. */
function describeFound(token: IToken): string {
  if (token.tokenType === EOF) return 'the end of the expression';
  const image = token.image.length > 30 ? `${token.image.slice(0, 30)}…` : token.image;
  return `\`${image}\``;
}

/** The messages of chevrotain's recognition errors ("expected `)` but found …"), for the parser's configuration. */
export const syntaxErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${TOKEN_DESCRIPTIONS.get(expected) ?? expected.name} but found ${describeFound(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeFound(firstRedundant)} after a complete expression`;
  },
  buildNoViableAltMessage({ actual, ruleName }) {
    return `expected ${RULE_DESCRIPTIONS[ruleName] ?? ruleName} but found ${describeFound(actual[0]!)}`;
  },
  buildEarlyExitMessage({ actual, ruleName }) {
    return `expected ${RULE_DESCRIPTIONS[ruleName] ?? ruleName} but found ${describeFound(actual[0]!)}`;
  },
};

/**
 * Reports one of chevrotain's recognition errors as a diagnostic: `unexpected-input` for
 * input after a complete expression, `expected-token` otherwise. Token offsets are relative
 * to the lexed slice, which starts at `base`; a missing token is reported at `sourceEnd`.
 */
export function reportRecognitionError(error: IRecognitionException, base: number, sourceEnd: number, bag: DiagnosticBag): void {
  const token = error.token;
  const span: Span =
    token.tokenType === EOF || Number.isNaN(token.startOffset)
      ? { start: sourceEnd, end: sourceEnd }
      : { start: base + token.startOffset, end: base + token.startOffset + token.image.length };
  const code = error.name === 'NotAllInputParsedException' ? 'unexpected-input' : 'expected-token';
  bag.error(code, error.message, span);
}

/** Explains a character that starts no token (`text` starts with it), for `unexpected-character`. */
export function unexpectedCharacterMessage(text: string): string {
  const c = text[0];
  if (c === '\t') return 'a TAB is not whitespace in an expression; use spaces';
  if (c === '#') return 'unexpected character `#`: the Rules language has no comments';
  if (c === "'") return 'unexpected character `\'`: strings are written in double quotes';
  if (c === '.') return 'unexpected character `.`: a name or literal cannot start or end with a dot';
  const printable = /[\x21-\x7e]/.test(c) ? `\`${c}\`` : `U+${text.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return `unexpected character ${printable}`;
}

/** `invalid-identifier`: a dotted name with an empty segment (`a..b`, `a.`). */
export function invalidIdentifierMessage(name: string): string {
  return `invalid name \`${name}\`: expected an identifier character after each \`.\``;
}

/** `invalid-list-name`: a `$list` reference (`image`, with its `$`) that is empty or has a stray dot. */
export function invalidListNameMessage(image: string): string {
  const why = image === '$' ? 'a list name is lowercase letters, digits, `_` and `.`' : 'a list name cannot start or end with `.`';
  return `invalid list name \`${image}\`: ${why}`;
}

/** `unexpected-input`: whitespace between a value and the `[` of its index. */
export const SPACE_BEFORE_INDEX_MESSAGE = 'no space is allowed before `[`';

/** `expected-token`: a raw string used as a map key. */
export const MAP_KEY_NOT_QUOTED_MESSAGE = 'a map key must be a quoted string ("…"); raw strings are not accepted here';

/** `type-mismatch`: a literal as the argument of `any(…)` / `all(…)`. */
export const QUANTIFIER_LITERAL_MESSAGE = 'expected a value of type Array<Bool>, but got a literal';

/** `expected-token`: an expression without any condition (only whitespace, or nothing parsed). */
export const EXPECTED_CONDITION_MESSAGE = 'expected a condition';

/** `expression-too-long`: the expression is longer than `maxExpressionLength`. */
export function expressionTooLongMessage(length: number, limit: number): string {
  return `the expression is ${length} characters long; the limit is ${limit}`;
}

/** `nesting-limit-exceeded`: nesting deeper than `maxNestingDepth`. */
export function nestingLimitMessage(limit: number): string {
  return `maximum nesting depth exceeded (limit ${limit})`;
}

/** `nesting-limit-exceeded`: nesting within the configured limit, but deeper than this runtime's stack allows. */
export const STACK_EXHAUSTED_MESSAGE = 'the expression nests too deeply to be parsed';
