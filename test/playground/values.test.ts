/**
 * The playground's request panel logic (no browser needed): the sample request is valid and
 * consistent with what `requestFields()` derives from the same HTTP request, and edited JSON
 * is checked against the field types.
 */
import { describe, expect, it } from 'vitest';
import { cloudflareScheme, isIpAddress, parseType, requestFields } from '../../src/index.js';
import { checkRequestValues, SAMPLE_JSON, SAMPLE_REQUEST } from '../../playground/values.js';

const scheme = cloudflareScheme();

describe('the sample request', () => {
  it('has only known, non-deprecated fields with values of their types', () => {
    expect(checkRequestValues(SAMPLE_JSON, scheme)).toEqual({ values: SAMPLE_REQUEST, problems: [] });
    expect(Object.keys(SAMPLE_REQUEST).length).toBeGreaterThan(25);
  });

  it('is what requestFields() derives from the same request and facts', () => {
    const headers = new Headers();
    for (const [name, values] of Object.entries(SAMPLE_REQUEST['http.request.headers'] as Record<string, string[]>)) {
      for (const value of values) headers.append(name, value);
    }
    const derived = requestFields(
      { method: 'GET', url: SAMPLE_REQUEST['http.request.full_uri'] as string, headers },
      {
        clientIp: '203.0.113.42',
        country: 'GB',
        continent: 'EU',
        city: 'London',
        asn: 64496,
        isEU: false,
        httpVersion: 'HTTP/2',
        tlsVersion: 'TLSv1.3',
        botScore: 87,
        verifiedBot: false,
        wafScore: 91,
      },
    );
    for (const [name, value] of Object.entries(SAMPLE_REQUEST)) {
      expect(JSON.parse(JSON.stringify(derived[name] ?? null)), name).toEqual(value);
    }
  });

  it('matches realistic expressions', () => {
    for (const expression of [
      'http.host eq "example.com" and not cf.client.bot',
      'any(http.request.headers["accept-language"][*] contains "en-GB")',
      'http.request.uri.args["page"][0] eq "2"',
      'ip.src in {203.0.113.0/24} and ip.src.asnum eq 64496 and ssl',
    ]) {
      expect(scheme.compile(expression).execute(SAMPLE_REQUEST), expression).toBe(true);
    }
  });
});

describe('checking edited values', () => {
  it('knows the type of every field of the scheme', () => {
    // A field whose type the library's parseType() did not read would go unchecked.
    for (const field of scheme.fields()) expect(parseType(field.type), field.name).toBeDefined();
    expect(parseType('Map<Array<Bytes>>')).toEqual({ kind: 'Map', element: { kind: 'Array', element: { kind: 'Bytes' } } });
  });

  it('recognises IP addresses as the library does', () => {
    expect(isIpAddress('192.0.2.1')).toBe(true);
    expect(isIpAddress('2001:db8::1')).toBe(true);
    expect(isIpAddress('192.0.2.256')).toBe(false);
    expect(isIpAddress(7)).toBe(false);
    const ipProblems = (value: unknown): string[] => checkRequestValues(JSON.stringify({ 'ip.src': value }), scheme).problems.map((p) => p.message);
    expect(ipProblems('192.0.2.1')).toEqual([]);
    expect(ipProblems('2001:db8::1')).toEqual([]);
    expect(ipProblems('192.0.2.256')).toEqual(['expected an IP address such as "192.0.2.1" (Ip), got the string "192.0.2.256" — treated as missing']);
    expect(ipProblems(7)).toEqual(['expected an IP address such as "192.0.2.1" (Ip), got the number 7 — treated as missing']);
  });

  it('reports JSON syntax errors with their line', () => {
    const { values, problems } = checkRequestValues('{\n  "http.host": "a",\n  oops\n}', scheme);
    expect(values).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', path: 'JSON', line: 3 });
    expect(checkRequestValues('[1]', scheme).problems[0]!.message).toContain('expected an object');
  });

  it('reports wrong types, unknown and deprecated fields, with lines', () => {
    const json = JSON.stringify(
      {
        'http.host': 42,
        'ip.src.asnum': 1.5,
        ssl: 'yes',
        'ip.src': '10.0.0.300',
        'http.request.headers': { accept: 'text/html', 'x-a': [1] },
        'http.request.accepted_languages': 'en',
        'http.hots': 'x',
        'cf.threat_score': 0,
      },
      null,
      2,
    );
    const { problems } = checkRequestValues(json, scheme);
    expect(problems.map((p) => `${p.line} ${p.severity} ${p.path}: ${p.message}`)).toEqual([
      '2 error http.host: expected a string (Bytes), got the number 42 — treated as missing',
      '3 error ip.src.asnum: expected an integer (Int), got the number 1.5 — treated as missing',
      '4 error ssl: expected true or false (Bool), got the string "yes" — treated as missing',
      '5 error ip.src: expected an IP address such as "192.0.2.1" (Ip), got the string "10.0.0.300" — treated as missing',
      '6 error http.request.headers["accept"]: expected an array, got the string "text/html" — treated as missing',
      '6 error http.request.headers["x-a"][0]: expected a string (Bytes), got the number 1 — treated as missing',
      '12 error http.request.accepted_languages: expected an array, got the string "en" — treated as missing',
      '13 warning http.hots: unknown field, ignored; did you mean http.host?',
      `14 warning cf.threat_score: deprecated field: ${scheme.fieldInfo('cf.threat_score')!.deprecated!}`,
    ]);
  });
});
