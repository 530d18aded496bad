/**
 * A plain AST-walking interpreter over the checked tree (`src/check/checked.ts`): the oracle
 * the execution fuzz test checks the compiled closures against, and the "no compilation"
 * baseline of the benchmark suite (`bench/suite.ts`).
 *
 * It evaluates exactly what the compiler's closures evaluate (same semantics: missing values,
 * `nilNotEqual`, `[*]`, quantifiers, function missing-value propagation), but by a recursive
 * `switch` over node kinds on every call. Literal sets are *not* shaped: `in {…}` scans the
 * set items linearly, as a straightforward interpreter would (so the CIDR cases also show what
 * building range sets at compile time buys). Regexes and wildcard patterns are used as the
 * checker already compiled them: those are value-level objects, not closures.
 *
 * Deliberately does not import `src/compile/compiler.ts`.
 *
 * @module
 */
import type { CheckedCondition, CheckedListItem, CheckedValue, ComparisonTest, ListInfo, ScalarLiteral, SetItems } from '../../src/check/checked.js';
import { mapEntriesSorted } from '../../src/compile/runtime-values.js';
import { isBytesValue, type BytesValue } from '../../src/values/bytes.js';
import { compareInt, type IntSetItem, type IntValue } from '../../src/values/int.js';
import { compareIp, ipEquals, type IpAddress, type IpSetItem } from '../../src/values/ip.js';

/** Interpreter settings. */
export interface InterpreterOptions {
  /** `missing ne x` is true (same meaning as the scheme option). Default false. */
  nilNotEqual?: boolean;
}

/** Evaluates a checked `Bool` condition against the slot array of an execution context. */
export function interpret(node: CheckedCondition, slots: readonly unknown[], options: InterpreterOptions = {}): boolean {
  return condition(node, slots, options.nilNotEqual === true);
}

function condition(node: CheckedCondition, s: readonly unknown[], nne: boolean): boolean {
  switch (node.kind) {
    case 'constant':
      return node.value;
    case 'not':
      return !condition(node.operand, s, nne);
    case 'logical': {
      const operands = node.operands;
      if (node.operator === 'and') {
        for (let i = 0; i < operands.length; i++) if (!condition(operands[i]!, s, nne)) return false;
        return true;
      }
      if (node.operator === 'or') {
        for (let i = 0; i < operands.length; i++) if (condition(operands[i]!, s, nne)) return true;
        return false;
      }
      let result = false;
      for (let i = 0; i < operands.length; i++) result = result !== condition(operands[i]!, s, nne);
      return result;
    }
    case 'quantifier': {
      const values = arrayCondition(node.argument, s, nne);
      if (node.quantifier === 'any') return values !== undefined && values.includes(true);
      // A missing array: false for the bare argument, an empty array (all: true) when wrapped.
      if (values === undefined) return !(node.argument.kind === 'value' && node.argument.direct === true);
      return !values.includes(false);
    }
    case 'value':
      return value(node.value, s, nne) === true;
    case 'compare': {
      const left = value(node.left, s, nne);
      if (left === undefined) return node.test.operator === 'ne' && nne;
      return test(node.test, left);
    }
  }
}

function arrayCondition(node: CheckedCondition, s: readonly unknown[], nne: boolean): boolean[] | undefined {
  switch (node.kind) {
    case 'not':
      return arrayCondition(node.operand, s, nne)?.map((x) => !x);
    case 'logical': {
      const arrays: boolean[][] = [];
      for (const operand of node.operands) {
        const values = arrayCondition(operand, s, nne);
        if (values === undefined) return undefined;
        arrays.push(values);
      }
      let length = Infinity;
      for (const a of arrays) length = Math.min(length, a.length);
      const out: boolean[] = [];
      for (let i = 0; i < length; i++) {
        let acc = arrays[0]![i]!;
        for (let j = 1; j < arrays.length; j++) {
          const x = arrays[j]![i]!;
          acc = node.operator === 'and' ? acc && x : node.operator === 'or' ? acc || x : acc !== x;
        }
        out.push(acc);
      }
      return out;
    }
    case 'value': {
      if (node.value.mapped) return elements(node.value, s, nne).map((x) => x === true);
      const v = value(node.value, s, nne);
      return Array.isArray(v) ? v.map((x) => x === true) : undefined;
    }
    case 'compare': {
      const out: boolean[] = [];
      for (const element of elements(node.left, s, nne)) out.push(test(node.test, element));
      return out;
    }
    case 'constant':
    case 'quantifier':
      throw new Error(`internal: ${node.kind} is never an Array<Bool>`);
  }
}

