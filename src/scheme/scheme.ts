/**
 * `Scheme`: the registry of fields, functions and lists an expression is checked against, and
 * the entry point that runs the pipeline (parse → check → compile).
 *
 * @module
 */
import { constantValue } from '../check/constant.js';
import type { CheckedCondition, CheckedListItem, CheckedValue, FieldInfo, ListInfo } from '../check/checked.js';
import { checkFilter, type CheckEnvironment, type CheckOptions } from '../check/checker.js';
import { DiagnosticBag, type Diagnostic } from '../check/diagnostics.js';
import { compileCondition, type ConditionFn } from '../compile/compiler.js';
import { contextSchemeMismatch, ExecutionContext, isExecutionContext, readFieldValue, type FieldValues } from '../compile/context.js';
import { converterFor, publicConverterFor, type ValueConverter } from '../compile/runtime-values.js';
import { describeType, requireString, WirefilterError } from '../errors.js';
import { elideMiddle } from '../check/diagnostics.js';
import { describeParameterType, requireType, type ArgumentKind, type BuiltinFunction, type FunctionDefinition, type ParameterSpec } from '../functions/definition.js';
import { STANDARD_FUNCTIONS } from '../functions/standard-library.js';
import { parseExpression, type ParseResult } from '../syntax/parser.js';
import type { Expression } from '../syntax/ast.js';
import { parseIntSetItem } from '../values/int.js';
import { parseIpLiteral } from '../values/ip.js';
import { BYTES, formatType, INT, IP, type Type, type TypeName } from './types.js';

/** Options of a scheme; each can also be overridden per `validate`/`compile` call. */
export interface SchemeOptions {
  /**
   * What `ne` yields when its left side is missing. `false` (default) follows Cloudflare: every
   * comparison with a missing left side is false. `true` is the open-source engine's default.
   */
  nilNotEqual?: boolean;
  /** Maximum nesting of `(`, `not`, `any(`/`all(` and calls. Default 128. */
  maxNestingDepth?: number;
  /** Maximum expression length in UTF-16 code units. Default 4096. */
  maxExpressionLength?: number;
  /** Maximum number of `*` in a wildcard pattern. Default: unlimited. */
  wildcardStarLimit?: number;
  /** Maximum estimated size of a compiled regular expression. Default ≈ 10 MiB, like the engine. */
  regexSizeLimit?: number;
  /**
   * Estimated compiled size above which a regular expression is reported as `slow-regex`
   * (an eighth of it for patterns with Unicode word boundaries, which run on the Pike VM).
   * Matching stays linear in the input, but its worst case per input byte grows with the
   * number of pattern positions live at once: below the default 64 KiB the slowest patterns
   * measured cost ≈ 7 µs per byte (`(?s-u:.)*a(?s-u:.){200}c` on random input, ≈ 1 s for a
   * 128 KB body); at the 10 MiB size limit, tens of µs or more. Unicode classes inflate the
   * size without slowing matching (`(?u)\w+` is 26 KB).
   */
  regexCostLimit?: number;
  /** Whether `slow-regex` is a `warning` (default: Cloudflare accepts such patterns) or an `error`. */
  regexCostAction?: 'warning' | 'error';
  /**
   * Let a non-ASCII character outside a class in a regex written without `(?u)` match its UTF-8
   * bytes, as Cloudflare's engine does (100,000 regex expressions agreed in a differential run).
   * Default true; `false` refuses it with Rust regex-syntax's "Unicode not allowed here". Inside
   * a class (`[é]`) it is refused either way, as by the engine.
   */
  regexUtf8Literals?: boolean;
  /** Accept `lt`/`le`/`gt`/`ge` on `Ip` values (engine: yes; Cloudflare documents no). Default true. */
  allowIpOrdering?: boolean;
  /**
   * The Cloudflare phase expressions are written for, e.g. `http_request_firewall_custom`;
   * functions not offered there become `function-not-allowed-in-phase` errors. Default: none.
   */
  phase?: string;
  /**
   * `$list` names the scheme does not define: `error`, or `warning` (the reference never
   * matches). Default: `error` when the scheme was given lists, else `warning`.
   */
  unknownLists?: 'error' | 'warning';
}

