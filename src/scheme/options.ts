/**
 * The options of a scheme, documented once and validated once. Every stage reads the options
 * it needs from one {@link SchemeOptions} object: the parser its limits, the checker its
 * literal rules, the compiler the missing-value rule. Options often come from JSON (the
 * CLI's `--scheme` file, a dashboard's settings), so {@link normalizeOptions} checks each
 * value's type and range and refuses unknown keys: a misspelt key or `maxNestingDepth: "x"`
 * must not silently switch a protection off.
 *
 * @module
 */
import { describeType, describeValue, WirefilterError } from '../diagnostics/errors.js';
import { closestName } from '../diagnostics/suggest.js';

/** Options of a scheme; each can also be overridden per `validate`/`compile` call. */
export interface SchemeOptions {
  /**
   * What `ne` yields when its left side is missing. `false` (default) follows Cloudflare: every
   * comparison with a missing left side is false. `true` is the open-source engine's default.
   */
  nilNotEqual?: boolean;
  /** Maximum nesting of `(`, `not`, `any(`/`all(` and calls. Default 128. */
  maxNestingDepth?: number;
  /** Maximum expression length in UTF-16 code units. Default 4096 (Cloudflare's limit). */
  maxExpressionLength?: number;
  /** Maximum number of `*` in a wildcard pattern. Default: unlimited. */
  wildcardStarLimit?: number;
  /** Maximum estimated size of a compiled regular expression. Default ≈ 10 MiB, like the engine. */
  regexSizeLimit?: number;
  /**
   * Estimated compiled size above which a regular expression is reported as `slow-regex`
   * (an eighth of it for patterns with Unicode word boundaries, which run on the Pike VM).
   * Matching stays linear in the input, but its worst case per input byte grows with the
   * number of pattern positions live at once: below the default 64 KiB the slowest patterns
   * measured cost ≈ 7 µs per byte (`(?s-u:.)*a(?s-u:.){200}c` on random input, ≈ 1 s for a
   * 128 KB body); at the 10 MiB size limit, tens of µs or more. Unicode classes inflate the
   * size without slowing matching (`(?u)\w+` is 26 KB).
   */
  regexCostLimit?: number;
  /** Whether `slow-regex` is a `warning` (default: Cloudflare accepts such patterns) or an `error`. */
  regexCostAction?: 'warning' | 'error';
  /**
   * Let a non-ASCII character outside a class in a regex written without `(?u)` match its UTF-8
   * bytes, as Cloudflare's engine does (100,000 regex expressions agreed in a differential run).
   * Default true; `false` refuses it with Rust regex-syntax's "Unicode not allowed here". Inside
   * a class (`[é]`) it is refused either way, as by the engine.
   */
  regexUtf8Literals?: boolean;
  /** Accept `lt`/`le`/`gt`/`ge` on `Ip` values (engine: yes; Cloudflare documents no). Default true. */
  allowIpOrdering?: boolean;
  /**
   * The Cloudflare phase expressions are written for, e.g. `http_request_firewall_custom`;
   * functions not offered there become `function-not-allowed-in-phase` errors. Default: none.
   */
  phase?: string;
  /**
   * `$list` names the scheme does not define: `error`, or `warning` (the reference never
   * matches). Default: `error` when the scheme was given lists, else `warning`.
   */
  unknownLists?: 'error' | 'warning';
}

/** The options the parser reads. */
export type ParseOptions = Pick<SchemeOptions, 'maxNestingDepth' | 'maxExpressionLength'>;
/** The options the checker reads. */
export type CheckOptions = Pick<
  SchemeOptions,
  'wildcardStarLimit' | 'regexSizeLimit' | 'regexCostLimit' | 'regexCostAction' | 'regexUtf8Literals' | 'allowIpOrdering' | 'phase' | 'unknownLists'
>;
/** The options the compiler reads. */
export type CompileOptions = Pick<SchemeOptions, 'nilNotEqual'>;

