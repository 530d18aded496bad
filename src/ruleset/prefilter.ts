/**
 * Rule indexing (issue 22): a pre-filter that, for one request, names the rules of a ruleset
 * that can match it, in rule order, so evaluation runs only those.
 *
 * A rule is indexed under one *necessary* literal test of its expression: a test that is true
 * whenever the whole expression is. Tests recognised (on a field of the scheme, aliases
 * included, as they share the field's slot):
 *
 * - `field eq "text"`, `field == "text"`, `field in {"a" "b"}` on a `Bytes` field (byte-exact);
 * - `starts_with(field, "prefix")` (the standard library's function) on a `Bytes` field;
 * - `field eq 192.0.2.1`, `field in {192.0.2.0/24 10.0.0.1..10.0.0.9 2001:db8::/32}` on an `Ip` field.
 *
 * A test is necessary when the expression is a conjunction (`and`, nested groups) one of whose
 * operands is such a test, or a disjunction (`or`, `xor`) each of whose operands has a test of
 * the same kind on the same field (the values are united). `not` and anything else give no
 * test: such rules are candidates for every request. A missing field makes all these tests
 * false (`eq`, `in` and `starts_with` are false on a missing value under every scheme option),
 * so a request without the field has none of those rules as candidates.
 *
 * The index reads the expression's syntax tree from the fast-path parser (a few microseconds;
 * no check, no chevrotain) — not the checked tree, which would cost another check per rule:
 * the expression compiled already, so its tree is well-typed, and only the exact shapes above
 * are accepted; an expression the fast parser does not take gets no test. The index reads the
 * same context slots as the compiled conditions.
 *
 * The candidates of a request are a superset of the rules that match it (never a rule that
 * cannot match is assumed to), so decisions are those of the full loop; only traces differ
 * (which list every rule), and the ruleset does not use the index when tracing.
 *
 * @module
 */
import type { SchemeEnvironment } from '../scheme/environment.js';
import { startsWith } from '../functions/strings.js';
import type { Argument, ComparisonExpression, Expression, FunctionCall, RightHandSide, ValueExpression } from '../syntax/ast.js';
import { fastParse } from '../syntax/fast-parser.js';
import { decodeUtf8Strict } from '../values/bytes.js';
import { parseIpLiteral, type IpAddress, type IpSetItem } from '../values/ip.js';
import type { LoadedRule } from './load.js';

/** A necessary test of one rule: the field's slot and the values that can make it true. */
export type RuleKey =
  | { kind: 'eq'; slot: number; values: string[] }
  | { kind: 'prefix'; slot: number; values: string[] }
  | { kind: 'ip'; slot: number; items: IpSetItem[] };

/** Below this many rules, `index: 'auto'` builds no index (the plain loop is as fast). */
export const AUTO_INDEX_MIN_RULES = 64;

// ---------------------------------------------------------------------------------------
// Recognising necessary tests in an expression's syntax tree

/** The text of a quoted or raw string literal when its bytes are well-formed UTF-8. */
function stringText(literal: Argument | RightHandSide): string | undefined {
  if (literal.kind !== 'String' || literal.form === 'regex') return undefined;
  // A literal without escapes carries its text (the same decoding) from the parser.
  return literal.text ?? decodeUtf8Strict(literal.bytes);
}

/**
 * The necessary tests of an expression: every test returned is true whenever the expression
 * is. Never throws; an empty list when nothing is known.
 */
function necessaryKeys(env: SchemeEnvironment, node: Expression, depth: number, out: RuleKey[] = []): RuleKey[] {
  if (depth > 64) return out;
  switch (node.kind) {
    case 'Group':
      return necessaryKeys(env, node.expression, depth + 1, out);
    case 'Logical':
      if (node.operator === 'and') {
        for (const operand of node.operands) necessaryKeys(env, operand, depth + 1, out);
        return out;
      }
      // `or` and `xor`: one of the operands is true whenever the expression is.
      out.push(...disjunction(node.operands.map((operand) => necessaryKeys(env, operand, depth + 1))));
      return out;
    case 'Comparison':
    case 'Call': {
      const key = atomKey(env, node);
      if (key !== undefined) out.push(key);
      return out;
    }
    default:
      // `not`, quantifiers, `true`, bare fields and anything else: no test known.
      return out;
  }
}

