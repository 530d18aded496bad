/**
 * Request parsing under hostile sizes: every header and body parser of `requestFields` must be
 * linear in the request (regression: trimming optional whitespace with `[ \t]+$` was quadratic,
 * so one Cookie, Accept-Language or Content-Type header of 32,000 spaces, or a multipart part
 * header with them, took seconds — a remote denial of service on a server).
 */
import { describe, expect, it } from 'vitest';
import { requestFields } from '../../src/index.js';
import { expectLinearGrowth } from './helpers.js';

const B = 'XyZ';
const spaces = (n: number): string => ' '.repeat(n);
// Header runs take well under a millisecond at 100 KB, where timings are mostly noise on a
// shared machine: headers are measured from 400 KB.
const HEADER_SIZES = [400_000, 800_000, 1_600_000];
const BODY_SIZES = [100_000, 200_000, 400_000];

const fields = (headers: Record<string, string>, body?: string) =>
  requestFields(new Request('https://example.com/p', { method: 'POST', headers }), body === undefined ? {} : { body }, { bodyLimit: 1 << 21 });

describe('header values with long runs of whitespace', () => {
  const headers: [string, (n: number) => string][] = [
    ['cookie', (n) => `a=${spaces(n)}x; b=${spaces(n)}`],
    ['accept-language', (n) => `en;q=${spaces(n)}1, fr${spaces(n)}`],
    ['content-type', (n) => `multipart/form-data;${spaces(n)}boundary=${B}${spaces(n)}x`],
    ['x-forwarded-for', (n) => `192.0.2.1,${spaces(n)}198.51.100.2`],
  ];
  for (const [name, value] of headers) {
    it(`${name}: time grows linearly with the header`, () => {
      const out = fields({ [name]: value(1000) });
      expect(Object.keys(out).length).toBeGreaterThan(0);
      // The Request is built outside the timing: undici's own header handling is not what is
      // measured (its large-string allocations made the doubling ratio swing past 3).
      const request = (n: number): Request => new Request('https://example.com/p', { method: 'POST', headers: { [name]: value(n) } });
      expectLinearGrowth(HEADER_SIZES, request, (r) => requestFields(r, {}, { bodyLimit: 1 << 21 }), { label: name });
    });
  }

  it('cookies are still trimmed as before', () => {
    expect(fields({ cookie: `a=${spaces(5)}x${spaces(5)};${spaces(3)}b = y` })['http.request.cookies']).toEqual({ a: ['x'], b: ['y'] });
  });
});

describe('multipart bodies', () => {
  const type = { 'content-type': `multipart/form-data; boundary=${B}` };
  const bodies: [string, (n: number) => string][] = [
    ['whitespace in a part header', (n) => `--${B}\r\nContent-Disposition: form-data; name="a"${spaces(n)}x\r\n\r\nv\r\n--${B}--`],
    ['many parameters', (n) => `--${B}\r\nContent-Disposition: form-data${'; a=b'.repeat(n / 5)}\r\n\r\nv\r\n--${B}--`],
    ['folded header lines', (n) => `--${B}\r\nContent-Disposition: form-data; name="a"\r\n${' x\r\n'.repeat(n / 4)}\r\nv\r\n--${B}--`],
    ['delimiter look-alikes', (n) => `--${B}\r\n\r\n${`\n--${B}x`.repeat(n / 6)}\r\n--${B}--`],
    ['headers never ended', (n) => `--${B}\r\nA: b\r\n`.repeat(n / 12)],
    ['escaped quotes', (n) => `--${B}\r\nContent-Disposition: form-data; name="${'\\"'.repeat(n / 2)}"\r\n\r\nv\r\n--${B}--`],
  ];
  for (const [name, body] of bodies) {
    it(`${name}: time grows linearly with the body`, () => {
      expectLinearGrowth(BODY_SIZES, body, (b) => fields(type, b), { label: name });
    });
  }
});
