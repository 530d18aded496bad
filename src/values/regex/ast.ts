/**
 * Abstract syntax tree of a Rust `regex` pattern.
 *
 * The shapes mirror the `regex-syntax` crate's `ast` module (version 0.8) so
 * that the parser, the nesting-limit check and the error spans behave like the
 * engine Cloudflare runs. Spans are UTF-16 code unit offsets into the pattern
 * string (Rust uses UTF-8 byte offsets; the JS API speaks in string indexes).
 *
 * @module
 */

/** A half-open range `[start, end)` of UTF-16 offsets into the pattern. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Inline flag letters understood by Rust's `regex` (`(?imsUuxR)`). */
export type FlagChar = 'i' | 'm' | 's' | 'U' | 'u' | 'x' | 'R';

/** One item of a flag group: either a flag letter or the `-` negation marker. */
export type FlagsItem =
  | { readonly kind: 'negation'; readonly span: Span }
  | { readonly kind: 'flag'; readonly flag: FlagChar; readonly span: Span };

/** The flags written in `(?i-s)` or `(?i-s:…)`. */
export interface Flags {
  readonly span: Span;
  readonly items: readonly FlagsItem[];
}

/**
 * How a literal was spelled. Only the distinction "two-digit `\xHH`" versus
 * everything else changes semantics: in byte mode (Unicode off) `\xHH` is the
 * raw byte HH, whereas every other spelling denotes a Unicode scalar value.
 */
export type LiteralKind =
  | 'verbatim'
  | 'meta'
  | 'superfluous'
  | 'octal'
  | 'hexFixedX'
  | 'hexFixedU'
  | 'hexBrace'
  | 'special';

/** A single character (Unicode scalar value) of the pattern. */
export interface Literal {
  readonly type: 'literal';
  readonly span: Span;
  readonly kind: LiteralKind;
  /** The code point. */
  readonly c: number;
}

/** Zero-width assertions. */
export type AssertionKind =
  | 'startLine'
  | 'endLine'
  | 'startText'
  | 'endText'
  | 'wordBoundary'
  | 'notWordBoundary'
  | 'wordBoundaryStart'
  | 'wordBoundaryEnd'
  | 'wordBoundaryStartAngle'
  | 'wordBoundaryEndAngle'
  | 'wordBoundaryStartHalf'
  | 'wordBoundaryEndHalf';

/** `\d`, `\s`, `\w` and their negations. */
export interface ClassPerl {
  readonly type: 'classPerl';
  readonly span: Span;
  readonly kind: 'digit' | 'space' | 'word';
  readonly negated: boolean;
}

/** POSIX/ASCII class names usable as `[[:name:]]`. */
export type AsciiClassKind =
  | 'alnum'
  | 'alpha'
  | 'ascii'
  | 'blank'
  | 'cntrl'
  | 'digit'
  | 'graph'
  | 'lower'
  | 'print'
  | 'punct'
  | 'space'
  | 'upper'
  | 'word'
  | 'xdigit';

/** `\pL`, `\p{Greek}`, `\p{sc=Greek}`, `\P{…}`. */
export interface ClassUnicode {
  readonly type: 'classUnicode';
  readonly span: Span;
  /** True for `\P`. */
  readonly negated: boolean;
  readonly kind:
    | { readonly type: 'oneLetter'; readonly letter: string }
    | { readonly type: 'named'; readonly name: string }
    | {
        readonly type: 'namedValue';
        readonly op: 'equal' | 'colon' | 'notEqual';
        readonly name: string;
        readonly value: string;
      };
}

/** A bracketed class `[…]`. */
export interface ClassBracketed {
  readonly type: 'classBracketed';
  readonly span: Span;
  readonly negated: boolean;
  readonly set: ClassSet;
}

/** The contents of a bracketed class: a union of items or a set operation. */
export type ClassSet =
  | { readonly type: 'item'; readonly item: ClassSetItem }
  | {
      readonly type: 'binaryOp';
      readonly span: Span;
      readonly op: 'intersection' | 'difference' | 'symmetricDifference';
      readonly lhs: ClassSet;
      readonly rhs: ClassSet;
    };

/** One element of a class union. */
export type ClassSetItem =
  | { readonly type: 'empty'; readonly span: Span }
  | Literal
  | { readonly type: 'range'; readonly span: Span; readonly start: Literal; readonly end: Literal }
  | {
      readonly type: 'ascii';
      readonly span: Span;
      readonly kind: AsciiClassKind;
      readonly negated: boolean;
    }
  | ClassUnicode
  | ClassPerl
  | ClassBracketed
  | { readonly type: 'union'; readonly span: Span; readonly items: readonly ClassSetItem[] };

/** Repetition operators. `max === undefined` means unbounded. */
export type RepetitionKind =
  | { readonly type: 'zeroOrOne' }
  | { readonly type: 'zeroOrMore' }
  | { readonly type: 'oneOrMore' }
  | { readonly type: 'range'; readonly min: number; readonly max: number | undefined; readonly exact: boolean };

/** Group flavours. */
export type GroupKind =
  | { readonly type: 'captureIndex'; readonly index: number }
  | { readonly type: 'captureName'; readonly index: number; readonly name: string; readonly nameSpan: Span }
  | { readonly type: 'nonCapturing'; readonly flags: Flags };

/** A node of the pattern's syntax tree. */
export type Ast =
  | { readonly type: 'empty'; readonly span: Span }
  | { readonly type: 'flags'; readonly span: Span; readonly flags: Flags }
  | Literal
  | { readonly type: 'dot'; readonly span: Span }
  | { readonly type: 'assertion'; readonly span: Span; readonly kind: AssertionKind }
  | ClassUnicode
  | ClassPerl
  | ClassBracketed
  | {
      readonly type: 'repetition';
      readonly span: Span;
      readonly op: { readonly span: Span; readonly kind: RepetitionKind };
      readonly greedy: boolean;
      readonly ast: Ast;
    }
  | { readonly type: 'group'; readonly span: Span; readonly kind: GroupKind; readonly ast: Ast }
  | { readonly type: 'alternation'; readonly span: Span; readonly asts: readonly Ast[] }
  | { readonly type: 'concat'; readonly span: Span; readonly asts: readonly Ast[] };
