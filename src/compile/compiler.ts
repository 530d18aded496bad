/**
 * The compiler: checked tree → closures. Literals are shaped once here (range sets, string
 * sets, compiled patterns), field reads are slot-array reads, and every closure returns a
 * plain boolean or value: `undefined` stands for a missing value and never escapes as an
 * exception. The fused closures of the commonest comparisons are in `fast-paths.ts`, the
 * structures behind `in {…}` and `in $list` in `sets.ts`.
 *
 * @module
 */
import type { CheckedCondition, CheckedValue, ComparisonTest, ScalarLiteral } from '../check/checked.js';
import { isBytesValue } from '../values/bytes.js';
import { compareInt, type IntValue } from '../values/int.js';
import { compareIp, ipEquals, type IpAddress } from '../values/ip.js';
import { equalityThroughCall, fieldComparison } from './fast-paths.js';
import { mapEntriesSorted, mapGet } from './runtime-values.js';
import { listTest, setTest } from './sets.js';
import type { CompileOptions } from '../scheme/options.js';

/** The slot array of an execution context: one internal value (or `undefined`) per field. */
export type Slots = unknown[];
/** A compiled `Bool` condition. */
export type ConditionFn = (slots: Slots) => boolean;
/** A compiled `Array<Bool>` condition; `undefined` when the array itself is missing. */
type ArrayConditionFn = (slots: Slots) => boolean[] | undefined;
/** A compiled scalar value; `undefined` = missing. */
type ValueFn = (slots: Slots) => unknown;
/** A compiled `[*]` value: the elements, missing ones dropped. */
type ElementsFn = (slots: Slots) => unknown[];
/** A test applied to a present left-hand value. */
export type TestFn = (value: unknown) => boolean;


/** Compiles a checked `Bool` condition. */
export function compileCondition(node: CheckedCondition, options: CompileOptions): ConditionFn {
  return new Compiler(options).condition(node);
}

/**
 * Compiles the parts of a checked tree one by one (used by tracing, which evaluates every
 * sub-expression on its own to show what it saw).
 */
export interface PartCompiler {
  condition(node: CheckedCondition): ConditionFn;
  arrayCondition(node: CheckedCondition): (slots: Slots) => boolean[] | undefined;
  value(node: CheckedValue): (slots: Slots) => unknown;
  elements(node: CheckedValue): (slots: Slots) => unknown[];
}

/** A {@link PartCompiler} with the given options. */
export function partCompiler(options: CompileOptions): PartCompiler {
  return new Compiler(options);
}

class Compiler implements PartCompiler {
  constructor(private readonly options: CompileOptions) {}

