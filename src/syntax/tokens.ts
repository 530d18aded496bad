/**
 * Token types of the Rules language.
 *
 * The language is context-sensitive at the lexical level, and chevrotain's custom token
 * patterns (which see the tokens matched so far) carry that context:
 * - a quoted string right after `matches`/`~` is a *regex string* with its own escaping rules;
 * - an unquoted literal (`10:20:30:40:50:60:70:80`, `fe80::1`, `0x1F`, `1.2.3.0/24`) is one
 *   *bare literal* token whose meaning the checker decides from the left-hand type.
 *
 * @module
 */
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';
import {
  COMPARISON_OPERATOR_TABLE,
  comparisonOperatorSpec,
  LOGICAL_OPERATOR_TABLE,
  type ComparisonOperator as ComparisonOperatorName,
  type LogicalOperatorName,
} from './operators.js';

const isIdentChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHexDigit = (c: number): boolean =>
  isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
/** Characters of an unquoted literal: digits, letters, `:`, `.`, `/`, `-`. */
const isBareChar = (c: number): boolean =>
  isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 58 || c === 46 || c === 47 || c === 45;
/** `r"` or `r#`: a raw string starts here (no literal form contains an `r`). */
const startsRawString = (text: string, at: number): boolean =>
  text.charCodeAt(at) === 114 && (text.charCodeAt(at + 1) === 34 || text.charCodeAt(at + 1) === 35);
const isSpace = (c: number): boolean => c === 32 || c === 13 || c === 10;

function match(image: string, payload?: unknown): [string] & { payload?: unknown } {
  const result = [image] as [string] & { payload?: unknown };
  if (payload !== undefined) result.payload = payload;
  return result;
}

// ---------------------------------------------------------------------------------------
// Categories: one per grammar symbol, so English and symbolic spellings are interchangeable.

/** `not` or `!`. */
export const NotOperator = createToken({ name: 'NotOperator', pattern: Lexer.NA });
/** `and` or `&&`. */
export const AndOperator = createToken({ name: 'AndOperator', pattern: Lexer.NA });
/** `xor` or `^^`. */
export const XorOperator = createToken({ name: 'XorOperator', pattern: Lexer.NA });
/** `or` or `||`. */
export const OrOperator = createToken({ name: 'OrOperator', pattern: Lexer.NA });
/** Every comparison operator. */
export const ComparisonOperator = createToken({ name: 'ComparisonOperator', pattern: Lexer.NA });
/** `any` or `all` followed by `(`. */
export const Quantifier = createToken({ name: 'Quantifier', pattern: Lexer.NA });
/** Any string literal form allowed as an operand (quoted or raw). */
export const StringToken = createToken({ name: 'StringToken', pattern: Lexer.NA });

// ---------------------------------------------------------------------------------------

/** Space, CR and LF only: a TAB is not whitespace in the Rules language. */
export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \r\n]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/** Payload of a raw string token. */
export interface RawStringPayload {
  hashes: number;
  /** Offsets of the content relative to the start of the token. */
  contentStart: number;
  contentEnd: number;
  /** False when no closing `"` + hashes was found (the token runs to the end). */
  terminated: boolean;
  /** False when `r#…` is not followed by `"`. */
  opened: boolean;
}

/** `r"…"`, `r#"…"#`, … (content verbatim, no escapes). */
export const RawString = createToken({
  name: 'RawString',
  categories: [StringToken],
  line_breaks: true,
  start_chars_hint: ['r'],
  pattern: {
    exec(text, offset) {
      if (text.charCodeAt(offset) !== 114 /* r */) return null;
      let i = offset + 1;
      while (text.charCodeAt(i) === 35 /* # */) i++;
      const hashes = i - offset - 1;
      if (text.charCodeAt(i) !== 34 /* " */) {
        if (hashes === 0) return null; // an identifier such as `raw.http...`
        const payload: RawStringPayload = { hashes, contentStart: i - offset, contentEnd: i - offset, terminated: false, opened: false };
        return match(text.slice(offset, i), payload);
      }
      const contentStart = i + 1;
      const closing = '"' + '#'.repeat(hashes);
      const close = text.indexOf(closing, contentStart);
      if (close < 0) {
        const payload: RawStringPayload = {
          hashes, contentStart: contentStart - offset, contentEnd: text.length - offset, terminated: false, opened: true,
        };
        return match(text.slice(offset), payload);
      }
      const payload: RawStringPayload = {
        hashes, contentStart: contentStart - offset, contentEnd: close - offset, terminated: true, opened: true,
      };
      return match(text.slice(offset, close + closing.length), payload);
    },
  },
});

/** Payload of quoted-string tokens. */
export interface QuotedStringPayload {
  terminated: boolean;
}

const lastToken = (tokens: IToken[]): IToken | undefined => tokens[tokens.length - 1];

/** The spellings of the operators whose right-hand side is a regular expression (`matches`, `~`). */
const REGEX_OPERATORS = new Set<TokenType>();

