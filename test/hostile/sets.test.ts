/**
 * Sets and lists of 100,000 items: compile time stays bounded (near-linear), lookups stay
 * correct and fast, and 100,000 *invalid* items give 100,000 diagnostics in linear time
 * (regression: line/column computation and error rendering were quadratic and never ended).
 */
import { describe, expect, it } from 'vitest';
import { Scheme, WirefilterError } from '../../src/index.js';
import { hostileScheme, within } from './helpers.js';

const N = 100_000;
const ROOMY = { maxExpressionLength: 100_000_000 };
const scheme = hostileScheme(ROOMY);

const v4 = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const v6 = (i: number): string => `2001:db8::${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}`;

describe('100,000-item sets compile in bounded time and answer correctly', () => {
  const cases: { name: string; field: string; items: string; member: unknown; outsider: unknown }[] = [
    { name: 'IPv4 addresses', field: 'ip.src', items: Array.from({ length: N }, (_, i) => v4(i * 7)).join(' '), member: v4(7 * 54321), outsider: v4(7 * 54321 + 1) },
    { name: 'IPv6 addresses', field: 'ip.src', items: Array.from({ length: N }, (_, i) => v6(i * 3)).join(' '), member: v6(3 * 99_999), outsider: v6(3 * 99_999 + 1) },
    {
      name: 'IPv4 and IPv6 CIDRs and ranges',
      field: 'ip.src',
      items: Array.from({ length: N }, (_, i) => (i % 3 === 0 ? `${v4(i * 256).replace(/\.\d+$/, '.0')}/24` : i % 3 === 1 ? `2001:db8:${(i & 0xffff).toString(16)}::/48` : `${v4(i)}..${v4(i + 1)}`)).join(' '),
      member: '2001:db8:1:ffff::1',
      outsider: '2001:db9::1',
    },
    { name: 'integers', field: 'ip.src.asnum', items: Array.from({ length: N }, (_, i) => String(i * 2)).join(' '), member: 123_456, outsider: 123_457 },
    { name: 'integer ranges', field: 'ip.src.asnum', items: Array.from({ length: N }, (_, i) => `${i * 10}..${i * 10 + 4}`).join(' '), member: 500_003, outsider: 500_006 },
    { name: 'strings', field: 'http.host', items: Array.from({ length: N }, (_, i) => JSON.stringify(`host-${i}.example`)).join(' '), member: 'host-77777.example', outsider: 'host-77777.example.' },
    { name: 'hex byte strings', field: 'http.host', items: Array.from({ length: N }, (_, i) => [i >> 16, (i >> 8) & 255, i & 255, 0x7a].map((b) => b.toString(16).padStart(2, '0')).join(':')).join(' '), member: '\x01\x02\x03z', outsider: '\x01\x02\x03Z' },
  ];
  for (const c of cases) {
    it(c.name, { timeout: 60_000 }, () => {
      const expression = `${c.field} in {${c.items}}`;
      const filter = within(15_000, () => scheme.compile(expression), `compile ${c.name}`);
      expect(filter.execute({ [c.field]: c.member })).toBe(true);
      expect(filter.execute({ [c.field]: c.outsider })).toBe(false);
      const context = scheme.context({ [c.field]: c.member });
      within(20, () => {
        for (let i = 0; i < 100; i++) filter.execute(context);
      }, 'execute × 100');
    });
  }

  it('lists of 100,000 items', { timeout: 60_000 }, () => {
    const lists = new Scheme({
      fields: { 'ip.src': 'Ip', asn: 'Int', host: 'Bytes' },
      lists: {
        ips: { type: 'Ip', items: Array.from({ length: N }, (_, i) => (i % 2 ? v4(i) : `${v6(i)}/128`)) },
        asns: { type: 'Int', items: Array.from({ length: N }, (_, i) => i * 3) },
        hosts: { type: 'Bytes', items: Array.from({ length: N }, (_, i) => (i % 2 ? `*.h${i}.example` : `h${i}.example`)) },
      },
    });
    const filter = within(10_000, () => lists.compile('ip.src in $ips or asn in $asns or host in $hosts'));
    expect(filter.execute({ 'ip.src': v4(99_999) })).toBe(true);
    expect(filter.execute({ asn: 299_997 })).toBe(true);
    expect(filter.execute({ host: 'a.b.h99999.example' })).toBe(true);
    expect(filter.execute({ host: 'h99999.example' })).toBe(false);
    expect(filter.execute({ 'ip.src': v4(2), asn: 1, host: 'h1.example' })).toBe(false);
  });
});

describe('100,000 invalid items: every one reported, in linear time (regression: never finished)', () => {
  const bad: Record<string, string> = {
    'IPv4 octets over 255': `ip.src in {${Array.from({ length: N }, (_, i) => `1.2.3.${256 + i}`).join(' ')}}`,
    'IPv6 groups over 16 bits': `ip.src in {${Array.from({ length: N }, (_, i) => `2001:db8::${(0x10000 + i).toString(16)}`).join(' ')}}`,
    'integers with 8s in octal': `ip.src.asnum in {${Array.from({ length: N }, () => '08').join(' ')}}`,
    'strings with bad escapes': `http.host in {${Array.from({ length: N }, () => '"\\q"').join(' ')}}`,
    'multi-line: one item per line': `ip.src in {\n${Array.from({ length: N }, (_, i) => `1.2.3.${256 + i}`).join('\n')}\n}`,
  };
  for (const [name, expression] of Object.entries(bad)) {
    it(name, { timeout: 60_000 }, () => {
      const diagnostics = within(15_000, () => scheme.validate(expression), 'validate');
      expect(diagnostics.length).toBeGreaterThanOrEqual(N);
      const last = diagnostics[diagnostics.length - 1]!;
      expect(last.span.end).toBeLessThanOrEqual(expression.length);
      let error: unknown;
      within(15_000, () => {
        try {
          scheme.compile(expression);
        } catch (e) {
          error = e;
        }
      }, 'compile');
      expect(error).toBeInstanceOf(WirefilterError);
      const e = error as WirefilterError;
      expect(e.diagnostics.length).toBe(diagnostics.length);
      // The message renders the first errors only (each repeats its source line).
      expect(e.message).toMatch(/… and \d+ more errors \(see `diagnostics`\)$/);
      expect(e.message.split('Filter parsing error').length - 1).toBe(20);
    });
  }

  it('line and column stay right on line 100,001', () => {
    const expression = bad['multi-line: one item per line']!;
    const diagnostics = scheme.validate(expression);
    const last = diagnostics[diagnostics.length - 1]!;
    expect(last.line).toBe(N + 1);
    expect(last.column).toBe(1);
  });
});
