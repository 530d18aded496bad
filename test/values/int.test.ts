import { describe, expect, it } from 'vitest';
import { mulberry32 as rng } from '../../src/cli/random.js';
import {
  compareInt,
  INT64_MAX,
  INT64_MIN,
  type IntValue,
  parseIntLiteral,
  parseIntSetItem,
  toIntValue,
} from '../../src/values/int.js';

/** A random int64, biased towards interesting magnitudes. */
function randomInt64(rand: () => number): bigint {
  const bits = BigInt(rand() % 64);
  const mag = ((BigInt(rand()) << 32n) | BigInt(rand())) & ((1n << bits) - 1n);
  return rand() % 2 ? -mag - BigInt(rand() % 2) : mag;
}

/** The canonical IntValue of a bigint: a number when safe. */
function canon(v: bigint): IntValue {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

describe('parseIntLiteral: accepted forms', () => {
  const cases: [string, IntValue][] = [
    ['0', 0],
    ['1', 1],
    ['443', 443],
    ['-1', -1],
    ['-443', -443],
    ['-0', 0],
    ['-010', -10], // the negative form is always decimal
    // Leading zero means octal (spec §2.8, §12 row 31).
    ['00', 0],
    ['010', 8],
    ['0443', 291],
    ['0777', 511],
    ['07', 7],
    // Hex, lower-case x, either case of digits (§12 row 32).
    ['0x0', 0],
    ['0x10', 16],
    ['0xFBF4', 64500],
    ['0xfbf4', 64500],
    ['0xFbF4', 64500],
    ['0x0000000000000000000000001', 1],
    // Safe-integer boundary: numbers up to 2⁵³−1, bigints beyond.
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ['9007199254740992', 9007199254740992n],
    ['-9007199254740992', -9007199254740992n],
    ['0x1fffffffffffff', 9007199254740991],
    ['0x20000000000000', 9007199254740992n],
    // int64 boundaries.
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['0x7fffffffffffffff', 9223372036854775807n],
    ['0x7FFFFFFFFFFFFFFF', 9223372036854775807n],
    ['0777777777777777777777', 9223372036854775807n],
    ['000000000000000000000000000001', 1],
    ['0000000000000000000000000000000', 0],
    // A minus sign makes it decimal again, leading zeros and all.
    ['-00000000000000000000009223372036854775807', -9223372036854775807n],
  ];
  it.each(cases)('%s → %s', (text, expected) => {
    const r = parseIntLiteral(text);
    expect(r).toEqual({ ok: true, value: expected });
    // +0 only: `-0` must not leak out.
    if (r.ok && r.value === 0) expect(Object.is(r.value, 0)).toBe(true);
  });
});

describe('parseIntLiteral: rejected forms', () => {
  type Err = [text: string, code: 'invalid-int' | 'int-overflow', message: string, offset: number, length: number];
  const cases: Err[] = [
    ['', 'invalid-int', 'expected digit', 0, 0],
    ['-', 'invalid-int', 'expected digit', 0, 1],
    ['0x', 'invalid-int', 'expected digit', 0, 2],
    // Octal foot-gun: located on the digits after the leading 0, radix 8.
    ['08', 'invalid-int', 'invalid digit found in string while parsing with radix 8', 1, 1],
    ['09', 'invalid-int', 'invalid digit found in string while parsing with radix 8', 1, 1],
    ['0128', 'invalid-int', 'invalid digit found in string while parsing with radix 8', 1, 3],
    ['0a', 'invalid-int', 'invalid digit found in string while parsing with radix 8', 1, 1],
    // The whole hex-digit run is one token: `10fe` is not `10` then `fe`.
    ['10fe', 'invalid-int', 'invalid digit found in string while parsing with radix 10', 0, 4],
    ['1a', 'invalid-int', 'radix 10', 0, 2],
    ['-1a', 'invalid-int', 'radix 10', 0, 3],
    ['-a', 'invalid-int', 'radix 10', 0, 2],
    // Characters outside the hex-digit run.
    ['1.5', 'invalid-int', 'floating-point numbers are not supported', 0, 3],
    ['1.', 'invalid-int', 'invalid digit found in string', 0, 2],
    ['1e5', 'invalid-int', 'invalid digit found in string', 0, 3], // e is a hex digit: radix-10 error
    ['0X10', 'invalid-int', 'invalid digit found in string', 0, 4],
    ['-0x10', 'invalid-int', 'invalid digit found in string', 0, 5],
    ['0xg', 'invalid-int', 'invalid digit found in string', 0, 3],
    ['0x1g', 'invalid-int', 'invalid digit found in string', 0, 4],
    ['+1', 'invalid-int', 'invalid digit found in string', 0, 2],
    ['--1', 'invalid-int', 'invalid digit found in string', 0, 3],
    [' 1', 'invalid-int', 'invalid digit found in string', 0, 2],
    ['1 ', 'invalid-int', 'invalid digit found in string', 0, 2],
    ['1_000', 'invalid-int', 'invalid digit found in string', 0, 5],
    ['"443"', 'invalid-int', 'invalid digit found in string', 0, 5], // §12 row 33
    ['80,', 'invalid-int', 'invalid digit found in string', 0, 3], // §12 row 30: no commas
    ['１', 'invalid-int', 'invalid digit found in string', 0, 1],
    // Overflow.
    ['9223372036854775808', 'int-overflow', 'number too large to fit in target type', 0, 19],
    ['-9223372036854775809', 'int-overflow', 'number too small to fit in target type', 0, 20],
    ['99999999999999999999999999', 'int-overflow', 'number too large to fit in target type', 0, 26],
    ['0x8000000000000000', 'int-overflow', 'number too large to fit in target type', 2, 16],
    ['0xffffffffffffffff', 'int-overflow', 'number too large to fit in target type', 2, 16],
    ['01000000000000000000000', 'int-overflow', 'number too large to fit in target type', 1, 22],
  ];
  it.each(cases)('%j → %s', (text, code, message, offset, length) => {
    const r = parseIntLiteral(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message).toContain(message);
      expect({ offset: r.offset, length: r.length }).toEqual({ offset, length });
    }
  });
});

