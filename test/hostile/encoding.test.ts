/**
 * Invalid UTF-8, lone surrogates, NUL bytes, TABs, BOMs, Unicode line separators and emoji,
 * in expressions and in values: precise diagnostics (spans on the offending character), and
 * values with consistent byte semantics — a string is its UTF-8, a lone surrogate is U+FFFD,
 * and raw bytes that are not UTF-8 stay raw bytes.
 */
import { describe, expect, it } from 'vitest';
import { checkDiagnostics } from '../fuzz/checks.js';
import { hostileScheme } from './helpers.js';

const scheme = hostileScheme();
const HOSTILE = ['\0', '\t', '\ud800', '\udfff', '\ud83d', '\u2028', '\u2029', '\ufeff', '\u0085', '\u00a0', '😀', '\u00ff', '\ufffd', '\x7f', '\x1b', '\u202e', '\u200b', '\r'];
const BASES = ['http.host eq "abc"', 'any(http.request.headers.names[*] contains "x")', 'ip.src in {192.0.2.0/24}', 'http.host matches "^a.c$"', 'lower(http.host) wildcard "*.example.com"'];

describe('hostile characters in expressions', () => {
  it('at every position of every base expression: valid diagnostics, never a throw', () => {
    for (const base of BASES) {
      for (const c of HOSTILE) {
        for (let i = 0; i <= base.length; i++) {
          const expression = base.slice(0, i) + c + base.slice(i);
          checkDiagnostics(expression, scheme.validate(expression));
        }
      }
    }
  });

  it('outside strings they are reported where they are, with their code point', () => {
    const at = (expression: string) => scheme.validate(expression).map((d) => `${d.code}@${d.span.start}-${d.span.end} ${d.message}`);
    expect(at('http.host\0eq "a"')[0]).toBe('unexpected-character@9-10 unexpected character U+0000');
    expect(at('http.host\teq "a"')[0]).toBe('unexpected-character@9-10 a TAB is not whitespace in an expression; use spaces');
    expect(at('ssl and 😀')[0]).toBe('unexpected-character@8-10 unexpected character U+1F600');
    expect(at('http.host eq \ud800')[0]).toBe('unexpected-character@13-14 unexpected character U+D800');
    expect(at('ssl\u2028and ssl')[0]).toBe('unexpected-character@3-4 unexpected character U+2028');
  });

  it('around the expression, Unicode White_Space is trimmed as by Rust’s str::trim (not U+FEFF)', () => {
    for (const space of ['\u00a0', '\u3000', '\u0085', '\u2028', '\t', '\n', '\r\n']) {
      expect(scheme.validate(`${space}ssl${space}`), JSON.stringify(space)).toEqual([]);
    }
    // U+FEFF is not White_Space: the engine rejects a BOM (regression: JS `\s` accepted it).
    expect(scheme.validate('\ufeffssl').map((d) => d.code)).toEqual(['unexpected-character']);
  });

  it('inside strings they are content: NUL, TAB, lone surrogates, emoji', () => {
    const run = (expression: string, value: unknown) => scheme.compile(expression).execute({ 'http.host': value });
    expect(run('http.host eq "a\0b"', 'a\0b')).toBe(true);
    expect(run('http.host eq "\t"', '\t')).toBe(true);
    expect(run('http.host eq "😀"', '😀')).toBe(true);
    expect(run('http.host eq "\\xf0\\x9f\\x98\\x80"', '😀')).toBe(true);
    // A lone surrogate in a literal is U+FFFD, as in a value.
    expect(run('http.host eq "\ud800"', '\ufffd')).toBe(true);
    expect(run('http.host eq r"\udfff"', '\udfff')).toBe(true);
    // A map key must be UTF-8 text.
    expect(scheme.validate('http.request.headers["\\xff"][0] eq "a"').map((d) => d.code)).toEqual(['invalid-index']);
    // A non-ASCII character outside a class matches its UTF-8 bytes (the engine's default; a lone
    // surrogate is U+FFFD); the strict reading (regexUtf8Literals: false) needs (?u).
    expect(run('http.host ~ "\ud800"', '\ufffd')).toBe(true);
    expect(scheme.validate('http.host ~ "\ud800"', { regexUtf8Literals: false }).map((d) => d.code)).toEqual(['invalid-regex']);
    expect(run('http.host ~ "(?u)^😀$"', '😀')).toBe(true);
  });
});

