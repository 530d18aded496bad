/**
 * The syntax tree produced by the parser. Every node has a `span` of UTF-16 offsets into the
 * expression as given. Names are not resolved and unquoted literals are not interpreted
 * here: that needs the scheme and is the checker's job.
 *
 * @module
 */
import type { Span } from '../diagnostics/diagnostics.js';
import type { ComparisonOperator, LogicalOperatorName } from './operators.js';

export type { Span };

/** Comparison operators, by their English name (one per row of the operator table). */
export type { ComparisonOperator };

/** Logical operators of n-ary expressions. */
export type LogicalOperator = Exclude<LogicalOperatorName, 'not'>;

/** Any node that can stand where a condition is expected. */
export type Expression =
  | LogicalExpression
  | NotExpression
  | GroupExpression
  | QuantifierExpression
  | ComparisonExpression
  | TrueExpression
  | ValueExpression
  | ErrorNode;

/** Operands joined by one logical operator: `a and b and c` is one node with three operands. */
export interface LogicalExpression {
  kind: 'Logical';
  operator: LogicalOperator;
  operands: Expression[];
  span: Span;
}

/** `not x` or `!x`. */
export interface NotExpression {
  kind: 'Not';
  operand: Expression;
  span: Span;
}

/** `( expression )`, kept so spans and formatting can follow the source. */
export interface GroupExpression {
  kind: 'Group';
  expression: Expression;
  span: Span;
}

/** `any(…)` / `all(…)`. */
export interface QuantifierExpression {
  kind: 'Quantifier';
  quantifier: 'any' | 'all';
  argument: Expression;
  span: Span;
}

/** The bare `true` expression ("match every request"). */
export interface TrueExpression {
  kind: 'True';
  span: Span;
}

/** `left operator right`. */
export interface ComparisonExpression {
  kind: 'Comparison';
  left: ValueExpression;
  operator: ComparisonOperator;
  operatorSpan: Span;
  right: RightHandSide;
  span: Span;
}

/** A value read from the request: a field, a call, or an indexed value. */
export type ValueExpression = FieldReference | FunctionCall | IndexExpression;

/** A dotted name used as a value. Resolved against the scheme by the checker. */
export interface FieldReference {
  kind: 'Field';
  name: string;
  span: Span;
}

/** `name(arg, …)`. */
export interface FunctionCall {
  kind: 'Call';
  name: string;
  nameSpan: Span;
  args: Argument[];
  span: Span;
}

/** `value[0]`, `value["key"]` or `value[*]`. */
export interface IndexExpression {
  kind: 'Index';
  object: ValueExpression;
  index: IndexSelector;
  span: Span;
}

/** What goes between the brackets of an index. */
export type IndexSelector =
  | { kind: 'ArrayIndex'; literal: BareLiteral; span: Span }
  | { kind: 'MapKey'; literal: StringLiteral; span: Span }
  | { kind: 'MapEach'; span: Span };

/** A function argument: a literal or an expression. */
export type Argument = Expression | Literal;

/** Literal forms written in an expression. */
export type Literal = StringLiteral | BareLiteral | BooleanLiteral;

/**
 * A quoted or raw string. `bytes` is the decoded content; `regex` is set instead for a
 * quoted string after `matches`, whose backslashes belong to the regex (spec §2.6).
 */
export interface StringLiteral {
  kind: 'String';
  form: 'quoted' | 'raw' | 'regex';
  /** Decoded bytes (for `regex` strings: the UTF-8 of `pattern`). */
  bytes: Uint8Array;
  /** For `regex` strings: the pattern text handed to the regex compiler. */
  pattern?: string;
  /**
   * The content as text when the parser has it without decoding `bytes`: quoted and raw
   * strings without escapes whose text is well-formed (their bytes are its UTF-8).
   */
  text?: string;
  /** Offset of the first content character (after the opening quote). */
  contentStart: number;
  span: Span;
}

/** An unquoted literal (integer, IP, CIDR, range or hex bytes), interpreted by type. */
export interface BareLiteral {
  kind: 'Bare';
  text: string;
  span: Span;
}

/** `true` written as an operand (only ever an error, kept for a clear message). */
export interface BooleanLiteral {
  kind: 'Boolean';
  span: Span;
}

/** `{ item item … }` after `in`. */
export interface SetLiteral {
  kind: 'Set';
  items: Literal[];
  span: Span;
}

/** `$name` after `in`. */
export interface ListReference {
  kind: 'List';
  name: string;
  span: Span;
}

/** Right-hand side of a comparison; which form fits which operator is checked later. */
export type RightHandSide = Literal | SetLiteral | ListReference | ErrorNode;

/** Stands in for input the parser could not make sense of (already reported). */
export interface ErrorNode {
  kind: 'Error';
  span: Span;
}

/** Every node kind. */
export type Node = Expression | Argument | RightHandSide | IndexSelector;