/**
 * A quoted string right after `matches`/`~`: inside `[…]` a `"` does not end the string,
 * and backslash pairs are kept for the regex compiler (spec §2.6).
 */
export const RegexString = createToken({
  name: 'RegexString',
  categories: [StringToken],
  line_breaks: true,
  start_chars_hint: ['"'],
  pattern: {
    exec(text, offset, tokens) {
      if (text.charCodeAt(offset) !== 34) return null;
      const previous = lastToken(tokens);
      if (previous === undefined || !REGEX_OPERATORS.has(previous.tokenType)) return null;
      let inClass = false;
      for (let i = offset + 1; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 92 /* \ */) {
          i++;
          continue;
        }
        if (inClass) {
          if (c === 93 /* ] */) inClass = false;
        } else if (c === 91 /* [ */) {
          inClass = true;
        } else if (c === 34) {
          return match(text.slice(offset, i + 1), { terminated: true } satisfies QuotedStringPayload);
        }
      }
      return match(text.slice(offset), { terminated: false } satisfies QuotedStringPayload);
    },
  },
});

/** A quoted string `"…"` with the escapes `\"`, `\\`, `\xHH`, `\OOO` (validated later). */
export const QuotedString = createToken({
  name: 'QuotedString',
  categories: [StringToken],
  line_breaks: true,
  start_chars_hint: ['"'],
  pattern: {
    exec(text, offset) {
      if (text.charCodeAt(offset) !== 34) return null;
      for (let i = offset + 1; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 92) {
          i++;
        } else if (c === 34) {
          return match(text.slice(offset, i + 1), { terminated: true } satisfies QuotedStringPayload);
        }
      }
      return match(text.slice(offset), { terminated: false } satisfies QuotedStringPayload);
    },
  },
});

/** `$name`: a reference to a list; the name is validated by the parser. */
export const ListReference = createToken({ name: 'ListReference', pattern: /\$[a-z0-9_.]*/ });

const COMPARISON_OR_SET_START = new Set<TokenType>();
/** Tokens after which a function argument starts: `(` and `,`. */
const ARGUMENT_START = new Set<TokenType>();

/**
 * An unquoted literal: integers, IP addresses, CIDRs, ranges and hex byte strings. It starts
 * with a digit, `-` or `:`; or, where only a literal can stand (after a comparison operator or
 * inside a set), with a hex letter followed by a separator (`fe80::1`, `ab:cd`, `ab.cd`); or,
 * as a function argument (after `(` or `,`), with a hex letter followed by `:` or `-`
 * (`concat(s, c3:a9)`), where `ab.cd` stays a field name. A raw string glued to it ends it:
 * `{61:62r"x"}` is two items, as in the engine.
 */
export const BareLiteral = createToken({
  name: 'BareLiteral',
  start_chars_hint: [...'0123456789-:abcdefABCDEF'],
  pattern: {
    exec(text, offset, tokens) {
      const first = text.charCodeAt(offset);
      let end = offset;
      while (end < text.length && isBareChar(text.charCodeAt(end)) && !startsRawString(text, end)) end++;
      if (end === offset) return null;
      if (first === 45 /* - */) {
        if (!isDigit(text.charCodeAt(offset + 1))) return null;
      } else if (!isDigit(first) && first !== 58 /* : */) {
        const previous = lastToken(tokens);
        if (previous === undefined) return null;
        const afterOperand = COMPARISON_OR_SET_START.has(previous.tokenType);
        if (!afterOperand && !ARGUMENT_START.has(previous.tokenType)) return null;
        let i = offset;
        while (i < end && isHexDigit(text.charCodeAt(i))) i++;
        const separator = text.charCodeAt(i);
        // As an argument, `ab.cd` is a field name; `ab:cd`, `ab-cd` and `fe80::1` can only be literals.
        if (i === end || (separator !== 58 && separator !== 45 && (separator !== 46 || !afterOperand))) return null;
      }
      return match(text.slice(offset, end));
    },
  },
});

/** A dotted name; empty segments are lexed so the parser can report them precisely. */
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]*)*/ });

function keyword(name: string, word: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: new RegExp(word), longer_alt: Identifier, categories });
}

function quantifierKeyword(name: string, word: string): TokenType {
  return createToken({
    name,
    categories: [Quantifier],
    start_chars_hint: [word[0]],
    pattern: {
      exec(text, offset) {
        if (!text.startsWith(word, offset)) return null;
        let i = offset + word.length;
        if (isIdentChar(text.charCodeAt(i)) || text.charCodeAt(i) === 46) return null;
        while (isSpace(text.charCodeAt(i))) i++;
        return text.charCodeAt(i) === 40 /* ( */ ? match(word) : null;
      },
    },
  });
}

/** `any(`: true if any element of an `Array<Bool>` is true. */
export const Any = quantifierKeyword('Any', 'any');
/** `all(`: true if no element of an `Array<Bool>` is false. */
export const All = quantifierKeyword('All', 'all');

/** `true`: the condition that matches every request (written as an operand, only to report it). */
export const True = keyword('True', 'true');

