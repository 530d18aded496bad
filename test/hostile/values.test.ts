/**
 * 10 MB field values through every operator and every function — strings and byte arrays,
 * wildcards with many stars, JSON nested 100,000 (and 5,000,000) deep, percent-encoding that
 * decodes round after round — each call within a bounded time, with the right answer. Also
 * huge containers: arrays of 1,000,000 elements and maps of 100,000 keys.
 */
import { describe, expect, it } from 'vitest';
import { Ruleset } from '../../src/index.js';
import { expectLinearGrowth, hostileScheme, within } from './helpers.js';

const MB = 1024 * 1024;
const SIZE = 10 * MB;
/** Generous per-call bound for 10 MB on a busy 2-core machine (typical: 20–400 ms). */
const LIMIT_MS = 5000;

const scheme = hostileScheme({ maxExpressionLength: 1_000_000 });
const text = 'a'.repeat(SIZE - 1) + 'b';
const bytes = new Uint8Array(SIZE).fill(0x61);
bytes[SIZE - 1] = 0xff;
const percent = '%25'.repeat(SIZE / 3);
const mixed = 'x%41+%u0041%zz'.repeat(SIZE / 14);

/** Compiles `expression` and runs it on `value` as `field`, within the limit. */
function run(expression: string, value: unknown, field = 'http.request.body.raw'): boolean {
  const filter = scheme.compile(expression);
  return within(LIMIT_MS, () => filter.execute({ [field]: value }), expression.slice(0, 60));
}

describe('10 MB values through every operator', () => {
  const cases: [string, unknown, boolean][] = [
    ['http.request.body.raw eq "a"', text, false],
    ['http.request.body.raw ne "a"', bytes, true],
    ['http.request.body.raw lt "b"', text, true],
    ['http.request.body.raw ge "a"', bytes, true],
    ['http.request.body.raw contains "ab"', text, true],
    ['http.request.body.raw contains "ba"', text, false],
    ['http.request.body.raw contains "a\\xff"', bytes, true],
    ['http.request.body.raw matches "a+b$"', text, true],
    ['http.request.body.raw matches "(?i)A{3}B"', text, true],
    ['http.request.body.raw matches "\\xff$"', bytes, true],
    ['http.request.body.raw wildcard "*a*a*a*a*a*B"', text, true],
    ['http.request.body.raw strict wildcard "*a*a*a*a*a*B"', text, false],
    ['http.request.body.raw in {"a" "b" 61:62}', text, false],
    ['http.request.body.raw in $partner_hosts', text, false],
    ['lower(http.request.body.raw) ne "a" and upper(http.request.body.raw) contains "AB"', text, true],
    ['len(http.request.body.raw) eq 10485760', bytes, true],
    ['len(concat(http.request.body.raw, http.request.body.raw)) eq 20971520', text, true],
    ['substring(http.request.body.raw, -1) eq "b"', text, true],
    ['substring(http.request.body.raw, 5, -5) contains "b"', text, false],
    ['remove_bytes(http.request.body.raw, "a") eq "b"', text, true],
    ['starts_with(http.request.body.raw, "aaa") and ends_with(http.request.body.raw, "ab")', text, true],
    ['ends_with(http.request.body.raw, "\\xff")', bytes, true],
    ['url_decode(http.request.body.raw) eq "a"', text, false],
    ['len(sha256(http.request.body.raw)) eq 32', text, true],
    ['len(encode_base64(http.request.body.raw)) eq 13981014', text, true],
    ['len(encode_base64(http.request.body.raw, "p")) eq 13981016', bytes, true],
    ['len(decode_base64(encode_base64(http.request.body.raw))) eq 10485760', bytes, true],
    ['len(split(http.request.body.raw, "a", 128)[127]) eq 10485633', text, true],
    ['len(regex_replace(http.request.body.raw, "a+b", "x")) eq 1', text, true],
    ['len(wildcard_replace(http.request.body.raw, "*b", "${1}")) eq 10485759', text, true],
    ['len(uuidv4(http.request.body.raw)) eq 36', text, true],
    ['is_timed_hmac_valid_v0("key", http.request.body.raw, 100, ip.src.asnum)', text, false],
  ];
  for (const [expression, value, expected] of cases) {
    it(`${expression} (${typeof value === 'string' ? 'string' : 'Uint8Array'})`, { timeout: 60_000 }, () => {
      expect(run(expression, value)).toBe(expected);
    });
  }

  it('url_decode: 3.5 million escapes decoded over 32 rounds ("r"), %u escapes ("u")', { timeout: 60_000 }, () => {
    expect(run('url_decode(http.request.body.raw, "r") eq "%"', '%2525')).toBe(true);
    expect(run('len(url_decode(http.request.body.raw, "r")) lt 10485760', percent)).toBe(true);
    expect(run('url_decode(http.request.body.raw, "ru") contains "xA A%zzx"', mixed)).toBe(true);
  });

  it('remove_query_args and to_string on huge queries', { timeout: 60_000 }, () => {
    expect(run('len(remove_query_args(http.request.uri.query, "a")) eq 0', 'a=1&'.repeat(SIZE / 4), 'http.request.uri.query')).toBe(true);
    expect(run('to_string(ip.src.asnum) eq "1"', 1, 'ip.src.asnum')).toBe(true);
  });

  it('wildcard with thousands of stars against 10 MB', { timeout: 60_000 }, () => {
    const pattern = `${'*a'.repeat(20_000)}*b`;
    expect(run(`http.request.body.raw wildcard "${pattern}"`, text)).toBe(true);
    expect(run(`http.request.body.raw wildcard "${pattern}c"`, text)).toBe(false);
    expect(run(`http.request.body.raw wildcard "${'*ab'.repeat(20_000)}*"`, text)).toBe(false);
    // The star limit option rejects such patterns at compile time.
    expect(scheme.validate('http.host wildcard "*a*b*c"', { wildcardStarLimit: 2 }).map((d) => d.code)).toEqual(['invalid-wildcard']);
  });
});

