/**
 * The checker: resolves names against the scheme, assigns types, interprets literals by the
 * type they meet, and reports every problem it finds as a diagnostic. It keeps going after an
 * error (an erroneous subtree yields `undefined` and its parent carries on), so independent
 * errors in one expression are all reported.
 *
 * @module
 */
import type {
  Argument,
  BareLiteral,
  ComparisonExpression,
  Expression,
  IndexExpression,
  Literal,
  RightHandSide,
  Span,
  StringLiteral,
  ValueExpression,
} from '../syntax/ast.js';
import { describeParameterType, isConcreteType, type BuiltinFunction, type ParameterSpec } from '../scheme/functions.js';
import { ARRAY_OF_BOOL, arrayOf, BOOL, BYTES, formatType, INT, IP, type Type } from '../scheme/types.js';
import { BytesLiteral, decodeUtf8Strict, parseHexBytesLiteral } from '../values/bytes.js';
import { parseIntLiteral, parseIntSetItem, type IntSetItem, type IntValue } from '../values/int.js';
import { parseIpLiteral, type IpSetItem } from '../values/ip.js';
import { compileRegex, DEFAULT_SIZE_LIMIT as DEFAULT_REGEX_SIZE_LIMIT, type CompiledRegex } from '../values/regex/index.js';
import { compileWildcard } from '../values/wildcard.js';
import type { CheckedCondition, CheckedValue, ComparisonTest, FieldInfo, ListInfo, ScalarLiteral, SetItems } from './checked.js';
import { DiagnosticBag } from '../diagnostics/diagnostics.js';
import { guardStack } from '../diagnostics/stack.js';
import { closestName } from '../diagnostics/suggest.js';
import { appliesTo, closedGate, comparisonOperatorSpec, type ComparisonOperatorRow, type RightHandReading } from '../syntax/operators.js';
import type { CheckOptions } from '../scheme/options.js';

/** What the checker needs to know about a scheme. */
export interface CheckEnvironment {
  field(name: string): FieldInfo | undefined;
  function(name: string): BuiltinFunction | undefined;
  list(name: string): ListInfo | undefined;
  /** False when the scheme was built without a list registry (unknown lists then only warn). */
  readonly hasListRegistry: boolean;
  /** Names for "did you mean" suggestions. */
  names(): Iterable<string>;
  readonly options: CheckOptions;
}

/**
 * Default `regexCostLimit`: estimated compiled size (bytes) above which a regex is
 * `slow-regex` (an eighth of it for patterns with Unicode word boundaries, which run on the
 * Pike VM). Below it, the slowest patterns measured cost about 7 µs per input byte.
 */
export const DEFAULT_REGEX_COST_LIMIT = 64 * 1024;

/** Largest array index (the engine's index type is a 32-bit unsigned integer). */
const MAX_ARRAY_INDEX = 0xffffffff;

/** The expression an index chain starts from (`f(x)` in `f(x)[*][0]`). */
function indexBase(node: IndexExpression): ValueExpression {
  let base: ValueExpression = node;
  while (base.kind === 'Index') base = base.object;
  return base;
}

/** Keywords that may precede a name (tried when an unknown identifier starts with one). */
const GLUED_KEYWORDS = ['not'] as const;

/** Right-hand sides whose meaning does not depend on the left-hand type. */
const PATTERN_READINGS: ReadonlySet<RightHandReading> = new Set(['regex', 'wildcard', 'case-sensitive wildcard']);

const describeOperator = (operator: string): string => `\`${operator}\``;

/** Checks a parsed expression. Returns the checked tree, or `undefined` if it has errors. */
export function checkFilter(ast: Expression, env: CheckEnvironment, bag: DiagnosticBag): CheckedCondition | undefined {
  const checker = new Checker(env, bag);
  const root = checker.condition(ast);
  if (root?.array) {
    bag.error('type-mismatch', 'expected value of type Bool, but got Array<Bool>: wrap a comparison over `[*]` in any(…) or all(…)', ast.span);
    return undefined;
  }
  return bag.hasErrors ? undefined : root;
}

/** A value of a syntax tree and the type the checker gave it. */
export interface TypedValue {
  readonly node: ValueExpression;
  /** `undefined` when the value has no type: an unknown name, or a call or index that cannot be typed. */
  readonly type: Type | undefined;
  /** True when the value stands for the elements produced by `[*]` (`type` is then the element type). */
  readonly mapped: boolean;
}

/**
 * Whether a value is a condition on its own: a `Bool` (one per element when mapped over
 * `[*]`), or an `Array<Bool>` taken whole.
 */
