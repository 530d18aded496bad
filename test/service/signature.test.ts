/**
 * Signature help inside calls and quantifiers, at many cursor positions.
 */
import { describe, expect, it } from 'vitest';
import { cloudflareScheme, Scheme } from '../../src/index.js';
import { LanguageService } from '../../src/service/index.js';
import { cursor } from './cursor.js';

const service = new LanguageService(cloudflareScheme());

const cases: { text: string; label?: string; active?: number }[] = [
  { text: 'lower(|', label: 'lower(source: Bytes) -> Bytes', active: 0 },
  { text: 'lower(|http.host) eq "a"', label: 'lower(source: Bytes) -> Bytes', active: 0 },
  { text: 'substring(http.host, |', label: 'substring(source: Bytes, start: Int, [end: Int]) -> Bytes', active: 1 },
  { text: 'substring(http.host, 1,|', active: 2 },
  { text: 'substring(http.host, 1, 3|) eq "a"', active: 2 },
  { text: 'substring(http.host, 1, 3, |', active: 3 },
  // Variadic tails keep the last parameter active.
  { text: 'concat(http.host, "a", "b", |', active: 1 },
  { text: 'lookup_json_string(http.request.body.raw, "a", "b", "c"|', active: 1 },
  // Nested calls: the innermost one whose parentheses hold the cursor.
  { text: 'starts_with(lower(|', label: 'lower(source: Bytes) -> Bytes', active: 0 },
  { text: 'starts_with(lower(http.host), |', label: 'starts_with(source: Bytes, prefix: Bytes) -> Bool', active: 1 },
  { text: 'starts_with(lower(http.host)|, "a")', label: 'starts_with(source: Bytes, prefix: Bytes) -> Bool', active: 0 },
  // Commas inside nested brackets do not count.
  { text: 'concat(split(http.host, ".", 2), |', active: 1 },
  { text: 'has_key(http.request.headers, "a"|', active: 1 },
  // Quantifiers.
  { text: 'any(|', label: 'any(condition: Array<Bool>) -> Bool', active: 0 },
  { text: 'all(http.request.headers.names[*] eq |"a")', label: 'all(condition: Array<Bool>) -> Bool' },
  { text: 'any((http.request.headers.names[*] eq "a" or |', label: 'any(condition: Array<Bool>) -> Bool' },
  // Outside any call.
  { text: '|lower(http.host) eq "a"' },
  { text: 'lower(http.host)| eq "a"' },
  { text: '(ssl or |' },
  { text: 'ip.src in {|' },
  { text: 'nosuch(|' },
];

describe('signatureHelp', () => {
  it.each(cases)('$text', ({ text: marked, label, active }) => {
    const { text, offset } = cursor(marked);
    const help = service.signatureHelp(text, offset);
    if (label === undefined && active === undefined) {
      expect(help).toBeUndefined();
      return;
    }
    expect(help).toBeDefined();
    if (label !== undefined) expect(help!.signatures[0]!.label).toBe(label);
    if (active !== undefined) expect(help!.activeParameter).toBe(active);
  });

  it('gives parameter offsets into the label and documents each parameter', () => {
    const help = service.signatureHelp('substring(', 10)!;
    const signature = help.signatures[0]!;
    const labels = signature.parameters.map((p) => (Array.isArray(p.label) ? signature.label.slice(p.label[0], p.label[1]) : p.label));
    expect(labels).toEqual(['source: Bytes', 'start: Int', '[end: Int]']);
    expect(signature.parameters[1]!.documentation).toContain('literal');
    expect(signature.documentation).toContain('Bytes from start');
    const variadic = service.signatureHelp('concat(', 7)!.signatures[0]!;
    expect(variadic.label).not.toContain('->');
  });

  it('covers user functions', () => {
    const scheme = new Scheme({
      fields: { host: 'Bytes' },
      functions: { tag: { params: [{ type: 'Bytes', name: 'value' }], optional: [{ type: 'Int', name: 'level', kind: 'literal' }], returns: 'Bool', description: 'Tags a value.', call: () => true } },
    });
    const help = new LanguageService(scheme).signatureHelp('tag(host, ', 10)!;
    expect(help.signatures[0]!.label).toBe('tag(value: Bytes, [level: Int]) -> Bool');
    expect(help.activeParameter).toBe(1);
  });
});
