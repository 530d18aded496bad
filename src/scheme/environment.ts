/**
 * The environment expressions are checked against: fields (with types, slots and metadata),
 * function signatures and lists. Passive and immutable once built: running the pipeline
 * (parse → check → compile) is the engine's job (`src/engine/`), and `Scheme` adds that on top.
 *
 * @module
 */
import { describeType, WirefilterError } from '../diagnostics/errors.js';
import { elideMiddle } from '../diagnostics/diagnostics.js';
import type { ArgumentKind, BuiltinFunction, FunctionDefinition } from './functions.js';
import { describeParameterType, requireType } from './functions.js';
import { parseIntSetItem } from '../values/int.js';
import { parseIpLiteral, type IpSetItem } from '../values/ip.js';
import type { IntSetItem } from '../values/int.js';
import { normalizeOptions, type SchemeOptions } from './options.js';
import { BYTES, formatType, INT, IP, type Type, type TypeName } from './types.js';

/** A field as registered in a scheme. */
export interface FieldInfo {
  readonly name: string;
  readonly type: Type;
  /** Index of the field in execution-context slot arrays (an alias shares its field's). */
  readonly slot: number;
  /** Set when the field is deprecated: what to use instead (or why). */
  readonly deprecated?: string;
}

/** A list as registered in a scheme (`in $name`). */
export interface ListInfo {
  readonly name: string;
  readonly type: Type;
  /** Items as given by the caller, already parsed. */
  readonly items: readonly CheckedListItem[];
}

/** A parsed list item. */
export type CheckedListItem =
  | { kind: 'ip'; item: IpSetItem }
  | { kind: 'int'; item: IntSetItem }
  | { kind: 'hostname'; host: string; wildcard: boolean };

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

/** A field of the environment: what the checker sees, plus metadata and alias names. */
export interface RegisteredField extends FieldInfo {
  /** What {@link SchemeEnvironment.fields} reports for it. */
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

/** Builds a callable function from a user's definition (the engine wraps value conversion). */
export type UserFunctionFactory = (name: string, definition: FunctionDefinition) => BuiltinFunction;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
const LIST_NAME = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;

/**
 * The fields, functions and lists of a scheme, built from a {@link SchemeDefinition}. Every
 * problem of a definition is reported at once (`invalid-scheme`); invalid options are
 * `invalid-option`.
 */
export class SchemeEnvironment {
  /** The scheme's options, validated. */
  readonly options: Readonly<SchemeOptions>;
  /** Whether the definition gave lists (then an unknown `$list` is an error by default). */
  readonly hasListRegistry: boolean;
  /** Slots of an execution context: one per field of its own (aliases share their field's). */
  readonly slotCount: number;
  /** @internal */
  protected readonly fieldMap = new Map<string, RegisteredField>();
  private readonly functionMap: Map<string, BuiltinFunction>;
  private readonly listMap = new Map<string, ListInfo>();

  /**
   * @param builtins - the functions every expression may call (the standard library)
   * @param userFunction - turns a user's function definition into a callable function
   */
  constructor(definition: SchemeDefinition, builtins: ReadonlyMap<string, BuiltinFunction>, userFunction: UserFunctionFactory) {
    if (typeof definition !== 'object' || definition === null) {
      throw new WirefilterError(`a scheme definition must be an object { fields, functions?, lists?, options? }, got ${describeType(definition)}`, [], undefined, 'invalid-scheme');
    }
    this.options = normalizeOptions(definition.options);
    this.hasListRegistry = definition.lists !== undefined;
    this.functionMap = new Map(builtins);
    const problems: string[] = [];
    // Fields of their own first (each gets a slot), then aliases (which share their field's).
    const fieldEntries = Object.entries(definition.fields ?? {});
    const aliasTarget = (spec: unknown): unknown => (typeof spec === 'object' && spec !== null ? (spec as FieldDefinition).aliasOf : undefined);
    let slots = 0;
    for (const pass of ['own', 'alias'] as const) {
      for (const [name, spec] of fieldEntries) {
        const aliasOf = aliasTarget(spec);
        if ((aliasOf === undefined) !== (pass === 'own')) continue;
        try {
          this.registerField(name, spec, aliasOf, () => slots++, (other) => aliasTarget(definition.fields[other]) !== undefined);
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
    }
    this.slotCount = slots;
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
      this.fieldMap.set(name, { name, type, slot: nextSlot(), deprecated, metadata, aliasOf: undefined, names: [name] });
      return;
    }
    // One list of names per value, shared by the field and its aliases: the field's own name
    // is preferred when both are supplied.
    const names = target.names;
    names.push(name);
    this.fieldMap.set(name, { name, type: target.type, slot: target.slot, deprecated, metadata, aliasOf: target.name, names });
  }

  // --- what the checker reads ---------------------------------------------------------------

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

  // --- metadata for tools ---------------------------------------------------------------------

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

  /** @internal A registered field with its alias names, or `undefined`. */
  registered(name: string): RegisteredField | undefined {
    return this.fieldMap.get(name);
  }
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