describe('parseIntLiteral: spec §12 rows 29–33', () => {
  it('row 31: 0443 is octal 291, so `cf.edge.server_port eq 0443` is false for 443', () => {
    const r = parseIntLiteral('0443');
    expect(r.ok && r.value === 443).toBe(false);
    expect(r).toEqual({ ok: true, value: 291 });
  });
  it('row 32: 0xFBF4 is 64500, so `ip.src.asnum eq 0xFBF4` is true', () => {
    expect(parseIntLiteral('0xFBF4')).toEqual({ ok: true, value: 64500 });
  });
  it('row 33: a quoted string is not an int literal', () => {
    expect(parseIntLiteral('"443"').ok).toBe(false);
  });
  it('rows 29–30: set items 80, 443, 8000..8099 parse; `80,` does not', () => {
    expect(parseIntSetItem('80')).toEqual({ ok: true, item: { kind: 'value', value: 80 } });
    expect(parseIntSetItem('443')).toEqual({ ok: true, item: { kind: 'value', value: 443 } });
    expect(parseIntSetItem('8000..8099')).toEqual({ ok: true, item: { kind: 'range', first: 8000, last: 8099 } });
    expect(parseIntSetItem('80,').ok).toBe(false);
  });
});

describe('parseIntLiteral agrees with BigInt on random int64 values in every form', () => {
  it('decimal, hex and octal', () => {
    const rand = rng(11);
    for (let n = 0; n < 5000; n++) {
      const v = randomInt64(rand);
      expect(parseIntLiteral(v.toString())).toEqual({ ok: true, value: canon(v) });
      if (v >= 0n) {
        const hex = v.toString(16);
        expect(parseIntLiteral(`0x${rand() % 2 ? hex : hex.toUpperCase()}`)).toEqual({ ok: true, value: canon(v) });
        expect(parseIntLiteral(`0${v.toString(8)}`)).toEqual({ ok: true, value: canon(v) });
      }
    }
  });

  it('overflow just outside int64 in every form', () => {
    const rand = rng(12);
    for (let n = 0; n < 500; n++) {
      const over = INT64_MAX + 1n + BigInt(rand()) * BigInt(rand() % 3);
      const under = INT64_MIN - 1n - BigInt(rand()) * BigInt(rand() % 3);
      expect(parseIntLiteral(over.toString())).toMatchObject({ ok: false, code: 'int-overflow' });
      expect(parseIntLiteral(under.toString())).toMatchObject({ ok: false, code: 'int-overflow' });
      expect(parseIntLiteral(`0x${over.toString(16)}`)).toMatchObject({ ok: false, code: 'int-overflow' });
      expect(parseIntLiteral(`0${over.toString(8)}`)).toMatchObject({ ok: false, code: 'int-overflow' });
    }
  });
});