export function isConditionValue(value: { readonly type: Type | undefined; readonly mapped: boolean }): boolean {
  return value.type === BOOL || (value.type === ARRAY_OF_BOOL && !value.mapped);
}

const spanKey = (span: Span): string => `${span.start}:${span.end}`;

/** The values of a syntax tree with their types, as the tolerant checker found them. */
export class ValueTypes {
  constructor(private readonly bySpan: ReadonlyMap<string, TypedValue>) {}

  /** The value spanning exactly `span`, if the tree has one there. */
  at(span: Span): TypedValue | undefined {
    return this.bySpan.get(spanKey(span));
  }
}

/**
 * The checker's tolerant mode, for editors: checks a tree that may be partial or full of
 * errors (what the parser recovers from text being typed) and returns every value node it met
 * (fields, calls, indexes) with its type. Diagnostics are dropped, and a value that fails to
 * check keeps the type it is certain to have: a call to a known function the result of the
 * argument types that are known (or its fixed result type), an index into a known container
 * the element type. A tree too deep to check gives the values met before the stack ran out.
 */
export function typeValues(ast: Expression, env: CheckEnvironment): ValueTypes {
  const values = new Map<string, TypedValue>();
  const checker = new Checker(env, new DiagnosticBag(''), values);
  guardStack(
    () => checker.condition(ast),
    () => undefined,
  );
  return new ValueTypes(values);
}

class Checker {
  /** Rewrite-function calls seen so far (at most one per expression). */
  private rewriteCalls = 0;
  /** What is left of the regex size limit for this expression's `matches` regexes. */
  private regexBudget: number | undefined;

  /**
   * @param typed - in tolerant mode ({@link typeValues}), where each value met is recorded
   *   with its type, by span
   */
  constructor(
    private readonly env: CheckEnvironment,
    private readonly bag: DiagnosticBag,
    private readonly typed?: Map<string, TypedValue>,
  ) {}

  // --- conditions ---------------------------------------------------------------------------

  condition(node: Expression): CheckedCondition | undefined {
    switch (node.kind) {
      case 'Group':
        return this.condition(node.expression);
      case 'True':
        return { kind: 'constant', value: true, array: false, span: node.span };
      case 'Not': {
        const operand = this.condition(node.operand);
        return operand && { kind: 'not', operand, array: operand.array, span: node.span };
      }
      case 'Logical': {
        const operands = node.operands.map((o) => this.condition(o));
        if (operands.some((o) => o === undefined)) return undefined;
        const checked = operands as CheckedCondition[];
        const array = checked[0]!.array;
        const odd = checked.find((o) => o.array !== array);
        if (odd !== undefined) {
          this.bag.error(
            'type-mismatch',
            `expected value of type ${array ? 'Array<Bool>' : 'Bool'}, but got ${odd.array ? 'Array<Bool>' : 'Bool'}: \`${node.operator}\` cannot mix element-wise (\`[*]\`) and plain conditions`,
            odd.span,
          );
          return undefined;
        }
        return { kind: 'logical', operator: node.operator, operands: checked, array, span: node.span };
      }
      case 'Quantifier': {
        const argument = this.quantifierArgument(node.argument);
        if (argument === undefined) return undefined;
        if (!argument.array) {
          this.bag.error(
            'type-mismatch',
            `expected value of type Array<Bool>, but got Bool: ${node.quantifier}(…) needs a comparison over \`[*]\`, e.g. ${node.quantifier}(x[*] eq "a")`,
            node.argument.span,
          );
          return undefined;
        }
        return { kind: 'quantifier', quantifier: node.quantifier, argument, array: false, span: node.span };
      }
      case 'Comparison':
        return this.comparison(node);
      case 'Field':
      case 'Call':
      case 'Index': {
        const value = this.value(node);
        if (value === undefined) return undefined;
        return this.valueAsCondition(value, node.span);
      }
      case 'Error':
        return undefined;
    }
  }

