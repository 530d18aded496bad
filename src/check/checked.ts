/**
 * The checked tree: the checker's output and the compiler's only input. Names are resolved,
 * every node has its type, and literals are interpreted by the type they are compared with.
 *
 * @module
 */
import type { ComparisonOperator, LogicalOperator, Span } from '../syntax/ast.js';
import type { OperatorsReading } from '../syntax/operators.js';
import type { CheckedListItem, FieldInfo, ListInfo } from '../scheme/environment.js';
import type { BuiltinFunction } from '../scheme/functions.js';
import type { Type } from '../scheme/types.js';
import type { BytesLiteral } from '../values/bytes.js';
import type { IntSetItem, IntValue } from '../values/int.js';
import type { IpAddress, IpSetItem } from '../values/ip.js';
import type { CompiledRegex } from '../values/regex/index.js';
import type { WildcardPattern } from '../values/wildcard.js';

/** Fields and lists as the scheme registers them, which checked trees refer to. */
export type { CheckedListItem, FieldInfo, ListInfo };

/** A condition: type `Bool`, or `Array<Bool>` when `array` is true (element-wise). */
export type CheckedCondition =
  | { kind: 'logical'; operator: LogicalOperator; operands: CheckedCondition[]; array: boolean; span: Span }
  | { kind: 'not'; operand: CheckedCondition; array: boolean; span: Span }
  | { kind: 'quantifier'; quantifier: 'any' | 'all'; argument: CheckedCondition; array: false; span: Span }
  | { kind: 'constant'; value: boolean; array: false; span: Span }
  | { kind: 'compare'; left: CheckedValue; test: ComparisonTest; array: boolean; span: Span }
  /**
   * A Bool or Array<Bool> value used as a condition. `direct` marks the bare argument of
   * any()/all() (`all(ab)`, not `all((ab))`): the engine evaluates that field itself, so a
   * missing one makes both false, while any wrapped form yields an empty array for it.
   */
  | { kind: 'value'; value: CheckedValue; array: boolean; span: Span; direct?: boolean };

/**
 * The right-hand side of a comparison, shaped for the left-hand type: one shape per way of
 * reading it (the operator table's `right`), so a new operator joins the shape of its row.
 */
export type ComparisonTest =
  | { operator: OperatorsReading<'literal'>; literal: ScalarLiteral }
  | { operator: OperatorsReading<'bytes'>; literal: BytesLiteral }
  | { operator: OperatorsReading<'regex'>; regex: CompiledRegex }
  | { operator: OperatorsReading<'wildcard' | 'case-sensitive wildcard'>; pattern: WildcardPattern }
  | { operator: OperatorsReading<'integer'>; value: IntValue }
  | { operator: OperatorsReading<'set'>; set: SetItems }
  | { operator: 'in-list'; list: ListInfo };

/** A single literal of a scalar type. */
export type ScalarLiteral =
  | { type: 'Bytes'; value: BytesLiteral }
  | { type: 'Int'; value: IntValue }
  | { type: 'Ip'; value: IpAddress };

/** The items of a set literal, by element type. */
export type SetItems =
  | { type: 'Bytes'; items: BytesLiteral[] }
  | { type: 'Int'; items: IntSetItem[] }
  | { type: 'Ip'; items: IpSetItem[] };

/**
 * A value. When `mapped` is true the node stands for the elements produced by `[*]`
 * (its `type` is the element type) and evaluates to a list of values.
 */
export type CheckedValue =
  | { kind: 'field'; field: FieldInfo; type: Type; mapped: false; span: Span }
  | { kind: 'call'; fn: BuiltinFunction; args: CheckedValue[]; implicit: FieldInfo[]; type: Type; mapped: false; span: Span }
  | { kind: 'index'; object: CheckedValue; key: number | string; type: Type; mapped: boolean; span: Span }
  | { kind: 'each'; object: CheckedValue; type: Type; mapped: true; span: Span }
  | { kind: 'literal'; value: unknown; type: Type; mapped: false; span: Span }
  | { kind: 'condition'; condition: CheckedCondition; type: Type; mapped: false; span: Span };

/** One use of `ComparisonOperator` in the checked tree, re-exported for the compiler. */
export type { ComparisonOperator };
