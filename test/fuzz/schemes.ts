/**
 * The schemes the fuzz suite runs against: the conformance scheme (`test/conformance/scheme.json`)
 * extended with the extra fields of the function-library cases (raw packets, `cf.random_seed`,
 * `Array<Map<Bytes>>`, …), so that every type and every built-in function can be reached.
 *
 * @module
 */
import { parseType, Scheme, type SchemeDefinition, type SchemeOptions, type Type } from '../../src/index.js';
import { conformanceFiles, conformanceScheme, type ConformanceFile } from '../conformance/runner.js';

/** A type, parsed from its name (the library's own type model). */
export type FuzzType = Type;

/** Parses `Bytes`, `Array<Map<Int>>`, … with the library's `parseType`; throws for an unknown name. */
export function parseTypeName(name: string): FuzzType {
  const type = parseType(name);
  if (type === undefined) throw new Error(`unknown type ${name}`);
  return type;
}

/** `Array<Map<Int>>`, … */
export function typeName(type: FuzzType): string {
  return type.kind === 'Array' || type.kind === 'Map' ? `${type.kind}<${typeName(type.element)}>` : type.kind;
}

/** A field of the fuzz scheme. */
export interface FuzzField {
  name: string;
  type: FuzzType;
  typeName: string;
}

const library: ConformanceFile | undefined = conformanceFiles().find((f) => f.file === 'functions-library.json');

/** The conformance scheme plus the function-library fields. */
export function fuzzSchemeDefinition(options: SchemeOptions = {}): SchemeDefinition {
  const base = conformanceScheme();
  return {
    ...base,
    fields: { ...base.fields, ...(library?.scheme?.fields ?? {}) },
    lists: { ...(library?.scheme?.lists ?? {}), ...base.lists },
    options: { ...base.options, ...options },
  };
}

/** Every field with its parsed type. */
export function fuzzFields(definition: SchemeDefinition = fuzzSchemeDefinition()): FuzzField[] {
  return Object.entries(definition.fields).map(([name, spec]) => {
    const tn = typeof spec === 'string' ? spec : spec.type;
    return { name, type: parseTypeName(tn), typeName: tn };
  });
}

let cached: Scheme | undefined;

/** The shared fuzz scheme (default options). */
export function fuzzScheme(): Scheme {
  cached ??= new Scheme(fuzzSchemeDefinition());
  return cached;
}

/** Lists of the fuzz scheme by item type. */
export const LISTS = {
  Ip: ['office_ips', 'empty_ips'],
  Int: ['bad_asns'],
  Bytes: ['partner_hosts'],
} as const;
