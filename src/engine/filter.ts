/**
 * `Filter`: a compiled expression, executed against one request's values.
 *
 * @module
 */
import type { CheckedCondition } from '../check/checked.js';
import type { ConditionFn } from '../compile/compiler.js';
import type { ValueConverter } from '../compile/runtime-values.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { SchemeEnvironment } from '../scheme/environment.js';
import type { SchemeOptions } from '../scheme/options.js';
import { ExecutionContext, ownContext, readFieldValue, requireFieldValues, type FieldValues } from './context.js';
import { Explainer, type ExplanationNode } from './explain.js';

/** How a filter reads one field from caller-supplied values. */
export interface FieldReader {
  /** The field's name as the expression wrote it. */
  readonly name: string;
  readonly slot: number;
  /** The names that supply the slot, the field's own name first (see `aliasOf`). */
  readonly names: readonly string[];
  readonly convert: ValueConverter;
}

/** What a filter needs from the scheme that compiled it. */
export interface FilterOwner extends SchemeEnvironment {
  /** The checked tree of an expression that compiled, with the same options. */
  recheck(expression: string, options: SchemeOptions | undefined): CheckedCondition;
  /** Converts values into a context of this scheme (or returns a context of it). */
  context(values: FieldValues | ExecutionContext): ExecutionContext;
}

/** A compiled filter expression. Create with `scheme.compile(expression)`. */
export class Filter {
  /**
   * Evaluates the filter. `values` is a plain object (or `Map`) keyed by field name, or a
   * context from `scheme.context(values)` — the fast path when several filters run on one
   * request. Absent fields are missing values, and a field value of the wrong type is
   * treated as missing, never an error. Throws `invalid-argument` when `values` itself is not
   * an object (e.g. `null`) and `context-scheme-mismatch` for a context of another scheme.
   *
   * A function of its own on every filter (it may be passed around unbound): its compiled
   * condition is a constant of that function, so V8 can inline the whole filter into a
   * caller's loop, which a shared prototype method reading `this` prevented. That works only
   * while this function's own optimized code stays small: V8 will not inline a function
   * whose optimized code already inlined a lot. Hence the plain-values path is one function
   * (`executeValues`) above V8's limit for inlining a single function (460 bytes of
   * bytecode): when callers use both paths, it stays a call instead of tripling this
   * function's size (measured: 51 → 26 ns per `execute(context)` with both paths warm).
   * test/engine/inlining.test.ts guards the size.
   */
  readonly execute: (values: FieldValues | ExecutionContext) => boolean;

  private scratch: unknown[] | undefined;
  private explainer: Explainer | undefined;

  /** @internal Use `scheme.compile`. */
  constructor(
    /** The expression as given. */
    readonly expression: string,
    /** Warnings found while compiling (e.g. deprecated fields). */
    readonly diagnostics: readonly Diagnostic[],
    private readonly scheme: FilterOwner,
    private readonly run: ConditionFn,
    private readonly used: readonly FieldReader[],
    /** @internal The condition's value when it is the same for every request (`true`, `x or true`). */
    readonly constant: boolean | undefined,
    /** The options the expression was compiled with, beyond the scheme's (to rebuild the tree). */
    private readonly options: SchemeOptions | undefined,
    /** The scheme's options merged with those: what the compiler used. */
    private readonly effectiveOptions: Readonly<SchemeOptions>,
  ) {
    this.execute = (values) => (values instanceof ExecutionContext && values.owner === scheme ? run(values.slots) : this.executeValues(values));
  }

  /**
   * Evaluates the filter like {@link Filter.execute} and explains the result: the tree of
   * sub-expressions with their results, the values the comparisons read, which operands
   * decided, and what short-circuiting skipped. A debugging path: the first call rebuilds the
   * checked tree, later calls reuse it.
   */
  explain(values: FieldValues | ExecutionContext): ExplanationNode {
    const context = this.scheme.context(values);
    this.explainer ??= new Explainer(this.checked, this.expression, this.effectiveOptions);
    return this.explainer.explain(context.slots);
  }

  /**
   * @internal The checked tree, for tracing and static analysis, rebuilt from the expression
   * on every access (checking is deterministic, so every copy is the same): only tracing and
   * tests need it, and keeping it would be most of a compiled filter's memory. Callers that
   * need it repeatedly keep their copy.
   */
  get checked(): CheckedCondition {
    return this.scheme.recheck(this.expression, this.options);
  }

  /**
   * @internal The compiled condition over a context's slots, without the owner check: the
   * engine's one contract with rulesets, which check a request's context once and then run
   * every rule's condition on its slots.
   */
  get condition(): ConditionFn {
    return this.run;
  }

  /** @internal The scheme this filter was compiled for. */
  get owner(): FilterOwner {
    return this.scheme;
  }

  /** Names of the fields the expression reads. */
  get fields(): string[] {
    return this.used.map((f) => f.name);
  }

  private executeValues(values: FieldValues | ExecutionContext): boolean {
    // Deliberately one function, not split into helpers: see `execute`.
    // A context of this scheme took the fast path; here only a foreign one is refused.
    ownContext(values, this.scheme);
    requireFieldValues(values);
    // A slot array reused across calls: growing a fresh holey array up to a high slot number
    // on every call dominated this path. A re-entrant call (a user function evaluating this
    // filter again) finds it taken and uses its own.
    const slots = this.scratch ?? new Array<unknown>(this.slotCount).fill(undefined);
    this.scratch = undefined;
    try {
      for (const field of this.used) {
        const names = field.names;
        let value = field.convert(readFieldValue(values, names[0]!));
        // Under its own name, else under an alias (see `aliasOf`).
        for (let k = 1; value === undefined && k < names.length; k++) value = field.convert(readFieldValue(values, names[k]!));
        slots[field.slot] = value;
      }
      return this.run(slots);
    } finally {
      // Drop the request's values so the filter does not keep them alive.
      for (const field of this.used) slots[field.slot] = undefined;
      this.scratch = slots;
    }
  }

  private get slotCount(): number {
    return this.used.reduce((max, field) => Math.max(max, field.slot + 1), 0);
  }
}
