/**
 * Functions for rewrite expressions (Transform Rules, dynamic redirects): `regex_replace`,
 * `wildcard_replace`, `remove_query_args`, `to_string` and `uuidv4`. Cloudflare does not
 * offer them in WAF custom rules; their `phases` say where they are accepted.
 *
 * Results are built from bytes: captures are byte ranges of the source, replacements are the
 * literal's bytes, and the result is text only when it is valid UTF-8.
 *
 * @module
 */
import { BOOL, BYTES, INT, IP, type Type } from '../scheme/types.js';
import { binaryStringToBytes, bytesToValue, isAscii, isBytesValue, toBinaryString, toUtf8, type BytesValue } from '../values/bytes.js';
import { formatIpAddress, type IpAddress } from '../values/ip.js';
import { compileRegex, type CompiledRegex } from '../values/regex/index.js';
import { sha256 } from '../values/sha256.js';
import { compileWildcard, type WildcardPattern } from '../values/wildcard.js';
import { BoundedCache, flagLetters, literalText } from './common.js';
import type { BuiltinFunction, ParameterSpec } from '../scheme/functions.js';
import { DYNAMIC_REDIRECT_RULES, TRANSFORM_RULES, URL_REWRITE_RULES } from './phases.js';

// --- replacements -----------------------------------------------------------------------------

/** Highest capture reference a replacement may use (`${8}`). */
export const MAX_REPLACEMENT_GROUP = 8;

/** A parsed replacement: literal byte runs and capture numbers (1…8), in order. */
type Replacement = readonly (Uint8Array | number)[];

type ReplacementResult = { ok: true; parts: Replacement } | { ok: false; message: string };

/**
 * Parses a replacement: `${1}`…`${8}` insert a capture and `$$` is one `$`; every other use
 * of `$` (`$1`, `${0}`, `${9}`, `${name}`, a trailing `$`) is an error, so that a typo is
 * reported instead of being copied into URLs.
 */
function parseReplacement(bytes: Uint8Array): ReplacementResult {
  const parts: (Uint8Array | number)[] = [];
  let literal: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x24 /* $ */) {
      literal.push(b);
      continue;
    }
    if (bytes[i + 1] === 0x24) {
      literal.push(0x24);
      i++;
      continue;
    }
    const digit = bytes[i + 2]! - 0x30;
    if (bytes[i + 1] === 0x7b /* { */ && digit >= 1 && digit <= MAX_REPLACEMENT_GROUP && bytes[i + 3] === 0x7d /* } */) {
      if (literal.length > 0) parts.push(Uint8Array.from(literal));
      literal = [];
      parts.push(digit);
      i += 3;
      continue;
    }
    return {
      ok: false,
      message: `\`$\` at byte ${i} must start a capture reference \`\${1}\`…\`\${${MAX_REPLACEMENT_GROUP}}\`, or be doubled (\`$$\`) for a literal dollar sign`,
    };
  }
  if (literal.length > 0) parts.push(Uint8Array.from(literal));
  return { ok: true, parts };
}

const replacements = new BoundedCache<string, ReplacementResult>();

function replacementFor(value: BytesValue): ReplacementResult {
  return replacements.get(toBinaryString(value), () => parseReplacement(toUtf8(value)));
}

const replacementParam: ParameterSpec = {
  name: 'replacement',
  type: BYTES,
  kind: 'literal',
  validate: (value) => {
    if (!isBytesValue(value)) return 'expected a string';
    const parsed = replacementFor(value);
    return parsed.ok ? undefined : parsed.message;
  },
};

/** Concatenates byte arrays. */
function joinBytes(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Expands a replacement: `group(n)` gives capture `n`'s bytes; a capture that did not take
 * part in the match, or that the pattern does not have, inserts nothing.
 */
function expand(parts: Replacement, group: (n: number) => Uint8Array | undefined): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    if (typeof part !== 'number') chunks.push(part);
    else {
      const bytes = group(part);
      if (bytes !== undefined) chunks.push(bytes);
    }
  }
  return chunks;
}

// --- regex_replace ----------------------------------------------------------------------------

type RegexResult = ReturnType<typeof compileRegex>;

// Compiled once per distinct pattern: validation and every call share the result. A compiled
// regex near the size limit holds ~60 MB of heap: bound the cache by total size as well.
const regexes = new BoundedCache<string, RegexResult>(256, (r) => (r.ok ? r.size : 0), 32 * 1024 * 1024);

