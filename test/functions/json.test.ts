/**
 * lookup_json_string / lookup_json_integer and the strict, non-recursive JSON path reader.
 */
import { describe, expect, it } from 'vitest';
import { STANDARD_FUNCTIONS } from '../../src/functions/standard-library.js';
import { lookupJsonPath, type JsonPathStep } from '../../src/values/json-path.js';
import { evaluate, expectError, expectValid, hex } from './helpers.js';

const string = (doc: unknown, ...path: unknown[]): unknown => STANDARD_FUNCTIONS.get('lookup_json_string')!.call([doc, ...path]);
const integer = (doc: unknown, ...path: unknown[]): unknown => STANDARD_FUNCTIONS.get('lookup_json_integer')!.call([doc, ...path]);

describe('documentation examples', () => {
  it('lookup_json_integer(body, "product", "id") eq 356', () => {
    expect(evaluate('lookup_json_integer(http.request.body.raw, "product", "id") eq 356', { 'http.request.body.raw': '{"product":{"id":356}}' })).toBe(true);
  });

  it('lookup_json_string(body, 1, "n") eq "b"', () => {
    expect(evaluate('lookup_json_string(http.request.body.raw, 1, "n") eq "b"', { 'http.request.body.raw': '[{"n":"a"},{"n":"b"}]' })).toBe(true);
  });
});

describe('lookup_json_string', () => {
  it('returns strings with escapes decoded', () => {
    expect(string('{"a":"x\\ny\\t\\"\\\\\\/\\b\\f\\r"}', 'a')).toBe('x\ny\t"\\/\b\f\r');
    expect(string('{"a":"\\u00e9\\u0041"}', 'a')).toBe('éA');
    expect(string('{"a":"\\ud83d\\ude00"}', 'a')).toBe('😀');
    expect(string('{"a":"é😀"}', 'a')).toBe('é😀');
    expect(string('{"a":""}', 'a')).toBe('');
    expect(string('{"a":"\\u0000"}', 'a')).toBe('\u0000');
  });

  it('decodes escaped member names when matching', () => {
    expect(string('{"\\u0061":"x"}', 'a')).toBe('x');
    expect(string('{"caf\\u00e9":"x"}', 'café')).toBe('x');
  });

  it('is missing for values of other JSON types', () => {
    for (const value of ['1', 'true', 'false', 'null', '{}', '[]', '{"b":"x"}', '["x"]']) {
      expect(string(`{"a":${value}}`, 'a'), value).toBeUndefined();
    }
  });

  it('is missing for absent members, positions past the end and keys of the wrong kind', () => {
    expect(string('{"a":"x"}', 'b')).toBeUndefined();
    expect(string('["x"]', 1)).toBeUndefined();
    expect(string('["x"]', 'x')).toBeUndefined();
    expect(string('{"0":"x"}', 0)).toBeUndefined();
    expect(string('{"0":"x"}', '0')).toBe('x');
    expect(string('{"a":"x"}', 'a', 'b')).toBeUndefined();
    expect(string('"x"', 0)).toBeUndefined();
    expect(string('["x"]', 2n ** 60n)).toBeUndefined();
  });

  it('walks deep paths through arrays and objects', () => {
    const doc = JSON.stringify({ a: [{ b: [null, { c: 'deep' }] }], z: 'last' });
    expect(string(doc, 'a', 0, 'b', 1, 'c')).toBe('deep');
    expect(string(doc, 'z')).toBe('last');
  });

  it('uses the last of duplicate member names', () => {
    expect(string('{"a":"first","a":"second"}', 'a')).toBe('second');
    expect(string('{"a":{"b":"x"},"a":{"c":"y"}}', 'a', 'b')).toBeUndefined();
    expect(string('{"a":{"b":"x"},"a":{"b":"y"}}', 'a', 'b')).toBe('y');
    expect(string('{"a":"x","a":1}', 'a')).toBeUndefined();
  });

  it('is byte-exact: non-UTF-8 documents are not JSON, UTF-8 byte documents are', () => {
    expect(string(hex('7b2261223a2278ff227d'), 'a')).toBeUndefined();
    expect(string(new TextEncoder().encode('{"é":"ü"}'), 'é')).toBe('ü');
    expect(evaluate('lookup_json_string(http.request.body.raw, "k") eq "\\xc3\\xa9"', { 'http.request.body.raw': '{"k":"\\u00e9"}' })).toBe(true);
  });

  it('never matches a member name that is not valid UTF-8', () => {
    expect(string('{"\\u00ff":"x"}', hex('ff'))).toBeUndefined();
    expectValid('lookup_json_string(http.request.body.raw, "\\xff") eq ""');
  });

  it('is missing for a missing document and maps over [*]', () => {
    expect(evaluate('lookup_json_string(http.request.body.raw, "a") eq ""')).toBe(false);
    expect(
      evaluate('any(lookup_json_string(http.request.headers.names[*], "a")[*] eq "x")', { 'http.request.headers.names': ['{}', 'nope', '{"a":"x"}'] }),
    ).toBe(true);
  });
});