function value(node: CheckedValue, s: readonly unknown[], nne: boolean): unknown {
  switch (node.kind) {
    case 'field':
      return s[node.field.slot];
    case 'literal':
      return node.value;
    case 'condition':
      return node.condition.array ? arrayCondition(node.condition, s, nne) : condition(node.condition, s, nne);
    case 'index': {
      const container = value(node.object, s, nne);
      return indexInto(container, node.key);
    }
    case 'call': {
      const fn = node.fn;
      const propagate = fn.missing !== 'receive';
      const first = node.args[0];
      const rest: unknown[] = [];
      for (let i = first?.mapped ? 1 : 0; i < node.args.length; i++) rest.push(value(node.args[i]!, s, nne));
      for (const field of node.implicit) rest.push(s[field.slot]);
      if (first?.mapped) {
        const out: unknown[] = [];
        if (propagate && rest.includes(undefined)) return out;
        for (const element of elements(first, s, nne)) {
          const result = fn.call([element, ...rest]);
          if (result !== undefined) out.push(result);
        }
        return out;
      }
      if (propagate && rest.includes(undefined)) return undefined;
      return fn.call(rest);
    }
    case 'each':
      throw new Error('internal: [*] used as a scalar value');
  }
}

function elements(node: CheckedValue, s: readonly unknown[], nne: boolean): unknown[] {
  switch (node.kind) {
    case 'each': {
      if (node.object.mapped) return elements(node.object, s, nne).flatMap(containerElements);
      return containerElements(value(node.object, s, nne));
    }
    case 'index': {
      const out: unknown[] = [];
      for (const container of elements(node.object, s, nne)) {
        const v = indexInto(container, node.key);
        if (v !== undefined) out.push(v);
      }
      return out;
    }
    default:
      throw new Error(`internal: ${node.kind} is never a [*] value`);
  }
}

function indexInto(container: unknown, key: number | string): unknown {
  if (typeof key === 'number') return Array.isArray(container) ? container[key] : undefined;
  if (container instanceof Map) return container.get(key);
  if (typeof container === 'object' && container !== null && !Array.isArray(container) && Object.prototype.hasOwnProperty.call(container, key)) {
    return (container as Record<string, unknown>)[key];
  }
  return undefined;
}

/** Array elements, or map values in ascending (code point = UTF-8 byte) key order; missing dropped. */
function containerElements(container: unknown): unknown[] {
  if (container === undefined || container === null) return [];
  if (Array.isArray(container)) return container.filter((x) => x !== undefined);
  if (typeof container !== 'object') return [];
  return mapEntriesSorted(container).map(([, v]) => v).filter((x) => x !== undefined);
}

// --- tests ------------------------------------------------------------------------------------

function test(t: ComparisonTest, v: unknown): boolean {
  switch (t.operator) {
    case 'eq':
      return equals(t.literal, v);
    case 'ne':
      return !equals(t.literal, v);
    case 'lt':
      return order(t.literal, v) < 0;
    case 'le':
      return order(t.literal, v) <= 0;
    case 'gt':
      return order(t.literal, v) > 0;
    case 'ge':
      return order(t.literal, v) >= 0;
    case 'contains':
      return isBytesValue(v) && t.literal.containedIn(v);
    case 'matches':
      return isBytesValue(v) && t.regex.test(v);
    case 'wildcard':
    case 'strict wildcard':
      return isBytesValue(v) && t.pattern.matches(v);
    case 'bitwise_and':
      return (typeof v === 'number' || typeof v === 'bigint') && (BigInt(v) & BigInt(t.value)) !== 0n;
    case 'in':
      return inSet(t.set, v);
    case 'in-list':
      return inList(t.list, v);
  }
}

