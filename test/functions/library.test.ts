/**
 * The standard library as a whole: completeness against functions.md, descriptions, phase
 * restrictions (availability table of functions.md), and browser safety of the sources.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/functions/common.js';
import { STANDARD_FUNCTIONS } from '../../src/functions/standard-library.js';
import { errorCodes, expectError, expectValid } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every function of functions.md (`any`/`all` are syntax, not functions). */
const DOCUMENTED = [
  'concat',
  'len',
  'has_key',
  'has_value',
  'split',
  'join',
  'lower',
  'upper',
  'starts_with',
  'ends_with',
  'substring',
  'url_decode',
  'remove_bytes',
  'lookup_json_string',
  'lookup_json_integer',
  'decode_base64',
  'encode_base64',
  'sha256',
  'regex_replace',
  'wildcard_replace',
  'remove_query_args',
  'to_string',
  'uuidv4',
  'cidr',
  'cidr6',
  'is_timed_hmac_valid_v0',
  'bit_slice',
];

describe('registry', () => {
  it('has exactly the documented functions', () => {
    expect([...STANDARD_FUNCTIONS.keys()].sort()).toEqual([...DOCUMENTED].sort());
  });

  it('gives every function a one-line description for hover', () => {
    for (const fn of STANDARD_FUNCTIONS.values()) {
      expect(fn.description.length, fn.name).toBeGreaterThan(20);
      expect(fn.description.length, fn.name).toBeLessThanOrEqual(200);
      expect(fn.description, fn.name).not.toMatch(/\n/);
      for (const p of [...fn.params, ...(fn.optional ?? [])]) expect(p.name, fn.name).toMatch(/^[A-Za-z_0-9]+$/);
    }
  });

  it('marks the [U] WAF availability in the descriptions of has_key, has_value, encode_base64, sha256', () => {
    for (const name of ['has_key', 'has_value', 'encode_base64', 'sha256']) {
      expect(STANDARD_FUNCTIONS.get(name)!.description, name).toMatch(/unconfirmed/);
    }
  });

  it('registers each function under its own name', () => {
    for (const [name, fn] of STANDARD_FUNCTIONS) expect(fn.name).toBe(name);
  });
});

const WAF = 'http_request_firewall_custom';

/** One valid call per function, as it appears in a filter. */
const SAMPLES: Record<string, string> = {
  concat: 'concat(http.host, "x") eq "x"',
  len: 'len(http.host) eq 1',
  has_key: 'has_key(http.request.headers, "a")',
  has_value: 'has_value(http.request.headers.names, "a")',
  split: 'split(http.host, ",", 2)[0] eq "a"',
  join: 'join(http.request.headers.names, ",") eq "a"',
  lower: 'lower(http.host) eq "a"',
  upper: 'upper(http.host) eq "a"',
  starts_with: 'starts_with(http.host, "a")',
  ends_with: 'ends_with(http.host, "a")',
  substring: 'substring(http.host, 1) eq "a"',
  url_decode: 'url_decode(http.host) eq "a"',
  remove_bytes: 'remove_bytes(http.host, "a") eq "a"',
  lookup_json_string: 'lookup_json_string(http.request.body.raw, "a") eq "a"',
  lookup_json_integer: 'lookup_json_integer(http.request.body.raw, "a") eq 1',
  decode_base64: 'decode_base64(http.host) eq "a"',
  encode_base64: 'encode_base64(http.host) eq "a"',
  sha256: 'len(sha256(http.host)) eq 32',
  regex_replace: 'regex_replace(http.host, "a", "b") eq "a"',
  wildcard_replace: 'wildcard_replace(http.host, "*", "b") eq "a"',
  remove_query_args: 'remove_query_args(http.request.uri.query, "a") eq "a"',
  to_string: 'to_string(test.int) eq "1"',
  uuidv4: 'uuidv4(cf.random_seed) eq "a"',
  cidr: 'cidr(ip.src, 24, 64) eq 10.0.0.0',
  cidr6: 'cidr6(ip.src, 64) eq 10.0.0.0',
  is_timed_hmac_valid_v0: 'is_timed_hmac_valid_v0("k", http.request.uri, 10, http.request.timestamp.sec)',
  bit_slice: 'bit_slice("ip", 0, 4) eq 4',
};

/** ✅ / [U]-allowed in WAF custom rules per the availability table. */
const WAF_ALLOWED = [
  'concat',
  'len',
  'lower',
  'upper',
  'starts_with',
  'ends_with',
  'substring',
  'url_decode',
  'lookup_json_string',
  'lookup_json_integer',
  'remove_bytes',
  'decode_base64',
  'cidr',
  'cidr6',
  'join',
  'has_key',
  'has_value',
  'is_timed_hmac_valid_v0',
  'encode_base64',
  'sha256',
];