/** A test true whenever one of the disjuncts is: tests on one field and kind common to all, united. */
function disjunction(alternatives: RuleKey[][]): RuleKey[] {
  if (alternatives.some((keys) => keys.length === 0)) return [];
  const result: RuleKey[] = [];
  for (const candidate of alternatives[0]!) {
    const chosen: RuleKey[] = [];
    for (const keys of alternatives) {
      // The narrowest test of that field and kind in this alternative.
      let best: RuleKey | undefined;
      for (const k of keys) if (k.kind === candidate.kind && k.slot === candidate.slot && (best === undefined || keySize(k) < keySize(best))) best = k;
      if (best === undefined) break;
      chosen.push(best);
    }
    if (chosen.length !== alternatives.length) continue;
    if (result.some((r) => r.kind === candidate.kind && r.slot === candidate.slot)) continue;
    if (candidate.kind === 'ip') result.push({ kind: 'ip', slot: candidate.slot, items: chosen.flatMap((k) => (k as { items: IpSetItem[] }).items) });
    else result.push({ kind: candidate.kind, slot: candidate.slot, values: [...new Set(chosen.flatMap((k) => (k as { values: string[] }).values))] });
  }
  return result;
}

const keySize = (key: RuleKey): number => (key.kind === 'ip' ? key.items.length : key.values.length);

/** A field read directly (no function, no index) and its scheme entry. */
function fieldOf(env: SchemeEnvironment, value: Argument | ValueExpression) {
  return value.kind === 'Field' ? env.field(value.name) : undefined;
}

/** One comparison `field eq|in literal(s)` or a `starts_with(field, "p")` call. */
function atomKey(env: SchemeEnvironment, node: ComparisonExpression | FunctionCall): RuleKey | undefined {
  if (node.kind === 'Call') {
    if (node.name !== 'starts_with' || node.args.length !== 2 || env.function('starts_with') !== startsWith) return undefined;
    const field = fieldOf(env, node.args[0]!);
    const prefix = stringText(node.args[1]!);
    if (field === undefined || field.type.kind !== 'Bytes' || prefix === undefined) return undefined;
    return { kind: 'prefix', slot: field.slot, values: [prefix] };
  }
  const field = fieldOf(env, node.left);
  if (field === undefined || (node.operator !== 'eq' && node.operator !== 'in')) return undefined;
  const type = field.type.kind;
  const right = node.right;
  if (node.operator === 'eq') {
    if (type === 'Bytes') {
      const text = stringText(right);
      return text === undefined ? undefined : { kind: 'eq', slot: field.slot, values: [text] };
    }
    if (type === 'Ip' && right.kind === 'Bare') {
      const parsed = parseIpLiteral(right.text, 'single');
      return parsed.ok ? { kind: 'ip', slot: field.slot, items: [parsed.item] } : undefined;
    }
    return undefined;
  }
  // `in { … }`: every item understood, else nothing (`in $list` is no test).
  if (right.kind !== 'Set') return undefined;
  if (type === 'Bytes') {
    const values: string[] = [];
    for (const item of right.items) {
      const text = stringText(item);
      if (text === undefined) return undefined;
      values.push(text);
    }
    return { kind: 'eq', slot: field.slot, values: [...new Set(values)] };
  }
  if (type === 'Ip') {
    const items: IpSetItem[] = [];
    for (const item of right.items) {
      if (item.kind !== 'Bare') return undefined;
      const parsed = parseIpLiteral(item.text, 'set');
      if (!parsed.ok) return undefined;
      items.push(parsed.item);
    }
    return { kind: 'ip', slot: field.slot, items };
  }
  return undefined;
}

/** Quick screen: expressions without any of these spellings have no recognised test. */
const MAY_HAVE_KEY = /\beq\b|==|\bin\b|starts_with/;

/**
 * The necessary tests of an expression, as far as they are recognised (see the module notes),
 * read from the tree of the fast parser (every expression here compiled already); an
 * expression it does not take has no test (its rule is checked for every request). Exported
 * for tests.
 */
export function ruleKeys(env: SchemeEnvironment, expression: string): RuleKey[] {
  if (!MAY_HAVE_KEY.test(expression)) return [];
  const trimmed = expression.trim();
  const tree = fastParse(trimmed, expression.indexOf(trimmed), 256);
  return tree === undefined ? [] : necessaryKeys(env, tree, 0);
}