/** A field with metadata (the short form is just the type name). */
export interface FieldDefinition {
  type: TypeName;
  description?: string;
  /** Marks the field deprecated; the text (e.g. "use ip.src.asnum") is shown in the warning. */
  deprecated?: string | boolean;
  /** Grouping for tools, e.g. `request.headers`. */
  category?: string;
  /** Longer remarks shown by editor hover. */
  notes?: string;
  /** Plan or add-on needed, e.g. `Enterprise`. */
  plan?: string;
  /**
   * The name of another field of the scheme this one is a second name for (a legacy name such
   * as `ip.geoip.country` for `ip.src.country`). Both names read one value: supplying either
   * gives both. The types must be equal; an alias of an alias is refused.
   */
  aliasOf?: string;
}

/** A list usable with `in $name`. */
export interface ListDefinition {
  /** `Ip` lists hold addresses and CIDRs; `Int` lists hold integers (ASNs); `Bytes` lists hold hostnames (`*.` allowed). */
  type: 'Ip' | 'Int' | 'Bytes';
  items: readonly (string | number)[];
  description?: string;
}

/** Everything that defines a scheme. */
export interface SchemeDefinition {
  fields: Record<string, TypeName | FieldDefinition>;
  /** Functions added to (or replacing) the standard library. */
  functions?: Record<string, FunctionDefinition>;
  /** Lists; when omitted, an unknown `$list` is only a warning and never matches. */
  lists?: Record<string, ListDefinition>;
  options?: SchemeOptions;
}

/** A registered field, as reported by {@link Scheme.fields}. */
export interface SchemeField {
  readonly name: string;
  readonly type: string;
  readonly description?: string;
  readonly category?: string;
  readonly notes?: string;
  readonly plan?: string;
  /** Present when deprecated: the replacement or the reason. */
  readonly deprecated?: string;
  /** Present for a second name of another field: that field's name (they share one value). */
  readonly aliasOf?: string;
}

/** A function, as reported by {@link Scheme.functions}. */
export interface SchemeFunction {
  readonly name: string;
  /** e.g. `substring(field: Bytes, start: Int, [end: Int]) -> Bytes`. */
  readonly signature: string;
  readonly description: string;
  readonly parameters: readonly { name: string; type: string; kind: ArgumentKind; optional: boolean; variadic: boolean }[];
  /** Result type (for functions whose result depends on the arguments, a description). */
  readonly returns: string;
  /** Phases where it may be used; absent = all. */
  readonly phases?: readonly string[];
}

interface RegisteredField extends FieldInfo {
  readonly convert: ValueConverter;
  readonly metadata: SchemeField;
  /** The field this one is a second name for; `undefined` for a field of its own. */
  readonly aliasOf: string | undefined;
  /**
   * The names whose supplied values fill this field's slot, in order of preference: the
   * field's own name first, then its aliases (or, for an alias, its field and that field's
   * other aliases).
   */
  readonly names: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
const LIST_NAME = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;

/** A compiled filter expression. Create with {@link Scheme.compile}. */
export class Filter {
  /**
   * Evaluates the filter. `values` is a plain object (or `Map`) keyed by field name, or a
   * context from `scheme.context(values)` — the fast path when several filters run on one
   * request. Absent fields are missing values, and a field value of the wrong type is
   * treated as missing, never an error. Throws `invalid-argument` when `values` itself is not
   * an object (e.g. `null`) and `context-scheme-mismatch` for a context of another scheme.
   *
   * A function of its own on every filter (it may be passed around unbound): its compiled
   * condition is a constant of that function, so V8 can inline the whole filter into a
   * caller's loop, which a shared prototype method reading `this` prevented.
   */
  readonly execute: (values: FieldValues | ExecutionContext) => boolean;

  /** @internal */
  constructor(
    /** The expression as given. */
    readonly expression: string,
    /** Warnings found while compiling (e.g. deprecated fields). */
    readonly diagnostics: readonly Diagnostic[],
    private readonly scheme: Scheme,
    private readonly run: ConditionFn,
    private readonly used: readonly RegisteredField[],
    /** @internal The condition's value when it is the same for every request (`true`, `x or true`). */
    readonly constant: boolean | undefined,
    /** The options the expression was compiled with, beyond the scheme's (to rebuild the tree). */
    private readonly options: SchemeOptions | undefined,
  ) {
    this.execute = executor(run, scheme, (values) => this.executeValues(values));
  }