  /** The argument of any()/all(): a bare value there must itself be an Array<Bool>. */
  private quantifierArgument(node: Expression): CheckedCondition | undefined {
    if (node.kind !== 'Field' && node.kind !== 'Call' && node.kind !== 'Index') return this.condition(node);
    const value = this.value(node);
    if (value === undefined) return undefined;
    if (value.type !== BOOL && value.type !== ARRAY_OF_BOOL) {
      const shown = value.mapped ? `${formatType(value.type)} (each element of [*])` : formatType(value.type);
      this.bag.error('type-mismatch', `expected value of type Array<Bool>, but got ${shown}: compare the elements, e.g. any(x[*] eq "a")`, node.span);
      return undefined;
    }
    // The engine refuses the elements of a Bool container taken directly (`any(ab[*])`): its
    // argument is then a Bool per element, not an Array<Bool>. A function mapped over `[*]`
    // (`any(starts_with(x[*], "a"))`) does give an array.
    if (node.kind === 'Index' && value.mapped && value.type === BOOL && indexBase(node).kind === 'Field') {
      this.bag.error('type-mismatch', 'expected value of type Array<Bool>, but got Bool: write the container itself, any(x), or compare its elements, any(x[*] eq true)', node.span);
      return undefined;
    }
    const condition = this.valueAsCondition(value, node.span);
    return condition?.kind === 'value' ? { ...condition, direct: true } : condition;
  }

  private valueAsCondition(value: CheckedValue, span: Span): CheckedCondition | undefined {
    if (isConditionValue(value)) return { kind: 'value', value, array: value.type === BOOL ? value.mapped : true, span };
    const shown = value.mapped ? `${formatType(value.type)} (one per element of [*])` : formatType(value.type);
    this.bag.error(
      'unsupported-operator',
      `a value of type ${shown} is not a condition: compare it with an operator, e.g. \`eq\``,
      span,
    );
    return undefined;
  }

  // --- comparisons -------------------------------------------------------------------------

  private comparison(node: ComparisonExpression): CheckedCondition | undefined {
    const left = this.value(node.left);
    if (left === undefined) {
      this.checkPatternAlone(node);
      return undefined;
    }
    const type = left.type;
    const operator = node.operator;
    const unsupported = (why?: string): undefined => {
      this.bag.error(
        'unsupported-operator',
        why ?? `cannot perform ${describeOperator(operator)} on a value of type ${formatType(type)}`,
        { start: node.operatorSpan.start, end: node.span.end },
      );
      return undefined;
    };
    if (type.kind === 'Bool') {
      return unsupported(`a Bool value takes no operator: write \`${sourceName(node.left)}\` or \`not ${sourceName(node.left)}\``);
    }
    if (type.kind === 'Array' || type.kind === 'Map') {
      return unsupported(
        `cannot perform ${describeOperator(operator)} on a value of type ${formatType(type)}: compare its elements with [*] inside any(…)/all(…), or pick one with an index`,
      );
    }
    const test = this.test(comparisonOperatorSpec(operator), type, node, unsupported);
    if (test === undefined) return undefined;
    return { kind: 'compare', left, test, array: left.mapped, span: node.span };
  }

  /** The right-hand side of a comparison read as its operator's table row says. */
  private test(
    operator: ComparisonOperatorRow,
    type: Type,
    node: ComparisonExpression,
    unsupported: (why?: string) => undefined,
  ): ComparisonTest | undefined {
    const right = node.right;
    if (right.kind === 'Error') return undefined;
    if (operator.right === 'set') {
      if (right.kind !== 'Set' && right.kind !== 'List') {
        this.bag.error('expected-token', `expected a set \`{…}\` or a \`$list\` after ${describeOperator(operator.name)}`, right.span);
        return undefined;
      }
      if (this.refused(operator, type, unsupported)) return undefined;
      if (right.kind === 'List') return this.listTest(type, right.name, right.span);
      const set = this.setItems(type, right.items);
      return set && { operator: operator.name, set };
    }
    if (right.kind === 'Set' || right.kind === 'List') {
      const what = right.kind === 'Set' ? 'a set' : 'a list';
      this.bag.error('unsupported-operator', `${describeOperator(operator.name)} takes a single literal, not ${what}; use \`in\``, right.span);
      return undefined;
    }
    if (this.refused(operator, type, unsupported)) return undefined;
    return this.singleLiteralTest(operator, type, right);
  }

  /** Reports an operator the table does not accept on `type` (or that an option switches off). */
  private refused(operator: ComparisonOperatorRow, type: Type, unsupported: (why?: string) => undefined): boolean {
    if (!appliesTo(operator, type)) {
      unsupported();
      return true;
    }
    const gate = closedGate(operator, type, this.env.options);
    if (gate === undefined) return false;
    unsupported(gate.refusal);
    return true;
  }

