/**
 * JSON lookups: `lookup_json_string` and `lookup_json_integer`.
 *
 * Both walk a JSON document (usually `http.request.body.raw`) along a path of literal keys —
 * member names (Bytes) and zero-based array positions (Int) — with the strict, non-recursive
 * reader of `values/json-path.ts`. Anything that is not found — invalid JSON, a document
 * that is not valid UTF-8, an absent member, a position past the end, a key of the wrong kind
 * for the container, or a value of the wrong JSON type — is a missing value, so comparisons
 * on it are false.
 *
 * @module
 */
import { BYTES, INT, type Type } from '../scheme/types.js';
import { decodeUtf8Strict, isBytesValue } from '../values/bytes.js';
import { toIntValue } from '../values/int.js';
import { lookupJsonPath, type JsonFound, type JsonPathStep } from '../values/json-path.js';
import type { BuiltinFunction, ParameterSpec, TypeConstraint } from '../scheme/functions.js';

/** A key is a member name (Bytes) or an array position (Int). */
const KEY_TYPE: TypeConstraint = {
  description: 'Bytes (member name) or Int (array position)',
  accepts: (type: Type) => type === BYTES || type === INT,
};

const jsonParams: readonly ParameterSpec[] = [
  { name: 'field', type: BYTES, kind: 'field' },
  {
    name: 'key',
    type: KEY_TYPE,
    kind: 'literal',
    validate: (value) =>
      (typeof value === 'number' || typeof value === 'bigint') && value < 0 ? 'an array position cannot be negative' : undefined,
  },
];

/** The document as text (JSON is UTF-8), or `undefined` when its bytes are not UTF-8. */
function documentText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? value : value.toWellFormed();
  return value instanceof Uint8Array ? decodeUtf8Strict(value) : undefined;
}

/** Runs the lookup for `args` = `[document, key1, key2, …]`. */
function lookup(args: unknown[]): JsonFound | undefined {
  const text = documentText(args[0]);
  if (text === undefined) return undefined;
  const path: JsonPathStep[] = [];
  for (let i = 1; i < args.length; i++) {
    const key = args[i];
    // Literal Bytes keys are text unless they are not valid UTF-8: those can name no member.
    if (key instanceof Uint8Array || key === undefined) return undefined;
    path.push(key as JsonPathStep);
  }
  return lookupJsonPath(text, path);
}

/** `lookup_json_string(field, key1, …)`: the JSON string at the path, with escapes decoded. */
export const lookupJsonString: BuiltinFunction = {
  name: 'lookup_json_string',
  description:
    'The string at a path of member names and array positions in a JSON document (escapes decoded); missing if absent, not a string, or invalid JSON.',
  params: jsonParams,
  variadic: true,
  returns: BYTES,
  call(args) {
    if (!isBytesValue(args[0])) return undefined;
    const found = lookup(args);
    return found?.kind === 'string' ? found.value : undefined;
  },
};

/** `lookup_json_integer(field, key1, …)`: the plain JSON integer at the path (int64). */
export const lookupJsonInteger: BuiltinFunction = {
  name: 'lookup_json_integer',
  description:
    'The integer at a path of member names and array positions in a JSON document; missing if absent, not a plain integer (42.0, 4.2e1), beyond 64 bits, or invalid JSON.',
  params: jsonParams,
  variadic: true,
  returns: INT,
  call(args) {
    if (!isBytesValue(args[0])) return undefined;
    const found = lookup(args);
    if (found?.kind !== 'number' || !found.integer) return undefined;
    // Up to 15 digits always fit a double exactly; longer ones go through BigInt, and
    // toIntValue drops what int64 cannot hold and makes the value canonical.
    return toIntValue(found.text.length <= 15 ? Number(found.text) : BigInt(found.text));
  },
};