  /**
   * @internal The checked tree, for tracing and static analysis, rebuilt from the expression
   * on every access (checking is deterministic, so every copy is the same): only tracing and
   * tests need it, and keeping it would be most of a compiled filter's memory. Callers that
   * need it repeatedly keep their copy.
   */
  get checked(): CheckedCondition {
    return this.scheme.recheck(this.expression, this.options);
  }

  /**
   * @internal The compiled condition over a context's slots, without the scheme check
   * (a `Ruleset` checks its context once per request, then runs every rule's condition).
   */
  get condition(): ConditionFn {
    return this.run;
  }

  /** @internal The scheme this filter was compiled for. */
  get owner(): Scheme {
    return this.scheme;
  }

  /** Names of the fields the expression reads. */
  get fields(): string[] {
    return this.used.map((f) => f.name);
  }

  private executeValues(values: FieldValues | ExecutionContext): boolean {
    if (isExecutionContext(values)) {
      throw contextSchemeMismatch();
    }
    requireFieldValues(values);
    // A slot array reused across calls: growing a fresh holey array up to a high slot number
    // on every call dominated this path. A re-entrant call (a user function evaluating this
    // filter again) finds it taken and uses its own.
    const slots = this.scratch ?? new Array<unknown>(this.slotCount).fill(undefined);
    this.scratch = undefined;
    try {
      for (const field of this.used) slots[field.slot] = readSlotValue(values, field);
      return this.run(slots);
    } finally {
      // Drop the request's values so the filter does not keep them alive.
      for (const field of this.used) slots[field.slot] = undefined;
      this.scratch = slots;
    }
  }

  private scratch: unknown[] | undefined;

