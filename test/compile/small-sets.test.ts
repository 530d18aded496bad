import { describe, expect, it } from 'vitest';
import { Scheme } from '../../src/index.js';

// Small literal sets compile to inline scans (src/compile/sets.ts) without building the full
// set structures; the values those scans do not handle themselves — byte arrays for text
// sets, bigints for integer sets — must still get the full sets' answers.
const scheme = new Scheme({ fields: { s: 'Bytes', n: 'Int' } });
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('small ASCII text sets', () => {
  const filter = scheme.compile('s in {"GET" "POST" "" "x-y"}');
  it('compares strings and byte arrays alike', () => {
    for (const [value, expected] of [
      ['GET', true],
      ['get', false],
      ['', true],
      ['x-y', true],
      ['POS', false],
    ] as const) {
      expect(filter.execute({ s: value }), value).toBe(expected);
      expect(filter.execute({ s: utf8(value) }), `bytes of ${value}`).toBe(expected);
    }
  });
  it('never matches invalid UTF-8 or other types', () => {
    expect(filter.execute({ s: new Uint8Array([0x47, 0x45, 0x54, 0xff]) })).toBe(false);
    expect(filter.execute({ s: new Uint8Array([0xff]) })).toBe(false);
    expect(filter.execute({ s: 42 })).toBe(false);
  });
});

describe('small ASCII text sets of up to eight, and behind a function', () => {
  it('compares strings and byte arrays alike', () => {
    const six = scheme.compile('s in {"a" "b" "c" "d" "e" "GET"}');
    const lowered = scheme.compile('lower(s) in {"get" "post"}');
    for (const [value, six_, lowered_] of [
      ['GET', true, true],
      ['e', true, false],
      ['Post', false, true],
      ['f', false, false],
    ] as const) {
      expect(six.execute({ s: value }), value).toBe(six_);
      expect(six.execute({ s: utf8(value) }), `bytes of ${value}`).toBe(six_);
      expect(lowered.execute({ s: value }), `lower(${value})`).toBe(lowered_);
      expect(lowered.execute({ s: utf8(value) }), `lower(bytes of ${value})`).toBe(lowered_);
    }
    expect(six.execute({ s: new Uint8Array([0x61, 0xff]) })).toBe(false);
  });
});

describe('small integer sets', () => {
  const filter = scheme.compile('n in {80 443 8080 -1}');
  it('matches numbers and bigints alike', () => {
    for (const [value, expected] of [
      [80, true],
      [443, true],
      [-1, true],
      [81, false],
      [0, false],
    ] as const) {
      expect(filter.execute({ n: value }), String(value)).toBe(expected);
      expect(filter.execute({ n: BigInt(value) }), `${value}n`).toBe(expected);
    }
    expect(filter.execute({ n: 2n ** 70n })).toBe(false);
  });
});
