/**
 * Small helpers shared by the standard-library families: literal validators, byte-exact
 * equality, and a bounded cache for values derived from literal arguments.
 *
 * @module
 */
import { bytesEqual, decodeUtf8Strict, toUtf8, type BytesValue } from '../values/bytes.js';
import type { IntValue } from '../values/int.js';

/** A `ParameterSpec.validate` function. */
export type LiteralValidator = (value: unknown) => string | undefined;

/** Validator for an Int literal within `[min, max]` (bigints are always out of such ranges). */
export function intInRange(min: number, max: number, message: string): LiteralValidator {
  return (value) => (typeof value === 'number' && value >= min && value <= max ? undefined : message);
}

/** Validator for a flags literal: a string made only of the letters in `allowed`. */
export function flagLetters(allowed: string, message: string): LiteralValidator {
  return (value) => (typeof value === 'string' && [...value].every((c) => allowed.includes(c)) ? undefined : message);
}

/** The text of a Bytes literal value when it is valid UTF-8 (literal values already are text then). */
export function literalText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return value instanceof Uint8Array ? decodeUtf8Strict(value) : undefined;
}

/** Byte-exact equality of two Bytes values, taking the string fast path when it is exact. */
export function bytesValuesEqual(a: BytesValue, b: BytesValue): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return true;
    // Different well-formed strings have different UTF-8; lone surrogates need the bytes.
    if (a.isWellFormed() && b.isWellFormed()) return false;
  }
  return bytesEqual(toUtf8(a), toUtf8(b));
}

/** Int literal arguments arrive as `number` (safe integers) or `bigint` (beyond 2^53). */
export function isIntValue(value: unknown): value is IntValue {
  return typeof value === 'number' || typeof value === 'bigint';
}

/**
 * A small insertion-ordered cache for values computed from literal arguments (compiled
 * regexes, wildcard patterns, parsed replacements). Function calls receive their literal
 * arguments as plain values at run time, so without it each call would recompile them.
 * When full, the oldest entry is dropped.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  private weight = 0;

  /**
   * @param limit most entries kept
   * @param weigh optional weight of a value (e.g. a compiled regex's size) …
   * @param maxWeight … and the most total weight kept (the newest entry always stays)
   */
  constructor(
    private readonly limit = 256,
    private readonly weigh?: (value: V) => number,
    private readonly maxWeight = Infinity,
  ) {}

  /** The cached value for `key`, computing and storing it on a miss. */
  get(key: K, compute: () => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined || this.entries.has(key)) return hit as V;
    const value = compute();
    if (this.entries.size >= this.limit) this.evictOldest();
    this.entries.set(key, value);
    this.weight += this.weigh?.(value) ?? 0;
    while (this.weight > this.maxWeight && this.entries.size > 1) this.evictOldest();
    return value;
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (oldest.done) return;
    this.weight -= this.weigh?.(this.entries.get(oldest.value)!) ?? 0;
    this.entries.delete(oldest.value);
  }
}
