/**
 * The scheme every command checks against: `cloudflareScheme()` by default, or a custom
 * scheme from `--scheme file.json`; plus the lists of `--lists file.json`.
 *
 * @module
 */
import { cloudflareScheme, type FieldDefinition, type ListDefinition, Scheme, type SchemeDefinition, WirefilterError } from '../index.js';
import { CliError, isObject, readJson } from './io.js';

/** Options shared by every command that needs a scheme. */
export interface SchemeFlags {
  scheme?: string;
  lists?: string;
}

/** What a command gets: the scheme and whether it is Cloudflare's. */
export interface SchemeSetup {
  scheme: Scheme;
  cloudflare: boolean;
  lists: Record<string, ListDefinition>;
}

const LIST_TYPES = new Set(['Ip', 'Int', 'Bytes']);

/**
 * Reads lists: `{ "name": { "type": "Ip" | "Int" | "Bytes", "items": [...] } }`, optionally
 * wrapped as `{ "lists": { ... } }`.
 */
export function parseLists(value: unknown, file: string): Record<string, ListDefinition> {
  const lists = isObject(value) && isObject(value.lists) && Object.keys(value).length === 1 ? value.lists : value;
  if (!isObject(lists)) throw new CliError(`${file}: expected an object of lists: { "name": { "type": "Ip", "items": [...] } }`);
  const result: Record<string, ListDefinition> = {};
  for (const [name, list] of Object.entries(lists)) {
    if (!isObject(list) || typeof list.type !== 'string' || !LIST_TYPES.has(list.type) || !Array.isArray(list.items)) {
      throw new CliError(`${file}: list ${JSON.stringify(name)} must be { "type": "Ip" | "Int" | "Bytes", "items": [...] }`);
    }
    result[name] = {
      type: list.type as ListDefinition['type'],
      items: list.items as (string | number)[],
      ...(typeof list.description === 'string' && { description: list.description }),
    };
  }
  return result;
}

/**
 * Reads a scheme definition: `{ "fields": {...}, "lists"?: {...}, "options"?: {...} }` where
 * `fields` maps names to a type or `{ "type", "description"?, "deprecated"?, "aliasOf"? }`, or is an array
 * of `{ "name", "type", ... }` entries (the shape of Cloudflare's `fields.json`). A bare array
 * is taken as the fields.
 */
export function parseSchemeDefinition(value: unknown, file: string): SchemeDefinition {
  const definition = Array.isArray(value) ? { fields: value } : value;
  if (!isObject(definition)) throw new CliError(`${file}: expected a scheme definition { "fields": { "name": "Type" } }`);
  let fields: Record<string, string | FieldDefinition>;
  if (Array.isArray(definition.fields)) {
    fields = {};
    for (const entry of definition.fields) {
      if (!isObject(entry) || typeof entry.name !== 'string') throw new CliError(`${file}: every entry of "fields" needs a "name" and a "type"`);
      const { name, ...rest } = entry;
      fields[name] = rest as unknown as FieldDefinition;
    }
  } else if (isObject(definition.fields)) {
    fields = definition.fields as Record<string, string | FieldDefinition>;
  } else {
    throw new CliError(`${file}: a scheme definition needs "fields" (an object of name → type, or an array)`);
  }
  return {
    fields: fields as SchemeDefinition['fields'],
    ...(definition.lists !== undefined && { lists: parseLists(definition.lists, file) }),
    ...(isObject(definition.options) && { options: definition.options }),
  };
}

/** Builds the scheme of a command from its flags (and lists given inline, e.g. by a test file). */
export function loadScheme(flags: SchemeFlags, cwd: string, extraLists: Record<string, ListDefinition> = {}): SchemeSetup {
  const lists: Record<string, ListDefinition> = { ...extraLists };
  if (flags.lists !== undefined) Object.assign(lists, parseLists(readJson(flags.lists, cwd), flags.lists));
  try {
    if (flags.scheme === undefined) {
      return { scheme: cloudflareScheme({ lists }), cloudflare: true, lists };
    }
    const definition = parseSchemeDefinition(readJson(flags.scheme, cwd), flags.scheme);
    const merged = { ...definition.lists, ...lists };
    const hasLists = definition.lists !== undefined || Object.keys(lists).length > 0;
    return { scheme: new Scheme({ ...definition, ...(hasLists && { lists: merged }) }), cloudflare: false, lists: merged };
  } catch (error) {
    if (error instanceof WirefilterError) throw new CliError(`${flags.scheme ?? flags.lists ?? 'scheme'}: ${error.message}`);
    throw error;
  }
}
