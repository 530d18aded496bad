/**
 * Conversion between the values callers pass in (public representations) and the values the
 * compiled closures work on (internal representations).
 *
 * | Type     | public                          | internal                       |
 * |----------|---------------------------------|--------------------------------|
 * | Bytes    | `string` (UTF-8) or `Uint8Array`| the same                       |
 * | Int      | `number` (integer) or `bigint`  | the same, within int64         |
 * | Bool     | `boolean`                       | the same                       |
 * | Ip       | `string`                        | a parsed {@link IpAddress}     |
 * | Array<T> | array                           | array of internal `T`          |
 * | Map<T>   | plain object or `Map`           | plain object or `Map` of `T`   |
 *
 * A value of the wrong JavaScript type is treated as missing (documented behaviour); an
 * element of the wrong type inside an array or map is missing too (dropped by `[*]`).
 * Caller objects are never mutated: converted containers are fresh copies.
 *
 * @module
 */
import type { Type } from '../scheme/types.js';
import { compareStringsUtf8, ownBytes } from '../values/bytes.js';
import { toIntValue } from '../values/int.js';
import { formatIpAddress, toIpAddress, type IpAddress } from '../values/ip.js';

/** A converter from public to internal values; `undefined` = missing. */
export type ValueConverter = (value: unknown) => unknown;

const identity: ValueConverter = (value) => value;

/** Reads one entry of a map given as a plain object or a `Map`, without touching prototypes. */
export function mapGet(map: unknown, key: string): unknown {
  if (map instanceof Map) return map.get(key);
  return Object.prototype.hasOwnProperty.call(map, key) ? (map as Record<string, unknown>)[key] : undefined;
}

/** The entries of a map (plain object or `Map`), in ascending byte order of their keys. */
export function mapEntriesSorted(map: unknown): [string, unknown][] {
  const entries: [string, unknown][] = map instanceof Map ? [...map.entries()] : Object.entries(map as object);
  // Code point order equals UTF-8 byte order (the engine's key order).
  return entries.sort(([a], [b]) => compareStringsUtf8(a, b));
}

/** A `Map` or a plain object (a typed array, `Date`, `Set`, … is the wrong type: missing). */
const isPlainMap = (value: unknown): boolean =>
  value instanceof Map || (typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Object]');

/** Builds the public → internal converter for a type. */
export function converterFor(type: Type): ValueConverter {
  switch (type.kind) {
    case 'Bytes':
      // Byte arrays are taken over (decoded or copied): see ownBytes.
      return (value) => (typeof value === 'string' ? value : value instanceof Uint8Array ? ownBytes(value) : undefined);
    case 'Bool':
      return (value) => (typeof value === 'boolean' ? value : undefined);
    case 'Int':
      return (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? value : toIntValue(value));
    case 'Ip':
      return toIpAddress;
    case 'Array': {
      const element = converterFor(type.element);
      return (value) => (Array.isArray(value) ? value.map(element) : undefined);
    }
    case 'Map': {
      const element = converterFor(type.element);
      // Always copied: entries are validated, and a `Map` keeps lookups free of prototypes.
      return (value) => {
        if (!isPlainMap(value)) return undefined;
        const out = new Map<string, unknown>();
        const entries = value instanceof Map ? value.entries() : Object.entries(value as object);
        for (const [key, entry] of entries) {
          if (typeof key !== 'string') continue;
          const converted = element(entry);
          if (converted !== undefined) out.set(key, converted);
        }
        return out;
      };
    }
  }
}

/** Builds the internal → public converter for a type (used for user function arguments). */
export function publicConverterFor(type: Type): ValueConverter {
  switch (type.kind) {
    case 'Ip':
      return (value) => formatIpAddress(value as IpAddress);
    case 'Array': {
      if (!containsIp(type)) return identity;
      const element = publicConverterFor(type.element);
      return (value) => (value as unknown[]).map(element);
    }
    case 'Map': {
      if (!containsIp(type)) return identity;
      const element = publicConverterFor(type.element);
      return (value) => new Map(mapEntriesSorted(value).map(([k, v]) => [k, element(v)]));
    }
    default:
      return identity;
  }
}

function containsIp(type: Type): boolean {
  return type.kind === 'Ip' || ((type.kind === 'Array' || type.kind === 'Map') && containsIp(type.element));
}
