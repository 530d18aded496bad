/**
 * `Scheme`: the environment of fields, functions and lists (`src/scheme/environment.ts`) with
 * the pipeline on top — a thin façade over `parse`, `analyse` and `compileExpression`.
 *
 * @module
 */
import type { CheckedCondition } from '../check/checked.js';
import { converterFor, publicConverterFor, type ValueConverter } from '../compile/runtime-values.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { requireString } from '../diagnostics/errors.js';
import { requireType, type ArgumentKind, type BuiltinFunction, type FunctionDefinition, type ParameterSpec } from '../scheme/functions.js';
import { STANDARD_FUNCTIONS } from '../functions/standard-library.js';
import { SchemeEnvironment, type RegisteredField, type SchemeDefinition } from '../scheme/environment.js';
import { mergeOptions, normalizeOptions, type SchemeOptions } from '../scheme/options.js';
import type { Type, TypeName } from '../scheme/types.js';
import type { Expression } from '../syntax/ast.js';
import { parseWithOptions, type ParseResult } from '../syntax/parser.js';
import { ExecutionContext, ownContext, requireFieldValues, type FieldValues } from './context.js';
import { Filter, type FieldReader } from './filter.js';
import { analyse, compileExpression } from './pipeline.js';

/** The fields, functions and lists expressions are written against, and the pipeline that compiles them. */
export class Scheme extends SchemeEnvironment {
  /** One converter per context slot (a field and its aliases share theirs). */
  private readonly converters: ValueConverter[] = [];

  /**
   * Builds a scheme. Throws `invalid-scheme` listing every problem of the definition (bad
   * names, unknown types, bad list items, aliases) and `invalid-option` for options of the
   * wrong type or range, or unknown ones.
   */
  constructor(definition: SchemeDefinition) {
    super(definition, STANDARD_FUNCTIONS, userFunction);
    for (const field of this.fieldMap.values()) this.converters[field.slot] ??= converterFor(field.type);
  }

  /** Parses an expression without checking it against the scheme (syntax only). */
  parse(expression: string, options?: SchemeOptions): ParseResult {
    return parseWithOptions(expression, this.withOptions(options));
  }

  /**
   * Every diagnostic for an expression (errors and warnings); `[]` means valid. Never throws
   * for any expression; invalid `options` are refused with `invalid-option`.
   */
  validate(expression: string, options?: SchemeOptions): Diagnostic[] {
    return analyse(this, expression, this.withOptions(options)).diagnostics;
  }

  /** Compiles an expression. Throws {@link WirefilterError} listing every error. */
  compile(expression: string, options?: SchemeOptions): Filter {
    return this.compileWithTree(expression, options).filter;
  }

  /**
   * @internal `compile`, also returning the syntax tree the filter was compiled from (the
   * ruleset index reads literal tests from it instead of parsing every rule again).
   */
  compileWithTree(expression: string, options?: SchemeOptions): { filter: Filter; tree: Expression } {
    requireString(expression, 'the expression');
    const overrides = normalizeOptions(options, 'compile options');
    const merged = mergeOptions(this.options, overrides);
    const compiled = compileExpression(this, expression, merged);
    // The checker found the fields in this scheme's own table: each is its registered entry.
    const readers: FieldReader[] = compiled.fields.map((f) => {
      const field = f as RegisteredField;
      return { name: field.name, slot: field.slot, names: field.names, convert: this.converters[field.slot]! };
    });
    const filter = new Filter(expression, compiled.diagnostics, this, compiled.run, readers, compiled.constant, Object.keys(overrides).length > 0 ? overrides : undefined, merged);
    return { filter, tree: compiled.tree };
  }

  /** @internal The checked tree of an expression that compiled (see `Filter.checked`). */
  recheck(expression: string, options: SchemeOptions | undefined): CheckedCondition {
    const { checked } = analyse(this, expression, this.withOptions(options));
    if (checked === undefined) throw new Error('internal: a compiled expression no longer checks');
    return checked;
  }

  /**
   * Converts request values once for repeated evaluation. Unknown names are ignored, and a
   * value of the wrong type is treated as missing; the caller's object is not modified.
   * A context of this scheme is returned as it is; one of another scheme (or of another copy
   * of the library) is refused with `context-scheme-mismatch`.
   */
  context(values: FieldValues | ExecutionContext): ExecutionContext {
    requireFieldValues(values);
    const own = ownContext(values, this);
    if (own !== undefined) return own;
    const slots: unknown[] = new Array(this.slotCount);
    const entries = values instanceof Map ? values.entries() : Object.entries(values);
    for (const [name, value] of entries) {
      const field = this.fieldMap.get(name);
      if (field === undefined) continue;
      const converted = this.converters[field.slot]!(value);
      // A field and its aliases share a slot: a usable value under the field's own name wins
      // over one under an alias, whichever came first.
      if (converted !== undefined && (field.aliasOf === undefined || slots[field.slot] === undefined)) slots[field.slot] = converted;
    }
    return new ExecutionContext(this, slots);
  }

  /** The scheme's options with a call's (validated) on top. */
  private withOptions(options: SchemeOptions | undefined): Readonly<SchemeOptions> {
    return options === undefined ? this.options : mergeOptions(this.options, normalizeOptions(options, 'call options'));
  }
}

/** A user's function definition as a callable function, converting values at the boundary. */
function userFunction(name: string, definition: FunctionDefinition): BuiltinFunction {
  if (typeof definition?.call !== 'function') throw new TypeError(`function \`${name}\`: \`call\` must be a function`);
  const toParam = (p: { type: TypeName; kind?: ArgumentKind; name?: string }, i: number): ParameterSpec => ({
    name: p.name ?? `arg${i + 1}`,
    type: requireType(p.type, `function \`${name}\` parameter #${i + 1}`),
    kind: p.kind ?? 'any',
  });
  const params = (definition.params ?? []).map(toParam);
  const optional = (definition.optional ?? []).map((p, i) => toParam(p, params.length + i));
  const returns = requireType(definition.returns, `function \`${name}\` return type`);
  const toPublic = [...params, ...optional].map((p) => publicConverterFor(p.type as Type));
  const fromPublic = converterFor(returns);
  const call = definition.call.bind(definition);
  return {
    name,
    description: definition.description ?? '',
    params,
    optional,
    variadic: definition.variadic ?? false,
    returns,
    phases: definition.phases,
    call: (args) => fromPublic(call(...args.map((a, i) => toPublic[Math.min(i, toPublic.length - 1)]!(a)))),
  };
}
