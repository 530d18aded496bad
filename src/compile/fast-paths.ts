/**
 * Fused fast paths: the commonest comparisons compiled as one closure each, where the general
 * path would chain a slot read, a test and a comparator (or build a function's result only to
 * compare it). Each returns `undefined` when it has no fused form, and the compiler then takes
 * the general path; both give the same results.
 *
 * @module
 */
import type { ComparisonTest } from '../check/checked.js';
import type { BuiltinFunction } from '../scheme/functions.js';
import { internString, type BytesValue } from '../values/bytes.js';
import { compareInt } from '../values/int.js';
import type { IpAddress } from '../values/ip.js';
import { IpRangeSet } from '../values/ip-set.js';
import type { ConditionFn, TestFn } from './compiler.js';
import { bytesSpellOneOf, setTest } from './sets.js';
import { smallIpSetTest } from './small-ip-set.js';

/**
 * The commonest comparisons of a field with a literal (`http.host eq "…"`, `score lt 30`,
 * `ip.src in {…}`, `path contains "…"`…) as one closure that reads the slot and tests it,
 * instead of a slot read calling a test calling a comparator: each closure call in between
 * is an indirect call V8 cannot inline once many filters share the compiler's call sites.
 * The checker guarantees the field's type, so a present slot holds a value of that type.
 * Everything else takes the general path; both give the same results.
 */
export function fieldComparison(slot: number, test: ComparisonTest, whenMissing: boolean): ConditionFn | undefined {
  switch (test.operator) {
    case 'eq':
    case 'ne': {
      const literal = test.literal;
      const eq = test.operator === 'eq';
      if (literal.type === 'Bytes' && literal.value.ascii && literal.value.text !== undefined) {
        const bytes = literal.value;
        const text = internString(literal.value.text);
        // An ill-formed string never equals ASCII text, also after U+FFFD substitution.
        return eq
          ? (s) => {
              const v = s[slot];
              return typeof v === 'string' ? v === text : v !== undefined && bytes.equals(v as Uint8Array);
            }
          : (s) => {
              const v = s[slot];
              return typeof v === 'string' ? v !== text : v === undefined ? whenMissing : !bytes.equals(v as Uint8Array);
            };
      }
      if (literal.type === 'Int' && typeof literal.value === 'number') {
        const n = literal.value;
        return eq
          ? (s) => {
              const v = s[slot];
              return v === n || (typeof v === 'bigint' && compareInt(v, n) === 0);
            }
          : (s) => {
              const v = s[slot];
              return typeof v === 'number' ? v !== n : typeof v === 'bigint' ? compareInt(v, n) !== 0 : whenMissing;
            };
      }
      return undefined;
    }
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const literal = test.literal;
      if (literal.type !== 'Int' || typeof literal.value !== 'number') return undefined;
      const n = literal.value;
      // A bigint slot holds an integer beyond ±2^53, which compareInt orders exactly.
      switch (test.operator) {
        case 'lt':
          return (s) => {
            const v = s[slot];
            return typeof v === 'number' ? v < n : typeof v === 'bigint' && compareInt(v, n) < 0;
          };
        case 'le':
          return (s) => {
            const v = s[slot];
            return typeof v === 'number' ? v <= n : typeof v === 'bigint' && compareInt(v, n) <= 0;
          };
        case 'gt':
          return (s) => {
            const v = s[slot];
            return typeof v === 'number' ? v > n : typeof v === 'bigint' && compareInt(v, n) > 0;
          };
        case 'ge':
          return (s) => {
            const v = s[slot];
            return typeof v === 'number' ? v >= n : typeof v === 'bigint' && compareInt(v, n) >= 0;
          };
      }
      return undefined;
    }
    case 'contains': {
      const literal = test.literal;
      if (literal.ascii && literal.text !== undefined) {
        // ASCII needle: a substring test on any string is byte-exact.
        const text = internString(literal.text);
        return (s) => {
          const v = s[slot];
          return typeof v === 'string' ? v.includes(text) : v !== undefined && literal.containedIn(v as BytesValue);
        };
      }
      return (s) => {
        const v = s[slot];
        return v !== undefined && literal.containedIn(v as BytesValue);
      };
    }
    case 'matches': {
      const regex = test.regex;
      return (s) => {
        const v = s[slot];
        return v !== undefined && regex.test(v as BytesValue);
      };
    }
    case 'wildcard':
    case 'strict wildcard': {
      const pattern = test.pattern;
      return (s) => {
        const v = s[slot];
        return v !== undefined && pattern.matches(v as BytesValue);
      };
    }
    case 'in': {
      const set = test.set;
      if (set.type === 'Ip') {
        const members = IpRangeSet.fromItems(set.items);
        const small = smallIpSetTest(slot, members);
        if (small !== undefined) return small;
        return (s) => {
          const v = s[slot];
          return v !== undefined && members.has(v as IpAddress);
        };
      }
      if (set.type === 'Bytes' && set.items.length > 0 && set.items.length <= 4 && set.items.every((i) => i.ascii && i.text !== undefined)) {
        // `method in {"GET" "POST"}`: the texts compared inline (padded by repeating the first;
        // an ill-formed string never equals ASCII text), and a byte array when it is valid
        // UTF-8 spelling one of them (the set's own rule, without building the set).
        const t = set.items.map((i) => internString(i.text!));
        while (t.length < 4) t.push(t[0]!);
        const [t0, t1, t2, t3] = t as [string, string, string, string];
        return (s) => {
          const v = s[slot];
          return typeof v === 'string' ? v === t0 || v === t1 || v === t2 || v === t3 : v instanceof Uint8Array && bytesSpellOneOf(v, t);
        };
      }
      const member = setTest(set);
      return (s) => {
        const v = s[slot];
        return v !== undefined && member(v);
      };
    }
    default:
      return undefined;
  }
}

/**
 * For `f(x) eq "…"` and `f(x) ne "…"` where `f` offers a
 * {@link BuiltinFunction.equalityTest | test on its argument} (`lower` does): that test, negated
 * for `ne`, so the compiler compares x itself instead of building `f(x)`. `undefined` when the
 * function offers none for this comparison. The caller checks that the call has exactly one
 * argument, no implicit fields and no `[*]`.
 */
export function equalityThroughCall(fn: BuiltinFunction, test: ComparisonTest): TestFn | undefined {
  if (fn.equalityTest === undefined || (test.operator !== 'eq' && test.operator !== 'ne') || test.literal.type !== 'Bytes') return undefined;
  const equal = fn.equalityTest(test.literal.value);
  if (equal === undefined) return undefined;
  return test.operator === 'eq' ? equal : (v) => !equal(v);
}
