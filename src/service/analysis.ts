/**
 * Shared analysis for the editor features: tokens of (possibly broken) text, bracket
 * structure, and where a value or literal stands.
 *
 * Editor requests concern the text around the cursor, which is usually incomplete. The
 * lexer works on any text, so the features locate things by tokens first; the types of the
 * values they find come from the checker (see `semantic-model.ts`).
 *
 * @module
 */
import type { TokenType } from 'chevrotain';
import { DiagnosticBag, type Span } from '../diagnostics/diagnostics.js';
import type { ComparisonOperator } from '../syntax/ast.js';
import { tokenize } from '../syntax/lexer.js';
import { comparisonOperatorSpec, type ComparisonOperatorRow, type LogicalOperatorName } from '../syntax/operators.js';
import {
  All,
  Any,
  BareLiteral,
  Comma,
  COMPARISON_OPERATOR_OF_TOKEN,
  Identifier,
  keywordTokens,
  LBracket,
  LCurly,
  ListReference,
  LOGICAL_OPERATOR_OF_TOKEN,
  LParen,
  QuotedString,
  RawString,
  RBracket,
  RCurly,
  RegexString,
  RParen,
  Star,
  True,
  type QuotedStringPayload,
  type RawStringPayload,
} from '../syntax/tokens.js';

/** A token of the text, with absolute offsets. */
export interface Token {
  type: TokenType;
  image: string;
  start: number;
  end: number;
  payload?: unknown;
}

/** The tokens of a text and the ranges the lexer could not turn into tokens. */
export interface Lexed {
  tokens: Token[];
  invalid: Span[];
}

/** Lexes any text (never throws; unknown characters become {@link Lexed.invalid} ranges). */
export function lex(text: string): Lexed {
  const bag = new DiagnosticBag(text);
  const tokens = tokenize(text, 0, bag).map((t) => ({
    type: t.tokenType,
    image: t.image,
    start: t.startOffset,
    end: t.startOffset + t.image.length,
    payload: t.payload as unknown,
  }));
  return { tokens, invalid: bag.items.map((d) => d.span) };
}

const WORD_TYPES = new Set<TokenType>([Identifier, ...keywordTokens]);
const STRING_TYPES = new Set<TokenType>([QuotedString, RawString, RegexString]);

/** A comparison operator token (`eq`, `==`, `in`, `&`, …). */
export const isComparisonOperator = (t: Token | undefined): boolean => t !== undefined && COMPARISON_OPERATOR_OF_TOKEN.has(t.type);
/** A logical operator token (`and`, `&&`, `not`, `!`, …). */
export const isLogicalOperator = (t: Token | undefined): boolean => t !== undefined && LOGICAL_OPERATOR_OF_TOKEN.has(t.type);
/** A token made of letters that the user may still be typing (a name or a keyword). */
export const isWord = (t: Token | undefined): boolean => t !== undefined && WORD_TYPES.has(t.type);
/** A string literal token of any form. */
export const isString = (t: Token | undefined): boolean => t !== undefined && STRING_TYPES.has(t.type);
/** A literal token (string or bare). */
export const isLiteral = (t: Token | undefined): boolean => t !== undefined && (STRING_TYPES.has(t.type) || t.type === BareLiteral);

/** True when the string token has its closing quote. */
export function isTerminated(t: Token): boolean {
  if (t.type === RawString) return (t.payload as RawStringPayload).terminated;
  return (t.payload as QuotedStringPayload).terminated;
}

/** Offsets of a string token's content (between the quotes). */
export function stringContent(t: Token): Span {
  if (t.type === RawString) {
    const p = t.payload as RawStringPayload;
    return { start: t.start + p.contentStart, end: t.start + p.contentEnd };
  }
  return { start: t.start + 1, end: isTerminated(t) ? t.end - 1 : t.end };
}

/** The English name of a comparison operator token, e.g. `==` → `eq`. */
export function comparisonName(t: Token | undefined): ComparisonOperator | undefined {
  return t === undefined ? undefined : COMPARISON_OPERATOR_OF_TOKEN.get(t.type);
}

/** The operator-table row of a comparison operator token. */
export function comparisonOperatorOf(t: Token | undefined): ComparisonOperatorRow | undefined {
  const name = comparisonName(t);
  return name === undefined ? undefined : comparisonOperatorSpec(name);
}

/** The English name of a logical operator token, e.g. `&&` → `and`. */
export function logicalName(t: Token): LogicalOperatorName | undefined {
  return LOGICAL_OPERATOR_OF_TOKEN.get(t.type);
}

/** What an unclosed bracket opens. */
export type OpenerKind = 'call' | 'quantifier' | 'group' | 'index' | 'set';

/** An unclosed bracket before some position. */
export interface Opener {
  /** Index of the bracket token. */
  index: number;
  kind: OpenerKind;
}

