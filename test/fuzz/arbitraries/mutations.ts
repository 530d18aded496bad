/**
 * Mutations of the conformance expressions: insert, delete, replace, duplicate, repeat and
 * swap slices, splice pieces of other expressions in, and mutate the UTF-8 bytes (decoded
 * back with U+FFFD for what is no longer UTF-8). Inserted text comes from the language's
 * alphabet and from hostile characters: NUL, TAB, lone surrogates, U+2028, emoji, U+00FF, …
 *
 * @module
 */
import fc from 'fast-check';
import { conformanceFiles } from '../../conformance/runner.js';

/** Every expression of the conformance case files (deduplicated). */
export const SEED_EXPRESSIONS: readonly string[] = [...new Set(conformanceFiles().flatMap((f) => f.cases.map((c) => c.expression)))];

const ALPHABET = [
  ...'abcdefghijklmnopqrstuvwxyz_.0123456789ABCDEFxX ()[]{}",\\r#$*:-/&|^!=<>~',
  'and ', ' or ', ' xor ', 'not ', '!', '&&', '||', '^^', ' eq ', ' ne ', ' in ', ' contains ', ' matches ', ' wildcard ', ' strict wildcard ', '==', '!=', '<=', '>=',
  'any(', 'all(', '[*]', '[0]', '["a"]', '{', '}', '0x', '..', '::', '/24', '\\x', '\\"', '\\\\', '\\377', 'r#"', '"#', 'true', '$office_ips', 'http.host', 'ip.src', 'lower(', ')',
];
const HOSTILE = ['\0', '\t', '\ud800', '\udbff', '\udc00', '\udfff', '\u2028', '\u2029', '😀', '\u00ff', '\ufeff', '\u00a0', '\u0085', '\u200b', '\x7f', '\x1b', '\r', '\n', '\u{10ffff}', '\ufffd'];

/** A short string to insert. */
export const snippet: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ALPHABET) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...ALPHABET, ...HOSTILE), { minLength: 2, maxLength: 6 }).map((x) => x.join('')) },
);

type Mutation = (s: string) => string;

const position = (s: string, r: number): number => Math.floor(r * (s.length + 1));
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // insert
  fc.tuple(unit, snippet).map(([r, text]): Mutation => (s) => {
    const i = position(s, r);
    return s.slice(0, i) + text + s.slice(i);
  }),
  // delete
  fc.tuple(unit, fc.integer({ min: 1, max: 8 })).map(([r, n]): Mutation => (s) => {
    const i = position(s, r);
    return s.slice(0, i) + s.slice(i + n);
  }),
  // replace
  fc.tuple(unit, fc.integer({ min: 1, max: 4 }), snippet).map(([r, n, text]): Mutation => (s) => {
    const i = position(s, r);
    return s.slice(0, i) + text + s.slice(i + n);
  }),
  // duplicate a slice elsewhere
  fc.tuple(unit, fc.integer({ min: 1, max: 12 }), unit).map(([r, n, r2]): Mutation => (s) => {
    const i = position(s, r);
    const piece = s.slice(i, i + n);
    const j = position(s, r2);
    return s.slice(0, j) + piece + s.slice(j);
  }),
  // repeat a slice many times (builds nesting, long sets, long chains)
  fc.tuple(unit, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 150 })).map(([r, n, k]): Mutation => (s) => {
    const i = position(s, r);
    return s.slice(0, i) + s.slice(i, i + n).repeat(k) + s.slice(i + n);
  }),
  // swap two slices
  fc.tuple(unit, unit, fc.integer({ min: 1, max: 8 })).map(([r1, r2, n]): Mutation => (s) => {
    let i = position(s, r1);
    let j = position(s, r2);
    if (i > j) [i, j] = [j, i];
    if (i + n > j) return s;
    return s.slice(0, i) + s.slice(j, j + n) + s.slice(i + n, j) + s.slice(i, i + n) + s.slice(j + n);
  }),
  // splice in a piece of another conformance expression
  fc.tuple(unit, fc.constantFrom(...SEED_EXPRESSIONS), unit, fc.integer({ min: 1, max: 30 })).map(([r, other, r2, n]): Mutation => (s) => {
    const i = position(s, r);
    const k = position(other, r2);
    return s.slice(0, i) + other.slice(k, k + n) + s.slice(i);
  }),
  // mutate one UTF-8 byte, decode back (invalid sequences become U+FFFD)
  fc.tuple(unit, fc.integer({ min: 0, max: 255 })).map(([r, b]): Mutation => (s) => {
    const bytes = new TextEncoder().encode(s);
    if (bytes.length === 0) return s;
    bytes[Math.floor(r * bytes.length)] = b;
    return new TextDecoder().decode(bytes);
  }),
  // change the case of a slice
  fc.tuple(unit, fc.integer({ min: 1, max: 10 })).map(([r, n]): Mutation => (s) => {
    const i = position(s, r);
    const piece = s.slice(i, i + n);
    return s.slice(0, i) + (piece === piece.toUpperCase() ? piece.toLowerCase() : piece.toUpperCase()) + s.slice(i + n);
  }),
);

/** A conformance expression with 1–4 mutations applied. */
export const mutatedExpression: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...SEED_EXPRESSIONS), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([seed, mutations]) => mutations.reduce((s, m) => m(s), seed));