describe('JSON lookups on hostile documents', () => {
  it('10 MB of JSON nested 100,000 deep', { timeout: 60_000 }, () => {
    const depth = 100_000;
    const doc = `${'{"a":'.repeat(depth)}"${'x'.repeat(SIZE - 6 * depth)}"${'}'.repeat(depth)}`;
    expect(run('lookup_json_string(http.request.body.raw, "a") eq "x"', doc)).toBe(false);
    expect(run('len(lookup_json_string(http.request.body.raw, "a")) ge 0', doc)).toBe(false); // an object, not a string
    const shallow = `{"a":"${'x'.repeat(SIZE - 10)}"}`;
    expect(run('len(lookup_json_string(http.request.body.raw, "a")) eq 10485750', shallow)).toBe(true);
  });

  it('5,000,000 nested arrays, unbalanced documents and invalid UTF-8', { timeout: 60_000 }, () => {
    const half = SIZE / 2;
    expect(run('lookup_json_integer(http.request.body.raw, 0, 0, 0) eq 1', `${'['.repeat(half)}${']'.repeat(half)}`)).toBe(false);
    expect(run('lookup_json_integer(http.request.body.raw, 0) eq 1', `[1,${'['.repeat(SIZE - 3)}`)).toBe(false); // invalid: unclosed
    expect(run('lookup_json_integer(http.request.body.raw, 0) eq 1', Uint8Array.from([0x5b, 0x31, 0x2c, 0x22, 0xff, 0x22, 0x5d]))).toBe(false);
    expect(run('lookup_json_integer(http.request.body.raw, 0) eq 1', '[1]')).toBe(true);
  });

  it('100,000 duplicate members: the last one wins', { timeout: 60_000 }, () => {
    const doc = `{${'"k":1,'.repeat(100_000)}"k":2}`;
    expect(run('lookup_json_integer(http.request.body.raw, "k") eq 2', doc)).toBe(true);
  });
});