describe('hostile values', () => {
  const EXPRESSIONS = [
    'http.host eq "\\xef\\xbf\\xbd"',
    'http.host contains "\\xbf"',
    'len(http.host) eq 3',
    'http.host matches "^\\xef\\xbf\\xbd$"',
    'http.host wildcard "\\xef*"',
    'lower(http.host) eq "\\xef\\xbf\\xbd"',
    'starts_with(http.host, "\\xef")',
    'http.host lt "\\xf0"',
    'url_decode(http.host) eq "\\xef\\xbf\\xbd"',
    'http.host in {"\\xef\\xbf\\xbd"}',
    'substring(http.host, 0, 1) eq "\\xef"',
    'len(sha256(http.host)) eq 32',
    'encode_base64(http.host) eq "77-9"',
    'concat(http.host, "\\x00") eq "\\xef\\xbf\\xbd\\x00"',
    'lookup_json_string(concat("[\\"", http.host, "\\"]"), 0) eq "\\xef\\xbf\\xbd"',
  ];

  it('a lone surrogate is U+FFFD: same results as "\\ufffd" and as its UTF-8 bytes EF BF BD', () => {
    for (const expression of EXPRESSIONS) {
      const filter = scheme.compile(expression);
      const results = ['\ud800', '\udfff', '\ufffd', new Uint8Array([0xef, 0xbf, 0xbd])].map((v) => filter.execute({ 'http.host': v }));
      expect(new Set(results).size, expression).toBe(1);
    }
  });

  it('invalid UTF-8 bytes stay raw bytes (never decoded to U+FFFD)', () => {
    const invalid = [
      new Uint8Array([0xff]),
      new Uint8Array([0xc0, 0x80]), // overlong NUL
      new Uint8Array([0xed, 0xa0, 0x80]), // an encoded surrogate
      new Uint8Array([0xf4, 0x90, 0x80, 0x80]), // beyond U+10FFFF
      new Uint8Array([0xe2, 0x82]), // truncated
    ];
    for (const bytes of invalid) {
      const hex = [...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
      const value = { 'http.host': bytes };
      expect(scheme.compile(`http.host eq "${hex}"`).execute(value), hex).toBe(true);
      expect(scheme.compile(`len(http.host) eq ${bytes.length}`).execute(value), hex).toBe(true);
      expect(scheme.compile('http.host eq "\\xef\\xbf\\xbd"').execute(value), hex).toBe(false);
      expect(scheme.compile(`http.host matches "^${hex}$"`).execute(value), hex).toBe(true);
      expect(scheme.compile(`lower(http.host) eq "${hex}" and upper(http.host) eq "${hex}"`).execute(value), hex).toBe(true);
      expect(scheme.compile(`url_decode(http.host) eq "${hex}"`).execute(value), hex).toBe(true);
      // JSON must be UTF-8: a document with these bytes has no values.
      expect(scheme.compile('lookup_json_integer(http.host, 0) eq 1').execute({ 'http.host': Uint8Array.from([0x5b, 0x31, ...bytes, 0x5d]) })).toBe(false);
    }
  });

  it('NUL and control bytes are ordinary bytes everywhere', () => {
    const value = { 'http.host': 'a\0b\x01\x7f\x1b[0m', 'http.request.headers': { 'x\0y': ['\0'] } };
    expect(scheme.compile('http.host contains "\\x00" and len(http.host) eq 9').execute(value)).toBe(true);
    expect(scheme.compile('http.host wildcard "a\\x00*"').execute(value)).toBe(true);
    expect(scheme.compile('http.request.headers["x\\x00y"][0] eq "\\x00"').execute(value)).toBe(true);
    expect(scheme.compile('url_decode(http.host) eq "a\\x00b\\x01\\x7f\\x1b[0m"').execute(value)).toBe(true);
  });

  it('IP values with hostile text are missing, not errors', () => {
    for (const ip of ['\ud800', '1.2.3.4\0', '１.２.３.４', '1.2.3.4\u200b', ' 1.2.3.4', '::ffff:1.2.3.4%eth0', '0x7f.1', '1e1.0.0.1', '']) {
      expect(scheme.compile('ip.src in {0.0.0.0/0 ::/0}').execute({ 'ip.src': ip }), JSON.stringify(ip)).toBe(false);
      expect(scheme.compile('not ip.src in {0.0.0.0/0 ::/0}').execute({ 'ip.src': ip }), JSON.stringify(ip)).toBe(true);
    }
  });
});
