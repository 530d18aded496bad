/**
 * The standard library: every built-in function of `functions.md`, by name.
 *
 * | Family | Module | Functions |
 * |---|---|---|
 * | strings | `strings.ts` | `lower`, `upper`, `starts_with`, `ends_with`, `url_decode`, `substring`, `remove_bytes` |
 * | collections | `collections.ts` | `concat`, `len`, `has_key`, `has_value`, `split`, `join` |
 * | JSON | `json.ts` | `lookup_json_string`, `lookup_json_integer` |
 * | encoding | `encoding.ts` | `decode_base64`, `encode_base64`, `sha256` |
 * | rewrite | `rewrite.ts` | `regex_replace`, `wildcard_replace`, `remove_query_args`, `to_string`, `uuidv4` |
 * | IP | `ip.ts` | `cidr`, `cidr6` |
 * | HMAC | `hmac.ts` | `is_timed_hmac_valid_v0` |
 * | network | `network.ts` | `bit_slice` |
 *
 * `any` and `all` are syntax (quantifiers), not functions. Where a function may be used is in
 * its `phases` (see `phases.ts`).
 *
 * @module
 */
import { concat, hasKey, hasValue, join, len, split } from './collections.js';
import type { BuiltinFunction } from '../scheme/functions.js';
import { decodeBase64Function, encodeBase64Function, sha256 } from './encoding.js';
import { isTimedHmacValidV0 } from './hmac.js';
import { cidr, cidr6 } from './ip.js';
import { lookupJsonInteger, lookupJsonString } from './json.js';
import { bitSlice } from './network.js';
import { regexReplace, removeQueryArgs, toStringFunction, uuidv4, wildcardReplace } from './rewrite.js';
import { endsWith, lower, removeBytes, startsWith, substring, upper, urlDecode } from './strings.js';

/** Built-in functions available in every scheme. */
export const STANDARD_FUNCTIONS: ReadonlyMap<string, BuiltinFunction> = new Map(
  [
    // strings
    lower,
    upper,
    startsWith,
    endsWith,
    urlDecode,
    substring,
    removeBytes,
    // arrays and maps
    concat,
    len,
    hasKey,
    hasValue,
    split,
    join,
    // JSON
    lookupJsonString,
    lookupJsonInteger,
    // encoding and hashing
    decodeBase64Function,
    encodeBase64Function,
    sha256,
    // rewrite expressions
    regexReplace,
    wildcardReplace,
    removeQueryArgs,
    toStringFunction,
    uuidv4,
    // IP
    cidr,
    cidr6,
    // HMAC
    isTimedHmacValidV0,
    // network layer
    bitSlice,
  ].map((fn) => [fn.name, fn]),
);