describe('parseIntSetItem', () => {
  const accepted: [string, unknown][] = [
    ['80', { kind: 'value', value: 80 }],
    ['-1', { kind: 'value', value: -1 }],
    ['8000..8099', { kind: 'range', first: 8000, last: 8099 }],
    ['0..0x10', { kind: 'range', first: 0, last: 16 }],
    ['010..0x10', { kind: 'range', first: 8, last: 16 }],
    ['-5..-1', { kind: 'range', first: -5, last: -1 }],
    ['-5..5', { kind: 'range', first: -5, last: 5 }],
    ['7..7', { kind: 'range', first: 7, last: 7 }],
    ['7..07', { kind: 'range', first: 7, last: 7 }],
    [
      '-9223372036854775808..9223372036854775807',
      { kind: 'range', first: -9223372036854775808n, last: 9223372036854775807n },
    ],
  ];
  it.each(accepted)('%s', (text, item) => {
    expect(parseIntSetItem(text)).toEqual({ ok: true, item });
  });

  type Err = [text: string, code: string, message: string, offset: number, length: number];
  const rejected: Err[] = [
    ['10..1', 'invalid-range', 'incompatible range bounds', 0, 5],
    ['0x10..010', 'invalid-range', 'incompatible range bounds', 0, 9],
    ['-1..-5', 'invalid-range', 'incompatible range bounds', 0, 6],
    ['1..', 'invalid-int', 'expected digit', 3, 0],
    ['..1', 'invalid-int', 'expected digit', 0, 0],
    ['1..08', 'invalid-int', 'radix 8', 4, 1],
    ['08..9', 'invalid-int', 'radix 8', 1, 1],
    ['1...2', 'invalid-int', 'invalid digit found in string', 3, 2],
    ['1..2..3', 'invalid-int', 'invalid digit found in string', 3, 4],
    ['1 .. 2', 'invalid-int', 'invalid digit found in string', 0, 2],
    ['0..9223372036854775808', 'int-overflow', 'number too large', 3, 19],
  ];
  it.each(rejected)('%j → %s', (text, code, message, offset, length) => {
    const r = parseIntSetItem(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message).toContain(message);
      expect({ offset: r.offset, length: r.length }).toEqual({ offset, length });
    }
  });
});

describe('compareInt', () => {
  const cases: [IntValue, IntValue, number][] = [
    [1, 2, -1],
    [2, 1, 1],
    [5, 5, 0],
    [-1, 0, -1],
    [Number.MAX_SAFE_INTEGER, 9007199254740992n, -1],
    [9007199254740992n, Number.MAX_SAFE_INTEGER, 1],
    [Number.MIN_SAFE_INTEGER, -9007199254740992n, 1],
    [INT64_MIN, INT64_MAX, -1],
    [INT64_MAX, INT64_MAX, 0],
    [0, INT64_MIN, 1],
    // Exact even where a double would round: 2⁶³−1 is not 2⁶³.
    [INT64_MAX, 2 ** 63, -1],
    [5n, 5, 0],
  ];
  it.each(cases)('compareInt(%s, %s) = %i', (a, b, expected) => {
    expect(compareInt(a, b)).toBe(expected);
  });

  it('agrees with BigInt comparison on random canonical values', () => {
    const rand = rng(13);
    for (let n = 0; n < 5000; n++) {
      const a = randomInt64(rand);
      const b = rand() % 4 === 0 ? a : randomInt64(rand);
      expect(compareInt(canon(a), canon(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
    }
  });
});

describe('toIntValue', () => {
  const accepted: [unknown, IntValue][] = [
    [0, 0],
    [-0, 0],
    [443, 443],
    [-1, -1],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    [Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER],
    [2 ** 53, 9007199254740992n],
    [-(2 ** 63), INT64_MIN],
    [2 ** 62, 4611686018427387904n],
    [5n, 5],
    [-5n, -5],
    [INT64_MAX, INT64_MAX],
    [INT64_MIN, INT64_MIN],
    [9007199254740992n, 9007199254740992n],
  ];
  it.each(accepted)('%s → %s', (input, expected) => {
    const v = toIntValue(input);
    expect(v).toBe(expected);
    if (v === 0) expect(Object.is(v, 0)).toBe(true);
  });

  const rejected: unknown[] = [
    1.5,
    -0.5,
    NaN,
    Infinity,
    -Infinity,
    2 ** 63,
    -(2 ** 64),
    INT64_MAX + 1n,
    INT64_MIN - 1n,
    '1',
    '0x10',
    null,
    undefined,
    true,
    {},
    [1],
    new Number(1),
  ];
  it.each(rejected.map((v) => [v]))('rejects %o', (input) => {
    expect(toIntValue(input)).toBeUndefined();
  });
});
