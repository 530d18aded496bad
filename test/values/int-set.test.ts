import { describe, expect, it } from 'vitest';
import { mulberry32 as rng } from '../../src/cli/random.js';
import { INT64_MAX, INT64_MIN, type IntSetItem, type IntValue, parseIntSetItem } from '../../src/values/int.js';
import { IntRangeSet } from '../../src/values/int-set.js';

/** Parses a set literal body the way the expression parser will: items separated by spaces. */
function set(body: string): IntRangeSet {
  const items = body
    .split(' ')
    .filter((t) => t !== '')
    .map((t) => {
      const r = parseIntSetItem(t);
      if (!r.ok) throw new Error(`bad test item ${t}: ${r.message}`);
      return r.item;
    });
  return new IntRangeSet(items);
}

function canon(v: bigint): IntValue {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function naiveHas(items: IntSetItem[], x: bigint): boolean {
  return items.some((item) => {
    const lo = BigInt(item.kind === 'value' ? item.value : item.first);
    const hi = BigInt(item.kind === 'value' ? item.value : item.last);
    return lo <= x && x <= hi;
  });
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

describe('IntRangeSet: spec examples', () => {
  it('§12 row 29: cf.edge.server_port in {80 443 8000..8099} with 443 is true', () => {
    const s = set('80 443 8000..8099');
    const cases: [number, boolean][] = [
      [443, true],
      [80, true],
      [81, false],
      [7999, false],
      [8000, true],
      [8050, true],
      [8099, true],
      [8100, false],
      [0, false],
      [-443, false],
    ];
    for (const [v, expected] of cases) expect(s.has(v), String(v)).toBe(expected);
  });

  it('§3.4 example {80 443 8000..8099 -1}', () => {
    const s = set('80 443 8000..8099 -1');
    expect(s.has(-1)).toBe(true);
    expect(s.has(-2)).toBe(false);
    expect(s.has(0)).toBe(false);
  });

  it('octal and hex items: {0443 0x50} holds 291 and 80, not 443', () => {
    const s = set('0443 0x50');
    expect(s.has(291)).toBe(true);
    expect(s.has(80)).toBe(true);
    expect(s.has(443)).toBe(false);
  });

  it('an empty set matches nothing', () => {
    const s = new IntRangeSet([]);
    expect(s.isEmpty).toBe(true);
    for (const v of [0, 1, -1, INT64_MIN, INT64_MAX, Number.MAX_SAFE_INTEGER]) expect(s.has(v)).toBe(false);
  });
});

describe('IntRangeSet: values and boundaries', () => {
  it('accepts non-canonical inputs to has()', () => {
    const s = set('443 2..4');
    expect(s.has(443n)).toBe(true);
    expect(s.has(3n)).toBe(true);
    expect(s.has(5n)).toBe(false);
  });

  it('never matches non-integers', () => {
    const s = set('0..10');
    for (const v of [0.5, 9.999, NaN, Infinity, -Infinity]) expect(s.has(v)).toBe(false);
    expect(s.has('5' as unknown as number)).toBe(false);
  });

  it('handles int64 extremes and ranges across the safe-integer boundary', () => {
    const s = set('-9223372036854775808 9223372036854775807 9007199254740990..9007199254740994 -9007199254740993..-9007199254740991');
    expect(s.has(INT64_MIN)).toBe(true);
    expect(s.has(INT64_MIN + 1n)).toBe(false);
    expect(s.has(INT64_MAX)).toBe(true);
    expect(s.has(INT64_MAX - 1n)).toBe(false);
    expect(s.has(9007199254740989)).toBe(false);
    expect(s.has(9007199254740990)).toBe(true);
    expect(s.has(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(s.has(9007199254740992n)).toBe(true);
    expect(s.has(2 ** 53)).toBe(true); // an integral double beyond 2⁵³ is its exact value
    expect(s.has(9007199254740994n)).toBe(true);
    expect(s.has(9007199254740995n)).toBe(false);
    expect(s.has(-9007199254740993n)).toBe(true);
    expect(s.has(Number.MIN_SAFE_INTEGER)).toBe(true);
    expect(s.has(-9007199254740990)).toBe(false);
    expect(s.has(-9007199254740994n)).toBe(false);
  });

  it('a full int64 range matches everything', () => {
    const s = set('-9223372036854775808..9223372036854775807');
    for (const v of [INT64_MIN, -1, 0, 1, 2 ** 60, INT64_MAX, Number.MIN_SAFE_INTEGER]) expect(s.has(v)).toBe(true);
    expect([...s.ranges()]).toEqual([{ first: INT64_MIN, last: INT64_MAX }]);
    expect(s.has(2 ** 63)).toBe(false); // not an int64
  });

  it('merges duplicates, overlaps and adjacent values', () => {
    const cases: [string, [IntValue, IntValue][]][] = [
      ['1 1 1', [[1, 1]]],
      ['1 2 3 5', [[1, 3], [5, 5]]],
      ['10..20 15..30 31 40..50 0..0', [[0, 0], [10, 31], [40, 50]]],
      ['-5..-1 0 1..3', [[-5, 3]]],
      ['9007199254740991 9007199254740992', [[9007199254740991, 9007199254740992n]]],
      ['9223372036854775806..9223372036854775807 9223372036854775805', [[9223372036854775805n, INT64_MAX]]],
      ['-9223372036854775808..0 -5..9223372036854775807', [[INT64_MIN, INT64_MAX]]],
    ];
    for (const [body, expected] of cases) {
      const s = set(body);
      expect([...s.ranges()].map((r) => [r.first, r.last]), body).toEqual(expected);
      expect(s.itemCount).toBe(body.split(' ').length);
    }
  });

  it('rejects malformed items', () => {
    expect(() => new IntRangeSet([{ kind: 'range', first: 2, last: 1 }])).toThrow(RangeError);
    expect(() => new IntRangeSet([{ kind: 'value', value: 1.5 }])).toThrow(RangeError);
    expect(() => new IntRangeSet([{ kind: 'value', value: INT64_MAX + 1n }])).toThrow(RangeError);
  });

  it('fromItems accepts any iterable', () => {
    expect(IntRangeSet.fromItems(new Set<IntSetItem>([{ kind: 'value', value: 7 }])).has(7)).toBe(true);
  });
});

describe('IntRangeSet agrees with a naive implementation (random data)', () => {
  /** Random items: mostly small safe values, some near ±2⁵³ and near the int64 limits. */
  function randomItems(rand: () => number, n: number): IntSetItem[] {
    const centres = [0n, SAFE, -SAFE, INT64_MAX - 50n, INT64_MIN + 50n];
    const items: IntSetItem[] = [];
    for (let i = 0; i < n; i++) {
      const c = centres[rand() % centres.length];
      const a = c + BigInt((rand() % 200) - 100);
      const lo = a < INT64_MIN ? INT64_MIN : a > INT64_MAX ? INT64_MAX : a;
      if (rand() % 2) {
        items.push({ kind: 'value', value: canon(lo) });
      } else {
        let hi = lo + BigInt(rand() % 20);
        if (hi > INT64_MAX) hi = INT64_MAX;
        items.push({ kind: 'range', first: canon(lo), last: canon(hi) });
      }
    }
    return items;
  }

  it('membership around every bound', () => {
    const rand = rng(21);
    for (let round = 0; round < 60; round++) {
      const items = randomItems(rand, 1 + (rand() % 80));
      const s = new IntRangeSet(items);
      for (const item of items) {
        const lo = BigInt(item.kind === 'value' ? item.value : item.first);
        const hi = BigInt(item.kind === 'value' ? item.value : item.last);
        for (const x of [lo - 2n, lo - 1n, lo, lo + 1n, hi - 1n, hi, hi + 1n, hi + 2n]) {
          if (x < INT64_MIN || x > INT64_MAX) continue;
          const expected = naiveHas(items, x);
          expect(s.has(canon(x))).toBe(expected);
          expect(s.has(x)).toBe(expected);
        }
      }
      // Merged output is sorted, disjoint and non-adjacent.
      const ranges = [...s.ranges()];
      for (let i = 1; i < ranges.length; i++) {
        expect(BigInt(ranges[i - 1].last) + 1n < BigInt(ranges[i].first)).toBe(true);
      }
    }
  });

  it('a large set of 100,000 random ranges', () => {
    const rand = rng(22);
    const items: IntSetItem[] = [];
    for (let i = 0; i < 100_000; i++) {
      const a = rand() % 1_000_000_000;
      items.push(rand() % 2 ? { kind: 'value', value: a } : { kind: 'range', first: a, last: a + (rand() % 1000) });
    }
    const s = new IntRangeSet(items);
    const sample = items.slice(0, 2000);
    const small = new IntRangeSet(sample);
    for (let i = 0; i < 2000; i++) {
      const x = rand() % 1_000_000_000;
      expect(small.has(x)).toBe(naiveHas(sample, BigInt(x)));
    }
    for (let i = 0; i < items.length; i += 101) {
      const item = items[i];
      expect(s.has(item.kind === 'value' ? item.value : item.last)).toBe(true);
    }
  });
});
