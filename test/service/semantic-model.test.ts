/**
 * The editor takes its types from the checker: what it proposes after a value is what the
 * checker accepts there, including where the checker's view is subtler than the value's name.
 */
import { describe, expect, it } from 'vitest';
import { cloudflareScheme } from '../../src/index.js';
import { LanguageService } from '../../src/service/index.js';

const service = new LanguageService(cloudflareScheme());
const labels = (text: string): string[] => service.complete(text, text.length).items.map((i) => i.label);

describe('types from the checker', () => {
  it('proposes logical operators after an Array<Bool> value inside a quantifier', () => {
    expect(labels('any(starts_with(http.request.headers.names[*], "x") ')).toEqual(expect.arrayContaining(['and', 'or', 'xor']));
  });

  it('proposes no comparison after a function mapped over [*], whose result is an array', () => {
    expect(labels('any(lower(http.request.headers.names[*]) ')).not.toContain('eq');
    expect(labels('any(lower(http.request.headers.names[*])[*] ')).toContain('eq');
    expect(labels('any(lower(http.request.headers.names[*])[')).toContain('*');
  });

  it('types a value the parser could not place in the tree', () => {
    expect(labels('http.host eq "a" and (ip.src ')).toContain('in');
    const text = 'http.host eq "a" and (cf.edge.server_port &';
    expect(service.hover(text, text.indexOf('&'))?.markdown).toContain('Left-hand side: `cf.edge.server_port` of type Int');
  });
});