describe('huge containers', () => {
  it('an array of 1,000,000 elements through [*], any, all, len, concat, join, has_value', { timeout: 60_000 }, () => {
    const names = Array.from({ length: 1_000_000 }, (_, i) => `h${i}`);
    const field = 'http.request.headers.names';
    expect(run(`any(${field}[*] eq "h999999")`, names, field)).toBe(true);
    expect(run(`all(${field}[*] matches "^h[0-9]+$")`, names, field)).toBe(true);
    expect(run(`len(${field}) eq 1000000`, names, field)).toBe(true);
    expect(run(`len(concat(${field}, ${field})) eq 2000000`, names, field)).toBe(true);
    expect(run(`len(join(${field}, ",")) gt 6000000`, names, field)).toBe(true);
    expect(run(`has_value(${field}, "h500000")`, names, field)).toBe(true);
  });

  it('a map of 100,000 keys through ["k"], [*][*], has_key', { timeout: 60_000 }, () => {
    const map = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, [`v${i}`]]));
    const field = 'http.request.headers';
    expect(run(`${field}["k99999"][0] eq "v99999"`, map, field)).toBe(true);
    expect(run(`any(${field}[*][*] eq "v12345")`, map, field)).toBe(true);
    expect(run(`has_key(${field}, "k0") and not has_key(${field}, "k100000")`, map, field)).toBe(true);
  });
});

describe('byte-array values cost what strings cost', () => {
  const scheme = hostileScheme({ maxExpressionLength: 10_000_000 });

  // Regression: the first-byte scan compared the whole needle at every candidate: O(n·m).
  it('contains and split on a Uint8Array are linear whatever the bytes', () => {
    const needle = `${'a'.repeat(2_000)}b`;
    const contains = scheme.compile(`http.request.body.raw contains "${needle}"`);
    const split = scheme.compile(`len(split(http.request.body.raw, "${needle}", 2)) eq 1`);
    const body = (n: number) => new Uint8Array(n).fill(0x61);
    expectLinearGrowth([200_000, 400_000, 800_000], body, (raw) => contains.execute({ 'http.request.body.raw': raw }), { label: 'contains' });
    expectLinearGrowth([200_000, 400_000, 800_000], body, (raw) => split.execute({ 'http.request.body.raw': raw }), { label: 'split' });
    const hit = body(100_000);
    hit.set(new TextEncoder().encode(needle), 50_000);
    expect(contains.execute({ 'http.request.body.raw': hit })).toBe(true);
    expect(contains.execute({ 'http.request.body.raw': body(100_000) })).toBe(false);
  });

  // Regression: a non-UTF-8 body was converted again by every regex rule (about 300× slower).
  it('a non-UTF-8 body is converted once per request, not once per rule', () => {
    // Literal patterns run on native RegExp over the (memoised) binary string of the body.
    const rules = Array.from({ length: 64 }, (_, i) => ({ ref: `r${i}`, expression: `http.request.body.raw matches "(?i)token=x${i}y"`, action: 'log' }));
    const ruleset = new Ruleset(scheme, rules);
    const utf8 = 'a'.repeat(256 * 1024);
    const binary = new Uint8Array(256 * 1024).fill(0x61);
    binary[0] = 0xff; // not UTF-8
    const time = (body: string | Uint8Array): number => {
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        ruleset.evaluate({ 'http.request.body.raw': body });
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    time(utf8);
    time(binary);
    const ratio = time(binary) / Math.max(time(utf8), 0.05);
    expect(ratio, `non-UTF-8 / UTF-8 body: ${ratio.toFixed(1)}×`).toBeLessThan(4);
  });

  it('a caller changing its array after building a context does not change the context', () => {
    const filter = scheme.compile('http.request.body.raw contains "\\xff"');
    const bytes = new Uint8Array([0x61, 0xff]);
    const context = scheme.context({ 'http.request.body.raw': bytes });
    bytes[1] = 0x62;
    expect(filter.execute(context)).toBe(true);
    expect(filter.execute({ 'http.request.body.raw': bytes })).toBe(false);
  });
});