  condition(node: CheckedCondition): ConditionFn {
    switch (node.kind) {
      case 'constant': {
        const value = node.value;
        return () => value;
      }
      case 'not': {
        const inner = node.operand;
        if (inner.kind === 'value' && inner.value.kind === 'field') {
          // `not ssl`: one slot read, no closure around the operand's.
          const slot = inner.value.field.slot;
          return (s) => s[slot] !== true;
        }
        const operand = this.condition(inner);
        return (s) => !operand(s);
      }
      case 'logical':
        return this.logical(node.operator, node.operands.map((o) => this.condition(o)));
      case 'quantifier': {
        if (node.argument.kind === 'compare') {
          // The common `any(x[*] op literal)`: test element by element and stop early,
          // without building the Array<Bool>.
          const left = node.argument.left;
          const test = this.test(node.argument.test);
          // `any(f(x[*])[*] …)`: the `[*]` applies to the array a mapped call returns.
          const call = left.kind === 'each' && left.object.kind === 'call' ? left.object : undefined;
          const only = call !== undefined && call.args.length === 1 && call.implicit.length === 0 ? call.args[0]! : undefined;
          if (call !== undefined && only?.kind === 'each' && !only.object.mapped) {
            // Map and test element by element; a missing result is dropped (it counts for
            // neither any nor all).
            const fn = call.fn;
            const container = this.value(only.object);
            const direct = equalityThroughCall(fn, node.argument.test);
            if (direct !== undefined) {
              return node.quantifier === 'any' ? (s) => anyElement(container(s), direct) : (s) => allElements(container(s), direct);
            }
            if (node.quantifier === 'any') {
              const mappedTest: TestFn = (x) => {
                const y = fn.call([x]);
                return y !== undefined && test(y);
              };
              return (s) => anyElement(container(s), mappedTest);
            }
            const mappedTest: TestFn = (x) => {
              const y = fn.call([x]);
              return y === undefined || test(y);
            };
            return (s) => allElements(container(s), mappedTest);
          }
          if (left.kind === 'each' && !left.object.mapped) {
            // One level of `[*]`: walk the container itself, without collecting its elements
            // (any/all of pure tests do not depend on the order).
            const container = this.value(left.object);
            return node.quantifier === 'any' ? (s) => anyElement(container(s), test) : (s) => allElements(container(s), test);
          }
          const elements = this.elements(left);
          return node.quantifier === 'any'
            ? (s) => {
                for (const element of elements(s)) if (test(element)) return true;
                return false;
              }
            : (s) => {
                for (const element of elements(s)) if (!test(element)) return false;
                return true;
              };
        }
        const argument = this.arrayCondition(node.argument);
        // A missing array: the bare argument (`all(ab)`) is false, as the engine reads the field
        // itself; any wrapped form (`all((ab))`, `all(not ab)`) is an empty array, so `all` is
        // vacuously true (the engine's results).
        const missingAll = !(node.argument.kind === 'value' && node.argument.direct === true);
        return node.quantifier === 'any'
          ? (s) => argument(s)?.includes(true) ?? false
          : (s) => {
              const values = argument(s);
              return values === undefined ? missingAll : !values.includes(false);
            };
      }
      case 'value': {
        if (node.value.kind === 'field') {
          const slot = node.value.field.slot;
          return (s) => s[slot] === true;
        }
        const read = this.value(node.value);
        return (s) => read(s) === true;
      }
      case 'compare':
        return this.comparison(node.left, node.test);
    }
  }

  private logical(operator: 'and' | 'or' | 'xor', operands: ConditionFn[]): ConditionFn {
    if (operator === 'xor') {
      return (s) => {
        let result = false;
        for (const operand of operands) result = result !== operand(s);
        return result;
      };
    }
    return balanced(operator, operands, 0, operands.length);
  }

  arrayCondition(node: CheckedCondition): ArrayConditionFn {
    switch (node.kind) {
      case 'not': {
        const operand = this.arrayCondition(node.operand);
        return (s) => operand(s)?.map((x) => !x);
      }
      case 'logical': {
        const operands = node.operands.map((o) => this.arrayCondition(o));
        const combine =
          node.operator === 'and' ? (a: boolean, b: boolean) => a && b : node.operator === 'or' ? (a: boolean, b: boolean) => a || b : (a: boolean, b: boolean) => a !== b;
        return (s) => {
          const arrays: boolean[][] = [];
          for (const operand of operands) {
            const values = operand(s);
            if (values === undefined) return undefined;
            arrays.push(values);
          }
          // Element-wise, truncated to the shortest operand.
          const length = Math.min(...arrays.map((a) => a.length));
          const out = new Array<boolean>(length);
          for (let i = 0; i < length; i++) {
            let acc = arrays[0]![i]!;
            for (let j = 1; j < arrays.length; j++) acc = combine(acc, arrays[j]![i]!);
            out[i] = acc;
          }
          return out;
        };
      }
      case 'value': {
        if (node.value.mapped) {
          const elements = this.elements(node.value);
          return (s) => elements(s).map((x) => x === true);
        }
        const read = this.value(node.value);
        return (s) => {
          const values = read(s);
          return Array.isArray(values) ? values.map((x) => x === true) : undefined;
        };
      }
      case 'compare': {
        const elements = this.elements(node.left);
        const test = this.test(node.test);
        return (s) => elements(s).map(test);
      }
      case 'constant':
      case 'quantifier':
        throw new Error(`internal: ${node.kind} is never an Array<Bool>`);
    }
  }

  // --- comparisons -------------------------------------------------------------------------