/** The brackets opened and not closed among `tokens[0..end)`, outermost first. */
export function openBrackets(tokens: readonly Token[], end: number): Opener[] {
  const stack: Opener[] = [];
  const closeTo = (kinds: OpenerKind[]): void => {
    for (let j = stack.length - 1; j >= 0; j--) {
      if (kinds.includes(stack[j]!.kind)) {
        stack.length = j;
        return;
      }
    }
  };
  for (let i = 0; i < end; i++) {
    const t = tokens[i]!;
    const before = tokens[i - 1];
    switch (t.type) {
      case LParen:
        stack.push({
          index: i,
          kind: before?.type === Identifier ? 'call' : before?.type === Any || before?.type === All ? 'quantifier' : 'group',
        });
        break;
      case LBracket:
        stack.push({ index: i, kind: 'index' });
        break;
      case LCurly:
        stack.push({ index: i, kind: 'set' });
        break;
      case RParen:
        closeTo(['call', 'quantifier', 'group']);
        break;
      case RBracket:
        closeTo(['index']);
        break;
      case RCurly:
        closeTo(['set']);
        break;
    }
  }
  return stack;
}

/**
 * Which argument of the call opened by `tokens[open]` the cursor at `offset` is in: the
 * number of commas between them outside nested brackets.
 */
export function argumentIndex(tokens: readonly Token[], open: number, offset: number): number {
  let depth = 0;
  let commas = 0;
  for (let j = open + 1; j < tokens.length && tokens[j]!.end <= offset; j++) {
    const type = tokens[j]!.type;
    if (type === LParen || type === LBracket || type === LCurly) depth++;
    else if (type === RParen || type === RBracket || type === RCurly) depth--;
    else if (type === Comma && depth === 0) commas++;
  }
  return commas;
}

/** Index of the bracket matching the closer at `close`, searching backwards. */
function matchingOpener(tokens: readonly Token[], close: number, open: TokenType, closer: TokenType): number | undefined {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const type = tokens[i]!.type;
    if (type === closer) depth++;
    else if (type === open && --depth === 0) return i;
  }
  return undefined;
}

/**
 * Index of the name that starts the value ending with `tokens[end]` (a field, a call, an
 * index chain), or `undefined` when that token does not end a value.
 */
export function valueStart(tokens: readonly Token[], end: number): number | undefined {
  let i = end;
  while (i >= 0) {
    const t = tokens[i]!;
    if (t.type === Identifier) return i;
    if (t.type === RBracket) {
      const open = matchingOpener(tokens, i, LBracket, RBracket);
      if (open === undefined) return undefined;
      i = open - 1;
      continue;
    }
    if (t.type === RParen) {
      const open = matchingOpener(tokens, i, LParen, RParen);
      if (open === undefined || tokens[open - 1]?.type !== Identifier) return undefined;
      return open - 1;
    }
    return undefined;
  }
  return undefined;
}

/**
 * Where a literal token stands: the right-hand side (or a set item) of a comparison whose
 * operator is at `operator`, an array index, a function argument, or somewhere else.
 */
export type LiteralRole =
  | { role: 'operand'; operator: number; inSet: boolean }
  | { role: 'index' }
  | { role: 'argument' }
  | { role: 'other' };

/** The role of the literal `tokens[index]`. */
export function literalRole(tokens: readonly Token[], index: number): LiteralRole {
  // Set items follow `{` and each other; walk back over them to the `{`.
  let i = index - 1;
  while (i >= 0 && (isLiteral(tokens[i]) || tokens[i]!.type === True)) i--;
  const inSet = tokens[i]?.type === LCurly;
  i = inSet ? i - 1 : index - 1;
  const before = tokens[i];
  if (isComparisonOperator(before)) return { role: 'operand', operator: i, inSet };
  if (before?.type === LBracket) return { role: 'index' };
  if (before?.type === LParen || before?.type === Comma) return { role: 'argument' };
  return { role: 'other' };
}

/** Index of the token that contains `offset` strictly inside, or ends exactly at it. */
export function tokenAt(tokens: readonly Token[], offset: number): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.start >= offset) break;
    if (offset <= t.end) found = i;
  }
  return found;
}

/** Index of the last token ending at or before `offset`. */
export function lastTokenBefore(tokens: readonly Token[], offset: number): number {
  let index = -1;
  for (let i = 0; i < tokens.length && tokens[i]!.end <= offset; i++) index = i;
  return index;
}

/** The token kinds the features need to recognise by identity. */
export const T = {
  Identifier, BareLiteral, ListReference, LParen, RParen, LBracket, RBracket, LCurly, RCurly, Comma, Star, True,
  Any, All, RegexString, RawString, QuotedString,
} as const;