const compiledRegex = (pattern: string): RegexResult => regexes.get(pattern, () => compileRegex(pattern));

/** `regex_replace(source, regex, replacement)`: replaces the first match of the regex. */
export const regexReplace: BuiltinFunction = {
  name: 'regex_replace',
  rewrite: true,
  description: 'Replaces the first match of the regular expression with the replacement (${1}…${8} insert captures, $$ is "$"); no match leaves the source unchanged.',
  params: [
    { name: 'source', type: BYTES, kind: 'field' },
    {
      name: 'regex',
      type: BYTES,
      kind: 'literal',
      validate: (value) => {
        const pattern = literalText(value);
        if (pattern === undefined) return 'a regular expression must be valid UTF-8';
        const result = compiledRegex(pattern);
        return result.ok ? undefined : `invalid regular expression: ${result.message}`;
      },
    },
    replacementParam,
  ],
  returns: BYTES,
  // Rewrite expressions of Transform Rules and dynamic URL redirects.
  phases: [...TRANSFORM_RULES, DYNAMIC_REDIRECT_RULES],
  call([value, regex, replacement]) {
    if (!isBytesValue(value) || !isBytesValue(replacement)) return undefined;
    const pattern = literalText(regex);
    const compiled = pattern === undefined ? undefined : compiledRegex(pattern);
    const parsed = replacementFor(replacement);
    if (!compiled?.ok || !parsed.ok) return undefined;
    return replaceFirst(compiled.regex, value, parsed.parts);
  },
};

function replaceFirst(regex: CompiledRegex, value: BytesValue, parts: Replacement): BytesValue {
  const match = regex.exec(value);
  if (match === undefined) return value;
  const bytes = toUtf8(value);
  const inserted = expand(parts, (n) => {
    const span = match.groups[n];
    return span === undefined ? undefined : bytes.subarray(span[0], span[1]);
  });
  return bytesToValue(joinBytes([bytes.subarray(0, match.start), ...inserted, bytes.subarray(match.end)]));
}

// --- wildcard_replace -------------------------------------------------------------------------

type WildcardResult = ReturnType<typeof compileWildcard>;

const wildcards = new BoundedCache<string, WildcardResult>();

function compiledWildcard(pattern: BytesValue, caseSensitive: boolean): WildcardResult {
  return wildcards.get(`${caseSensitive ? 's' : 'i'}${toBinaryString(pattern)}`, () => compileWildcard(toUtf8(pattern), { caseSensitive }));
}

/**
 * `wildcard_replace(source, pattern, replacement, flags?)`: when the whole source matches the
 * wildcard pattern, the replacement with `${n}` = what the n-th `*` matched (shortest).
 */
export const wildcardReplace: BuiltinFunction = {
  name: 'wildcard_replace',
  rewrite: true,
  description:
    'If the whole source matches the wildcard pattern, returns the replacement with ${n} = what the n-th * matched; else the source. Case-insensitive unless flags is "s".',
  params: [
    { name: 'source', type: BYTES, kind: 'field' },
    {
      name: 'pattern',
      type: BYTES,
      kind: 'literal',
      validate: (value) => {
        if (!isBytesValue(value)) return 'expected a string';
        const result = compiledWildcard(value, true);
        return result.ok ? undefined : result.message;
      },
    },
    replacementParam,
  ],
  optional: [{ name: 'flags', type: BYTES, kind: 'literal', validate: flagLetters('s', 'the only flag is "s" (case-sensitive matching)') }],
  returns: BYTES,
  // URL rewrites and dynamic URL redirects.
  phases: [URL_REWRITE_RULES, DYNAMIC_REDIRECT_RULES],
  call([value, pattern, replacement, flags]) {
    if (!isBytesValue(value) || !isBytesValue(pattern) || !isBytesValue(replacement)) return undefined;
    const caseSensitive = typeof flags === 'string' && flags.includes('s');
    const compiled = compiledWildcard(pattern, caseSensitive);
    const parsed = replacementFor(replacement);
    if (!compiled.ok || !parsed.ok) return undefined;
    return wildcardReplaceValue(compiled.pattern, value, parsed.parts);
  },
};