  private comparison(left: CheckedValue, test: ComparisonTest): ConditionFn {
    const whenMissing = test.operator === 'ne' && this.options.nilNotEqual === true;
    if (left.kind === 'field') {
      const slot = left.field.slot;
      const fused = fieldComparison(slot, test, whenMissing);
      if (fused !== undefined) return fused;
      // Built only here: a fused comparison shapes the literal itself (building it twice
      // was a third of compiling an IP set).
      const check = this.test(test);
      return (s) => {
        const value = s[slot];
        return value === undefined ? whenMissing : check(value);
      };
    }
    if (left.kind === 'call' && left.args.length === 1 && left.implicit.length === 0 && !left.args[0]!.mapped) {
      const direct = equalityThroughCall(left.fn, test);
      if (direct !== undefined) {
        // `lower(x) eq "…"`: the function's own test on x, without building lower(x).
        const argument = this.value(left.args[0]!);
        return (s) => {
          const value = argument(s);
          return value === undefined ? whenMissing : direct(value);
        };
      }
    }
    const read = this.value(left);
    const check = this.test(test);
    return (s) => {
      const value = read(s);
      return value === undefined ? whenMissing : check(value);
    };
  }

  private test(test: ComparisonTest): TestFn {
    switch (test.operator) {
      case 'eq':
      case 'ne': {
        const eq = this.equality(test.literal);
        return test.operator === 'eq' ? eq : (v) => !eq(v);
      }
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge':
        return orderingTest(test.operator, this.ordering(test.literal));
      case 'contains': {
        const literal = test.literal;
        return (v) => isBytesValue(v) && literal.containedIn(v);
      }
      case 'matches': {
        const regex = test.regex;
        return (v) => isBytesValue(v) && regex.test(v);
      }
      case 'wildcard':
      case 'strict wildcard': {
        const pattern = test.pattern;
        return (v) => isBytesValue(v) && pattern.matches(v);
      }
      case 'bitwise_and':
        return bitwiseAndTest(test.value);
      case 'in':
        return setTest(test.set);
      case 'in-list':
        return listTest(test.list);
    }
  }

  private equality(literal: ScalarLiteral): TestFn {
    switch (literal.type) {
      case 'Bytes': {
        const bytes = literal.value;
        const text = bytes.text;
        if (bytes.ascii && text !== undefined) {
          return (v) => (typeof v === 'string' ? v === text : v instanceof Uint8Array && bytes.equals(v));
        }
        return (v) => isBytesValue(v) && bytes.equals(v);
      }
      case 'Int': {
        const n = literal.value;
        if (typeof n === 'number') return (v) => v === n || (typeof v === 'bigint' && compareInt(v, n) === 0);
        return (v) => (typeof v === 'number' || typeof v === 'bigint') && compareInt(v, n) === 0;
      }
      case 'Ip': {
        const ip = literal.value;
        return (v) => ipEquals(v as IpAddress, ip);
      }
    }
  }

  /** A comparator returning the sign of `value - literal`, or NaN when incomparable. */
  private ordering(literal: ScalarLiteral): (value: unknown) => number {
    switch (literal.type) {
      case 'Bytes': {
        const bytes = literal.value;
        return (v) => (isBytesValue(v) ? bytes.compare(v) : NaN);
      }
      case 'Int': {
        const n = literal.value;
        if (typeof n === 'number') return (v) => (typeof v === 'number' ? v - n : typeof v === 'bigint' ? compareInt(v, n) : NaN);
        return (v) => (typeof v === 'number' || typeof v === 'bigint' ? compareInt(v, n) : NaN);
      }
      case 'Ip': {
        const ip = literal.value;
        return (v) => compareIp(v as IpAddress, ip) ?? NaN;
      }
    }
  }

  // --- values -------------------------------------------------------------------------------

  /** A scalar (non-`[*]`) value. */
  value(node: CheckedValue): ValueFn {
    switch (node.kind) {
      case 'field': {
        const slot = node.field.slot;
        return (s) => s[slot];
      }
      case 'literal': {
        const value = node.value;
        return () => value;
      }
      case 'condition': {
        if (node.condition.array) return this.arrayCondition(node.condition);
        return this.condition(node.condition);
      }
      case 'index': {
        const object = this.value(node.object);
        const key = node.key;
        if (typeof key === 'number') {
          return (s) => {
            const array = object(s);
            return Array.isArray(array) ? array[key] : undefined;
          };
        }
        return (s) => {
          const map = object(s);
          return map === undefined ? undefined : mapGet(map, key);
        };
      }
      case 'call':
        return this.call(node);
      case 'each':
        throw new Error('internal: [*] used as a scalar value');
    }
  }

