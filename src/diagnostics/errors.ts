/**
 * The one error type the library throws.
 *
 * @module
 */
import type { Diagnostic } from './diagnostics.js';
import { renderDiagnostics } from './render.js';

/**
 * Brands recognised by every copy of the library. A program can load both the ESM and the
 * CommonJS build (the dual-package hazard), whose classes differ; identity checks that decide
 * behaviour test these registry symbols instead of one copy's class.
 */
export const BRANDS = {
  error: Symbol.for('wirefilter-ts.WirefilterError'),
  rulesetError: Symbol.for('wirefilter-ts.RulesetError'),
  context: Symbol.for('wirefilter-ts.ExecutionContext'),
} as const;

/** True when `value` carries `brand` (set on the prototype of a branded class, in any copy). */
export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** Errors rendered into a {@link WirefilterError}'s message; the rest are only in `diagnostics`. */
const MAX_RENDERED_ERRORS = 20;

/**
 * Thrown by `Scheme.compile` (and other APIs that cannot return diagnostics) when the input
 * has errors. `diagnostics` holds every problem found, warnings included.
 *
 * `error instanceof WirefilterError` is true for errors of every copy of the library (its ESM
 * and CommonJS builds loaded side by side), not only this one's.
 */
export class WirefilterError extends Error {
  override name = 'WirefilterError';

  /** Recognises errors of any copy of the library. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, BRANDS.error);
  }

  constructor(
    message: string,
    /** Every diagnostic found, in source order. */
    readonly diagnostics: readonly Diagnostic[] = [],
    /** The expression the diagnostics refer to, when there is one. */
    readonly source?: string,
    /**
     * What went wrong, as a stable kebab-case code: `invalid-expression` when the
     * diagnostics say it, `invalid-scheme`, `invalid-values`, … otherwise.
     */
    readonly code: string = 'invalid-expression',
  ) {
    super(message);
  }

  /** Builds the error for an expression that failed to compile. */
  static fromDiagnostics(source: string, diagnostics: readonly Diagnostic[]): WirefilterError {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    // Each rendered error repeats its source line: bound the message (all are in `diagnostics`).
    const shown = errors.slice(0, MAX_RENDERED_ERRORS);
    const more = errors.length - shown.length;
    const message = renderDiagnostics(source, shown) + (more > 0 ? `\n\n… and ${more} more error${more === 1 ? '' : 's'} (see \`diagnostics\`)` : '');
    return new WirefilterError(message, diagnostics, source);
  }
}

Object.defineProperty(WirefilterError.prototype, BRANDS.error, { value: true });

/**
 * How a value given as an option or argument reads in a message: short strings quoted and
 * escaped (never echoed raw), long ones by their length, numbers and booleans as written,
 * anything else by its type.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length <= 40 ? JSON.stringify(value) : `a string of ${value.length} characters`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n (a bigint)`;
  return describeType(value);
}

/** How a value's JavaScript type reads in a message: `null`, `an array`, `number`, … */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** Throws `invalid-argument` unless `value` is a string (`what` names it in the message). */
export function requireString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new WirefilterError(`expected ${what} as a string, got ${describeType(value)}`, [], undefined, 'invalid-argument');
}