  private singleLiteralTest(operator: Exclude<ComparisonOperatorRow, { right: 'set' }>, type: Type, right: Literal): ComparisonTest | undefined {
    switch (operator.right) {
      case 'literal': {
        const literal = this.scalarLiteral(type, right, 'single');
        return literal && { operator: operator.name, literal };
      }
      case 'bytes': {
        const literal = this.scalarLiteral(BYTES, right, 'single');
        return literal && { operator: operator.name, literal: literal.value as BytesLiteral };
      }
      case 'integer': {
        const literal = this.scalarLiteral(INT, right, 'single');
        return literal && { operator: operator.name, value: literal.value as IntValue };
      }
      case 'regex': {
        if (right.kind !== 'String') return this.mismatch(right, 'a regular expression must be a string, e.g. "^/api/" or r"^/api/"');
        const regex = this.regex(right);
        return regex && { operator: operator.name, regex };
      }
      case 'wildcard':
      case 'case-sensitive wildcard': {
        if (right.kind !== 'String') return this.mismatch(right, 'a wildcard pattern must be a quoted or raw string, not hex bytes');
        const result = compileWildcard(right.bytes, { caseSensitive: operator.right === 'case-sensitive wildcard', starLimit: this.env.options.wildcardStarLimit });
        if (!result.ok) {
          this.bag.error('invalid-wildcard', result.message, right.span);
          return undefined;
        }
        return { operator: operator.name, pattern: result.pattern };
      }
    }
  }

  /** Compiles the regular expression of a `matches` within what is left of the expression's size budget. */
  private regex(right: StringLiteral): CompiledRegex | undefined {
    const pattern = right.pattern ?? new TextDecoder().decode(right.bytes);
    // The size limit holds for all the regexes of an expression together: each compiled
    // regex costs time and memory (≈ 6 bytes of heap per byte of estimated size), and one
    // 4 KB expression could otherwise hold a hundred regexes at the limit (gigabytes).
    const limit = this.env.options.regexSizeLimit ?? DEFAULT_REGEX_SIZE_LIMIT;
    const budget = Math.min(limit, this.regexBudget ?? limit);
    const result = compileRegex(pattern, { sizeLimit: budget, utf8Literals: this.env.options.regexUtf8Literals });
    if (!result.ok) {
      const message = result.kind === 'CompiledTooBig' && budget < limit ? `the regular expressions of this expression together exceed the size limit of ${limit} bytes` : result.message;
      this.bag.error('invalid-regex', message, this.patternSpan(right, result.offset, result.length));
      return undefined;
    }
    this.regexBudget = budget - result.size;
    // Patterns that run on the Pike VM alone (Unicode word boundaries) pay per live thread
    // and per code point decoded: they are held to an eighth of the limit.
    const costLimit = (this.env.options.regexCostLimit ?? DEFAULT_REGEX_COST_LIMIT) / (result.pikeOnly ? 8 : 1);
    if (result.size > costLimit) {
      const severity = this.env.options.regexCostAction === 'error' ? 'error' : 'warning';
      this.bag.add(
        'slow-regex',
        severity,
        `this regular expression is large (estimated ${result.size.toLocaleString('en-US')} bytes compiled, over the regexCostLimit of ${costLimit.toLocaleString('en-US')}${result.pikeOnly ? ' for patterns with Unicode word boundaries' : ''}): matching stays linear but may cost microseconds per input byte`,
        right.span,
      );
      if (severity === 'error') return undefined;
    }
    return result.regex;
  }

  private listTest(type: Type, name: string, span: Span): ComparisonTest | undefined {
    const list = this.env.list(name);
    if (list === undefined) {
      const severity = this.env.options.unknownLists ?? (this.env.hasListRegistry ? 'error' : 'warning');
      if (severity === 'warning') {
        const why = this.env.hasListRegistry ? 'it was not given to the scheme' : 'no lists were given to the scheme';
        this.bag.warning('unknown-list', `unknown list \`$${name}\`: ${why}, so this never matches`, span);
        return { operator: 'in-list', list: { name, type, items: [] } };
      }
      this.bag.error('unknown-list', `unknown list \`$${name}\``, span);
      return undefined;
    }
    if (list.type !== type) {
      this.bag.error('unknown-list', `list \`$${name}\` holds ${formatType(list.type)} items; it cannot be matched against a value of type ${formatType(type)}`, span);
      return undefined;
    }
    return { operator: 'in-list', list };
  }

  private mismatch(literal: Literal, message: string): undefined {
    this.bag.error('literal-type-mismatch', message, literal.span);
    return undefined;
  }

  /** Maps an offset inside a pattern string back to the source, when the literal is verbatim. */
  private patternSpan(literal: StringLiteral, offset: number, length: number): Span {
    const verbatim = literal.form === 'raw' || !/\\"/.test(literal.pattern ?? '');
    if (!verbatim || literal.pattern === undefined) return literal.span;
    const start = literal.contentStart + Math.max(0, offset);
    return { start, end: Math.min(literal.span.end, start + Math.max(1, length)) };
  }