/** Default of {@link SchemeOptions.maxNestingDepth}. */
export const DEFAULT_MAX_NESTING_DEPTH = 128;
/** Default of {@link SchemeOptions.maxExpressionLength}. */
export const DEFAULT_MAX_EXPRESSION_LENGTH = 4096;

/** Largest value accepted for a count or size limit (`Number.MAX_SAFE_INTEGER` for "no limit"). */
const MAX_LIMIT = Number.MAX_SAFE_INTEGER;

type Rule = (value: unknown) => string | undefined;

const isBoolean: Rule = (value) => (typeof value === 'boolean' ? undefined : 'true or false');
const integerFrom = (min: number): Rule => (value) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_LIMIT ? undefined : `an integer from ${min} to ${MAX_LIMIT}`;
const oneOf = (...choices: string[]): Rule => (value) =>
  typeof value === 'string' && choices.includes(value) ? undefined : choices.map((c) => `"${c}"`).join(' or ');
const phaseName: Rule = (value) => (typeof value === 'string' && /^[a-z][a-z0-9_]{0,99}$/.test(value) ? undefined : 'a phase name such as "http_request_firewall_custom"');

/** What each option accepts; the keys are every option there is. */
const RULES: { readonly [K in keyof Required<SchemeOptions>]: Rule } = {
  nilNotEqual: isBoolean,
  maxNestingDepth: integerFrom(0),
  maxExpressionLength: integerFrom(0),
  wildcardStarLimit: integerFrom(0),
  regexSizeLimit: integerFrom(0),
  regexCostLimit: integerFrom(0),
  regexCostAction: oneOf('warning', 'error'),
  regexUtf8Literals: isBoolean,
  allowIpOrdering: isBoolean,
  phase: phaseName,
  unknownLists: oneOf('error', 'warning'),
};

/** The names of every scheme option, in documentation order. */
export const SCHEME_OPTION_NAMES: readonly (keyof SchemeOptions)[] = Object.keys(RULES) as (keyof SchemeOptions)[];

/**
 * Checks options given by a caller (or read from JSON) and returns a frozen copy without the
 * keys whose value is `undefined`. Throws one `invalid-option` {@link WirefilterError} listing
 * every problem: an unknown key (with the closest known name when there is one), or a value of
 * the wrong type or out of range. `undefined` or `null` options mean none.
 *
 * @param where - what the options belong to, for the message (e.g. `scheme options`).
 */
export function normalizeOptions(options: unknown, where = 'scheme options'): Readonly<SchemeOptions> {
  if (options === undefined || options === null) return EMPTY;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new WirefilterError(`${where} must be an object, got ${describeType(options)}`, [], undefined, 'invalid-option');
  }
  const problems: string[] = [];
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    const rule = Object.hasOwn(RULES, key) ? RULES[key as keyof SchemeOptions] : undefined;
    if (rule === undefined) {
      const near = key.length > 64 ? undefined : closestName(key, SCHEME_OPTION_NAMES);
      problems.push(`unknown option \`${shorten(key)}\`${near === undefined ? '' : `; did you mean \`${near}\`?`}`);
      continue;
    }
    if (value === undefined) continue;
    const expected = rule(value);
    if (expected !== undefined) problems.push(`\`${key}\` must be ${expected}, got ${describeValue(value)}`);
    else result[key] = value;
  }
  if (problems.length > 0) {
    throw new WirefilterError(`invalid ${where}:\n${problems.map((p) => `- ${p}`).join('\n')}`, [], undefined, 'invalid-option');
  }
  return Object.keys(result).length === 0 ? EMPTY : Object.freeze(result as SchemeOptions);
}

/**
 * A scheme's options with a call's overrides on top (both already normalized). Returns the
 * base object itself when there is nothing to override, so callers can compare by identity.
 */
export function mergeOptions(base: Readonly<SchemeOptions>, overrides: Readonly<SchemeOptions>): Readonly<SchemeOptions> {
  if (overrides === EMPTY || Object.keys(overrides).length === 0) return base;
  return Object.freeze({ ...base, ...overrides });
}

const EMPTY: Readonly<SchemeOptions> = Object.freeze({});


function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