describe('lookup_json_integer', () => {
  it('returns plain JSON integers, negative too', () => {
    expect(integer('{"a":42}', 'a')).toBe(42);
    expect(integer('{"a":-7}', 'a')).toBe(-7);
    expect(integer('{"a":0}', 'a')).toBe(0);
    expect(integer('{"a":-0}', 'a')).toBe(0);
    expect(integer('[1,[2,3]]', 1, 1)).toBe(3);
  });

  it('rejects numbers with a fraction or exponent', () => {
    for (const n of ['42.0', '4.2e1', '42e0', '1E2', '-1.5', '0.0']) expect(integer(`{"a":${n}}`, 'a'), n).toBeUndefined();
    expect(evaluate('lookup_json_integer(http.request.body.raw, "a") eq 42', { 'http.request.body.raw': '{"a":42.0}' })).toBe(false);
  });

  it('covers the int64 range exactly, with bigints beyond 2^53', () => {
    expect(integer('{"a":9007199254740991}', 'a')).toBe(9007199254740991);
    expect(integer('{"a":9007199254740993}', 'a')).toBe(9007199254740993n);
    expect(integer('{"a":9223372036854775807}', 'a')).toBe(9223372036854775807n);
    expect(integer('{"a":-9223372036854775808}', 'a')).toBe(-9223372036854775808n);
    expect(integer('{"a":9223372036854775808}', 'a')).toBeUndefined();
    expect(integer('{"a":-9223372036854775809}', 'a')).toBeUndefined();
    expect(integer('{"a":123456789012345}', 'a')).toBe(123456789012345);
    expect(integer('{"a":-12345678901234}', 'a')).toBe(-12345678901234);
    expect(integer('{"a":9999999999999999}', 'a')).toBe(9999999999999999n);
    expect(evaluate('lookup_json_integer(http.request.body.raw, "a") eq 9223372036854775807', { 'http.request.body.raw': '{"a":9223372036854775807}' })).toBe(true);
  });

  it('is missing for strings, booleans and containers', () => {
    for (const value of ['"42"', 'true', 'null', '[42]', '{"a":42}']) expect(integer(`{"a":${value}}`, 'a'), value).toBeUndefined();
  });
});

describe('strict JSON', () => {
  const invalid = [
    '',
    ' ',
    '{',
    '{"a":1',
    '{"a":1,}',
    '[1,]',
    '[,1]',
    '{"a" 1}',
    '{a:1}',
    "{'a':1}",
    '{"a":01}',
    '{"a":1.}',
    '{"a":.5}',
    '{"a":1e}',
    '{"a":+1}',
    '{"a":-}',
    '{"a":NaN}',
    '{"a":Infinity}',
    '{"a":tru}',
    '{"a":truex}',
    '{"a":"x}',
    '{"a":"\\x"}',
    '{"a":"\\u12"}',
    '{"a":"\\u12G4"}',
    '{"a":"tab\there"}',
    '{"a":"line\nbreak"}',
    '{"a":"\\ud800"}',
    '{"a":"\\udc00"}',
    '{"a":"\\ud800\\u0041"}',
    '{"a":"x"} trailing',
    '{"a":"x"}{}',
    '{"a":"x"}]',
    '\ufeff{"a":"x"}',
    '{"a":"x",,"b":1}',
    '{"a":[1 2]}',
    '{"a":"x" "b":1}',
    '[1}',
    '{"a":1]',
  ];
  it.each(invalid.map((doc) => [JSON.stringify(doc), doc]))('%s is not JSON', (_, doc) => {
    expect(lookupJsonPath(doc, ['a'])).toBeUndefined();
    expect(lookupJsonPath(doc, [0])).toBeUndefined();
  });

  it('JSON.parse agrees that the invalid documents are invalid', () => {
    for (const doc of invalid) {
      if (doc === '{"a":"\\ud800"}' || doc === '{"a":"\\udc00"}' || doc === '{"a":"\\ud800\\u0041"}') continue; // JSON.parse accepts lone surrogates
      expect(() => JSON.parse(doc), doc).toThrow();
    }
  });

  it('invalid JSON after the value found still makes the result missing', () => {
    expect(string('{"a":"x", "b": oops}', 'a')).toBeUndefined();
    expect(string('{"a":"x"', 'a')).toBeUndefined();
  });

  it('accepts JSON whitespace everywhere and the other JSON forms', () => {
    expect(string(' \t\r\n{ \n"a" \t: \r"x" ,"b":[ ] , "c" : { } }\n ', 'a')).toBe('x');
    expect(string('{"n":[1,-2.5e+3,0.1E-2,1e9,true,false,null,"s",{},[]],"a":"ok"}', 'a')).toBe('ok');
  });

  it('treats a JS string with lone surrogates as its UTF-8 (U+FFFD), never as invalid', () => {
    expect(string('{"a":"\ud800"}', 'a')).toBe('\ufffd');
  });
});

