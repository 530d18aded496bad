/**
 * The standard library: every built-in function, by name.
 *
 * @module
 */
import { concat, len } from './collections.js';
import type { BuiltinFunction } from './definition.js';
import { cidr, cidr6 } from './ip.js';
import { endsWith, lower, startsWith, upper, urlDecode } from './strings.js';

/** Built-in functions available in every scheme. */
export const STANDARD_FUNCTIONS: ReadonlyMap<string, BuiltinFunction> = new Map(
  [concat, len, lower, upper, startsWith, endsWith, urlDecode, cidr, cidr6].map((fn) => [fn.name, fn]),
);
