/**
 * Property-based tests of `requestFields` on generated requests: header values made of long
 * runs of optional whitespace, separators and quotes, and multipart bodies built from the same
 * pieces. It never throws, never takes longer than the per-call bound, and trims as HTTP says.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { requestFields } from '../../src/index.js';
import { fcParams, runsSummary, TEST_TIMEOUT_MS } from './config.js';
import { slowestSummary, timed } from './timing.js';

afterAll(() => {
  console.log(`${slowestSummary('request')}\n[fuzz] runs: ${runsSummary()}`);
});

/** Header text: runs of spaces/tabs (up to 20,000 long), separators, quotes and words. */
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => ' '.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((n) => '\t '.repeat(n)) },
  { weight: 3, arbitrary: fc.constantFrom(';', ',', '=', '"', '\\', 'q=0.5', 'a', 'boundary=XyZ', 'name="f"', 'filename*=UTF-8\'\'%41', 'multipart/form-data') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map((s) => s.replace(/[\r\n\0]/g, '')) },
);
const headerValue = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
const HEADERS = ['cookie', 'accept-language', 'content-type', 'x-forwarded-for', 'user-agent', 'referer'] as const;

describe('requestFields: any header whitespace', () => {
  it('never throws and stays within the per-call bound', { timeout: TEST_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...HEADERS), headerValue, { maxKeys: 4 }), fc.array(headerValue, { maxLength: 4 }), (headers, bodyParts) => {
        let request: Request;
        try {
          request = new Request('https://example.com/p?a=1', { method: 'POST', headers });
        } catch {
          return; // a header value the Fetch API itself refuses
        }
        const body = `--XyZ\r\nContent-Disposition: form-data; ${bodyParts.join('; ')}\r\n\r\nv\r\n--XyZ--`;
        const fields = timed('requestFields', { headers: Object.keys(headers) }, () => requestFields(request, { body }, { bodyLimit: 1 << 20 }));
        const cookies = fields['http.request.cookies'] as Record<string, string[]> | undefined;
        for (const [name, values] of Object.entries(cookies ?? {})) {
          expect(name).toBe(name.replace(/^[ \t]+|[ \t]+$/g, ''));
          for (const value of values) expect(value).toBe(value.replace(/^[ \t]+|[ \t]+$/g, ''));
        }
      }),
      fcParams('request headers', 150),
    );
  });
});