describe('stack safety', () => {
  const depth = 100_000;

  it('walks 100,000 nested arrays without recursion', () => {
    const doc = '['.repeat(depth) + '"x"' + ']'.repeat(depth);
    expect(string(doc, 0)).toBeUndefined();
    expect(lookupJsonPath(doc, [0])?.kind).toBe('array');
    const path = new Array<number>(depth).fill(0);
    expect(string(doc, ...path)).toBe('x');
  });

  it('walks 100,000 nested objects and finds a sibling after them', () => {
    const doc = '{"deep":' + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + ',"n":5}';
    expect(integer(doc, 'n')).toBe(5);
    expect(integer(doc, 'deep', 'a', 'a')).toBeUndefined();
  });

  it('rejects 100,000 unclosed brackets without overflowing', () => {
    expect(string('['.repeat(depth), 0)).toBeUndefined();
    expect(string('{"a":'.repeat(depth), 'a')).toBeUndefined();
  });

  it('stays linear on large flat documents', () => {
    const items = Array.from({ length: 50_000 }, (_, i) => `{"id":${i},"name":"n${i}"}`);
    const doc = `{"items":[${items.join(',')}]}`;
    expect(integer(doc, 'items', 49_999, 'id')).toBe(49_999);
    expect(string(doc, 'items', 123, 'name')).toBe('n123');
  });
});

describe('agreement with JSON.parse', () => {
  /** Reference lookup on a parsed document (last duplicate wins in JSON.parse too). */
  function reference(doc: string, path: JsonPathStep[]): unknown {
    let value: unknown = JSON.parse(doc);
    for (const step of path) {
      if (typeof step === 'number' && Array.isArray(value)) value = value[step];
      else if (typeof step === 'string' && value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, step))
        value = (value as Record<string, unknown>)[step];
      else return undefined;
      if (value === undefined) return undefined;
    }
    return value;
  }

  it('finds the same strings and integers on generated documents', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const keys = ['a', 'b', 'é', 'x y', ''];
    const generate = (depth: number): unknown => {
      const pick = random(depth > 3 ? 4 : 7);
      if (pick === 0) return keys[random(keys.length)]! + random(3);
      if (pick === 1) return random(2000) - 1000;
      if (pick === 2) return random(2) === 0 ? null : random(2) === 0;
      if (pick === 3) return (random(1000) - 500) / 8;
      if (pick === 4) return Array.from({ length: random(4) }, () => generate(depth + 1));
      return Object.fromEntries(Array.from({ length: random(4) }, () => [keys[random(keys.length)]!, generate(depth + 1)]));
    };
    for (let round = 0; round < 300; round++) {
      const doc = JSON.stringify(generate(0), null, round % 2 === 0 ? undefined : 1);
      for (let p = 0; p < 10; p++) {
        const path: JsonPathStep[] = Array.from({ length: 1 + random(3) }, () => (random(2) === 0 ? random(3) : keys[random(keys.length)]!));
        const expected = reference(doc, path);
        const found = lookupJsonPath(doc, path);
        if (typeof expected === 'string') expect(found, `${doc} ${JSON.stringify(path)}`).toEqual({ kind: 'string', value: expected });
        else if (typeof expected === 'number' && Number.isInteger(expected)) expect(found?.kind).toBe('number');
        else if (expected === undefined) expect(found, `${doc} ${JSON.stringify(path)}`).toBeUndefined();
        else expect(found).toBeDefined();
      }
    }
  });
});

describe('argument checking', () => {
  it('needs a field document and at least one literal key', () => {
    expectError('lookup_json_string(http.request.body.raw) eq ""', 'invalid-argument-count');
    expectError('lookup_json_integer(http.request.body.raw) eq 1', 'invalid-argument-count');
    expectError('lookup_json_string("{}", "a") eq ""', 'invalid-argument-kind');
    expectError('lookup_json_string(http.request.body.raw, http.host) eq ""', 'invalid-argument-kind');
  });

  it('takes Bytes or Int keys only, and no negative positions', () => {
    expectError('lookup_json_string(http.request.body.raw, 10.0.0.1) eq ""', 'invalid-argument-type');
    expectError('lookup_json_string(http.request.body.raw, -1) eq ""', 'invalid-argument-value');
    expectError('lookup_json_integer(test.int, "a") eq 1', 'invalid-argument-type');
    expectValid('lookup_json_integer(http.request.body.raw, "a", 0, 0x1, "b", 9223372036854775807) eq 1');
  });

  it('returns Bytes and Int respectively', () => {
    expectError('lookup_json_string(http.request.body.raw, "a") eq 1', 'invalid-bytes');
    expectError('lookup_json_integer(http.request.body.raw, "a") eq "1"', 'literal-type-mismatch');
  });
});