/** Where each restricted function is accepted (Cloudflare phase ids). */
const ALLOWED_IN: Record<string, string[]> = {
  split: ['http_response_headers_transform', 'http_custom_errors'],
  regex_replace: ['http_request_transform', 'http_request_late_transform', 'http_response_headers_transform', 'http_request_dynamic_redirect'],
  wildcard_replace: ['http_request_transform', 'http_request_dynamic_redirect'],
  remove_query_args: ['http_request_transform', 'http_request_late_transform', 'http_response_headers_transform'],
  to_string: ['http_request_transform', 'http_request_late_transform', 'http_response_headers_transform', 'http_request_dynamic_redirect'],
  uuidv4: ['http_request_transform', 'http_request_late_transform', 'http_response_headers_transform'],
  bit_slice: ['magic_transit'],
  decode_base64: [WAF, 'http_ratelimit', 'http_request_transform', 'http_request_late_transform', 'http_response_headers_transform'],
  cidr: [WAF, 'http_ratelimit'],
  cidr6: [WAF, 'http_ratelimit'],
  join: [WAF, 'http_request_transform', 'http_request_late_transform', 'http_response_headers_transform', 'http_custom_errors'],
  encode_base64: [WAF, 'http_request_late_transform', 'http_response_headers_transform'],
};

describe('phases', () => {
  it('has a sample for every function', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...DOCUMENTED].sort());
    for (const [name, sample] of Object.entries(SAMPLES)) {
      expect(sample.startsWith(name) || sample.includes(`${name}(`), name).toBe(true);
      expectValid(sample);
    }
  });

  it.each(WAF_ALLOWED)('%s is allowed in WAF custom rules', (name) => {
    expectValid(SAMPLES[name]!, { phase: WAF });
    const fn = STANDARD_FUNCTIONS.get(name)!;
    expect(fn.phases === undefined || fn.phases.includes(WAF)).toBe(true);
  });

  it.each(DOCUMENTED.filter((n) => !WAF_ALLOWED.includes(n)))('%s is rejected in WAF custom rules', (name) => {
    const message = expectError(SAMPLES[name]!, 'function-not-allowed-in-phase', { phase: WAF });
    expect(message).toContain(name);
  });

  it.each(Object.entries(ALLOWED_IN))('%s is accepted exactly in its documented phases', (name, phases) => {
    expect([...STANDARD_FUNCTIONS.get(name)!.phases!].sort()).toEqual([...phases].sort());
    for (const phase of phases) expect(errorCodes(SAMPLES[name]!, { phase }), `${name} in ${phase}`).toEqual([]);
    expect(errorCodes(SAMPLES[name]!, { phase: 'http_request_firewall_managed' })).toContain('function-not-allowed-in-phase');
  });

  it('leaves unrestricted functions usable in every phase', () => {
    for (const fn of STANDARD_FUNCTIONS.values()) {
      if (ALLOWED_IN[fn.name] === undefined) {
        expect(fn.phases, fn.name).toBeUndefined();
        expectValid(SAMPLES[fn.name]!, { phase: 'magic_transit' });
      }
    }
  });

  it('reports the phase problem alongside other errors', () => {
    const codes = errorCodes('regex_replace(http.host, "(", "x") eq ""', { phase: WAF });
    expect(codes).toEqual(expect.arrayContaining(['function-not-allowed-in-phase', 'invalid-argument-value']));
  });
});

describe('browser safety of the library sources', () => {
  const files = [
    ...readdirSync(join(root, 'src', 'functions')).map((f) => join('src', 'functions', f)),
    join('src', 'values', 'sha256.ts'),
    join('src', 'values', 'base64.ts'),
    join('src', 'values', 'json-path.ts'),
  ];

  it.each(files)('%s uses no Node APIs, eval or Function', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(text).not.toMatch(/from\s+['"]node:|require\(|\bBuffer\.|\beval\(|new Function\b|process\./);
  });
});

describe('BoundedCache (compiled literal arguments)', () => {
  it('computes once per key, caches undefined too, and drops the oldest entry when full', () => {
    const cache = new BoundedCache<string, number | undefined>(2);
    let computed = 0;
    const get = (key: string, value: number | undefined): number | undefined =>
      cache.get(key, () => {
        computed++;
        return value;
      });
    expect(get('a', 1)).toBe(1);
    expect(get('a', 9)).toBe(1);
    expect(get('u', undefined)).toBeUndefined();
    expect(get('u', 5)).toBeUndefined();
    expect(computed).toBe(2);
    expect(get('b', 2)).toBe(2); // evicts 'a'
    expect(get('a', 3)).toBe(3);
    expect(computed).toBe(4);
  });
});