function wildcardReplaceValue(pattern: WildcardPattern, value: BytesValue, parts: Replacement): BytesValue {
  const captures = pattern.captures(value);
  if (captures === undefined) return value;
  const inserted = expand(parts, (n) => (n <= captures.length ? binaryStringToBytes(captures[n - 1]!) : undefined));
  return bytesToValue(joinBytes(inserted));
}

// --- remove_query_args ------------------------------------------------------------------------

/** `remove_query_args(query, name1, …)`: drops every `name=value` / bare `name` pair with one of the names. */
export const removeQueryArgs: BuiltinFunction = {
  name: 'remove_query_args',
  description: 'Removes every query-string argument with one of the given names (exact, case-sensitive), keeping the others in order.',
  params: [
    { name: 'query', type: BYTES, kind: 'field', fields: ['http.request.uri.query', 'raw.http.request.uri.query'] },
    {
      name: 'name',
      type: BYTES,
      kind: 'literal',
      validate: (value) => {
        if (!isBytesValue(value)) return 'expected a string';
        const text = toBinaryString(value);
        if (text.length === 0) return 'the argument name must not be empty';
        if (/[&=]/.test(text)) return 'an argument name cannot contain "&" or "="';
        return undefined;
      },
    },
  ],
  variadic: true,
  returns: BYTES,
  // Rewrite expressions of Transform Rules.
  phases: TRANSFORM_RULES,
  call(args) {
    const value = args[0];
    if (!isBytesValue(value)) return undefined;
    // `&` and `=` are ASCII, so the byte-per-char form splits exactly like the bytes.
    const names = new Set(args.slice(1).filter(isBytesValue).map(toBinaryString));
    const pairs = toBinaryString(value).split('&');
    const kept = pairs.filter((pair) => {
      const eq = pair.indexOf('=');
      return !names.has(eq < 0 ? pair : pair.slice(0, eq));
    });
    if (kept.length === pairs.length) return value;
    const out = kept.join('&');
    return typeof value === 'string' && isAscii(value) ? out : bytesToValue(binaryStringToBytes(out));
  },
};

// --- to_string --------------------------------------------------------------------------------

/** `to_string(Int | Bool | Ip)`: decimal, `true`/`false`, or the canonical address text. */
export const toStringFunction: BuiltinFunction = {
  name: 'to_string',
  description: 'Text of an Int (decimal), Bool ("true"/"false") or IP address (IPv6 in compressed lowercase form).',
  params: [
    {
      name: 'value',
      type: { description: 'Int, Bool or Ip', accepts: (type: Type) => type === INT || type === BOOL || type === IP },
      kind: 'field',
    },
  ],
  returns: BYTES,
  // Rewrite expressions of Transform Rules and dynamic URL redirects.
  phases: [...TRANSFORM_RULES, DYNAMIC_REDIRECT_RULES],
  call([value]) {
    if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'object' && value !== null && 'family' in value) return formatIpAddress(value as IpAddress);
    return undefined;
  },
};

// --- uuidv4 -----------------------------------------------------------------------------------

const HEX = '0123456789abcdef';

/**
 * The version-4 UUID derived from a seed: the first 16 bytes of SHA-256(seed) with the
 * version (`0100`) and RFC 4122 variant (`10`) bits set, in the lowercase 8-4-4-4-12 form.
 *
 * Cloudflare documents only that the UUID is derived from `cf.random_seed`. Hashing (rather
 * than using the seed bytes directly) makes every seed length work, keeps the result
 * deterministic — the same seed always gives the same UUID, which makes rules testable — and
 * spreads short or low-entropy test seeds over the whole UUID space.
 */
export function uuidFromSeed(seed: Uint8Array): string {
  const bytes = sha256(seed).subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i]! >>> 4]! + HEX[bytes[i]! & 15]!;
  }
  return out;
}

/** `uuidv4(seed)`: a version-4 UUID derived deterministically from the seed bytes. */
export const uuidv4: BuiltinFunction = {
  name: 'uuidv4',
  description: 'A random-looking version-4 UUID (36 lowercase characters) derived from the seed bytes, normally cf.random_seed.',
  params: [{ name: 'seed', type: BYTES, kind: 'field' }],
  returns: BYTES,
  // Rewrite expressions of Transform Rules.
  phases: TRANSFORM_RULES,
  call: ([seed]) => (isBytesValue(seed) ? uuidFromSeed(toUtf8(seed)) : undefined),
};
