import { describe, expect, it } from 'vitest';
import { contains } from '../../src/values/regex/intervals.js';
import {
  hasCaseMapping,
  normalizeSymbolicName,
  unicodeCaseFold,
  unicodeClass,
  utf8Bytes,
  utf8Sequences,
} from '../../src/values/regex/unicode.js';

const cp = (s: string): number => s.codePointAt(0) as number;

describe('property name normalisation (UAX44-LM3, as in regex-syntax)', () => {
  it.each([
    ['Line_Break', 'linebreak'],
    ['Line-break', 'linebreak'],
    ['BA', 'ba'],
    ['Greek', 'greek'],
    ['isGreek', 'greek'],
    ['IS_Greek', 'greek'],
    ['isc', 'isc'],
    ['is c', 'isc'],
    ['is_c', 'isc'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeSymbolicName(input)).toBe(expected);
  });
});

describe('Unicode classes', () => {
  const ranges = (q: Parameters<typeof unicodeClass>[0]): readonly number[] => {
    const r = unicodeClass(q);
    if (!Array.isArray(r)) throw new Error(JSON.stringify(r));
    return r as readonly number[];
  };

  it('resolves scripts by long name, short name and with sc=/scx=', () => {
    for (const q of [
      { type: 'named', name: 'Greek' },
      { type: 'named', name: 'Grek' },
      { type: 'namedValue', name: 'sc', value: 'greek' },
      { type: 'namedValue', name: 'Script', value: 'Grek' },
    ] as const) {
      const r = ranges(q);
      expect(contains(r, cp('α'))).toBe(true);
      expect(contains(r, cp('a'))).toBe(false);
    }
  });

  it('resolves general categories, one-letter names and binary properties', () => {
    expect(contains(ranges({ type: 'oneLetter', letter: 'N' }), cp('٣'))).toBe(true);
    expect(contains(ranges({ type: 'named', name: 'Uppercase_Letter' }), cp('É'))).toBe(true);
    expect(contains(ranges({ type: 'named', name: 'lu' }), cp('é'))).toBe(false);
    expect(contains(ranges({ type: 'named', name: 'Alphabetic' }), cp('é'))).toBe(true);
    expect(contains(ranges({ type: 'named', name: 'space' }), 0x3000)).toBe(true);
    // `sc` is the Currency_Symbol category here, not the Script property.
    expect(contains(ranges({ type: 'named', name: 'sc' }), cp('€'))).toBe(true);
    expect(ranges({ type: 'named', name: 'Cs' })).toEqual([]);
  });

  it('reports unknown names like Rust', () => {
    expect(unicodeClass({ type: 'named', name: 'NoSuchThing' })).toBe('propertyNotFound');
    expect(unicodeClass({ type: 'namedValue', name: 'sc', value: 'Klingon' })).toBe('propertyValueNotFound');
    expect(unicodeClass({ type: 'namedValue', name: 'Alphabetic', value: 'yes' })).toBe('propertyValueNotFound');
    expect(unicodeClass({ type: 'namedValue', name: 'foo', value: 'bar' })).toBe('propertyNotFound');
  });

  it('never includes surrogates', () => {
    const any = ranges({ type: 'named', name: 'Any' });
    expect(contains(any, 0xd800)).toBe(false);
    const cn = ranges({ type: 'named', name: 'Cn' });
    expect(contains(cn, 0xdfff)).toBe(false);
  });
});

describe('simple case folding', () => {
  const orbit = (c: string): string[] => {
    const r = unicodeCaseFold([cp(c), cp(c)]);
    const out: string[] = [];
    for (let i = 0; i < r.length; i += 2) for (let x = r[i]; x <= r[i + 1]; x++) out.push(String.fromCodePoint(x));
    return out;
  };

  it('uses simple (one-to-one) foldings, including the odd ones', () => {
    expect(orbit('k')).toEqual(['K', 'k', '\u212a']);
    expect(orbit('σ')).toEqual(['Σ', 'ς', 'σ']);
    expect(orbit('ǅ')).toEqual(['Ǆ', 'ǅ', 'ǆ']);
    expect(orbit('ß')).toEqual(['ß', 'ẞ']);
    expect(orbit('s')).toEqual(['S', 's', 'ſ']);
    expect(orbit('\u13a0')).toEqual(['\u13a0', '\uab70']);
    expect(orbit('𐐀')).toEqual(['𐐀', '𐐨']);
  });

  it('does not fold dotless/dotted i with ASCII (no simple folding exists)', () => {
    expect(orbit('ı')).toEqual(['ı']);
    expect(orbit('İ')).toEqual(['İ']);
    expect(orbit('i')).toEqual(['I', 'i']);
    expect(hasCaseMapping(cp('ı'))).toBe(false);
    expect(hasCaseMapping(cp('a'))).toBe(true);
    expect(hasCaseMapping(cp('1'))).toBe(false);
  });
});

describe('UTF-8 sequences', () => {
  it('splits the whole scalar range like regex-syntax', () => {
    const seqs = utf8Sequences(0, 0x10ffff).map((s) => s.map(([lo, hi]) => [lo, hi]));
    expect(seqs).toEqual([
      [[0x00, 0x7f]],
      [
        [0xc2, 0xdf],
        [0x80, 0xbf],
      ],
      [
        [0xe0, 0xe0],
        [0xa0, 0xbf],
        [0x80, 0xbf],
      ],
      [
        [0xe1, 0xec],
        [0x80, 0xbf],
        [0x80, 0xbf],
      ],
      [
        [0xed, 0xed],
        [0x80, 0x9f],
        [0x80, 0xbf],
      ],
      [
        [0xee, 0xef],
        [0x80, 0xbf],
        [0x80, 0xbf],
      ],
      [
        [0xf0, 0xf0],
        [0x90, 0xbf],
        [0x80, 0xbf],
        [0x80, 0xbf],
      ],
      [
        [0xf1, 0xf3],
        [0x80, 0xbf],
        [0x80, 0xbf],
        [0x80, 0xbf],
      ],
      [
        [0xf4, 0xf4],
        [0x80, 0x8f],
        [0x80, 0xbf],
        [0x80, 0xbf],
      ],
    ]);
  });

  it('matches exactly the encodings of the range', () => {
    const ranges: [number, number][] = [
      [0x41, 0x5a],
      [0x7f, 0x80],
      [0x7ff, 0x800],
      [0x1234, 0x5678],
      [0xd700, 0xe100],
      [0xfff0, 0x10010],
      [0x10fff0, 0x10ffff],
    ];
    const matches = (seqs: ReturnType<typeof utf8Sequences>, bytes: number[]): number =>
      seqs.filter((s) => s.length === bytes.length && s.every(([lo, hi], i) => bytes[i] >= lo && bytes[i] <= hi)).length;
    for (const [start, end] of ranges) {
      const seqs = utf8Sequences(start, end);
      for (let c = Math.max(0, start - 40); c <= Math.min(0x10ffff, end + 40); c++) {
        if (c >= 0xd800 && c <= 0xdfff) continue;
        const inRange = c >= start && c <= end;
        expect(matches(seqs, utf8Bytes(c)), `U+${c.toString(16)} in [${start.toString(16)}, ${end.toString(16)}]`).toBe(
          inRange ? 1 : 0,
        );
      }
    }
  });
});
