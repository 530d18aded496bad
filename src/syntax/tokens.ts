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
      if (previous === undefined || (previous.tokenType !== Matches && previous.tokenType !== Tilde)) return null;
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

export const Not = keyword('Not', 'not', [NotOperator]);
export const And = keyword('And', 'and', [AndOperator]);
export const Xor = keyword('Xor', 'xor', [XorOperator]);
export const Or = keyword('Or', 'or', [OrOperator]);
export const True = keyword('True', 'true');

/** `strict wildcard`: exactly one space between the words. */
export const StrictWildcard = keyword('StrictWildcard', 'strict wildcard', [ComparisonOperator]);
export const Eq = keyword('Eq', 'eq', [ComparisonOperator]);
export const Ne = keyword('Ne', 'ne', [ComparisonOperator]);
export const Lt = keyword('Lt', 'lt', [ComparisonOperator]);
export const Le = keyword('Le', 'le', [ComparisonOperator]);
export const Gt = keyword('Gt', 'gt', [ComparisonOperator]);
export const Ge = keyword('Ge', 'ge', [ComparisonOperator]);
export const Contains = keyword('Contains', 'contains', [ComparisonOperator]);
export const Matches = keyword('Matches', 'matches', [ComparisonOperator]);
export const Wildcard = keyword('Wildcard', 'wildcard', [ComparisonOperator]);
export const In = keyword('In', 'in', [ComparisonOperator]);
export const BitwiseAnd = keyword('BitwiseAnd', 'bitwise_and', [ComparisonOperator]);

const symbol = (name: string, pattern: RegExp, categories: TokenType[] = []): TokenType =>
  createToken({ name, pattern, categories });

export const AmpAmp = symbol('AmpAmp', /&&/, [AndOperator]);
export const PipePipe = symbol('PipePipe', /\|\|/, [OrOperator]);
export const CaretCaret = symbol('CaretCaret', /\^\^/, [XorOperator]);
export const EqEq = symbol('EqEq', /==/, [ComparisonOperator]);
export const BangEq = symbol('BangEq', /!=/, [ComparisonOperator]);
export const LessEq = symbol('LessEq', /<=/, [ComparisonOperator]);
export const Less = symbol('Less', /</, [ComparisonOperator]);
export const GreaterEq = symbol('GreaterEq', />=/, [ComparisonOperator]);
export const Greater = symbol('Greater', />/, [ComparisonOperator]);
export const Tilde = symbol('Tilde', /~/, [ComparisonOperator]);
export const Amp = symbol('Amp', /&/, [ComparisonOperator]);
export const Bang = symbol('Bang', /!/, [NotOperator]);
export const LParen = symbol('LParen', /\(/);
export const RParen = symbol('RParen', /\)/);
export const LBracket = symbol('LBracket', /\[/);
export const RBracket = symbol('RBracket', /\]/);
export const LCurly = symbol('LCurly', /\{/);
export const RCurly = symbol('RCurly', /\}/);
export const Comma = symbol('Comma', /,/);
export const Star = symbol('Star', /\*/);

for (const t of [
  StrictWildcard, Eq, Ne, Lt, Le, Gt, Ge, Contains, Matches, Wildcard, In, BitwiseAnd,
  EqEq, BangEq, LessEq, Less, GreaterEq, Greater, Tilde, Amp,
  LCurly, BareLiteral, QuotedString, RawString,
]) {
  COMPARISON_OR_SET_START.add(t);
}
ARGUMENT_START.add(LParen);
ARGUMENT_START.add(Comma);

/** Comparison operator names as they appear in the AST, keyed by token type. */
export const COMPARISON_OPERATOR_OF_TOKEN = new Map<TokenType, string>([
  [Eq, 'eq'], [EqEq, 'eq'], [Ne, 'ne'], [BangEq, 'ne'],
  [Lt, 'lt'], [Less, 'lt'], [Le, 'le'], [LessEq, 'le'],
  [Gt, 'gt'], [Greater, 'gt'], [Ge, 'ge'], [GreaterEq, 'ge'],
  [Contains, 'contains'], [Matches, 'matches'], [Tilde, 'matches'],
  [Wildcard, 'wildcard'], [StrictWildcard, 'strict wildcard'],
  [In, 'in'], [BitwiseAnd, 'bitwise_and'], [Amp, 'bitwise_and'],
]);

/** Every token type, in lexing priority order. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  RawString,
  RegexString,
  QuotedString,
  ListReference,
  BareLiteral,
  Any, All,
  StrictWildcard,
  Not, And, Xor, Or, True,
  Eq, Ne, Lt, Le, Gt, Ge, Contains, Matches, Wildcard, In, BitwiseAnd,
  Identifier,
  AmpAmp, PipePipe, CaretCaret, EqEq, BangEq, LessEq, Less, GreaterEq, Greater, Tilde, Amp, Bang,
  LParen, RParen, LBracket, RBracket, LCurly, RCurly, Comma, Star,
  NotOperator, AndOperator, XorOperator, OrOperator, ComparisonOperator, Quantifier, StringToken,
];
