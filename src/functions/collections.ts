/**
 * `concat` and `len`: functions over byte strings and arrays alike.
 *
 * @module
 */
import { BYTES, INT, type Type } from '../scheme/types.js';
import { byteLength, concatBytes, isBytesValue, type BytesValue } from '../values/bytes.js';
import type { BuiltinFunction, TypeConstraint } from './definition.js';

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
