/**
 * The public API beyond the conformance data: schemes, user functions, lists, contexts,
 * value conversion, errors and rendering.
 */
import { describe, expect, it } from 'vitest';
import { ExecutionContext, renderDiagnostic, Scheme, WirefilterError, type Diagnostic } from '../src/index.js';

const fields = {
  'http.host': 'Bytes',
  'http.request.uri.path': 'Bytes',
  'http.request.headers': 'Map<Array<Bytes>>',
  'http.request.headers.names': 'Array<Bytes>',
  'ip.src': 'Ip',
  'ip.src.asnum': 'Int',
  'tcp.port': 'Int',
  ssl: 'Bool',
  'test.ips': 'Array<Ip>',
};

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('Scheme construction', () => {
  it('reports every problem of a bad definition at once', () => {
    try {
      new Scheme({ fields: { 'a.b': 'Strng', 'bad..name': 'Bytes', ok: 'Array<Nope>' }, lists: { Bad: { type: 'Ip', items: [] } } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WirefilterError);
      const e = error as WirefilterError;
      expect(e.code).toBe('invalid-scheme');
      expect(e.message).toContain('Strng');
      expect(e.message).toContain('bad..name');
      expect(e.message).toContain('Array<Nope>');
      expect(e.message).toContain('Bad');
    }
  });

  it('rejects invalid list items with the list name', () => {
    expect(() => new Scheme({ fields, lists: { office: { type: 'Ip', items: ['192.0.2.0/24', '10.0.0.1/8'] } } })).toThrow(/office.*10\.0\.0\.1\/8/);
  });

  it('lists its fields with their types', () => {
    const scheme = new Scheme({ fields: { a: 'Bytes', b: { type: 'Map<Int>', description: 'bee' } } });
    expect(scheme.fields()).toEqual([
      { name: 'a', type: 'Bytes' },
      { name: 'b', type: 'Map<Int>', description: 'bee' },
    ]);
  });
});

describe('alias fields (aliasOf)', () => {
  // The alias is declared before its field: registration order does not matter.
  const scheme = new Scheme({
    fields: {
      'geo.country': { type: 'Bytes', aliasOf: 'country', deprecated: 'use country instead' },
      country: 'Bytes',
      asn: 'Int',
      'legacy.asn': { type: 'Int', aliasOf: 'asn' },
      'older.asn': { type: 'Int', aliasOf: 'asn' },
    },
  });
  const legacy = scheme.compile('geo.country eq "RU"');
  const current = scheme.compile('country eq "RU"');

  it('gives the value supplied under either name to both, in plain values, Maps and contexts', () => {
    for (const values of [{ country: 'RU' }, { 'geo.country': 'RU' }, new Map([['geo.country', 'RU']])]) {
      expect(legacy.execute(values)).toBe(true);
      expect(current.execute(values)).toBe(true);
      expect(legacy.execute(scheme.context(values))).toBe(true);
      expect(current.execute(scheme.context(values))).toBe(true);
    }
    expect(scheme.compile('legacy.asn eq 13335 and older.asn eq 13335 and asn eq 13335').execute({ 'older.asn': 13335 })).toBe(true);
  });

  it('prefers the field\'s own name when both are supplied, in any order, and skips unusable values', () => {
    const both = [{ country: 'GB', 'geo.country': 'RU' }, { 'geo.country': 'RU', country: 'GB' }];
    for (const values of both) {
      expect(legacy.execute(values)).toBe(false);
      expect(legacy.execute(scheme.context(values))).toBe(false);
      expect(scheme.compile('geo.country eq "GB"').execute(scheme.context(values))).toBe(true);
    }
    // A value of the wrong type under the field's name is missing, so the alias supplies it.
    expect(current.execute({ country: 42, 'geo.country': 'RU' })).toBe(true);
    expect(current.execute(scheme.context({ country: 42, 'geo.country': 'RU' }))).toBe(true);
    expect(current.execute({})).toBe(false);
  });

  it('keeps the alias visible: fields(), the deprecation warning, and the names an expression reads', () => {
    expect(scheme.fieldInfo('geo.country')).toEqual({ name: 'geo.country', type: 'Bytes', deprecated: 'use country instead', aliasOf: 'country' });
    expect(legacy.diagnostics.map((d) => d.code)).toEqual(['deprecated-field']);
    expect(scheme.compile('geo.country eq "a" or country eq "b"').fields).toEqual(['geo.country', 'country']);
  });

  it('refuses aliases of unknown fields, of aliases, of themselves, of another type, or named by a non-string', () => {
    const problems = (aliases: Record<string, unknown>): string => {
      try {
        new Scheme({ fields: { asn: 'Int', 'legacy.asn': { type: 'Int', aliasOf: 'asn' }, ...aliases } as never });
      } catch (error) {
        expect((error as WirefilterError).code).toBe('invalid-scheme');
        return (error as Error).message;
      }
      return '';
    };
    expect(problems({ x: { type: 'Int', aliasOf: 'nope' } })).toContain('field `x`: aliasOf names `nope`, which is not a field of this scheme');
    expect(problems({ x: { type: 'Int', aliasOf: 'legacy.asn' } })).toContain('field `x`: aliasOf names `legacy.asn`, itself an alias');
    expect(problems({ x: { type: 'Int', aliasOf: 'x' } })).toContain('field `x`: aliasOf names itself');
    expect(problems({ x: { type: 'Bytes', aliasOf: 'asn' } })).toContain('an alias must have its field\'s type (`asn` is Int, this is Bytes)');
    expect(problems({ x: { type: 'Int', aliasOf: 7 } })).toContain('field `x`: aliasOf must be a field name, got number');
    // Two aliases naming each other: neither is a field of its own.
    const cycle = problems({ p: { type: 'Int', aliasOf: 'q' }, q: { type: 'Int', aliasOf: 'p' } });
    expect(cycle).toContain('field `p`: aliasOf names `q`, itself an alias');
    expect(cycle).toContain('field `q`: aliasOf names `p`, itself an alias');
  });
});

describe('execution', () => {
  const scheme = new Scheme({ fields });

  it('accepts plain objects, Maps and contexts alike', () => {
    const filter = scheme.compile('http.host eq "a.example" and tcp.port in {443 8443}');
    const values = { 'http.host': 'a.example', 'tcp.port': 443 };
    expect(filter.execute(values)).toBe(true);
    expect(filter.execute(new Map(Object.entries(values)))).toBe(true);
    expect(filter.execute(scheme.context(values))).toBe(true);
    expect(filter.fields).toEqual(['http.host', 'tcp.port']);
  });

  it('treats values of the wrong JavaScript type as missing, never throwing', () => {
    const filter = scheme.compile('not http.host eq "x" and not ip.src eq 192.0.2.1 and not tcp.port eq 1');
    const odd = { 'http.host': 42, 'ip.src': 'not an ip', 'tcp.port': '1' };
    expect(filter.execute(odd)).toBe(true);
    expect(scheme.compile('http.host ne "x"').execute(odd)).toBe(false);
    expect(scheme.compile('tcp.port eq 1').execute({ 'tcp.port': 1.5 })).toBe(false);
    expect(scheme.compile('any(http.request.headers["a"][*] eq "x")').execute({ 'http.request.headers': { a: [1, null, 'x'] } })).toBe(true);
  });

  it('reads bytes given as Uint8Array exactly, including non-UTF-8 bytes', () => {
    const raw = Uint8Array.from([0x61, 0xff, 0x62]);
    expect(scheme.compile('http.host eq "a\\xffb"').execute({ 'http.host': raw })).toBe(true);
    expect(scheme.compile('http.host contains "\\xff"').execute({ 'http.host': raw })).toBe(true);
    expect(scheme.compile('http.host contains "\\xbf"').execute({ 'http.host': '¿' })).toBe(true); // ¿ = C2 BF
    expect(scheme.compile('http.host eq "\\xff"').execute({ 'http.host': 'ÿ' })).toBe(false); // ÿ = C3 BF
    expect(scheme.compile('http.host lt "\\xff"').execute({ 'http.host': 'ÿ' })).toBe(true);
  });

  it('compares Int values given as bigint at full 64-bit precision', () => {
    const filter = scheme.compile('tcp.port eq 9223372036854775807');
    expect(filter.execute({ 'tcp.port': 9223372036854775807n })).toBe(true);
    expect(filter.execute({ 'tcp.port': 9223372036854775806n })).toBe(false);
    expect(scheme.compile('tcp.port & 0x4000000000000000').execute({ 'tcp.port': 2n ** 62n })).toBe(true);
    expect(scheme.compile('tcp.port & 0x100000000').execute({ 'tcp.port': 2 ** 32 })).toBe(true);
    expect(scheme.compile('tcp.port & 1').execute({ 'tcp.port': -1 })).toBe(true);
  });

  it('never mutates the values it is given', () => {
    const values = deepFreeze({
      'http.request.headers': { accept: ['text/html'], 'x-b': ['2'], 'x-a': ['1'] },
      'test.ips': ['192.0.2.1', 'bad', '2001:db8::1'],
      'ip.src': '192.0.2.1',
    });
    const snapshot = JSON.stringify(values);
    const filter = scheme.compile('any(http.request.headers[*][*] eq "1") and any(test.ips[*] in {2001:db8::/32}) and ip.src eq 192.0.2.1');
    expect(filter.execute(values)).toBe(true);
    expect(filter.execute(scheme.context(values))).toBe(true);
    expect(JSON.stringify(values)).toBe(snapshot);
  });

  it('looks up map keys without touching prototypes', () => {
    const filter = scheme.compile('len(http.request.headers["__proto__"]) ge 0 or len(http.request.headers["constructor"]) ge 0');
    expect(filter.execute({ 'http.request.headers': {} })).toBe(false);
    const polluted = JSON.parse('{"__proto__": ["x"]}') as Record<string, unknown>;
    expect(filter.execute({ 'http.request.headers': polluted })).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('stays correct when a user function re-enters the same filter', () => {
    let filter: import('../src/index.js').Filter | undefined;
    let depth = 0;
    const reentrant = new Scheme({
      fields: { a: 'Bytes', n: 'Int' },
      functions: {
        inner: {
          params: [{ type: 'Bytes', kind: 'field' }],
          returns: 'Bool',
          // Evaluates the same filter on other values while the outer call is running.
          call: (a) => (depth++ === 0 ? filter!.execute({ a: 'other', n: 2 }) === false && a === 'x' : a === 'x'),
        },
      },
    });
    filter = reentrant.compile('inner(a) and n eq 1');
    expect(filter.execute({ a: 'x', n: 1 })).toBe(true);
    depth = 0;
    expect(filter.execute({ a: 'x', n: 2 })).toBe(false);
  });

  it('refuses a context made by another scheme', () => {
    const other = new Scheme({ fields });
    const filter = scheme.compile('ssl');
    expect(() => filter.execute(other.context({ ssl: true }))).toThrow(WirefilterError);
    expect(scheme.context({ ssl: true })).toBeInstanceOf(ExecutionContext);
  });

  it('works as an unbound function (execute is the filter\'s own)', () => {
    const filter = scheme.compile('tcp.port in {443 8443}');
    const run = filter.execute;
    expect([443, 80, 8443].map((port) => run(scheme.context({ 'tcp.port': port })))).toEqual([true, false, true]);
    for (const bad of [null, undefined, 'http.host', 42]) {
      expect(() => run(bad as never)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
      expect(() => scheme.context(bad as never)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    }
  });

  it('rebuilds the same checked tree on demand, with the options it was compiled with', () => {
    const filter = scheme.compile('http.host ne "x" or tcp.port in {1..9}', { nilNotEqual: true });
    const json = (value: unknown): string => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    const direct = scheme.compile('http.host ne "x" or tcp.port in {1..9}', { nilNotEqual: true });
    expect(filter.checked).not.toBe(filter.checked);
    expect(json(filter.checked)).toBe(json(direct.checked));
    expect(filter.constant).toBeUndefined();
    expect(scheme.compile('ssl or true').constant).toBe(true);
  });

  it('applies nilNotEqual from the scheme or per compile call', () => {
    const expression = 'http.host ne "x"';
    expect(scheme.compile(expression).execute({})).toBe(false);
    expect(scheme.compile(expression, { nilNotEqual: true }).execute({})).toBe(true);
    expect(new Scheme({ fields, options: { nilNotEqual: true } }).compile(expression).execute({})).toBe(true);
  });
});

describe('user functions', () => {
  const scheme = new Scheme({
    fields,
    functions: {
      is_private: {
        params: [{ type: 'Ip', kind: 'field' }],
        returns: 'Bool',
        call: (ip) => typeof ip === 'string' && (ip.startsWith('10.') || ip.startsWith('192.168.')),
      },
      repeat: {
        params: [{ type: 'Bytes', kind: 'field' }, { type: 'Int', kind: 'literal' }],
        returns: 'Bytes',
        call: (text, times) => String(text).repeat(Number(times)),
      },
      first_or_nothing: {
        params: [{ type: 'Array<Bytes>' }],
        returns: 'Bytes',
        call: (items) => (items as string[])[0],
      },
      bump: {
        params: [{ type: 'Ip' }],
        returns: 'Ip',
        call: () => '192.0.2.99',
      },
    },
  });

  it('receives public values and returns converted ones', () => {
    expect(scheme.compile('is_private(ip.src)').execute({ 'ip.src': '10.1.2.3' })).toBe(true);
    expect(scheme.compile('is_private(ip.src)').execute({ 'ip.src': '8.8.8.8' })).toBe(false);
    expect(scheme.compile('repeat(http.host, 2) eq "abab"').execute({ 'http.host': 'ab' })).toBe(true);
    expect(scheme.compile('bump(ip.src) eq 192.0.2.99').execute({ 'ip.src': '10.0.0.1' })).toBe(true);
  });

  it('treats undefined results as missing and maps over [*]', () => {
    const filter = scheme.compile('first_or_nothing(http.request.headers.names) eq "a"');
    expect(filter.execute({ 'http.request.headers.names': [] })).toBe(false);
    expect(filter.execute({ 'http.request.headers.names': ['a'] })).toBe(true);
    expect(scheme.compile('any(is_private(test.ips[*])[*])').execute({ 'test.ips': ['8.8.8.8', '10.0.0.1'] })).toBe(true);
  });

  it('checks argument count, kind and type at compile time', () => {
    const codes = (expression: string): string[] => scheme.validate(expression).map((d) => d.code);
    expect(codes('is_private()')).toEqual(['invalid-argument-count']);
    expect(codes('repeat(http.host, tcp.port) eq "x"')).toEqual(['invalid-argument-kind']);
    expect(codes('repeat("x", 2) eq "x"')).toEqual(['invalid-argument-kind']);
    expect(codes('is_private(http.host)')).toEqual(['invalid-argument-type']);
    expect(codes('repeat(http.host, "2") eq "x"')).toEqual(['invalid-argument-type']);
  });
});

describe('lists', () => {
  const scheme = new Scheme({
    fields,
    lists: {
      office: { type: 'Ip', items: ['192.0.2.0/24', '2001:db8::/48'] },
      clouds: { type: 'Int', items: [16509, 15169, '8075'] },
      hosts: { type: 'Bytes', items: ['example.com', '*.example.net'] },
    },
  });

  it('matches IP, Int and hostname lists', () => {
    expect(scheme.compile('ip.src in $office').execute({ 'ip.src': '2001:db8::5' })).toBe(true);
    expect(scheme.compile('ip.src.asnum in $clouds').execute({ 'ip.src.asnum': 8075 })).toBe(true);
    const host = scheme.compile('http.host in $hosts');
    expect(host.execute({ 'http.host': 'EXAMPLE.com' })).toBe(true);
    expect(host.execute({ 'http.host': 'a.b.example.net' })).toBe(true);
    expect(host.execute({ 'http.host': 'example.net' })).toBe(false);
    expect(host.execute({ 'http.host': 'www.example.com' })).toBe(false);
  });

  it('warns about lists when the scheme has none, and never matches them', () => {
    const bare = new Scheme({ fields });
    const diagnostics = bare.validate('ip.src in $office');
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([['unknown-list', 'warning']]);
    expect(bare.compile('ip.src in $office').execute({ 'ip.src': '192.0.2.1' })).toBe(false);
  });
});

describe('diagnostics', () => {
  const scheme = new Scheme({ fields });

  it('reports independent errors in one pass', () => {
    const codes = scheme.validate('http.hots eq "a" or ip.src in {10.0.0.1/8} or tcp.port contains "x" or ssl eq 1').map((d) => d.code);
    expect(codes).toEqual(['unknown-identifier', 'invalid-cidr', 'unsupported-operator', 'unsupported-operator']);
  });

  it('reports syntax and type errors together', () => {
    const codes = scheme.validate('http.hots eq "a" or (ssl and').map((d) => d.code);
    expect(codes).toContain('unknown-identifier');
    expect(codes).toContain('expected-token');
  });

  it('renders Cloudflare-style with a UTF-8 byte column and carets', () => {
    const source = 'http.host eq "é" or ip.src in {2400:cb00::/32 2405:8100::/2000}';
    const [diagnostic] = scheme.validate(source) as [Diagnostic];
    expect(renderDiagnostic(source, diagnostic)).toBe(
      [
        `Filter parsing error (1:${source.indexOf('2000') + 2}):`,
        source,
        `${' '.repeat(source.indexOf('2000'))}^^^^ ${diagnostic.message}`,
      ].join('\n'),
    );
    expect(diagnostic.column).toBe(source.indexOf('2000') + 1);
  });

  it('computes lines and columns on multi-line expressions', () => {
    const [d] = scheme.validate('ssl\nand http.hots eq "a"');
    expect([d!.line, d!.column]).toEqual([2, 5]);
  });

  it('suggests the split when an unknown identifier is a keyword glued to a name', () => {
    const messages = (text: string) => scheme.validate(text).map((d) => d.message);
    expect(messages('notssl')).toEqual(['unknown identifier `notssl`; did you mean `not ssl`?']);
    expect(messages('http.host eq "a" and notssl')).toEqual(['unknown identifier `notssl`; did you mean `not ssl`?']);
  });

  it('never throws from validate, whatever it is given', () => {
    for (const input of ['', ' ', '(((', '"', 'r#', '{', '}', '$', '[*]', 'a[', '\u0000', '\ud800', 'not', 'any(', 'x'.repeat(5000)]) {
      const diagnostics = scheme.validate(input);
      expect(diagnostics.length, JSON.stringify(input)).toBeGreaterThan(0);
    }
    expect(scheme.validate(null as unknown as string)[0]!.code).toBe('expected-token');
  });
});

describe('map iteration order', () => {
  it('follows UTF-8 byte order of the keys, not UTF-16 code units', async () => {
    const { mapEntriesSorted } = await import('../src/compile/runtime-values.js');
    const keys = mapEntriesSorted({ '😀': 1, '\uFFFD': 2, b: 3, a: 4, ab: 5 }).map(([k]) => k);
    expect(keys).toEqual(['a', 'ab', 'b', '\uFFFD', '😀']);
  });
});