  private get slotCount(): number {
    return this.used.reduce((max, field) => Math.max(max, field.slot + 1), 0);
  }
}

/** A field's value from caller-supplied values: under its own name, else under an alias. */
function readSlotValue(values: FieldValues, field: RegisteredField): unknown {
  const names = field.names;
  if (names.length === 1) return field.convert(readFieldValue(values, names[0]!));
  for (const name of names) {
    const value = field.convert(readFieldValue(values, name));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Throws a clear error for field values that are not an object or `Map` (e.g. `null`). */
function requireFieldValues(values: unknown): asserts values is FieldValues {
  if (typeof values !== 'object' || values === null) {
    const got = values === null ? 'null' : typeof values;
    throw new WirefilterError(`expected field values (a plain object or Map) or an execution context, got ${got}`, [], undefined, 'invalid-argument');
  }
}

/** `Filter.execute`: a context of the filter's scheme runs the condition directly. */
function executor(run: ConditionFn, owner: Scheme, otherwise: (values: FieldValues | ExecutionContext) => boolean): Filter['execute'] {
  return (values) => (values instanceof ExecutionContext && values.owner === owner ? run(values.slots) : otherwise(values));
}

/** The fields, functions and lists expressions are written against. */
export class Scheme implements CheckEnvironment {
  readonly options: Readonly<SchemeOptions>;
  readonly hasListRegistry: boolean;
  private readonly fieldMap = new Map<string, RegisteredField>();
  private readonly functionMap = new Map<string, BuiltinFunction>(STANDARD_FUNCTIONS);
  private readonly listMap = new Map<string, ListInfo>();
  /** Slots of a context: one per field of its own (aliases share their field's). */
  private slotCount = 0;

  constructor(definition: SchemeDefinition) {
    const problems: string[] = [];
    this.options = Object.freeze({ ...definition.options });
    this.hasListRegistry = definition.lists !== undefined;
    // Fields of their own first (each gets a slot), then aliases (which share their field's).
    const fieldEntries = Object.entries(definition.fields ?? {});
    const aliasTarget = (spec: unknown): unknown => (typeof spec === 'object' && spec !== null ? (spec as FieldDefinition).aliasOf : undefined);
    for (const pass of ['own', 'alias'] as const) {
      for (const [name, spec] of fieldEntries) {
        const aliasOf = aliasTarget(spec);
        if ((aliasOf === undefined) !== (pass === 'own')) continue;
        try {
          this.registerField(name, spec, aliasOf, () => this.slotCount++, (other) => aliasTarget(definition.fields[other]) !== undefined);
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
    }
    for (const [name, definitionOfFunction] of Object.entries(definition.functions ?? {})) {
      try {
        if (!NAME.test(name)) throw new TypeError(`function \`${name}\`: invalid name`);
        if (this.fieldMap.has(name)) throw new TypeError(`function \`${name}\`: a field has the same name`);
        this.functionMap.set(name, userFunction(name, definitionOfFunction));
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    for (const [name, list] of Object.entries(definition.lists ?? {})) {
      try {
        this.listMap.set(name, buildList(name, list));
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (problems.length > 0) {
      throw new WirefilterError(`invalid scheme:\n${problems.map((p) => `- ${p}`).join('\n')}`, [], undefined, 'invalid-scheme');
    }
  }

  private registerField(name: string, spec: TypeName | FieldDefinition, aliasOf: unknown, nextSlot: () => number, isAlias: (name: string) => boolean): void {
    if (!NAME.test(name)) throw new TypeError(`field \`${name}\`: invalid name (dotted segments of letters, digits and _)`);
    const typeName = typeof spec === 'string' ? spec : spec?.type;
    const type = requireType(typeName, `field \`${name}\``);
    const details = typeof spec === 'object' ? spec : undefined;
    let target: RegisteredField | undefined;
    if (aliasOf !== undefined) {
      if (typeof aliasOf !== 'string') throw new TypeError(`field \`${name}\`: aliasOf must be a field name, got ${describeType(aliasOf)}`);
      target = this.fieldMap.get(aliasOf);
      if (target === undefined || target.aliasOf !== undefined) {
        const what = aliasOf === name ? 'itself' : target !== undefined || isAlias(aliasOf) ? `\`${elideMiddle(aliasOf, 200)}\`, itself an alias` : `\`${elideMiddle(aliasOf, 200)}\`, which is not a field of this scheme`;
        throw new TypeError(`field \`${name}\`: aliasOf names ${what}`);
      }
      if (formatType(target.type) !== formatType(type)) {
        throw new TypeError(`field \`${name}\`: an alias must have its field's type (\`${aliasOf}\` is ${formatType(target.type)}, this is ${formatType(type)})`);
      }
    }
    const flag = details?.deprecated;
    const deprecated = flag === true ? 'this field may be removed' : typeof flag === 'string' ? flag : undefined;
    const metadata: SchemeField = Object.freeze({
      name,
      type: formatType(type),
      ...(details?.description !== undefined && { description: details.description }),
      ...(details?.category !== undefined && { category: details.category }),
      ...(details?.notes !== undefined && { notes: details.notes }),
      ...(details?.plan !== undefined && { plan: details.plan }),
      ...(deprecated !== undefined && { deprecated }),
      ...(target !== undefined && { aliasOf: target.name }),
    });
    if (target === undefined) {
      this.fieldMap.set(name, { name, type, slot: nextSlot(), convert: converterFor(type), deprecated, metadata, aliasOf: undefined, names: [name] });
      return;
    }
    // One list of names per value, shared by the field and its aliases: the field's own name
    // is preferred when both are supplied.
    const names = target.names;
    names.push(name);
    this.fieldMap.set(name, { name, type: target.type, slot: target.slot, convert: target.convert, deprecated, metadata, aliasOf: target.name, names });
  }

  // --- CheckEnvironment ---------------------------------------------------------------------

  /** @internal */
  field(name: string): FieldInfo | undefined {
    return this.fieldMap.get(name);
  }

  /** @internal */
  function(name: string): BuiltinFunction | undefined {
    return this.functionMap.get(name);
  }

  /** @internal */
  list(name: string): ListInfo | undefined {
    return this.listMap.get(name);
  }

  /** @internal */
  *names(): Iterable<string> {
    yield* this.fieldMap.keys();
    yield* this.functionMap.keys();
  }

  // --- public API ---------------------------------------------------------------------------

  /** The registered fields with their metadata, in definition order. */
  fields(): SchemeField[] {
    return [...this.fieldMap.values()].map((f) => f.metadata);
  }

  /** Metadata of one field, or `undefined`. */
  fieldInfo(name: string): SchemeField | undefined {
    return this.fieldMap.get(name)?.metadata;
  }

  /** The available functions (standard library and user functions) with their signatures. */
  functions(): SchemeFunction[] {
    return [...this.functionMap.values()].map(describeFunction).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Metadata of one function, or `undefined`. */
  functionInfo(name: string): SchemeFunction | undefined {
    const fn = this.functionMap.get(name);
    return fn && describeFunction(fn);
  }

  /** Names of the lists `in $name` may use. */
  lists(): string[] {
    return [...this.listMap.keys()];
  }

  /** Parses an expression without checking it against the scheme (syntax only). */
  parse(expression: string, options: SchemeOptions = {}): ParseResult {
    return parseExpression(expression, { ...this.options, ...options });
  }

  /** Every diagnostic for an expression (errors and warnings). Never throws; `[]` means valid. */
  validate(expression: string, options: SchemeOptions = {}): Diagnostic[] {
    return this.analyse(expression, options).diagnostics;
  }

  /** Compiles an expression. Throws {@link WirefilterError} listing every error. */
  compile(expression: string, options: SchemeOptions = {}): Filter {
    requireString(expression, 'the expression');
    const merged = { ...this.options, ...options };
    const { checked, diagnostics } = this.analyse(expression, merged);
    if (checked === undefined) throw WirefilterError.fromDiagnostics(expression, diagnostics);
    let run: ConditionFn;
    let used: RegisteredField[];
    try {
      run = compileCondition(checked, merged);
      used = [...collectFields(checked)].map((f) => this.fieldMap.get(f.name)!);
    } catch (error) {
      if (!isStackOverflow(error)) throw error;
      const tooDeep = new DiagnosticBag(expression);
      tooDeep.error('nesting-limit-exceeded', 'the expression nests too deeply to be compiled', { start: 0, end: expression.length });
      throw WirefilterError.fromDiagnostics(expression, tooDeep.items);
    }
    return new Filter(expression, diagnostics, this, run, used, constantValue(checked), options !== null && typeof options === 'object' && Object.keys(options).length > 0 ? { ...options } : undefined);
  }

  /** @internal The checked tree of an expression that compiled (see `Filter.checked`). */
  recheck(expression: string, options: SchemeOptions | undefined): CheckedCondition {
    const { checked } = this.analyse(expression, { ...this.options, ...options });
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
    if (isExecutionContext(values)) {
      if (values.owner === this) return values;
      throw contextSchemeMismatch();
    }
    const slots: unknown[] = new Array(this.slotCount);
    const entries = values instanceof Map ? values.entries() : Object.entries(values);
    for (const [name, value] of entries) {
      const field = this.fieldMap.get(name);
      if (field === undefined) continue;
      const converted = field.convert(value);
      // A field and its aliases share a slot: a usable value under the field's own name wins
      // over one under an alias, whichever came first.
      if (converted !== undefined && (field.aliasOf === undefined || slots[field.slot] === undefined)) slots[field.slot] = converted;
    }
    return new ExecutionContext(this, slots);
  }

  private analyse(expression: string, options: SchemeOptions): { checked: CheckedCondition | undefined; diagnostics: Diagnostic[] } {
    const merged = { ...this.options, ...options };
    if (typeof expression !== 'string') {
      return {
        checked: undefined,
        diagnostics: [{ code: 'expected-token', severity: 'error', message: 'the expression must be a string', span: { start: 0, end: 0 }, line: 1, column: 1 }],
      };
    }
    const parsed = parseExpression(expression, merged);
    if (parsed.ast === undefined) return { checked: undefined, diagnostics: parsed.diagnostics };
    const bag = new DiagnosticBag(expression);
    const env: CheckEnvironment = merged === this.options ? this : withOptions(this, merged);
    let checked: CheckedCondition | undefined;
    try {
      checked = checkFilter(parsed.ast as Expression, env, bag);
    } catch (error) {
      // Index chains (`x[0][0]…`) are not nesting for the parser; thousands of them (with a
      // raised maxExpressionLength) must still end as a diagnostic, not a stack overflow.
      if (!isStackOverflow(error)) throw error;
      bag.error('nesting-limit-exceeded', 'the expression nests too deeply to be checked', { start: 0, end: expression.length });
    }
    const diagnostics = [...parsed.diagnostics, ...bag.items].sort((a, b) => a.span.start - b.span.start);
    const syntaxErrors = parsed.diagnostics.some((d) => d.severity === 'error');
    return { checked: syntaxErrors ? undefined : checked, diagnostics };
  }
}

/** A JS engine's "too much recursion" error (V8/JSC: RangeError; SpiderMonkey: InternalError). */
function isStackOverflow(error: unknown): boolean {
  return (error instanceof RangeError || (error instanceof Error && error.name === 'InternalError')) && /call stack|recursion/i.test(error.message);
}

function withOptions(scheme: Scheme, options: CheckOptions): CheckEnvironment {
  return {
    field: (name) => scheme.field(name),
    function: (name) => scheme.function(name),
    list: (name) => scheme.list(name),
    names: () => scheme.names(),
    hasListRegistry: scheme.hasListRegistry,
    options,
  };
}

/** The fields a checked tree reads. */
function collectFields(root: CheckedCondition): Set<FieldInfo> {
  const fields = new Set<FieldInfo>();
  const visitValue = (node: CheckedValue): void => {
    switch (node.kind) {
      case 'field':
        fields.add(node.field);
        break;
      case 'call':
        node.args.forEach(visitValue);
        node.implicit.forEach((field) => fields.add(field));
        break;
      case 'index':
      case 'each':
        visitValue(node.object);
        break;
      case 'condition':
        visitCondition(node.condition);
        break;
      case 'literal':
        break;
    }
  };
  const visitCondition = (node: CheckedCondition): void => {
    switch (node.kind) {
      case 'logical':
        node.operands.forEach(visitCondition);
        break;
      case 'not':
        visitCondition(node.operand);
        break;
      case 'quantifier':
        visitCondition(node.argument);
        break;
      case 'compare':
        visitValue(node.left);
        break;
      case 'value':
        visitValue(node.value);
        break;
      case 'constant':
        break;
    }
  };
  visitCondition(root);
  return fields;
}

/** The metadata of a function, with a readable signature. */
function describeFunction(fn: BuiltinFunction): SchemeFunction {
  const optionalStart = fn.params.length;
  const all = [...fn.params, ...(fn.optional ?? [])];
  const parameters = all.map((p, i) => ({
    name: p.name,
    type: describeParameterType(p.type),
    kind: p.kind,
    optional: i >= optionalStart,
    variadic: fn.variadic === true && i === all.length - 1,
  }));
  const returns = typeof fn.returns === 'function' ? 'depends on the arguments' : formatType(fn.returns);
  const shown = parameters.map((p) => {
    const text = `${p.name}: ${p.type}${p.variadic ? ', …' : ''}`;
    return p.optional ? `[${text}]` : text;
  });
  const arrow = typeof fn.returns === 'function' ? '' : ` -> ${returns}`;
  return {
    name: fn.name,
    signature: `${fn.name}(${shown.join(', ')})${arrow}`,
    description: fn.description,
    parameters,
    returns,
    ...(fn.phases !== undefined && { phases: fn.phases }),
  };
}

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

function buildList(name: string, list: ListDefinition): ListInfo {
  if (!LIST_NAME.test(name) || name.length > 64) throw new TypeError(`list \`${name}\`: invalid name (lowercase letters, digits, _ and inner dots)`);
  const items: CheckedListItem[] = [];
  const bad: string[] = [];
  const type = list?.type === 'Ip' ? IP : list?.type === 'Int' ? INT : list?.type === 'Bytes' ? BYTES : undefined;
  if (type === undefined) throw new TypeError(`list \`${name}\`: type must be "Ip", "Int" or "Bytes"`);
  for (const item of list.items ?? []) {
    if (type === IP) {
      const parsed = typeof item === 'string' ? parseIpLiteral(item, 'set') : undefined;
      if (parsed?.ok) items.push({ kind: 'ip', item: parsed.item });
      else bad.push(String(item));
    } else if (type === INT) {
      const parsed = parseIntSetItem(String(item));
      if (parsed.ok && (typeof item === 'string' || Number.isSafeInteger(item))) items.push({ kind: 'int', item: parsed.item });
      else bad.push(String(item));
    } else {
      const host = typeof item === 'string' ? item : '';
      const wildcard = host.startsWith('*.');
      const bare = wildcard ? host.slice(2) : host;
      if (/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/.test(bare)) items.push({ kind: 'hostname', host: bare.replace(/\.$/, ''), wildcard });
      else bad.push(String(item));
    }
  }
  if (bad.length > 0) throw new TypeError(`list \`${name}\`: invalid ${list.type} item(s): ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}`);
  return { name, type, items };
}