  private call(node: Extract<CheckedValue, { kind: 'call' }>): ValueFn {
    const fn = node.fn;
    const propagate = fn.missing !== 'receive';
    const first = node.args[0];
    const implicit = node.implicit.map((field): ValueFn => (s) => s[field.slot]);
    if (first?.mapped) {
      const elements = this.elements(first);
      const rest = [...node.args.slice(1).map((a) => this.value(a)), ...implicit];
      if (rest.length === 0) {
        return (s) => {
          const out: unknown[] = [];
          for (const element of elements(s)) {
            const result = fn.call([element]);
            if (result !== undefined) out.push(result);
          }
          return out;
        };
      }
      return (s) => {
        const others = rest.map((r) => r(s));
        const out: unknown[] = [];
        if (propagate && others.includes(undefined)) return out;
        for (const element of elements(s)) {
          const result = fn.call([element, ...others]);
          if (result !== undefined) out.push(result);
        }
        return out;
      };
    }
    const args = [...node.args.map((a) => this.value(a)), ...implicit];
    if (args.length === 1) {
      const [only] = args as [ValueFn];
      return propagate
        ? (s) => {
            const value = only(s);
            return value === undefined ? undefined : fn.call([value]);
          }
        : (s) => fn.call([only(s)]);
    }
    if (args.length === 2) {
      // starts_with(x, "…"), concat(a, b), lookup_json_string(x, "key")…: no intermediate map.
      const [a, b] = args as [ValueFn, ValueFn];
      return (s) => {
        const x = a(s);
        if (propagate && x === undefined) return undefined;
        const y = b(s);
        if (propagate && y === undefined) return undefined;
        return fn.call([x, y]);
      };
    }
    return (s) => {
      const values = args.map((a) => a(s));
      if (propagate && values.includes(undefined)) return undefined;
      return fn.call(values);
    };
  }

  /** A `[*]` value: the list of elements (missing ones dropped). */
  elements(node: CheckedValue): ElementsFn {
    if (!node.mapped) throw new Error('internal: expected a [*] value');
    switch (node.kind) {
      case 'each': {
        if (node.object.mapped) {
          const outer = this.elements(node.object);
          return (s) => outer(s).flatMap(containerElements);
        }
        const object = this.value(node.object);
        return (s) => containerElements(object(s));
      }
      case 'index': {
        const object = this.elements(node.object);
        const key = node.key;
        return (s) => {
          const out: unknown[] = [];
          for (const container of object(s)) {
            const value = typeof key === 'number' ? (Array.isArray(container) ? container[key] : undefined) : mapGet(container, key);
            if (value !== undefined) out.push(value);
          }
          return out;
        };
      }
      default:
        throw new Error(`internal: ${(node as CheckedValue).kind} is never a [*] value`);
    }
  }
}

/**
 * `and`/`or` over `operands[from…to)` as a balanced tree of two-operand closures, evaluated
 * left to right with short-circuiting. Each closure holds its operands as constants (not in
 * an array it loops over), so when V8 inlines a filter into a caller's loop it can inline the
 * operands too; the balanced shape keeps the nesting at log2(n).
 */
function balanced(operator: 'and' | 'or', operands: readonly ConditionFn[], from: number, to: number): ConditionFn {
  const n = to - from;
  if (n === 1) return operands[from]!;
  if (n > FLAT_MAX) {
    // Split into at most FLAT_MAX balanced groups, then join them flat.
    const groups: ConditionFn[] = [];
    const k = Math.ceil(n / FLAT_MAX);
    const size = Math.ceil(n / Math.ceil(n / k));
    for (let i = from; i < to; i += size) groups.push(balanced(operator, operands, i, Math.min(to, i + size)));
    return balanced(operator, groups, 0, groups.length);
  }
  return operator === 'and' ? flatAnd(operands.slice(from, to)) : flatOr(operands.slice(from, to));
}