  /**
   * When the left side failed to check, a regex or wildcard pattern can still be validated on
   * its own (its meaning does not depend on the left type), so its errors are reported too.
   */
  private checkPatternAlone(node: ComparisonExpression): void {
    if (node.right.kind !== 'String') return;
    const operator = comparisonOperatorSpec(node.operator);
    if (PATTERN_READINGS.has(operator.right)) this.test(operator, BYTES, node, () => undefined);
  }

  // --- literals -----------------------------------------------------------------------------

  private scalarLiteral(type: Type, literal: Literal, context: 'single' | 'set'): ScalarLiteral | undefined {
    const typeName = formatType(type);
    if (literal.kind === 'Boolean') {
      return this.mismatch(literal, `expected a literal of type ${typeName}; there are no boolean literals`);
    }
    switch (type.kind) {
      case 'Bytes': {
        if (literal.kind === 'String') return { type: 'Bytes', value: new BytesLiteral(literal.bytes, literal.text) };
        const parsed = parseHexBytesLiteral(literal.text);
        if (!parsed.ok) {
          this.bag.error('invalid-bytes', `${parsed.message} (a Bytes literal is a quoted string or hex bytes like 6f:72:67)`, sub(literal, parsed.offset, parsed.length));
          return undefined;
        }
        return { type: 'Bytes', value: new BytesLiteral(parsed.bytes) };
      }
      case 'Int': {
        if (literal.kind === 'String') return this.mismatch(literal, 'expected an integer literal (digits), but found a string');
        const parsed = parseIntLiteral(literal.text);
        if (!parsed.ok) {
          this.bag.error(parsed.code, parsed.message, sub(literal, parsed.offset, parsed.length));
          return undefined;
        }
        return { type: 'Int', value: parsed.value };
      }
      case 'Ip': {
        if (literal.kind === 'String') return this.mismatch(literal, 'expected an IP address; IP addresses are written without quotes, e.g. 192.0.2.1');
        const parsed = parseIpLiteral(literal.text, context);
        if (!parsed.ok) {
          this.bag.error(parsed.code, parsed.message, sub(literal, parsed.offset, parsed.length));
          return undefined;
        }
        if (parsed.item.kind !== 'address') return undefined;
        return { type: 'Ip', value: parsed.item.address };
      }
      default:
        return this.mismatch(literal, `there are no literals of type ${typeName}`);
    }
  }

  private setItems(type: Type, items: Literal[]): SetItems | undefined {
    let ok = true;
    switch (type.kind) {
      case 'Bytes': {
        const values: BytesLiteral[] = [];
        for (const item of items) {
          const literal = this.scalarLiteral(BYTES, item, 'set');
          if (literal === undefined) ok = false;
          else values.push(literal.value as BytesLiteral);
        }
        return ok ? { type: 'Bytes', items: values } : undefined;
      }
      case 'Int': {
        const values: IntSetItem[] = [];
        for (const item of items) {
          if (item.kind !== 'Bare') {
            this.mismatch(item, 'expected an integer or a range like 8000..8099 in a set of integers');
            ok = false;
            continue;
          }
          const parsed = parseIntSetItem(item.text);
          if (!parsed.ok) {
            this.bag.error(parsed.code, parsed.message, sub(item, parsed.offset, parsed.length));
            ok = false;
          } else values.push(parsed.item);
        }
        return ok ? { type: 'Int', items: values } : undefined;
      }
      case 'Ip': {
        const values: IpSetItem[] = [];
        for (const item of items) {
          if (item.kind !== 'Bare') {
            this.mismatch(item, 'expected an IP address, CIDR or range; IP addresses are written without quotes');
            ok = false;
            continue;
          }
          const parsed = parseIpLiteral(item.text, 'set');
          if (!parsed.ok) {
            this.bag.error(parsed.code, parsed.message, sub(item, parsed.offset, parsed.length));
            ok = false;
          } else values.push(parsed.item);
        }
        return ok ? { type: 'Ip', items: values } : undefined;
      }
      default:
        this.bag.error('unsupported-operator', `cannot perform \`in\` on a value of type ${formatType(type)}`, items[0]?.span ?? { start: 0, end: 0 });
        return undefined;
    }
  }

  // --- values -------------------------------------------------------------------------------

