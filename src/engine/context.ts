/**
 * Execution contexts: request values converted once into a slot array that every filter of
 * the same scheme reads directly.
 *
 * @module
 */

import { BRANDS, hasBrand, WirefilterError } from '../diagnostics/errors.js';
import { mapGet } from '../compile/runtime-values.js';
import type { SchemeEnvironment } from '../scheme/environment.js';

/** The field values of one request, keyed by field name (a plain object or a `Map`). */
export type FieldValues = Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>;

/**
 * Request values prepared for a scheme by `scheme.context(values)`. Reuse one context for
 * every filter (or rule) evaluated against the same request: values are converted once.
 */
export class ExecutionContext {
  /** @internal One internal value per field slot; `undefined` = missing. */
  readonly slots: unknown[];

  /** @internal Use `scheme.context(values)`. */
  constructor(
    /** @internal The scheme the slots belong to. */
    readonly owner: SchemeEnvironment,
    slots: unknown[],
  ) {
    this.slots = slots;
  }
}

Object.defineProperty(ExecutionContext.prototype, BRANDS.context, { value: true });

/**
 * True for an execution context of any copy of the library. A context of another copy (the
 * ESM build's given to the CommonJS build's filter, say) must be refused as a context of
 * another scheme, never read as a plain object of field values.
 */
export function isExecutionContext(value: unknown): value is ExecutionContext {
  return value instanceof ExecutionContext || hasBrand(value, BRANDS.context);
}

/** Reads one field value from caller-supplied values without touching prototypes. */
export function readFieldValue(values: FieldValues, name: string): unknown {
  return mapGet(values, name);
}

/** The error for a context evaluated with a filter or ruleset of another scheme. */
export function contextSchemeMismatch(): WirefilterError {
  return new WirefilterError('this execution context was created by a different scheme', [], undefined, 'context-scheme-mismatch');
}

/**
 * The one owner check: `value` itself when it is a context of `owner`; `undefined` when it is
 * not a context at all (plain field values, converted by the caller); and
 * `context-scheme-mismatch` for a context of another scheme or of another copy of the library.
 */
export function ownContext(value: unknown, owner: SchemeEnvironment): ExecutionContext | undefined {
  if (value instanceof ExecutionContext && value.owner === owner) return value;
  if (isExecutionContext(value)) throw contextSchemeMismatch();
  return undefined;
}

/** Throws a clear error for field values that are not an object or `Map` (e.g. `null`). */
export function requireFieldValues(values: unknown): asserts values is FieldValues {
  if (typeof values !== 'object' || values === null) {
    const got = values === null ? 'null' : typeof values;
    throw new WirefilterError(`expected field values (a plain object or Map) or an execution context, got ${got}`, [], undefined, 'invalid-argument');
  }
}
