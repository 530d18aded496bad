/**
 * Execution contexts: request values converted once into a slot array that every filter of
 * the same scheme reads directly.
 *
 * @module
 */

import { BRANDS, hasBrand, WirefilterError } from '../errors.js';
import { mapGet } from './runtime-values.js';

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
    readonly owner: object,
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