  value(node: ValueExpression): CheckedValue | undefined {
    const checked = this.checkValue(node);
    if (this.typed !== undefined) {
      const certain = checked ?? this.certainType(node);
      this.typed.set(spanKey(node.span), { node, type: certain?.type, mapped: certain?.mapped ?? false });
    }
    return checked;
  }

  private checkValue(node: ValueExpression): CheckedValue | undefined {
    switch (node.kind) {
      case 'Field':
        return this.field(node.name, node.span);
      case 'Call':
        return this.call(node);
      case 'Index':
        return this.index(node);
    }
  }

  /**
   * The type a value that failed to check is still certain to have (tolerant mode): a known
   * function's result over the argument types that are known (or its fixed result type), or
   * the element type of a container whose type is known and whose kind fits the index.
   */
  private certainType(node: ValueExpression): { type: Type; mapped: boolean } | undefined {
    switch (node.kind) {
      case 'Field':
        return undefined;
      case 'Call': {
        const fn = this.env.function(node.name);
        if (fn === undefined) return undefined;
        const types = this.knownArgumentTypes(fn, node.args);
        if (types === undefined) return typeof fn.returns === 'function' ? undefined : { type: fn.returns, mapped: false };
        const first = node.args[0];
        const mapsFirst = first !== undefined && !isLiteral(first) && this.typed?.get(spanKey(first.span))?.mapped === true;
        return { type: resultType(fn, types, mapsFirst), mapped: false };
      }
      case 'Index': {
        const object = this.typed?.get(spanKey(node.object.span));
        const container = object?.type;
        if ((container?.kind === 'Array' && node.index.kind !== 'MapKey') || (container?.kind === 'Map' && node.index.kind !== 'ArrayIndex')) {
          return { type: container.element, mapped: object?.mapped === true || node.index.kind === 'MapEach' };
        }
        return undefined;
      }
    }
  }

  /** The types of a call's arguments as far as tolerant checking knows them; `undefined` when one is unknown. */
  private knownArgumentTypes(fn: BuiltinFunction, args: readonly Argument[]): Type[] | undefined {
    const params = [...fn.params, ...(fn.optional ?? [])];
    const types: Type[] = [];
    for (const [i, arg] of args.entries()) {
      const param = params[Math.min(i, params.length - 1)];
      const type = isLiteral(arg) ? param && literalTypeFor(param, arg, types) : this.typed?.get(spanKey(arg.span))?.type;
      if (type === undefined) return undefined;
      types.push(type);
    }
    return types;
  }

  private field(name: string, span: Span): CheckedValue | undefined {
    const field = this.env.field(name);
    if (field !== undefined) {
      if (field.deprecated !== undefined) this.bag.warning('deprecated-field', `\`${name}\` is deprecated: ${field.deprecated}`, span);
      return { kind: 'field', field, type: field.type, mapped: false, span };
    }
    if (this.env.function(name) !== undefined) {
      this.bag.error('unknown-field', `unknown field \`${name}\`: \`${name}\` is a function; call it as ${name}(…)`, span);
      return undefined;
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/.test(name)) {
      const suggestion = this.keywordSplit(name) ?? closestName(name, this.env.names());
      this.bag.error('unknown-identifier', `unknown identifier \`${name}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`, span);
    }
    return undefined;
  }

  private index(node: IndexExpression): CheckedValue | undefined {
    const object = this.value(node.object);
    if (object === undefined) return undefined;
    const container = object.type;
    const selector = node.index;
    const span = node.span;
    const notIndexable = (what: string): undefined => {
      this.bag.error('invalid-index-access', `cannot access index ${what} for type ${formatType(container)}`, selector.span);
      return undefined;
    };
    switch (selector.kind) {
      case 'ArrayIndex': {
        const parsed = parseIntLiteral(selector.literal.text);
        if (!parsed.ok) {
          this.bag.error(parsed.code, parsed.message, sub(selector.literal, parsed.offset, parsed.length));
          return undefined;
        }
        const index = parsed.value;
        // The engine's index is a 32-bit unsigned integer: 2^32 and above are refused.
        if (index < 0 || typeof index === 'bigint' || index > MAX_ARRAY_INDEX) {
          this.bag.error('invalid-index', `expected a non-negative integer below 2^32 as index`, selector.span);
          return undefined;
        }
        if (container.kind !== 'Array') return notIndexable(`[${selector.literal.text}]${container.kind === 'Map' ? ' (a map is indexed by a quoted key)' : ''}`);
        return { kind: 'index', object, key: index, type: container.element, mapped: object.mapped, span };
      }
      case 'MapKey': {
        const key = decodeUtf8Strict(selector.literal.bytes);
        if (key === undefined) {
          this.bag.error('invalid-index', 'a map key must be valid UTF-8', selector.span);
          return undefined;
        }
        if (container.kind !== 'Map') return notIndexable(`[${JSON.stringify(key)}]${container.kind === 'Array' ? ' (an array is indexed by a number)' : ''}`);
        return { kind: 'index', object, key, type: container.element, mapped: object.mapped, span };
      }
      case 'MapEach':
        if (container.kind !== 'Array' && container.kind !== 'Map') return notIndexable('[*]');
        return { kind: 'each', object, type: container.element, mapped: true, span };
    }
  }

