/**
 * How functions are described to the checker and compiler, for the standard library and for
 * user functions alike.
 *
 * @module
 */
import { formatType, parseType, type Type, type TypeName } from './types.js';
import type { BytesLiteral } from '../values/bytes.js';

/**
 * What an argument may be: `field` — anything that is not a literal (a field, an indexed
 * value, a call, a logical sub-expression); `literal` — a literal written in the expression;
 * `any` — either.
 */
export type ArgumentKind = 'field' | 'literal' | 'any';

/** A parameter's accepted types when one concrete type is not enough (e.g. `len`). */
export interface TypeConstraint {
  /** Shown in messages, e.g. `Bytes or Array<T>`. */
  readonly description: string;
  /** Whether an argument of type `type` fits, given the types of the arguments before it. */
  accepts(type: Type, previous: readonly Type[]): boolean;
  /** The type to read a literal as, given the previous argument types (default: by its form). */
  literalType?(previous: readonly Type[]): Type | undefined;
}

/** One parameter of a function. */
export interface ParameterSpec {
  readonly name: string;
  readonly type: Type | TypeConstraint;
  readonly kind: ArgumentKind;
  /**
   * Checks a literal argument's value at compile time (e.g. `split`'s limit); returns a
   * message for `invalid-argument-value`, or `undefined` when the value is fine. `previous`
   * holds the values of the earlier arguments that are literals (`undefined` for the others),
   * for checks that relate two arguments.
   */
  readonly validate?: (value: unknown, previous: readonly unknown[]) => string | undefined;
  /** When set, the argument must be one of these fields (e.g. `remove_query_args`' query). */
  readonly fields?: readonly string[];
}

/**
 * A function as the checker and compiler see it. Runtime values passed to `call` use the
 * internal representations (`Ip` values are parsed addresses); `undefined` means missing.
 */
export interface BuiltinFunction {
  readonly name: string;
  /** One-line description for hover and completion. */
  readonly description: string;
  readonly params: readonly ParameterSpec[];
  readonly optional?: readonly ParameterSpec[];
  /** The last parameter (of `params` or `optional`) may repeat. */
  readonly variadic?: boolean;
  /** The result type, possibly depending on the argument types. */
  readonly returns: Type | ((args: readonly Type[]) => Type);
  /**
   * `propagate` (default): a missing argument makes the result missing without calling.
   * `receive`: the function is called with `undefined` for missing arguments.
   */
  readonly missing?: 'propagate' | 'receive';
  /**
   * Fields the function reads besides its arguments (e.g. raw packet headers); their values
   * are appended to `args`. The scheme must define them.
   */
  readonly implicitFields?: readonly string[];
  /**
   * Cloudflare phases (e.g. `http_request_firewall_custom`) where the function may be used;
   * absent = everywhere. Checked when the `phase` option is set.
   */
  readonly phases?: readonly string[];
  /**
   * Rewrite functions (`regex_replace`, `wildcard_replace`): Cloudflare allows at most one of
   * them per expression.
   */
  readonly rewrite?: boolean;
  /** Computes the result; `undefined` means no value (missing). */
  readonly call: (args: unknown[]) => unknown;
  /**
   * Optional fast path for `f(x) eq "…"` (and `ne`, which the compiler negates): given the
   * `Bytes` literal, a test on the present argument `x` that is true exactly when `f(x)` has a
   * value equal to the literal — so the compiler can compare `x` itself instead of building
   * `f(x)` first (e.g. `lower` folds A–Z while comparing). Return `undefined` for literals the
   * function has no such test for; the compiler then calls {@link BuiltinFunction.call} and
   * compares the result. Only asked for calls with one argument, no
   * {@link BuiltinFunction.implicitFields | implicit fields} and no `[*]` on the argument.
   */
  readonly equalityTest?: (literal: BytesLiteral) => ((argument: unknown) => boolean) | undefined;
}

/** True when `type` is a concrete {@link Type} rather than a {@link TypeConstraint}. */
export function isConcreteType(type: Type | TypeConstraint): type is Type {
  return 'kind' in type;
}

/** Text of a parameter's type for messages. */
export function describeParameterType(type: Type | TypeConstraint): string {
  return isConcreteType(type) ? formatType(type) : type.description;
}

/**
 * A user function, as accepted by `new Scheme({ functions })`. Values passed to and
 * returned from `call` use the public representations (an `Ip` is a string).
 */
export interface FunctionDefinition {
  params: { type: TypeName; kind?: ArgumentKind; name?: string }[];
  optional?: { type: TypeName; kind?: ArgumentKind; name?: string }[];
  /** The last parameter repeats. */
  variadic?: boolean;
  returns: TypeName;
  /** Optional description, shown by editor tooling. */
  description?: string;
  /** Phases where the function may be used (see the `phase` option); default: all. */
  phases?: string[];
  /** `undefined` as a result means "no value" (missing). */
  call(...args: unknown[]): unknown;
}

/** Shared constraint: any type at all. */
export const ANY_TYPE: TypeConstraint = { description: 'any type', accepts: () => true };

/** Resolves a type name or throws a descriptive error (used when building schemes). */
export function requireType(name: TypeName, where: string): Type {
  const type = parseType(name);
  if (type === undefined) throw new TypeError(`${where}: unknown type \`${name}\` (expected Bytes, Int, Bool, Ip, Array<T> or Map<T>)`);
  return type;
}