/**
 * The widest `and`/`or` compiled as one closure. Every closure between a filter's entry and
 * its comparisons is an indirect call V8 does not inline (the call sites are shared by all
 * filters), so a 9-clause `and` as one closure over 2 × 4 + 1 operands costs 2 such calls
 * where a tree of two-operand closures costs 8.
 */
const FLAT_MAX = 4;

function flatAnd(o: readonly ConditionFn[]): ConditionFn {
  switch (o.length) {
    case 2: {
      const [a, b] = o as [ConditionFn, ConditionFn];
      return (s) => a(s) && b(s);
    }
    case 3: {
      const [a, b, c] = o as [ConditionFn, ConditionFn, ConditionFn];
      return (s) => a(s) && b(s) && c(s);
    }
    default: {
      const [a, b, c, d] = o as [ConditionFn, ConditionFn, ConditionFn, ConditionFn];
      return (s) => a(s) && b(s) && c(s) && d(s);
    }
  }
}

function flatOr(o: readonly ConditionFn[]): ConditionFn {
  switch (o.length) {
    case 2: {
      const [a, b] = o as [ConditionFn, ConditionFn];
      return (s) => a(s) || b(s);
    }
    case 3: {
      const [a, b, c] = o as [ConditionFn, ConditionFn, ConditionFn];
      return (s) => a(s) || b(s) || c(s);
    }
    default: {
      const [a, b, c, d] = o as [ConditionFn, ConditionFn, ConditionFn, ConditionFn];
      return (s) => a(s) || b(s) || c(s) || d(s);
    }
  }
}

/** `lt`/`le`/`gt`/`ge` over a comparator (which returns NaN for incomparable values: false). */
function orderingTest(operator: 'lt' | 'le' | 'gt' | 'ge', compare: (value: unknown) => number): TestFn {
  switch (operator) {
    case 'lt':
      return (v) => compare(v) < 0;
    case 'le':
      return (v) => compare(v) <= 0;
    case 'gt':
      return (v) => compare(v) > 0;
    case 'ge':
      return (v) => compare(v) >= 0;
  }
}

/** Whether some present element of an array or map passes `test` (none in a missing container). */
function anyElement(container: unknown, test: TestFn): boolean {
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) {
      const element: unknown = container[i];
      if (element !== undefined && test(element)) return true;
    }
    return false;
  }
  if (container instanceof Map) {
    for (const element of container.values()) if (element !== undefined && test(element)) return true;
    return false;
  }
  return containerElements(container).some(test);
}

/** Whether every present element of an array or map passes `test` (true for a missing container). */
function allElements(container: unknown, test: TestFn): boolean {
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) {
      const element: unknown = container[i];
      if (element !== undefined && !test(element)) return false;
    }
    return true;
  }
  if (container instanceof Map) {
    for (const element of container.values()) if (element !== undefined && !test(element)) return false;
    return true;
  }
  return containerElements(container).every(test);
}

/** The elements of an array, or the values of a map in ascending key order; missing dropped. */
function containerElements(container: unknown): unknown[] {
  if (container === undefined || container === null) return [];
  if (Array.isArray(container)) return container.filter((x) => x !== undefined);
  if (typeof container === 'object') return mapEntriesSorted(container).map(([, v]) => v).filter((x) => x !== undefined);
  return [];
}

function bitwiseAndTest(mask: IntValue): TestFn {
  if (typeof mask === 'number' && mask >= -0x80000000 && mask <= 0x7fffffff) {
    const big = BigInt(mask);
    // Within int32 the JS operator agrees with 64-bit two's complement.
    return (v) =>
      typeof v === 'number'
        ? v >= -0x80000000 && v <= 0x7fffffff
          ? (v & mask) !== 0
          : (BigInt(v) & big) !== 0n
        : typeof v === 'bigint' && (v & big) !== 0n;
  }
  const big = BigInt(mask);
  return (v) => (typeof v === 'number' || typeof v === 'bigint') && (BigInt(v) & big) !== 0n;
}