function equals(literal: ScalarLiteral, v: unknown): boolean {
  switch (literal.type) {
    case 'Bytes':
      return isBytesValue(v) && literal.value.equals(v);
    case 'Int':
      return (typeof v === 'number' || typeof v === 'bigint') && compareInt(v, literal.value) === 0;
    case 'Ip':
      return ipEquals(v as IpAddress, literal.value);
  }
}

/** Sign of `v - literal`, NaN when incomparable. */
function order(literal: ScalarLiteral, v: unknown): number {
  switch (literal.type) {
    case 'Bytes':
      return isBytesValue(v) ? literal.value.compare(v) : NaN;
    case 'Int':
      return typeof v === 'number' || typeof v === 'bigint' ? compareInt(v, literal.value) : NaN;
    case 'Ip':
      return compareIp(v as IpAddress, literal.value) ?? NaN;
  }
}

function inSet(set: SetItems, v: unknown): boolean {
  switch (set.type) {
    case 'Bytes':
      if (!isBytesValue(v)) return false;
      for (const item of set.items) if (item.equals(v)) return true;
      return false;
    case 'Int':
      if (typeof v !== 'number' && typeof v !== 'bigint') return false;
      for (const item of set.items) if (intItemHas(item, v)) return true;
      return false;
    case 'Ip':
      for (const item of set.items) if (ipItemHas(item, v as IpAddress)) return true;
      return false;
  }
}

function intItemHas(item: IntSetItem, v: IntValue): boolean {
  return item.kind === 'value' ? compareInt(v, item.value) === 0 : compareInt(v, item.first) >= 0 && compareInt(v, item.last) <= 0;
}

/** Whether `a` and `b` (same family) share their first `bits` bits. */
function samePrefix(a: IpAddress, b: IpAddress, bits: number): boolean {
  if (a.family === 4) {
    if (b.family !== 4) return false;
    return bits === 0 || (a.value ^ b.value) >>> (32 - bits) === 0;
  }
  if (b.family !== 6) return false;
  const words = [a.w0 ^ b.w0, a.w1 ^ b.w1, a.w2 ^ b.w2, a.w3 ^ b.w3];
  for (let w = 0; w < 4 && bits > 0; w++, bits -= 32) {
    const x = words[w]! >>> 0;
    if (bits >= 32 ? x !== 0 : x >>> (32 - bits) !== 0) return false;
  }
  return true;
}

function ipItemHas(item: IpSetItem, v: IpAddress): boolean {
  switch (item.kind) {
    case 'address':
      return ipEquals(v, item.address);
    case 'cidr':
      return samePrefix(item.address, v, item.prefix);
    case 'range': {
      const lo = compareIp(v, item.first);
      const hi = compareIp(v, item.last);
      return lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
    }
  }
}

function inList(list: ListInfo, v: unknown): boolean {
  for (const item of list.items) if (listItemHas(item, v)) return true;
  return false;
}

function listItemHas(item: CheckedListItem, v: unknown): boolean {
  switch (item.kind) {
    case 'ip':
      return typeof v === 'object' && v !== null && 'family' in v && ipItemHas(item.item, v as IpAddress);
    case 'int':
      return (typeof v === 'number' || typeof v === 'bigint') && intItemHas(item.item, v);
    case 'hostname': {
      if (!isBytesValue(v)) return false;
      const host = asciiLowerText(v);
      if (host === undefined) return false;
      const name = item.host.toLowerCase();
      return item.wildcard ? host.endsWith(`.${name}`) : host === name;
    }
  }
}

function asciiLowerText(v: BytesValue): string | undefined {
  const text = typeof v === 'string' ? v : new TextDecoder('utf-8', { fatal: false }).decode(v);
  return text.replace(/[A-Z]+/g, (x) => x.toLowerCase());
}