  /**
   * `not b` for `notb`: Cloudflare's engine reads a keyword glued to a name as two tokens;
   * this library needs a word boundary (so that fields such as `notes` work) and suggests the
   * split when the rest is a known name.
   */
  private keywordSplit(name: string): string | undefined {
    for (const keyword of GLUED_KEYWORDS) {
      if (name.length <= keyword.length || !name.startsWith(keyword)) continue;
      const rest = name.slice(keyword.length);
      if (this.env.field(rest) !== undefined || this.env.function(rest) !== undefined) return `${keyword} ${rest}`;
    }
    return undefined;
  }

  private call(node: ValueExpression & { kind: 'Call' }): CheckedValue | undefined {
    const fn = this.env.function(node.name);
    if (fn === undefined) {
      if (this.env.field(node.name) !== undefined) {
        this.bag.error('unknown-function', `unknown function \`${node.name}\`: \`${node.name}\` is a field, not a function`, node.nameSpan);
      } else {
        const suggestion = closestName(node.name, this.env.names());
        this.bag.error('unknown-identifier', `unknown identifier \`${node.name}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`, node.nameSpan);
      }
      for (const arg of node.args) if (!isLiteral(arg)) this.argumentValue(arg);
      return undefined;
    }
    const phase = this.env.options.phase;
    if (phase !== undefined && fn.phases !== undefined && !fn.phases.includes(phase)) {
      this.bag.error(
        'function-not-allowed-in-phase',
        `${fn.name}() is not allowed in phase ${phase}; it is available in: ${fn.phases.join(', ')}`,
        node.nameSpan,
      );
    }
    if (fn.rewrite === true && ++this.rewriteCalls === 2) {
      this.bag.error('too-many-rewrite-functions', `only one regex_replace() or wildcard_replace() is allowed per expression, and they cannot be nested`, node.nameSpan);
    }
    const implicit: FieldInfo[] = [];
    for (const name of fn.implicitFields ?? []) {
      const field = this.env.field(name);
      if (field === undefined) {
        this.bag.error('unknown-field', `${fn.name}() reads the field \`${name}\`, which this scheme does not define`, node.nameSpan);
      } else implicit.push(field);
    }
    const params = [...fn.params, ...(fn.optional ?? [])];
    const min = fn.params.length;
    const max = fn.variadic ? Infinity : params.length;
    const count = node.args.length;
    if (count < min || count > max) {
      const expected = max === Infinity ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
      this.bag.error('invalid-argument-count', `invalid number of arguments for ${fn.name}(): expected ${expected}, got ${count}`, node.span);
      for (const arg of node.args) if (!isLiteral(arg)) this.argumentValue(arg);
      return undefined;
    }
    const args: CheckedValue[] = [];
    const types: Type[] = [];
    const literals: unknown[] = [];
    let ok = true;
    node.args.forEach((arg, i) => {
      const param = params[Math.min(i, params.length - 1)]!;
      const checked = this.argument(fn, param, arg, i, types, literals);
      literals.push(checked?.kind === 'literal' ? checked.value : undefined);
      if (checked === undefined) {
        ok = false;
        types.push(BYTES);
        return;
      }
      args.push(checked);
      types.push(checked.type);
    });
    if (!ok || implicit.length !== (fn.implicitFields?.length ?? 0)) return undefined;
    const type = resultType(fn, types, args[0]?.mapped ?? false);
    return { kind: 'call', fn, args, implicit, type, mapped: false, span: node.span };
  }

