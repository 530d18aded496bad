/**
 * Prototype pollution and prototype lookups: map keys, field names, list names, ruleset JSON
 * and request headers named `__proto__`, `constructor`, `prototype`, `hasOwnProperty`, … are
 * ordinary names — looked up as own entries only, never reaching `Object.prototype`, and never
 * writing to it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cloudflareScheme, requestFields, Ruleset, Scheme } from '../../src/index.js';
import { expectNoPollution, hostileScheme, prototypeKeys } from './helpers.js';

const before = prototypeKeys();
afterAll(() => expectNoPollution(before));

const KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
const scheme = hostileScheme();
const field = 'http.request.uri.args';
const lookup = (key: string) => scheme.compile(`${field}["${key}"][0] eq "v"`);
const has = (key: string) => scheme.compile(`has_key(${field}, "${key}")`);

/** The three map forms a caller may pass, each holding `entries` as own data. */
function forms(entries: [string, unknown][]): unknown[] {
  const json = JSON.parse(JSON.stringify(Object.fromEntries(entries))) as unknown; // own "__proto__" via JSON.parse
  const nullProto = Object.assign(Object.create(null) as object, Object.fromEntries(entries));
  return [json, nullProto, new Map(entries)];
}

describe('map keys that name Object.prototype members', () => {
  for (const key of KEYS) {
    it(`"${key}" is an ordinary key`, () => {
      for (const map of forms([[key, ['v']], ['other', ['w']]])) {
        expect(lookup(key).execute({ [field]: map })).toBe(true);
        expect(has(key).execute({ [field]: map })).toBe(true);
        expect(scheme.compile(`any(${field}[*][*] eq "v")`).execute({ [field]: map })).toBe(true);
        expect(scheme.compile(`len(${field}["${key}"]) eq 1`).execute({ [field]: map })).toBe(true);
      }
      // Absent: never found through the prototype chain.
      for (const map of forms([['other', ['w']]])) {
        expect(lookup(key).execute({ [field]: map })).toBe(false);
        expect(has(key).execute({ [field]: map })).toBe(false);
        expect(scheme.compile(`not ${field}["${key}"][0] eq "v"`).execute({ [field]: map })).toBe(true);
        expect(scheme.compile(`len(${field}["${key}"]) ge 0`).execute({ [field]: map })).toBe(false);
      }
      expectNoPollution(before);
    });
  }

  it('Map<Int> and Array<Map<Bytes>> entries named __proto__, and has_value over them', () => {
    const intMap = JSON.parse('{"__proto__": 5, "constructor": 6}') as unknown;
    expect(scheme.compile('test.int_map["__proto__"] eq 5 and test.int_map["constructor"] eq 6').execute({ 'test.int_map': intMap })).toBe(true);
    expect(scheme.compile('has_value(test.int_map, 5)').execute({ 'test.int_map': intMap })).toBe(true);
    expect(scheme.compile('test.int_map["__proto__"] eq 5').execute({ 'test.int_map': {} })).toBe(false);
    const maps = [JSON.parse('{"__proto__": "x"}'), { toString: 'y' }];
    expect(scheme.compile('test.maps[0]["__proto__"] eq "x" and test.maps[1]["toString"] eq "y"').execute({ 'test.maps': maps })).toBe(true);
  });

  it('values inherited through a prototype are not values', () => {
    const inherited = Object.create({ accept: ['v'] }) as object;
    expect(lookup('accept').execute({ [field]: inherited })).toBe(false);
    const record = Object.create({ 'http.host': 'evil' }) as Record<string, unknown>;
    expect(scheme.compile('http.host eq "evil"').execute(record)).toBe(false);
    expect(scheme.compile('http.host eq "evil"').execute(scheme.context(record))).toBe(false);
  });
});

describe('names that are prototype members elsewhere', () => {
  it('fields, lists and functions named __proto__ / constructor', () => {
    const s = new Scheme({
      fields: { __proto__: 'Bytes', constructor: 'Int', 'a.hasOwnProperty': 'Bool' } as Record<string, 'Bytes' | 'Int' | 'Bool'>,
      lists: JSON.parse('{"__proto__": {"type": "Int", "items": [1, 2]}}'),
      functions: { toString: { params: [{ type: 'Int' }], returns: 'Bytes', call: (x: unknown) => String(x) } },
    });
    // `{ __proto__: … }` in an object literal sets the prototype instead: no such field.
    expect(s.fields().map((f) => f.name)).toEqual(['constructor', 'a.hasOwnProperty']);
    const values = JSON.parse('{"constructor": 2, "a.hasOwnProperty": true}') as Record<string, unknown>;
    expect(s.compile('constructor in $__proto__ and a.hasOwnProperty').execute(values)).toBe(true);
    expect(s.compile('constructor in $__proto__').execute({})).toBe(false);
    expect(s.compile('toString(constructor) eq "2"').execute(values)).toBe(true);
    const withProto = new Scheme({ fields: JSON.parse('{"__proto__": "Bytes"}') });
    expect(withProto.compile('__proto__ eq "x"').execute(JSON.parse('{"__proto__": "x"}'))).toBe(true);
    expect(withProto.compile('__proto__ eq "x"').execute({})).toBe(false);
    expectNoPollution(before);
  });
});

describe('cloudflareScheme lists', () => {
  // Regression: `Object.assign(lists, config.lists)` made a list named "__proto__" the
  // prototype of the list registry instead of a list.
  it('a list named __proto__ from JSON configuration is a list', () => {
    const s = cloudflareScheme({ lists: JSON.parse('{"__proto__": {"type": "Ip", "items": ["192.0.2.0/24"]}}') });
    expect(s.lists()).toContain('__proto__');
    expect(s.compile('ip.src in $__proto__').execute({ 'ip.src': '192.0.2.7' })).toBe(true);
    expectNoPollution(before);
  });
});

describe('rulesets and requests', () => {
  it('ruleset JSON full of __proto__ keys loads without polluting anything', () => {
    const rules = JSON.parse(`[
      {"__proto__": {"polluted": true}, "id": "a", "expression": "true", "action": "log"},
      {"id": "b", "expression": "true", "action": "skip",
       "action_parameters": {"__proto__": {"isAdmin": true}, "rules": {"__proto__": ["x"], "constructor": ["y"]}}},
      {"id": "c", "expression": "true", "action": "block",
       "action_parameters": {"response": {"__proto__": {"status_code": 200}, "status_code": 403}}}
    ]`);
    const ruleset = new Ruleset(cloudflareScheme(), rules);
    const decision = ruleset.evaluate({}, { trace: true });
    expect(decision.action).toBe('block');
    expect(decision.response?.status_code).toBe(403);
    expectNoPollution(before);
  });

  it('request headers and query arguments named __proto__', () => {
    const request = new Request('https://example.com/p?__proto__=1&constructor=2&toString', {
      headers: [['__proto__', 'a'], ['constructor', 'b'], ['hasOwnProperty', 'c'], ['x-test', '1']],
    });
    const values = requestFields(request, { clientIp: '192.0.2.1' });
    const s = cloudflareScheme();
    expect(s.compile('http.request.headers["__proto__"][0] eq "a" and http.request.headers["constructor"][0] eq "b"').execute(values)).toBe(true);
    expect(s.compile('http.request.uri.args["__proto__"][0] eq "1" and has_key(http.request.uri.args, "toString")').execute(values)).toBe(true);
    expect(s.compile('has_key(http.request.headers, "valueOf")').execute(values)).toBe(false);
    expectNoPollution(before);
  });
});
