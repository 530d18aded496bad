/**
 * Loads the language-agnostic conformance data in this folder: a default scheme, default
 * request values, and case files. See README.md here for the format.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SchemeDefinition, SchemeOptions } from '../../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));

/** One conformance case, as written in a case file. */
export interface ConformanceCase {
  name: string;
  expression: string;
  values?: Record<string, unknown>;
  options?: SchemeOptions;
  /** Expected result of executing the filter. */
  result?: boolean;
  /** Expected diagnostic code (compilation must fail with at least this error). */
  error?: string;
  /** Several codes that must all be reported. */
  errors?: string[];
  /** Expected `[start, end]` of the `error` diagnostic. */
  span?: [number, number];
  /** Compiles; result not asserted. */
  valid?: boolean;
}

/** A case file. */
export interface ConformanceFile {
  file: string;
  description: string;
  values?: Record<string, unknown>;
  scheme?: SchemeDefinition;
  cases: ConformanceCase[];
}

const readJson = (name: string): unknown => JSON.parse(readFileSync(join(here, name), 'utf8'));

/** The default scheme of the conformance data. */
export function conformanceScheme(): SchemeDefinition {
  return readJson('scheme.json') as SchemeDefinition;
}

/** The default request values (the §12 context), still in their JSON encoding. */
export function conformanceValues(): Record<string, unknown> {
  return readJson('values.json') as Record<string, unknown>;
}

/** Every case file, sorted by name. */
export function conformanceFiles(): ConformanceFile[] {
  return readdirSync(here)
    .filter((f) => f.endsWith('.json') && f !== 'scheme.json' && f !== 'values.json' && f !== 'skip.json')
    .sort()
    .map((file) => ({ file, ...(readJson(file) as Omit<ConformanceFile, 'file'>) }));
}

/** The skip-list: `"file: case name"` → reason. Every entry must explain itself. */
export function conformanceSkips(): Record<string, string> {
  return readJson('skip.json') as Record<string, string>;
}

/**
 * Decodes the JSON value encoding: `{"$bytes": "hex"}` → `Uint8Array`,
 * `{"$int": "digits"}` → `bigint`; other objects are maps, arrays stay arrays.
 */
export function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.$bytes === 'string') {
      const hex = record.$bytes.replace(/[^0-9a-fA-F]/g, '');
      return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
    }
    if (typeof record.$int === 'string') return BigInt(record.$int);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decodeValue(v)]));
  }
  return value;
}

/** Merges value overrides: a `null` override removes the key (makes the field missing). */
export function mergeValues(...layers: (Record<string, unknown> | undefined)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (layer === undefined) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === null) delete out[key];
      else out[key] = value;
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, decodeValue(v)]));
}