/** {@link ruleKeys} of an expression already parsed into `tree` (by the compile that loaded it). */
export function treeKeys(env: SchemeEnvironment, expression: string, tree: Expression): RuleKey[] {
  return MAY_HAVE_KEY.test(expression) ? necessaryKeys(env, tree, 0) : [];
}

// ---------------------------------------------------------------------------------------
// IP ranges

/**
 * IPv6 addresses as 33 hexadecimal digits ('0' then the 32 digits of the address), so that
 * text order is address order and the end of `::/0` (2^128, '1' and 32 zeros) sorts last.
 */
function ipv6Text(w0: number, w1: number, w2: number, w3: number): string {
  return '0' + w0.toString(16).padStart(8, '0') + w1.toString(16).padStart(8, '0') + w2.toString(16).padStart(8, '0') + w3.toString(16).padStart(8, '0');
}

const ipv6Big = (ip: IpAddress & { family: 6 }): bigint => (BigInt(ip.w0) << 96n) | (BigInt(ip.w1) << 64n) | (BigInt(ip.w2) << 32n) | BigInt(ip.w3);
const bigText = (x: bigint): string => x.toString(16).padStart(33, '0');

/** Half-open ranges `[start, end)` of one rule's items: IPv4 as numbers, IPv6 as {@link ipv6Text}. */
interface RuleRanges {
  v4: number[];
  v6: string[];
}

function itemRanges(items: readonly IpSetItem[]): RuleRanges {
  const ranges: RuleRanges = { v4: [], v6: [] };
  for (const item of items) {
    const first = item.kind === 'range' ? item.first : item.address;
    if (first.family === 4) {
      let lo = first.value;
      let end = lo + 1;
      if (item.kind === 'range') end = (item.last as typeof first).value + 1;
      else if (item.kind === 'cidr') {
        const size = 2 ** (32 - Math.min(32, Math.max(0, item.prefix)));
        lo = Math.floor(lo / size) * size;
        end = lo + size;
      }
      ranges.v4.push(lo, end);
    } else {
      let lo = ipv6Big(first);
      let end = lo + 1n;
      if (item.kind === 'range') end = ipv6Big(item.last as typeof first) + 1n;
      else if (item.kind === 'cidr') {
        const host = BigInt(128 - Math.min(128, Math.max(0, item.prefix)));
        lo = (lo >> host) << host;
        end = lo + (1n << host);
      }
      ranges.v6.push(bigText(lo), bigText(end));
    }
  }
  return ranges;
}

/** Whether an item spans many addresses (a poor test to index a rule under). */
function isWide(item: IpSetItem): boolean {
  if (item.kind === 'address') return false;
  if (item.kind === 'cidr') return item.prefix < (item.address.family === 4 ? 16 : 32);
  if (item.first.family === 4) return (item.last as typeof item.first).value - item.first.value >= 65536;
  return true;
}

/** Rules by address in one family: the elementary segments between range boundaries. */
class Segments<T extends number | string> {
  private constructor(
    private readonly starts: T[],
    private readonly rules: (readonly number[])[],
  ) {}

  /**
   * `ranges` holds, per rule position (ascending), its half-open ranges as start/end pairs.
   * Undefined when overlapping ranges would make the table too large.
   */
  static build<T extends number | string>(ranges: readonly [number, T[]][]): Segments<T> | undefined {
    const all: T[] = [];
    for (const [, list] of ranges) for (const p of list) all.push(p);
    if (all.length === 0) return new Segments<T>([], []);
    // Native sorts: numbers as doubles; the IPv6 keys are fixed-width hex, whose default
    // (code unit) order is their numeric order.
    const sorted = (typeof all[0] === 'number' ? Array.from(Float64Array.from(all as number[]).sort()) : all.sort()) as T[];
    const points: T[] = [];
    for (const p of sorted) if (points.length === 0 || points[points.length - 1] !== p) points.push(p);
    const at = new Map<T, number>();
    for (let i = 0; i < points.length; i++) at.set(points[i]!, i);
    const segments: number[][] = points.map(() => []);
    // Nested wide ranges could make this quadratic: past the budget, no IP index.
    let budget = 4 * all.length + 100_000;
    for (const [position, list] of ranges) {
      for (let r = 0; r < list.length; r += 2) {
        const end = at.get(list[r + 1]!)!;
        for (let s = at.get(list[r]!)!; s < end; s++) {
          const rules = segments[s]!;
          if (rules[rules.length - 1] !== position) rules.push(position);
          if (--budget < 0) return undefined;
        }
      }
    }
    return new Segments(points, segments);
  }

