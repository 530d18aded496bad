// Unit tests of the CLI's helpers: the JSON scanner with locations, top-K counting, request
// shapes and the decisive values of a trace.
import { describe, expect, it } from 'vitest';
import { cloudflareScheme } from '../../src/index.js';
import { decodedOffsets, JsonSource, JsonSyntaxError, parentPath } from '../../src/cli/json-source.js';
import { decisiveValues, valueKey } from '../../src/cli/replay.js';
import { filePath, parseRulesetFile } from '../../src/cli/ruleset-file.js';
import { TopK } from '../../src/cli/topk.js';
import { readRequest, requestProblems } from '../../src/cli/values.js';

describe('JsonSource', () => {
  const text = '{\n  "a": [1, {"b": "x\\ny"}],\n  "c": "\\u00e9t\\u00e9 \\"q\\" \\ud83d\\ude00!",\n  "d": null\n}';
  const json = new JsonSource(text);

  it('parses like JSON.parse', () => {
    expect(json.value).toEqual(JSON.parse(text));
  });

  it('knows where every value is', () => {
    expect(json.location('a[1].b')).toMatchObject({ kind: 'string' });
    const b = json.location('a[1].b')!;
    expect(text.slice(b.start, b.end)).toBe('"x\\ny"');
    expect(json.position(b.start)).toEqual({ line: 2, column: 18 });
    expect(json.location('d')).toMatchObject({ kind: 'literal' });
    expect(json.location('nope')).toBeUndefined();
    expect(json.nearest('a[1].b.deeper[3]')!.path).toBe('a[1].b');
  });

  it('maps offsets of decoded strings through escapes', () => {
    const decoded = (json.value as { c: string }).c;
    // `!` is after two \u escapes, a \" pair and a surrogate pair written as two escapes.
    const bang = decoded.indexOf('!');
    const region = json.stringRegion('c', bang, bang + 1)!;
    expect(text.slice(region.startOffset, region.endOffset)).toBe('!');
    const q = decoded.indexOf('q');
    expect(text[json.stringRegion('c', q, q + 1)!.startOffset]).toBe('q');
    const start = json.location('c')!.start;
    expect(decodedOffsets(text, start, json.location('c')!.end).length).toBe(decoded.length + 1);
  });

  it('reports syntax errors with their offset', () => {
    for (const [bad, offset] of [['{"a": 1,}', 8], ['[1 2]', 3], ['{"a": "x', 6], ['{"a": tru}', 6], ['{} x', 3]] as const) {
      try {
        new JsonSource(bad);
        expect.unreachable(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(JsonSyntaxError);
        expect((error as JsonSyntaxError).offset).toBe(offset);
      }
    }
  });

  it('treats __proto__ as a plain key', () => {
    const value = new JsonSource('{"__proto__": {"x": 1}}').value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('parentPath', () => {
    expect(parentPath('a.b[2].c')).toBe('a.b[2]');
    expect(parentPath('a.b[2]')).toBe('a.b');
    expect(parentPath('[0].expression')).toBe('[0]');
    expect(parentPath('[0]')).toBe('');
    expect(parentPath('')).toBeUndefined();
  });
});

describe('ruleset files', () => {
  it('find the ruleset in objects, API envelopes and arrays, and map problem paths', () => {
    const object = parseRulesetFile('x.json', '{"rules": []}');
    expect(filePath(object, 'rules[2].action')).toBe('rules[2].action');
    const envelope = parseRulesetFile('x.json', '{"result": {"rules": []}}');
    expect(filePath(envelope, 'rules[2].action')).toBe('result.rules[2].action');
    expect(filePath(envelope, 'phase')).toBe('result.phase');
    const array = parseRulesetFile('x.json', '[]');
    expect(filePath(array, 'rules[2].action')).toBe('[2].action');
    expect(filePath(array, '')).toBe('');
  });
});

describe('TopK', () => {
  it('counts exactly while the values fit', () => {
    const top = new TopK(10);
    for (const v of ['a', 'b', 'a', 'c', 'a', 'b']) top.add(v);
    expect(top.top(2)).toEqual([
      { value: 'a', count: 3, error: 0 },
      { value: 'b', count: 2, error: 0 },
    ]);
  });

  it('keeps frequent values among many distinct ones with bounded memory', () => {
    const top = new TopK(50);
    for (let i = 0; i < 100_000; i++) top.add(i % 10 === 0 ? 'frequent' : i % 25 === 1 ? 'second' : `rare-${i}`);
    expect(top.size).toBe(50);
    const [first, second] = top.top(2);
    expect(first!.value).toBe('frequent');
    expect(first!.count - first!.error).toBeLessThanOrEqual(10_000);
    expect(first!.count).toBeGreaterThanOrEqual(10_000);
    expect(second!.value).toBe('second');
  });
});

describe('requests', () => {
  it('reads plain field values and the wrapped form', () => {
    expect(readRequest({ 'ip.src': '192.0.2.1' })).toEqual({ values: { 'ip.src': '192.0.2.1' } });
    expect(readRequest({ values: { ssl: true }, now: 5, clearance: { level: 'managed' }, category: 'x' })).toEqual({ values: { ssl: true }, now: 5, clearance: { level: 'managed' }, category: 'x' });
    // A field named like a wrapper key next to real fields: plain values.
    expect(readRequest({ values: {}, 'http.host': 'a' })).toEqual({ values: { values: {}, 'http.host': 'a' } });
    expect(() => readRequest([1])).toThrow(/expected a JSON object/);
    expect(() => readRequest({ values: {}, clearance: { level: 'high' } })).toThrow(/clearance/);
  });

  it('finds unknown fields and values of the wrong type', () => {
    const problems = requestProblems(cloudflareScheme(), {
      'ip.src': '300.1.1.1',
      'http.request.headers': { accept: 'text/html' },
      'ip.src.asnum': 1.5,
      'http.hots': 'x',
      ssl: true,
    });
    expect(problems).toEqual([
      'ip.src: expected an IPv4 or IPv6 address (Ip), got "300.1.1.1"',
      'http.request.headers["accept"]: expected an array, got "text/html"',
      'ip.src.asnum: expected an integer (Int), got 1.5',
      'http.hots: not a field of the scheme (ignored)',
    ]);
  });
});

describe('decisive values', () => {
  const scheme = cloudflareScheme();
  const explain = (expression: string, values: Record<string, unknown>) => {
    const filter = scheme.compile(expression);
    return filter.explain(values);
  };

  it('keeps what made the rule match and drops negated and boolean parts', () => {
    const node = explain('ip.src.asnum in {16509 15169} and not cf.client.bot and not http.host eq "api.example.com"', {
      'ip.src.asnum': 16509,
      'cf.client.bot': false,
      'http.host': 'www.example.com',
    });
    const values = decisiveValues(node);
    expect(values.map((v) => [v.expression, v.negated])).toEqual([
      ['ip.src.asnum', false],
      ['cf.client.bot', true],
      ['http.host', true],
    ]);
    expect(valueKey(values)).toBe('ip.src.asnum = 16509');
  });

  it('takes the operand that decided an `or`', () => {
    const node = explain('http.request.uri.path eq "/a" or http.user_agent contains "bot"', { 'http.request.uri.path': '/b', 'http.user_agent': 'somebot' });
    expect(valueKey(decisiveValues(node))).toBe('http.user_agent = "somebot"');
  });

  it('keeps negated values when nothing else is left', () => {
    const node = explain('not ip.src in {10.0.0.0/8} and not ssl', { 'ip.src': '192.0.2.1', ssl: false });
    expect(valueKey(decisiveValues(node))).toBe('ip.src = "192.0.2.1"');
  });
});
