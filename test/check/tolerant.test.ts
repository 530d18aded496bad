/**
 * The checker's tolerant mode (what the editor asks for types): every value of a partial or
 * broken tree with the type the checker gives it, by span, and never an exception.
 */
import { describe, expect, it } from 'vitest';
import { isConditionValue, typeValues } from '../../src/check/checker.js';
import { cloudflareScheme, parseExpression } from '../../src/index.js';
import { formatType } from '../../src/scheme/types.js';

const scheme = cloudflareScheme();

/** The type the tolerant checker gives the value written as `value` inside `text`. */
function typeOf(text: string, value: string): string | undefined {
  const start = text.indexOf(value);
  const { ast } = parseExpression(text);
  const typed = typeValues(ast!, scheme).at({ start, end: start + value.length });
  expect(typed, `${value} in ${text}`).toBeDefined();
  return typed!.type && `${formatType(typed!.type)}${typed!.mapped ? ' (mapped)' : ''}`;
}

describe('typeValues', () => {
  it('types the values of valid expressions as the checker does', () => {
    expect(typeOf('lower(http.host) eq "a"', 'lower(http.host)')).toBe('Bytes');
    expect(typeOf('len(http.host) eq 1', 'len(http.host)')).toBe('Int');
    expect(typeOf('any(http.request.headers.names[*] eq "a")', 'http.request.headers.names[*]')).toBe('Bytes (mapped)');
    expect(typeOf('any(lower(http.request.headers.names[*])[*] eq "a")', 'lower(http.request.headers.names[*])')).toBe('Array<Bytes>');
  });

  it('types the values of partial trees and of values with errors inside', () => {
    expect(typeOf('http.host eq "a" and lower(http.host) ', 'lower(http.host)')).toBe('Bytes');
    expect(typeOf('ssl and cf.edge.server_port', 'cf.edge.server_port')).toBe('Int');
    // Wrong argument count: the result type is still certain.
    expect(typeOf('lower(http.host, 1) eq "a"', 'lower(http.host, 1)')).toBe('Bytes');
    // An index out of range still reads an element of a known array.
    expect(typeOf('http.request.headers["a"][99999999999] eq "a"', 'http.request.headers["a"][99999999999]')).toBe('Bytes');
    // `[*]` outside the first argument is an error; concat's result follows its first argument.
    expect(typeOf('concat("a", http.request.headers.names[*]) eq "a"', 'concat("a", http.request.headers.names[*])')).toBe('Bytes');
  });

  it('records unknown names without a type', () => {
    expect(typeOf('a.b.c eq 1', 'a.b.c')).toBeUndefined();
    expect(typeOf('nope(http.host) eq 1', 'nope(http.host)')).toBeUndefined();
    expect(typeOf('nope(http.host) eq 1', 'http.host')).toBe('Bytes');
  });

  it('never throws, whatever the tree', () => {
    for (const text of ['(((', 'x[', 'lower(', 'any(', 'a eq', '{', 'http.host[0][0]', `ssl${'[0]'.repeat(1000)}`, 'concat(', '"', 'not not not']) {
      const { ast } = parseExpression(text);
      if (ast !== undefined) expect(() => typeValues(ast, scheme), text).not.toThrow();
    }
  });
});

describe('isConditionValue', () => {
  it('is true for Bool values and whole Array<Bool> values', () => {
    const { ast } = parseExpression('any(starts_with(http.request.headers.names[*], "x")) and ssl');
    const types = typeValues(ast!, scheme);
    const at = (value: string) => {
      const start = 'any(starts_with(http.request.headers.names[*], "x")) and ssl'.indexOf(value);
      return types.at({ start, end: start + value.length })!;
    };
    expect(isConditionValue(at('ssl'))).toBe(true);
    expect(isConditionValue(at('starts_with(http.request.headers.names[*], "x")'))).toBe(true);
    expect(isConditionValue(at('http.request.headers.names[*]'))).toBe(false);
  });
});