  private argument(fn: BuiltinFunction, param: ParameterSpec, arg: Argument, index: number, previous: Type[], literals: readonly unknown[]): CheckedValue | undefined {
    const position = `argument #${index + 1} (${param.name}) of ${fn.name}()`;
    if (isLiteral(arg)) {
      if (param.kind === 'field') {
        this.bag.error('invalid-argument-kind', `${position} must be a field or expression, not a literal`, arg.span);
        return undefined;
      }
      const type = literalTypeFor(param, arg, previous);
      if (type === undefined || (arg.kind === 'String' && type !== BYTES)) {
        this.bag.error('invalid-argument-type', `invalid type of ${position}: expected ${describeParameterType(param.type)}`, arg.span);
        return undefined;
      }
      const literal = this.scalarLiteral(type, arg, 'single');
      if (literal === undefined) return undefined;
      const value = literal.type === 'Bytes' ? (literal.value as BytesLiteral).value : literal.value;
      if (!this.acceptsType(param, type, previous)) {
        this.bag.error('invalid-argument-type', `invalid type of ${position}: expected ${describeParameterType(param.type)}, got ${formatType(type)}`, arg.span);
        return undefined;
      }
      const problem = param.validate?.(value, literals);
      if (problem !== undefined) {
        this.bag.error('invalid-argument-value', `invalid value of ${position}: ${problem}`, arg.span);
        return undefined;
      }
      return { kind: 'literal', value, type, mapped: false, span: arg.span };
    }
    if (param.kind === 'literal') {
      this.bag.error('invalid-argument-kind', `${position} must be a literal`, arg.span);
      this.argumentValue(arg);
      return undefined;
    }
    const value = this.argumentValue(arg);
    if (value === undefined) return undefined;
    if (value.mapped && index > 0) {
      this.bag.error('invalid-map-each-access', `invalid use of map each access operator: [*] may only appear in the first argument of ${fn.name}()`, arg.span);
      return undefined;
    }
    if (!this.acceptsType(param, value.type, previous)) {
      const shown = value.mapped ? `${formatType(value.type)} (each element of [*])` : formatType(value.type);
      this.bag.error('invalid-argument-type', `invalid type of ${position}: expected ${describeParameterType(param.type)}, got ${shown}`, arg.span);
      return undefined;
    }
    if (param.fields !== undefined && !(value.kind === 'field' && param.fields.includes(value.field.name))) {
      this.bag.error('invalid-argument-value', `invalid value of ${position}: expected one of the fields ${param.fields.join(', ')}`, arg.span);
      return undefined;
    }
    return value;
  }

  private acceptsType(param: ParameterSpec, type: Type, previous: Type[]): boolean {
    return isConcreteType(param.type) ? param.type === type : param.type.accepts(type, previous);
  }

  /** A non-literal argument: a value, or a condition (logical sub-expression). */
  private argumentValue(arg: Expression): CheckedValue | undefined {
    if (arg.kind === 'Field' || arg.kind === 'Call' || arg.kind === 'Index') return this.value(arg);
    const condition = this.condition(arg);
    if (condition === undefined) return undefined;
    return { kind: 'condition', condition, type: condition.array ? ARRAY_OF_BOOL : BOOL, mapped: false, span: arg.span };
  }
}

function isLiteral(arg: Argument): arg is Literal {
  return arg.kind === 'String' || arg.kind === 'Bare' || arg.kind === 'Boolean';
}

/** A call's type: the function's result, one per element when the first argument is mapped over `[*]`. */
function resultType(fn: BuiltinFunction, argumentTypes: Type[], mapsFirst: boolean): Type {
  const returns = typeof fn.returns === 'function' ? fn.returns(argumentTypes) : fn.returns;
  return mapsFirst ? arrayOf(returns) : returns;
}

/** The type a literal argument is read as: the parameter's type, else by its form. */
function literalTypeFor(param: ParameterSpec, literal: Literal, previous: Type[]): Type | undefined {
  if (isConcreteType(param.type)) return param.type.kind === 'Array' || param.type.kind === 'Map' ? undefined : param.type;
  const hinted = param.type.literalType?.(previous);
  if (hinted !== undefined) return hinted;
  if (literal.kind === 'String') return BYTES;
  if (literal.kind === 'Boolean') return undefined;
  if (parseIpLiteral(literal.text, 'single').ok) return IP;
  if (parseIntLiteral(literal.text).ok) return INT;
  return BYTES;
}

function sub(literal: BareLiteral | StringLiteral, offset: number, length: number): Span {
  const start = literal.span.start + Math.max(0, offset);
  return { start, end: Math.min(literal.span.end, start + Math.max(1, length)) };
}

function sourceName(node: ValueExpression): string {
  switch (node.kind) {
    case 'Field':
      return node.name;
    case 'Call':
      return `${node.name}(…)`;
    case 'Index':
      return `${sourceName(node.object)}[…]`;
  }
}
