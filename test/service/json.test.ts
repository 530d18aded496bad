/**
 * The JSON scanner's offset map (through escapes) and the detection of expressions in
 * Rulesets API JSON.
 */
import { describe, expect, it } from 'vitest';
import { decodedIndex, documentOffset, escapeJsonString, jsonString, parseJsonNodes, readString, scanStrings } from '../../src/json/located.js';
import { expressionRegions } from '../../src/service/lsp/regions.js';
import { findExpressions } from '../../src/service/lsp/rulesets.js';

describe('readString', () => {
  it('maps each decoded character to its document offset', () => {
    const text = 'x "a\\"b\\\\c\\u00e9\\n\\ud83d\\ude00d" y';
    const s = readString(text, 2)!;
    expect(s.value).toBe('a"b\\cé\n😀d');
    expect(s.value).toBe(JSON.parse(text.slice(2, s.end)));
    // a, \", b, \\, c, \u00e9, \n, \ud83d, \ude00, d, closing quote
    expect(s.offsets).toEqual([3, 4, 6, 7, 9, 10, 16, 18, 24, 30, 31]);
    expect(text[s.offsets[s.value.length]!]).toBe('"');
    expect(s.end).toBe(32);
  });

  it('rejects what JSON rejects', () => {
    expect(readString('"abc', 0)).toBeUndefined();
    expect(readString('"a\\qb"', 0)).toBeUndefined();
    expect(readString('"a\\u12"', 0)).toBeUndefined();
    expect(readString('"a\nb"', 0)).toBeUndefined();
  });

  it('maps document offsets back, landing inside escapes on the escaped character', () => {
    const text = '"a\\"b"';
    const s = readString(text, 0)!;
    expect([1, 2, 3, 4, 5].map((o) => decodedIndex(s, o))).toEqual([0, 1, 2, 2, 3]);
    expect([0, 1, 2, 3].map((i) => documentOffset(s, i))).toEqual([1, 2, 4, 5]);
  });

  it('escapes for JSON', () => {
    expect(escapeJsonString('a "b" \\ é\n')).toBe('a \\"b\\" \\\\ é\\n');
  });
});

describe('parseJsonNodes', () => {
  it('parses what JSON.parse parses, with ranges', () => {
    const text = ' {"a": [1, -2.5e3, true, null, {"b": "c"}], "d": {}} ';
    const root = parseJsonNodes(text);
    expect(root).toMatchObject({ kind: 'object', start: 1, end: text.length - 1 });
    expect(root.value).toEqual(JSON.parse(text));
    expect([...root.members!.keys()]).toEqual(['a', 'd']);
    const array = root.members!.get('a')!;
    expect(array.kind === 'array' && array.elements!.map((i) => i.kind)).toEqual(['number', 'number', 'literal', 'literal', 'object']);
  });

  it.each(['{', '{"a" 1}', '[1,]', '{"a":1,}', '01', '"x" "y"', "{'a': 1}"])('rejects %s', (text) => {
    expect(() => parseJsonNodes(text)).toThrow();
  });

  it('finds strings in broken documents', () => {
    const found = scanStrings('{"expression": "ssl", "x": "oops\n, "phase": "p"');
    expect(found.map((f) => [f.string.value, f.before, f.after])).toEqual([
      ['expression', '{', ':'],
      ['ssl', ':', ','],
      ['x', ',', ':'],
      ['phase', ',', ':'],
      ['p', ':', undefined],
    ]);
  });
});

describe('one reader for the CLI and the language server', () => {
  it('skips a broken string to the next line, whatever ends the line', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const found = scanStrings(`{"x": "oops${eol}, "expression": "ssl"`);
      expect(found.map((f) => f.string.value)).toEqual(['x', 'expression', 'ssl']);
    }
  });

  it('gives a parsed string the offset map readString gives', () => {
    const text = '{"expression": "a\\"\\u00e9 b"}';
    const node = parseJsonNodes(text).members!.get('expression')!;
    expect(node.kind).toBe('string');
    expect(jsonString(text, node as typeof node & { kind: 'string' })).toEqual(readString(text, node.start));
  });

  it('reports syntax errors with the CLI messages, at a line and column', () => {
    expect(() => parseJsonNodes('{\r\n"a": 1,\r}')).toThrow(expect.objectContaining({ message: 'expected a property name in double quotes, found character "}"', position: { line: 3, column: 1 } }));
  });
});