const symbol = (name: string, pattern: RegExp | string, categories: TokenType[] = []): TokenType =>
  createToken({ name, pattern, categories });

// ---------------------------------------------------------------------------------------
// Operators: one keyword token per English spelling and one token per symbol, made from the
// operator tables (src/syntax/operators.ts), each in its operator's category.

/** A token and the text it matches. */
interface Spelled {
  token: TokenType;
  spelling: string;
}

/** The tokens of one operator's spellings. */
interface OperatorTokens<Name extends string> {
  name: Name;
  keyword: Spelled;
  symbol: Spelled | undefined;
}

/** `strict wildcard` → `StrictWildcard`, `bitwise_and` → `BitwiseAnd`. */
const pascalCase = (spelling: string): string =>
  spelling
    .split(/[ _]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

function operatorTokens<Name extends string>(operator: { readonly name: Name; readonly symbol?: string }, category: TokenType): OperatorTokens<Name> {
  const tokenName = pascalCase(operator.name);
  return {
    name: operator.name,
    keyword: { token: keyword(tokenName, operator.name, [category]), spelling: operator.name },
    symbol: operator.symbol === undefined ? undefined : { token: symbol(`${tokenName}Symbol`, operator.symbol, [category]), spelling: operator.symbol },
  };
}

const LOGICAL_CATEGORY: Readonly<Record<LogicalOperatorName, TokenType>> = {
  not: NotOperator,
  and: AndOperator,
  xor: XorOperator,
  or: OrOperator,
};

const logicalTokens = LOGICAL_OPERATOR_TABLE.map((operator) => operatorTokens(operator, LOGICAL_CATEGORY[operator.name]));
const comparisonTokens = COMPARISON_OPERATOR_TABLE.map((operator) => operatorTokens(operator, ComparisonOperator));

function byToken<Name extends string>(operators: readonly OperatorTokens<Name>[]): Map<TokenType, Name> {
  const names = new Map<TokenType, Name>();
  for (const { name, keyword: word, symbol: sign } of operators) {
    names.set(word.token, name);
    if (sign !== undefined) names.set(sign.token, name);
  }
  return names;
}

/** Comparison operator names as they appear in the AST, keyed by token type (either spelling). */
export const COMPARISON_OPERATOR_OF_TOKEN: ReadonlyMap<TokenType, ComparisonOperatorName> = byToken(comparisonTokens);

/** Logical operator names (`not` included), keyed by token type (either spelling). */
export const LOGICAL_OPERATOR_OF_TOKEN: ReadonlyMap<TokenType, LogicalOperatorName> = byToken(logicalTokens);

const keywords: Spelled[] = [...logicalTokens, ...comparisonTokens].map((t) => t.keyword).concat({ token: True, spelling: 'true' });
const operatorSymbols: Spelled[] = [...logicalTokens, ...comparisonTokens].flatMap((t) => (t.symbol === undefined ? [] : [t.symbol]));

/** Tokens spelled as words, which a user may still be typing: the English operators and `true`. */
export const keywordTokens: readonly TokenType[] = keywords.map((t) => t.token);

/** `(`: opens a group, a call's arguments or a quantifier's argument. */
export const LParen = symbol('LParen', /\(/);
/** `)`. */
export const RParen = symbol('RParen', /\)/);
/** `[`: opens an index. */
export const LBracket = symbol('LBracket', /\[/);
/** `]`. */
export const RBracket = symbol('RBracket', /\]/);
/** `{`: opens a set. */
export const LCurly = symbol('LCurly', /\{/);
/** `}`. */
export const RCurly = symbol('RCurly', /\}/);
/** `,`: separates function arguments. */
export const Comma = symbol('Comma', /,/);
/** `*`: every element, in `[*]`. */
export const Star = symbol('Star', /\*/);

for (const [token, name] of COMPARISON_OPERATOR_OF_TOKEN) {
  COMPARISON_OR_SET_START.add(token);
  if (comparisonOperatorSpec(name).right === 'regex') REGEX_OPERATORS.add(token);
}
for (const t of [LCurly, BareLiteral, QuotedString, RawString]) COMPARISON_OR_SET_START.add(t);
ARGUMENT_START.add(LParen);
ARGUMENT_START.add(Comma);

/** Longest spelling first: the lexer takes the first pattern that matches (`<=` before `<`). */
const longestFirst = (tokens: readonly Spelled[]): TokenType[] =>
  [...tokens].sort((a, b) => b.spelling.length - a.spelling.length).map((t) => t.token);

/** Every token type, in lexing priority order. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  RawString,
  RegexString,
  QuotedString,
  ListReference,
  BareLiteral,
  Any, All,
  // Before Identifier, which each of them names as its longer alternative.
  ...longestFirst(keywords),
  Identifier,
  ...longestFirst(operatorSymbols),
  LParen, RParen, LBracket, RBracket, LCurly, RCurly, Comma, Star,
  NotOperator, AndOperator, XorOperator, OrOperator, ComparisonOperator, Quantifier, StringToken,
];
