/**
 * Error kinds and messages of the regex front end.
 *
 * Messages reuse the wording of Rust's `regex-syntax` (0.8) so that users see
 * the same text Cloudflare's API would print; kinds that Rust does not have
 * (limits of this port) say so explicitly.
 *
 * @module
 */

import type { Span } from './ast.js';

/** Every reason a pattern can be rejected. */
export type RegexErrorKind =
  // regex-syntax AST errors
  | 'CaptureLimitExceeded'
  | 'ClassEscapeInvalid'
  | 'ClassRangeInvalid'
  | 'ClassRangeLiteral'
  | 'ClassUnclosed'
  | 'DecimalEmpty'
  | 'DecimalInvalid'
  | 'EscapeHexEmpty'
  | 'EscapeHexInvalid'
  | 'EscapeHexInvalidDigit'
  | 'EscapeUnexpectedEof'
  | 'EscapeUnrecognized'
  | 'FlagDanglingNegation'
  | 'FlagDuplicate'
  | 'FlagRepeatedNegation'
  | 'FlagUnexpectedEof'
  | 'FlagUnrecognized'
  | 'GroupNameDuplicate'
  | 'GroupNameEmpty'
  | 'GroupNameInvalid'
  | 'GroupNameUnexpectedEof'
  | 'GroupUnclosed'
  | 'GroupUnopened'
  | 'NestLimitExceeded'
  | 'RepetitionCountInvalid'
  | 'RepetitionCountDecimalEmpty'
  | 'RepetitionCountUnclosed'
  | 'RepetitionMissing'
  | 'SpecialWordBoundaryUnclosed'
  | 'SpecialWordBoundaryUnrecognized'
  | 'SpecialWordOrRepetitionUnexpectedEof'
  | 'UnicodeClassInvalid'
  | 'UnsupportedBackreference'
  | 'UnsupportedLookAround'
  // regex-syntax HIR (translation) errors
  | 'UnicodeNotAllowed'
  | 'UnicodePropertyNotFound'
  | 'UnicodePropertyValueNotFound'
  // regex-automata build errors
  | 'CompiledTooBig'
  // limits of this TypeScript port
  | 'Unsupported';

const MESSAGES: Readonly<Record<Exclude<RegexErrorKind, 'NestLimitExceeded' | 'CompiledTooBig' | 'Unsupported'>, string>> = {
  CaptureLimitExceeded: 'exceeded the maximum number of capturing groups (4294967295)',
  ClassEscapeInvalid: 'invalid escape sequence found in character class',
  ClassRangeInvalid: 'invalid character class range, the start must be <= the end',
  ClassRangeLiteral: 'invalid range boundary, must be a literal',
  ClassUnclosed: 'unclosed character class',
  DecimalEmpty: 'decimal literal empty',
  DecimalInvalid: 'decimal literal invalid',
  EscapeHexEmpty: 'hexadecimal literal empty',
  EscapeHexInvalid: 'hexadecimal literal is not a Unicode scalar value',
  EscapeHexInvalidDigit: 'invalid hexadecimal digit',
  EscapeUnexpectedEof: 'incomplete escape sequence, reached end of pattern prematurely',
  EscapeUnrecognized: 'unrecognized escape sequence',
  FlagDanglingNegation: 'dangling flag negation operator',
  FlagDuplicate: 'duplicate flag',
  FlagRepeatedNegation: 'flag negation operator repeated',
  FlagUnexpectedEof: 'expected flag but got end of regex',
  FlagUnrecognized: 'unrecognized flag',
  GroupNameDuplicate: 'duplicate capture group name',
  GroupNameEmpty: 'empty capture group name',
  GroupNameInvalid: 'invalid capture group character',
  GroupNameUnexpectedEof: 'unclosed capture group name',
  GroupUnclosed: 'unclosed group',
  GroupUnopened: 'unopened group',
  RepetitionCountInvalid: 'invalid repetition count range, the start must be <= the end',
  RepetitionCountDecimalEmpty: 'repetition quantifier expects a valid decimal',
  RepetitionCountUnclosed: 'unclosed counted repetition',
  RepetitionMissing: 'repetition operator missing expression',
  SpecialWordBoundaryUnclosed:
    'special word boundary assertion is either unclosed or contains an invalid character',
  SpecialWordBoundaryUnrecognized:
    'unrecognized special word boundary assertion, valid choices are: start, end, start-half or end-half',
  SpecialWordOrRepetitionUnexpectedEof:
    'found either the beginning of a special word boundary or a bounded repetition on a \\b with an opening brace, but no closing brace',
  UnicodeClassInvalid: 'invalid Unicode character class',
  UnsupportedBackreference: 'backreferences are not supported',
  UnsupportedLookAround: 'look-around, including look-ahead and look-behind, is not supported',
  UnicodeNotAllowed: 'Unicode not allowed here',
  UnicodePropertyNotFound: 'Unicode property not found',
  UnicodePropertyValueNotFound: 'Unicode property value not found',
};

/**
 * Thrown internally by the parser and the translator; converted into a
 * `{ ok: false }` result at the API boundary, never escapes the module.
 */
export class RegexError extends Error {
  constructor(
    readonly kind: RegexErrorKind,
    readonly span: Span,
    message: string,
  ) {
    super(message);
    this.name = 'RegexError';
  }
}

/** Builds a {@link RegexError} with Rust's message for `kind`. */
export function regexError(
  kind: Exclude<RegexErrorKind, 'NestLimitExceeded' | 'CompiledTooBig' | 'Unsupported'>,
  span: Span,
): RegexError {
  return new RegexError(kind, span, MESSAGES[kind]);
}

/** The nesting-limit error, whose message embeds the configured limit. */
export function nestLimitError(limit: number, span: Span): RegexError {
  return new RegexError(
    'NestLimitExceeded',
    span,
    `exceed the maximum number of nested parentheses/brackets (${limit})`,
  );
}

/** A construct Rust accepts but this port cannot execute (documented limits). */
export function unsupportedError(what: string, span: Span): RegexError {
  return new RegexError('Unsupported', span, `${what} is not supported by this implementation`);
}