  /** The rules (positions, ascending) whose ranges contain `x`; undefined for none. */
  lookup(x: T): readonly number[] | undefined {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    if (hi < 0 || x < starts[0]!) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    const rules = this.rules[lo]!;
    return rules.length > 0 ? rules : undefined;
  }
}

/** Both families' segments of one field. */
class IpSegments {
  private constructor(
    private readonly v4: Segments<number>,
    private readonly v6: Segments<string>,
  ) {}

  static build(ranges: readonly [number, RuleRanges][]): IpSegments | undefined {
    const v4 = Segments.build<number>(ranges.map(([p, r]) => [p, r.v4]));
    const v6 = Segments.build<string>(ranges.map(([p, r]) => [p, r.v6]));
    return v4 === undefined || v6 === undefined ? undefined : new IpSegments(v4, v6);
  }

  lookup(ip: IpAddress): readonly number[] | undefined {
    return ip.family === 4 ? this.v4.lookup(ip.value) : this.v6.lookup(ipv6Text(ip.w0, ip.w1, ip.w2, ip.w3));
  }
}

// ---------------------------------------------------------------------------------------
// The index

const decoder = new TextDecoder('utf-8', { fatal: false });

/** A Bytes slot value as the text its UTF-8 bytes decode to (lossily: a superset is safe). */
function textKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? value : value.toWellFormed();
  if (value instanceof Uint8Array) return decoder.decode(value);
  return undefined;
}

interface EqIndex {
  slot: number;
  map: Map<string, number[]>;
}

interface PrefixIndex {
  slot: number;
  map: Map<string, number[]>;
  /** Distinct prefix lengths (UTF-16 units), ascending. */
  lengths: number[];
}

interface IpIndex {
  slot: number;
  segments: IpSegments;
}

/** What building an index found, for benchmarks and tests. */
export interface IndexStats {
  rules: number;
  /** Rules evaluated for every request (no recognised test). */
  always: number;
  /** Rules indexed, by kind. */
  eq: number;
  prefix: number;
  ip: number;
}

/** The pre-filter of one ruleset's rules. */
export class RuleIndex {
  private constructor(
    private readonly always: readonly number[],
    private readonly eq: readonly EqIndex[],
    private readonly prefix: readonly PrefixIndex[],
    private readonly ip: readonly IpIndex[],
    readonly stats: IndexStats,
  ) {}

