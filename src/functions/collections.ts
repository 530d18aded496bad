/**
 * Functions over arrays and maps: `concat` and `len` (which also take byte strings),
 * `has_key`, `has_value`, `split` and `join`.
 *
 * @module
 */
import { arrayOf, BOOL, BYTES, INT, isScalar, type Type } from '../scheme/types.js';
import { byteLength, bytesToValue, concatBytes, decodeUtf8Strict, indexOfBytes, isBytesValue, toUtf8, type BytesValue } from '../values/bytes.js';
import { compareInt } from '../values/int.js';
import { ipEquals, type IpAddress } from '../values/ip.js';
import { bytesValuesEqual, intInRange, isIntValue } from './common.js';
import type { BuiltinFunction, TypeConstraint } from '../scheme/functions.js';
import { CUSTOM_ERROR_RULES, RESPONSE_HEADER_RULES, TRANSFORM_RULES, WAF_CUSTOM_RULES } from './phases.js';

const bytesOrArray = (type: Type): boolean => type === BYTES || type.kind === 'Array';

/** `concat`'s arguments: the first fixes the type (Bytes or Array<T>), the rest must match it. */
const CONCAT_PART: TypeConstraint = {
  description: 'Bytes or Array<T> (all arguments of the same type)',
  accepts: (type, previous) => (previous.length === 0 ? bytesOrArray(type) : type === previous[0]),
  literalType: (previous) => (previous.length === 0 || previous[0] === BYTES ? BYTES : undefined),
};

/** `concat(v1, v2, …)`: joins byte strings or arrays; missing arguments are skipped. */
export const concat: BuiltinFunction = {
  name: 'concat',
  description: 'Concatenates byte strings, or arrays of the same element type. Missing arguments are skipped.',
  params: [
    { name: 'value1', type: CONCAT_PART, kind: 'any' },
    { name: 'value2', type: CONCAT_PART, kind: 'any' },
  ],
  variadic: true,
  returns: (args) => args[0] ?? BYTES,
  missing: 'receive',
  call(args) {
    const present = args.filter((a) => a !== undefined);
    if (present.length === 0) return undefined;
    if (Array.isArray(present[0])) return present.flatMap((a) => (Array.isArray(a) ? a : []));
    return concatBytes(present.filter(isBytesValue) as BytesValue[]);
  },
};

/** `len(Bytes | Array<T>)`: byte length of a string or number of elements of an array. */
export const len: BuiltinFunction = {
  name: 'len',
  description: 'Length of a byte string (in bytes, not characters) or number of elements of an array.',
  params: [{ name: 'value', type: { description: 'Bytes or Array<T>', accepts: bytesOrArray }, kind: 'field' }],
  returns: INT,
  call([value]) {
    if (Array.isArray(value)) return value.length;
    return isBytesValue(value) ? byteLength(value) : undefined;
  },
};

/** Key test on a runtime map: a `Map` (what field values are converted to) or a plain object. */
function mapHas(map: unknown, key: string): boolean {
  if (map instanceof Map) return map.has(key);
  return typeof map === 'object' && map !== null && Object.prototype.hasOwnProperty.call(map, key);
}

/** The values of a runtime map. */
function mapValues(map: unknown): Iterable<unknown> {
  if (map instanceof Map) return map.values();
  return typeof map === 'object' && map !== null ? Object.values(map) : [];
}

/** `has_key(map, key)`: whether the map has an entry for the key (exact, case-sensitive). */
export const hasKey: BuiltinFunction = {
  name: 'has_key',
  description:
    'True if the map has the key (exact, case-sensitive; header names are lowercase). WAF custom rules: allowed (availability unconfirmed).',
  params: [
    { name: 'map', type: { description: 'Map<T>', accepts: (type) => type.kind === 'Map' }, kind: 'field' },
    { name: 'key', type: BYTES, kind: 'any' },
  ],
  returns: BOOL,
  call([map, key]) {
    if (!isBytesValue(key)) return undefined;
    // Map keys are text; a key that is not valid UTF-8 cannot be one of them.
    const text = typeof key === 'string' ? key : decodeUtf8Strict(key);
    return text !== undefined && mapHas(map, text);
  },
};

/** The element type of an Array/Map type when it is a scalar (what `has_value` can compare). */
function scalarElement(type: Type | undefined): Type | undefined {
  if (type === undefined || (type.kind !== 'Array' && type.kind !== 'Map')) return undefined;
  return isScalar(type.element) ? type.element : undefined;
}