describe('findExpressions', () => {
  const values = (text: string): (string | undefined)[][] | undefined => findExpressions(text)?.map((e) => [e.string.value, e.phase]);

  it('reads a ruleset object, an API response, a rules array and a single rule', () => {
    const rule = '{"expression": "ssl", "action": "block"}';
    expect(values(`{"phase": "http_request_firewall_custom", "rules": [${rule}, {"expression": "not ssl", "action": "log"}]}`)).toEqual([
      ['ssl', 'http_request_firewall_custom'],
      ['not ssl', 'http_request_firewall_custom'],
    ]);
    expect(values(`{"success": true, "result": {"rules": [${rule}]}}`)).toEqual([['ssl', undefined]]);
    expect(values(`{"result": [${rule}]}`)).toEqual([['ssl', undefined]]);
    expect(values(`[${rule}, ${rule}]`)).toEqual([['ssl', undefined], ['ssl', undefined]]);
    expect(values(rule)).toEqual([['ssl', undefined]]);
    expect(values(`[{"phase": "p", "rules": [${rule}]}]`)).toEqual([['ssl', 'p']]);
  });

  it('reads rate-limiting counting expressions, marked as such; rules with a ratelimit block are of http_ratelimit unless the document says', () => {
    const text = '{"rules": [{"expression": "ssl", "ratelimit": {"counting_expression": "http.host eq \\"a\\""}}, {"expression": "ssl", "ratelimit": {"counting_expression": ""}}]}';
    expect(values(text)).toEqual([['ssl', 'http_ratelimit'], ['http.host eq "a"', 'http_ratelimit'], ['ssl', 'http_ratelimit']]);
    expect(findExpressions(text)!.map((e) => e.counting === true)).toEqual([false, true, false]);
    const mixed = '{"phase": "p", "rules": [{"expression": "ssl", "ratelimit": {"counting_expression": "x"}}, {"expression": "y"}]}';
    expect(values(mixed)).toEqual([['ssl', 'p'], ['x', 'p'], ['y', 'p']]);
    expect(findExpressions('[{"expression": "y", "action": "block"}]')![0]!.phase).toBeUndefined();
    // Mid-edit (not JSON yet), the scan still marks counting expressions.
    expect(findExpressions('{"rules": [{"expression": "a", "ratelimit": {"counting_expression": "b"')!.map((e) => [e.string.value, e.counting === true])).toEqual([['a', false], ['b', true]]);
  });

  it('ignores other JSON', () => {
    expect(values('{"name": "x", "version": "1.0.0"}')).toBeUndefined();
    expect(values('[1, 2]')).toBeUndefined();
    expect(values('{"rules": "nope"}')).toBeUndefined();
  });

  it('falls back to a scan while the document is broken', () => {
    expect(values('{"phase": "p", "rules": [{"expression": "ssl and", "action": }')).toEqual([['ssl and', 'p']]);
    expect(values('{"rules": [')).toBeUndefined();
  });
});

describe('expressionRegions', () => {
  it('maps expression offsets to document offsets and back', () => {
    const text = '{"rules": [{"expression": "http.host eq \\"\\u00e9\\" and x"}]}';
    const [region] = expressionRegions('json', text);
    expect(region!.text).toBe('http.host eq "é" and x');
    const x = region!.text.indexOf('x');
    expect(text[region!.toDocument(x)]).toBe('x');
    expect(region!.fromDocument(region!.toDocument(x))).toBe(x);
    const quote = region!.text.indexOf('"');
    expect(text.slice(region!.toDocument(quote), region!.toDocument(quote + 3))).toBe('\\"\\u00e9\\"');
    expect(region!.fromDocument(region!.range.start)).toBeUndefined();
    expect(region!.encode('a "b"')).toBe('"a \\"b\\""');
  });
});