  /**
   * Builds the index of `rules` (positions are indexes into `rules`); `known` holds, by
   * position, keys already read from the rules' syntax trees (others are parsed here). Rules that never run
   * (disabled) are left out; rules without a recognised test are candidates for every request.
   */
  static build(env: SchemeEnvironment, rules: readonly LoadedRule[], known?: readonly (RuleKey[] | undefined)[]): RuleIndex {
    const keysOf: (RuleKey[] | undefined)[] = rules.map((rule, i) => (rule.condition === undefined ? undefined : (known?.[i] ?? ruleKeys(env, rule.expression))));
    // How many rules test each value: a test shared by many rules (`method eq "POST"`) selects
    // little. Counted per kind and field (no composite key strings to build and hash).
    const popularity = { eq: new Map<number, Map<string, number>>(), prefix: new Map<number, Map<string, number>>() };
    const countsOf = (kind: 'eq' | 'prefix', slot: number): Map<string, number> => {
      let counts = popularity[kind].get(slot);
      if (counts === undefined) popularity[kind].set(slot, (counts = new Map()));
      return counts;
    };
    for (const keys of keysOf) {
      if (keys === undefined) continue;
      for (const key of keys) {
        if (key.kind === 'ip') continue;
        const counts = countsOf(key.kind, key.slot);
        for (const value of key.values) counts.set(value, (counts.get(value) ?? 0) + 1);
      }
    }
    const cost = (key: RuleKey): number => {
      if (key.kind === 'ip') {
        // Wide ranges match many addresses: prefer another test.
        let c = 0;
        for (const item of key.items) c += isWide(item) ? 1000 : 1;
        return c;
      }
      let c = 0;
      const counts = countsOf(key.kind, key.slot);
      for (const value of key.values) c += counts.get(value) ?? 1;
      if (key.kind === 'prefix') c = c * 2 + key.values.reduce((s, v) => s + (v.length <= 1 ? 1000 : 0), 0);
      return c;
    };
    const always: number[] = [];
    const eqMaps = new Map<number, Map<string, number[]>>();
    const prefixMaps = new Map<number, Map<string, number[]>>();
    const ipRanges = new Map<number, [number, RuleRanges][]>();
    const stats: IndexStats = { rules: rules.length, always: 0, eq: 0, prefix: 0, ip: 0 };
    const add = (maps: Map<number, Map<string, number[]>>, slot: number, value: string, position: number): void => {
      let map = maps.get(slot);
      if (map === undefined) maps.set(slot, (map = new Map()));
      const list = map.get(value);
      if (list === undefined) map.set(value, [position]);
      else if (list[list.length - 1] !== position) list.push(position);
    };
    keysOf.forEach((keys, position) => {
      if (keys === undefined) return; // never runs
      let best: RuleKey | undefined;
      let bestCost = Infinity;
      for (const key of keys) {
        const c = cost(key);
        if (c < bestCost) {
          best = key;
          bestCost = c;
        }
      }
      if (best === undefined) {
        always.push(position);
        return;
      }
      stats[best.kind]++;
      if (best.kind === 'ip') {
        let bySlot = ipRanges.get(best.slot);
        if (bySlot === undefined) ipRanges.set(best.slot, (bySlot = []));
        bySlot.push([position, itemRanges(best.items)]);
      } else for (const value of best.values) add(best.kind === 'eq' ? eqMaps : prefixMaps, best.slot, value, position);
    });
    const ip: IpIndex[] = [];
    for (const [slot, ranges] of ipRanges) {
      const segments = IpSegments.build(ranges);
      if (segments !== undefined) ip.push({ slot, segments });
      else {
        // Too many overlapping ranges: those rules are candidates for every request.
        for (const [position] of ranges) always.push(position);
        stats.ip -= ranges.length;
      }
    }
    always.sort((a, b) => a - b);
    stats.always = always.length;
    const eq = [...eqMaps].map(([slot, map]) => ({ slot, map }));
    const prefix = [...prefixMaps].map(([slot, map]) => ({ slot, map, lengths: [...new Set([...map.keys()].map((k) => k.length))].sort((a, b) => a - b) }));
    return new RuleIndex(always, eq, prefix, ip, stats);
  }

  /** Positions of the rules that may match a request with these slots, ascending. */
  candidates(slots: readonly unknown[]): readonly number[] {
    let lists: (readonly number[])[] | undefined;
    let single: readonly number[] | undefined;
    const found = (list: readonly number[]): void => {
      if (single === undefined) single = list;
      else (lists ??= [single]).push(list);
    };
    for (const index of this.eq) {
      const value = slots[index.slot];
      if (value === undefined) continue;
      const key = textKey(value);
      if (key === undefined) continue;
      const list = index.map.get(key);
      if (list !== undefined) found(list);
    }
    for (const index of this.prefix) {
      const value = slots[index.slot];
      if (value === undefined) continue;
      const key = textKey(value);
      if (key === undefined) continue;
      for (const length of index.lengths) {
        if (length > key.length) break;
        const list = index.map.get(length === key.length ? key : key.slice(0, length));
        if (list !== undefined) found(list);
      }
    }
    for (const index of this.ip) {
      const value = slots[index.slot] as IpAddress | undefined;
      if (value === undefined || typeof value !== 'object') continue;
      const list = index.segments.lookup(value);
      if (list !== undefined) found(list);
    }
    if (single === undefined) return this.always;
    const hits = lists === undefined ? single : mergeAll(lists);
    return this.always.length === 0 ? hits : merge(this.always, hits);
  }
}

/** Two ascending lists merged, without repeats (a rule may be under two prefixes that both match). */
function merge(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out.push(x);
      i++;
    } else if (y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** Several ascending lists merged. */
function mergeAll(lists: readonly (readonly number[])[]): readonly number[] {
  let result = lists[0]!;
  for (let i = 1; i < lists.length; i++) result = merge(result, lists[i]!);
  return result === lists[0] ? [...result] : result;
}