/** Equality of two runtime values of the same scalar type. */
function scalarEquals(a: unknown, b: unknown): boolean {
  if (isBytesValue(b)) return isBytesValue(a) && bytesValuesEqual(a, b);
  if (isIntValue(b)) return isIntValue(a) && compareInt(a, b) === 0;
  if (typeof b === 'boolean') return a === b;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && 'family' in a && 'family' in b) {
    return ipEquals(a as IpAddress, b as IpAddress);
  }
  return false;
}

/** `has_value(collection, value)`: whether an array element or map value equals the value. */
export const hasValue: BuiltinFunction = {
  name: 'has_value',
  description:
    'True if an array element (or a map value) equals the value exactly (case-sensitive). WAF custom rules: allowed (availability unconfirmed).',
  params: [
    {
      name: 'collection',
      type: { description: 'Array<T> or Map<T> with T one of Bytes, Int, Bool, Ip', accepts: (type) => scalarElement(type) !== undefined },
      kind: 'field',
    },
    {
      name: 'value',
      type: {
        description: 'the element type of the first argument',
        accepts: (type, previous) => scalarElement(previous[0]) === type,
        literalType: (previous) => scalarElement(previous[0]),
      },
      kind: 'any',
    },
  ],
  returns: BOOL,
  call([collection, value]) {
    const items = Array.isArray(collection) ? collection : mapValues(collection);
    for (const item of items) if (item !== undefined && scalarEquals(item, value)) return true;
    return false;
  },
};

/** Largest `limit` of `split` (Cloudflare's documented maximum). */
export const SPLIT_MAX_LIMIT = 128;

/** Splits `value` at `separator` into at most `limit` pieces; the last piece keeps the rest. */
function splitBytes(value: BytesValue, separator: BytesValue, limit: number): BytesValue[] {
  const out: BytesValue[] = [];
  if (typeof value === 'string' && typeof separator === 'string' && value.isWellFormed() && separator.isWellFormed()) {
    // In well-formed text a complete character sequence only matches at character
    // boundaries, so searching UTF-16 finds exactly the byte matches.
    let start = 0;
    while (out.length < limit - 1) {
      const at = value.indexOf(separator, start);
      if (at < 0) break;
      out.push(value.slice(start, at));
      start = at + separator.length;
    }
    out.push(start === 0 ? value : value.slice(start));
    return out;
  }
  const bytes = toUtf8(value);
  const sep = toUtf8(separator);
  let start = 0;
  while (out.length < limit - 1) {
    const at = indexOfBytes(bytes, sep, start);
    if (at < 0) break;
    out.push(bytesToValue(bytes.slice(start, at)));
    start = at + sep.length;
  }
  out.push(bytesToValue(bytes.slice(start)));
  return out;
}

/** `split(input, separator, limit)`: the pieces between separators, at most `limit` of them. */
export const split: BuiltinFunction = {
  name: 'split',
  description:
    'Splits at every occurrence of the separator into at most limit (1–128) pieces; the last piece keeps the rest. Empty pieces are kept.',
  params: [
    { name: 'input', type: BYTES, kind: 'field' },
    {
      name: 'separator',
      type: BYTES,
      kind: 'literal',
      validate: (value) => (isBytesValue(value) && byteLength(value) > 0 ? undefined : 'the separator must not be empty'),
    },
    { name: 'limit', type: INT, kind: 'literal', validate: intInRange(1, SPLIT_MAX_LIMIT, `expected a limit from 1 to ${SPLIT_MAX_LIMIT}`) },
  ],
  returns: arrayOf(BYTES),
  // Documented for response header transform rules and Custom Error Rules only; not WAF.
  phases: [RESPONSE_HEADER_RULES, CUSTOM_ERROR_RULES],
  call([value, separator, limit]) {
    if (!isBytesValue(value) || !isBytesValue(separator)) return undefined;
    return splitBytes(value, separator, limit as number);
  },
};

/** `join(items, separator)`: the items with the separator between them. */
export const join: BuiltinFunction = {
  name: 'join',
  description: 'Joins the items of an array of byte strings with the separator between them ("" for an empty array).',
  params: [
    { name: 'items', type: arrayOf(BYTES), kind: 'field' },
    { name: 'separator', type: BYTES, kind: 'literal' },
  ],
  returns: BYTES,
  // Documented for custom rules, Transform Rules and Custom Error Rules.
  phases: [WAF_CUSTOM_RULES, ...TRANSFORM_RULES, CUSTOM_ERROR_RULES],
  call([items, separator]) {
    if (!Array.isArray(items) || !isBytesValue(separator)) return undefined;
    const parts: BytesValue[] = [];
    // Elements of the wrong type are missing; like `[*]`, joining skips them.
    for (const item of items) {
      if (!isBytesValue(item)) continue;
      if (parts.length > 0) parts.push(separator);
      parts.push(item);
    }
    return parts.length === 0 ? '' : concatBytes(parts);
  },
};
