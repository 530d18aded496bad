/**
 * Explain mode: re-evaluates a filter node by node to show why it matched or not — the
 * decisive sub-expressions, the values they saw, and what short-circuiting skipped.
 * Tracing is a debugging path; normal evaluation never pays for it.
 *
 * @module
 */
import type { CheckedCondition, CheckedValue } from '../check/checked.js';
import { partCompiler, type PartCompiler, type Slots } from '../compile/compiler.js';
import { mapEntriesSorted } from '../compile/runtime-values.js';
import type { CompileOptions } from '../scheme/options.js';
import { decodeUtf8Strict } from '../values/bytes.js';
import { formatIpAddress, type IpAddress } from '../values/ip.js';

/** A value as shown in a trace (JSON-safe). */
export type TraceValue = null | boolean | number | string | TraceValue[] | { [key: string]: TraceValue };

/** One node of an explanation: a sub-expression, its result, and why. */
export interface ExplanationNode {
  /** The sub-expression's source text. */
  expression: string;
  /** Whether it was evaluated at all (false when short-circuiting skipped it). */
  evaluated: boolean;
  /** Its result: a boolean, one boolean per element for `[*]` comparisons, or null if not evaluated. */
  result: boolean | boolean[] | null;
  /** True for the operand(s) that decided the result of the parent. */
  decisive?: boolean;
  /** For comparisons and values: what the left-hand side read (`"missing"` when absent). */
  value?: { expression: string; value: TraceValue };
  children: ExplanationNode[];
}

const MISSING = 'missing';

/** Converts an internal runtime value to a JSON-safe display value. */
export function displayValue(value: unknown): TraceValue {
  if (value === undefined) return MISSING;
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) {
    const text = decodeUtf8Strict(value);
    return text ?? `bytes:${[...value].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
  if (Array.isArray(value)) return value.map(displayValue);
  if (typeof value === 'object' && 'family' in (value as object)) return formatIpAddress(value as IpAddress);
  if (typeof value === 'object') return Object.fromEntries(mapEntriesSorted(value).map(([k, v]) => [k, displayValue(v)]));
  return String(value);
}

/**
 * Evaluates a filter against a context's slots and explains the result. Reached through
 * `filter.explain(values)`; rulesets use it for their traces.
 */
export class Explainer {
  private readonly parts: PartCompiler;
  private readonly cache = new WeakMap<object, (slots: Slots) => unknown>();

  /** The filter's checked tree, built once: compiled parts are cached by its nodes. */
  private readonly tree: CheckedCondition;

  /**
   * @param tree - the filter's checked tree
   * @param expression - the filter's source text (sub-expressions are shown as written)
   */
  constructor(tree: CheckedCondition, private readonly expression: string, options: CompileOptions) {
    this.parts = partCompiler(options);
    this.tree = tree;
  }

  /** The explanation of the filter's result on one request's slots. */
  explain(slots: Slots): ExplanationNode {
    return this.condition(this.tree, slots);
  }

  private text(span: { start: number; end: number }): string {
    return this.expression.slice(span.start, span.end);
  }

  private compiled(node: CheckedCondition | CheckedValue, make: () => (slots: Slots) => unknown): (slots: Slots) => unknown {
    let fn = this.cache.get(node);
    if (fn === undefined) {
      fn = make();
      this.cache.set(node, fn);
    }
    return fn;
  }

  private result(node: CheckedCondition, slots: Slots): boolean | boolean[] {
    const fn = node.array
      ? this.compiled(node, () => this.parts.arrayCondition(node))
      : this.compiled(node, () => this.parts.condition(node));
    const value = fn(slots);
    return node.array ? ((value as boolean[] | undefined) ?? []) : (value as boolean);
  }

  private leftValue(shown: CheckedValue, slots: Slots): ExplanationNode['value'] {
    // A predicate call such as starts_with(x, "/a") says more through what it was given.
    const first = shown.kind === 'call' && shown.type.kind === 'Bool' ? shown.args[0] : undefined;
    const value = first !== undefined && first.kind !== 'literal' && first.kind !== 'condition' ? first : shown;
    const read = value.mapped
      ? this.compiled(value, () => this.parts.elements(value))
      : this.compiled(value, () => this.parts.value(value));
    return { expression: this.text(value.span), value: displayValue(read(slots)) };
  }

  private skipped(node: CheckedCondition): ExplanationNode {
    return { expression: this.text(node.span), evaluated: false, result: null, children: [] };
  }

  private condition(node: CheckedCondition, slots: Slots): ExplanationNode {
    const base = { expression: this.text(node.span), evaluated: true };
    switch (node.kind) {
      case 'constant':
        return { ...base, result: node.value, children: [] };
      case 'not':
        return { ...base, result: this.result(node, slots), children: [this.condition(node.operand, slots)] };
      case 'quantifier':
        return { ...base, result: this.result(node, slots), children: [this.condition(node.argument, slots)] };
      case 'compare':
        return { ...base, result: this.result(node, slots), value: this.leftValue(node.left, slots), children: [] };
      case 'value':
        return { ...base, result: this.result(node, slots), value: this.leftValue(node.value, slots), children: [] };
      case 'logical': {
        if (node.array || node.operator === 'xor') {
          return { ...base, result: this.result(node, slots), children: node.operands.map((o) => this.condition(o, slots)) };
        }
        // and/or short-circuit: the first operand that settles the result is decisive.
        const settles = node.operator === 'or';
        const children: ExplanationNode[] = [];
        let decided = false;
        for (const operand of node.operands) {
          if (decided) {
            children.push(this.skipped(operand));
            continue;
          }
          const child = this.condition(operand, slots);
          if (child.result === settles) {
            child.decisive = true;
            decided = true;
          }
          children.push(child);
        }
        if (!decided) for (const child of children) child.decisive = true;
        return { ...base, result: decided ? settles : !settles, children };
      }
    }
  }
}
