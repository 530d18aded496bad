/**
 * requestFields() on real Fetch API `Request` objects (global in Node 20), plus structural
 * Node-shaped objects where a case needs bytes the WHATWG URL parser would rewrite.
 */
import { describe, expect, it } from 'vitest';
import { Scheme } from '../../src/index.js';
import catalogue from '../../src/cloudflare/fields.json';
import {
  DEFAULT_BODY_LIMIT,
  httpVersionText,
  normalizeClientIp,
  requestFields,
  type NodeRequestLike,
  type RequestFacts,
  type RequestFieldsOptions,
} from '../../src/cloudflare/request/fields.js';

/** A scheme with every catalogue field, built here from the JSON (independent of cloudflareScheme()). */
const scheme = new Scheme({ fields: Object.fromEntries((catalogue as { name: string; type: string }[]).map((f) => [f.name, f.type])) });

const encoder = new TextEncoder();
const bytes = (...parts: (string | number[])[]): Uint8Array => {
  const arrays = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};

/** A Node-shaped request (structural), for request targets a WHATWG URL would rewrite. */
function nodeLike(url: string, rawHeaders: string[] = ['Host', 'example.com'], extra: Partial<NodeRequestLike> = {}): NodeRequestLike {
  return { method: 'GET', url, httpVersion: '1.1', rawHeaders, socket: { remoteAddress: '192.0.2.1', encrypted: false }, ...extra };
}

const fields = (request: Request | NodeRequestLike, facts?: RequestFacts, options?: RequestFieldsOptions) => requestFields(request, facts, options);

describe('requestFields: URI fields', () => {
  it('splits a Fetch URL into host, path, query and full URI', () => {
    const v = fields(new Request('https://www.example.com/articles/index?section=539061&expand=comments#top'));
    expect(v['http.host']).toBe('www.example.com');
    expect(v['http.request.method']).toBe('GET');
    expect(v['http.request.full_uri']).toBe('https://www.example.com/articles/index?section=539061&expand=comments');
    expect(v['http.request.uri']).toBe('/articles/index?section=539061&expand=comments');
    expect(v['http.request.uri.path']).toBe('/articles/index');
    expect(v['http.request.uri.query']).toBe('section=539061&expand=comments');
    expect(v.ssl).toBe(true);
    expect(v['cf.edge.server_port']).toBe(443);
  });

  it('keeps repeated query arguments in order, undecoded, with names and values aligned', () => {
    const v = fields(new Request('http://h.test/s?a=1&a=2&B=%41%20b&flag&a=3&&e='));
    expect(v['http.request.uri.args']).toEqual({ a: ['1', '2', '3'], B: ['%41%20b'], flag: [''], e: [''] });
    expect(v['http.request.uri.args.names']).toEqual(['a', 'a', 'B', 'flag', 'a', 'e']);
    expect(v['http.request.uri.args.values']).toEqual(['1', '2', '%41%20b', '', '3', '']);
    expect(v['raw.http.request.uri.args']).toEqual(v['http.request.uri.args']);
    expect(v['raw.http.request.uri.args']).not.toBe(v['http.request.uri.args']);
    expect(Object.getPrototypeOf(v['http.request.uri.args'])).toBe(null);
  });

  it('query is "" when absent, and a bare "?" is kept in the URI', () => {
    expect(fields(new Request('http://h.test/p'))['http.request.uri.query']).toBe('');
    const v = fields(new Request('http://h.test/p?'));
    expect(v['http.request.uri']).toBe('/p?');
    expect(v['http.request.uri.query']).toBe('');
    expect(v['http.request.uri.args.names']).toEqual([]);
  });

  it('normalizes the path (Cloudflare type) and keeps percent-encoding in the raw fields', () => {
    const v = fields(new Request('http://h.test/%68ello/%7euser/x%2fy%5c/caf%c3%a9?q=%68i'));
    expect(v['raw.http.request.uri.path']).toBe('/%68ello/%7euser/x%2fy%5c/caf%c3%a9');
    expect(v['raw.http.request.uri']).toBe('/%68ello/%7euser/x%2fy%5c/caf%c3%a9?q=%68i');
    expect(v['raw.http.request.full_uri']).toBe('http://h.test/%68ello/%7euser/x%2fy%5c/caf%c3%a9?q=%68i');
    // Unreserved escapes decoded, the others upper-cased; the query is untouched.
    expect(v['http.request.uri.path']).toBe('/hello/~user/x%2Fy%5C/caf%C3%A9');
    expect(v['http.request.uri']).toBe('/hello/~user/x%2Fy%5C/caf%C3%A9?q=%68i');
    expect(v['http.request.full_uri']).toBe('http://h.test/hello/~user/x%2Fy%5C/caf%C3%A9?q=%68i');
    expect(v['http.request.uri.query']).toBe('q=%68i');
    expect(v['raw.http.request.uri.query']).toBe('q=%68i');
  });

  it('sees Fetch URLs after the WHATWG URL parser (dot segments and backslashes already resolved)', () => {
    const v = fields(new Request('http://h.test/a/%2E%2E/b\\c/./d e'));
    expect(v['raw.http.request.uri.path']).toBe('/b/c/d%20e');
    // A Node request keeps the target as sent: raw shows it, the normalized path resolves it.
    const node = fields(nodeLike('/a/%2E%2E/b\\c/./d%20e'));
    expect(node['raw.http.request.uri.path']).toBe('/a/%2E%2E/b\\c/./d%20e');
    expect(node['http.request.uri.path']).toBe('/b/c/d%20e');
  });

  it('follows Cloudflare’s documented normalization examples (raw request targets)', () => {
    const path = (url: string, normalization?: RequestFieldsOptions['normalization']) =>
      fields(nodeLike(url), {}, { normalization })['http.request.uri.path'];
    expect(path('/%68ello//pa\\th', 'rfc3986')).toBe('/hello//pa%5Cth');
    expect(path('/%68ello//pa\\th', 'cloudflare')).toBe('/hello/pa/th');
    expect(path('/%68ello//pa\\th')).toBe('/hello/pa/th');
    expect(path('/hello//../path', 'rfc3986')).toBe('/hello/path');
    expect(path('/hello//../path', 'cloudflare')).toBe('/path');
    expect(path('/hello/\\../path', 'rfc3986')).toBe('/hello/%5C../path');
    expect(path('/hello/\\../path', 'cloudflare')).toBe('/path');
    expect(path('/%68ello//pa\\th', 'none')).toBe('/%68ello//pa\\th');
    // Bytes that are neither unreserved nor reserved are escaped; a stray % becomes %25.
    expect(path('/a b/"x"/100%/%zz/%e2%82%ac')).toBe('/a%20b/%22x%22/100%25/%25zz/%E2%82%AC');
    expect(path('/../../etc/./passwd')).toBe('/etc/passwd');
    const v = fields(nodeLike('/%68ello//pa\\th?x=%41'));
    expect(v['raw.http.request.uri.path']).toBe('/%68ello//pa\\th');
    expect(v['raw.http.request.uri']).toBe('/%68ello//pa\\th?x=%41');
  });

  it('computes the extension from the last segment as the catalogue specifies', () => {
    const ext = (path: string) => fields(new Request(`http://h.test${path}`))['http.request.uri.path.extension'];
    expect(ext('/.mp3')).toBe('');
    expect(ext('/.foo.mp3')).toBe('mp3');
    expect(ext('/foo.tar.bz2')).toBe('bz2');
    expect(ext('/foo.MP3')).toBe('mp3');
    expect(ext('/foo.')).toBe('');
    expect(ext('/foo')).toBe('');
    expect(ext('/dir.d/')).toBe('');
    expect(ext('/')).toBe('');
    expect(ext('/a/b.PHP?x=y.z')).toBe('php');
    expect(ext('/a/%2Ephp')).toBe(''); // decoded to ".php": the only dot is the first character
    const raw = fields(new Request('http://h.test/Foo.MP3'));
    expect(raw['raw.http.request.uri.path.extension']).toBe('MP3');
    expect(raw['cf.bot_management.static_resource']).toBe(true);
    expect(fields(new Request('http://h.test/index.php'))['cf.bot_management.static_resource']).toBe(false);
  });

  it('reads absolute-form and asterisk-form targets of Node-shaped requests', () => {
    const v = fields(nodeLike('http://proxy.test:8080/a?b=1', []));
    expect(v['http.host']).toBe('proxy.test:8080');
    expect(v['http.request.uri']).toBe('/a?b=1');
    expect(v['http.request.full_uri']).toBe('http://proxy.test:8080/a?b=1');
    expect(fields(nodeLike('*', [], { method: 'OPTIONS' }))['http.request.uri.path']).toBe('*');
  });

  it('uses "https" in full_uri when the caller says the connection was TLS', () => {
    const v = fields(nodeLike('/x'), { ssl: true });
    expect(v.ssl).toBe(true);
    expect(v['http.request.full_uri']).toBe('https://example.com/x');
  });
});

describe('requestFields: headers and cookies', () => {
  it('joins repeated Fetch headers as Headers does, and can split them back', () => {
    const request = () =>
      new Request('http://h.test/', {
        headers: [
          ['X-Test', 'a'],
          ['x-test', 'b'],
          ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64)'],
          ['Accept', 'text/html, application/json;q=0.9'],
        ],
      });
    const v = fields(request());
    expect(v['http.request.headers']).toEqual({
      'x-test': ['a, b'],
      'user-agent': ['Mozilla/5.0 (X11; Linux x86_64)'],
      accept: ['text/html, application/json;q=0.9'],
    });
    // Fetch lowercases names; the lists stay aligned.
    expect(v['http.request.headers.names']).toEqual(['accept', 'user-agent', 'x-test']);
    expect(v['http.request.headers.values']).toEqual(['text/html, application/json;q=0.9', 'Mozilla/5.0 (X11; Linux x86_64)', 'a, b']);
    expect(v['http.user_agent']).toBe('Mozilla/5.0 (X11; Linux x86_64)');

    const split = fields(request(), {}, { splitHeaders: ['X-Test', 'accept'] });
    expect((split['http.request.headers'] as Record<string, string[]>)['x-test']).toEqual(['a', 'b']);
    expect((split['http.request.headers'] as Record<string, string[]>).accept).toEqual(['text/html', 'application/json;q=0.9']);
    expect(split['http.request.headers.names']).toEqual(['accept', 'accept', 'user-agent', 'x-test', 'x-test']);
    expect(split['http.user_agent']).toBe('Mozilla/5.0 (X11; Linux x86_64)');
  });

  it('keeps repeated header lines of a Node-shaped request separate, in order, names as sent', () => {
    const v = fields(nodeLike('/', ['Host', 'h.test', 'X-Dup', '1', 'x-dup', ' 2 ', 'X-DUP', '3']));
    expect((v['http.request.headers'] as Record<string, string[]>)['x-dup']).toEqual(['1', ' 2 ', '3']);
    expect(v['http.request.headers.names']).toEqual(['Host', 'X-Dup', 'x-dup', 'X-DUP']);
    expect(v['http.request.headers.values']).toEqual(['h.test', '1', ' 2 ', '3']);
  });

  it('gives headers and cookies named __proto__ ordinary entries', () => {
    const v = fields(new Request('http://h.test/', {
        headers: [
          ['__proto__', 'x'],
          ['constructor', 'y'],
          ['cookie', '__proto__=1; toString=2'],
        ],
      }));
    const headers = v['http.request.headers'] as Record<string, string[]>;
    expect(Object.getPrototypeOf(headers)).toBe(null);
    expect(Object.keys(headers).sort()).toEqual(['__proto__', 'constructor', 'cookie']);
    expect(headers['__proto__']).toEqual(['x']);
    expect(Object.entries(v['http.request.cookies'] as object)).toEqual([
      ['__proto__', ['1']],
      ['toString', ['2']],
    ]);
    expect(scheme.compile('http.request.headers["__proto__"][0] eq "x" and http.request.cookies["__proto__"][0] eq "1"').execute(v)).toBe(true);
  });

  it('parses cookies: "=" inside values, decoded names, merged lists, original values', () => {
    const v = fields(
      new Request('http://h.test/', {
        headers: { Cookie: 'session=abc==; token=a=b=c;  %73ession = Two ; "q"="quoted value"; flag; pref=%7B%22a%22%7D; x=' },
      }),
    );
    expect(v['http.request.cookies']).toEqual({
      session: ['abc==', 'Two'],
      token: ['a=b=c'],
      '"q"': ['"quoted value"'],
      flag: [''],
      pref: ['%7B%22a%22%7D'],
      x: [''],
    });
    expect(v['http.cookie']).toBe('session=abc==; token=a=b=c;  %73ession = Two ; "q"="quoted value"; flag; pref=%7B%22a%22%7D; x=');
  });

  it('joins several Cookie lines with "; " (Node-shaped request)', () => {
    const v = fields(nodeLike('/', ['Host', 'h', 'Cookie', 'a=1', 'Cookie', 'b=2; a=3']));
    expect(v['http.cookie']).toBe('a=1; b=2; a=3');
    expect(v['http.request.cookies']).toEqual({ a: ['1', '3'], b: ['2'] });
  });

  it('fills the dedicated header fields, "" when absent', () => {
    const empty = fields(new Request('http://h.test/'));
    for (const name of ['http.user_agent', 'http.referer', 'http.cookie', 'http.x_forwarded_for']) expect(empty[name]).toBe('');
    expect(empty['http.request.cookies']).toEqual({});
    expect(empty['http.request.accepted_languages']).toEqual([]);
    const v = fields(
      nodeLike('/', ['Host', 'h', 'Referer', 'https://ref.test/', 'X-Forwarded-For', '203.0.113.1, 10.0.0.1', 'x-forwarded-for', '10.0.0.2']),
    );
    expect(v['http.referer']).toBe('https://ref.test/');
    expect(v['http.x_forwarded_for']).toBe('203.0.113.1, 10.0.0.1, 10.0.0.2');
  });

  it('sorts Accept-Language by q, keeps order on ties and drops *', () => {
    const v = fields(new Request('http://h.test/', { headers: { 'Accept-Language': 'fr-CH, fr;q=0.9, *;q=0.5, en;q=0.8, de;q=0.9, it;q=bogus' } }));
    expect(v['http.request.accepted_languages']).toEqual(['fr-CH', 'it', 'fr', 'de', 'en']);
    expect(scheme.compile('http.request.accepted_languages[0] eq "fr-CH"').execute(v)).toBe(true);
  });

  it('reports header values that are not UTF-8 as bytes', () => {
    // A Fetch header value is a ByteString: "\xe9" is the single byte 0xE9, not "é".
    const v = fields(new Request('http://h.test/', { headers: { 'X-Latin1': 'caf\xe9', 'X-Utf8': 'caf\xc3\xa9' } }));
    const headers = v['http.request.headers'] as Record<string, unknown[]>;
    expect(headers['x-latin1']![0]).toEqual(bytes('caf', [0xe9]));
    expect(headers['x-utf8']![0]).toBe('café');
  });

  it('marks headers truncated beyond maxHeaders, while the dedicated fields still see all lines', () => {
    const v = fields(nodeLike('/', ['Host', 'h', 'A', '1', 'B', '2', 'User-Agent', 'ua']), {}, { maxHeaders: 2 });
    expect(v['http.request.headers.truncated']).toBe(true);
    expect(v['http.request.headers.names']).toEqual(['Host', 'A']);
    expect(v['http.user_agent']).toBe('ua');
    expect(fields(nodeLike('/'))['http.request.headers.truncated']).toBe(false);
  });
});

describe('requestFields: only the fields needed', () => {
  const request = nodeLike('/p?a=1&b=2', ['Host', 'example.com', 'Cookie', 'x=1', 'Accept-Language', 'en-GB,en;q=0.8']);

  it('derives only the listed fields (the same values), skipping the others', () => {
    const all = fields(request, {}, { now: () => 0 });
    const some = fields(request, {}, { now: () => 0, fields: new Set(['http.host', 'http.request.uri.args', 'ip.src']) });
    for (const name of ['http.request.cookies', 'http.request.accepted_languages', 'raw.http.request.uri.args', 'raw.http.request.uri.args.names', 'cf.random_seed', 'http.cookie', 'http.user_agent', 'http.request.uri.path', 'http.request.headers']) {
      expect(all[name], name).toBeDefined();
      expect(some[name], name).toBeUndefined();
    }
    for (const name of ['http.host', 'http.request.uri.args', 'ip.src']) expect(some[name], name).toEqual(all[name]);
    // Without a URI field listed, the target is not parsed at all.
    expect(Object.keys(fields(request, {}, { now: () => 0, fields: new Set(['ip.src']) })).filter((n) => n.includes('uri'))).toEqual([]);
  });

  it('derives each skippable field when it is listed', () => {
    const listed = ['http.request.cookies', 'http.request.accepted_languages', 'raw.http.request.uri.args.values', 'cf.random_seed'];
    const some = fields(request, {}, { fields: new Set(listed) });
    for (const name of listed) expect(some[name], name).toBeDefined();
    expect(some['http.request.uri.args']).toBeUndefined();
  });
});

describe('requestFields: connection facts', () => {
  it('takes IPv6 client addresses as they are and unmaps IPv4-mapped ones', () => {
    const ip = (clientIp: string, keepIpv4Mapped?: boolean) => fields(new Request('http://h.test/'), { clientIp }, { keepIpv4Mapped })['ip.src'];
    expect(ip('2001:db8::7')).toBe('2001:db8::7');
    expect(ip('::1')).toBe('::1');
    expect(ip('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(ip('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(ip('0:0:0:0:0:ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(ip('::ffff:192.0.2.1', true)).toBe('::ffff:192.0.2.1');
    expect(ip('fe80::1%eth0')).toBe('fe80::1');
    expect(ip('[2001:db8::1]')).toBe('2001:db8::1');
    expect(normalizeClientIp('::ffff:c000:201')).toBe('::ffff:c000:201'); // hex form is left alone
    const v = fields(new Request('http://h.test/'), { clientIp: '2001:db8::7' });
    expect(scheme.compile('ip.src in {2001:db8::/32} and not ip.src in {192.0.2.0/24}').execute(v)).toBe(true);
    const mapped = fields(new Request('http://h.test/'), { clientIp: '::ffff:192.0.2.1' });
    expect(scheme.compile('ip.src in {192.0.2.0/24}').execute(mapped)).toBe(true);
  });

  it('has no ip.src for a Fetch request unless the caller knows it', () => {
    const v = fields(new Request('http://h.test/'), { clientIp: null });
    expect('ip.src' in v).toBe(false);
  });

  it('maps typed shortcuts, fills aliases, and lets facts.fields override anything', () => {
    const v = fields(
      new Request('http://h.test/a.css'),
      {
        asn: 13335,
        country: 'GB',
        continent: 'EU',
        isEU: false,
        latitude: 51.5,
        verifiedBot: true,
        botScore: 1,
        tlsVersion: 'TLSv1.3',
        httpVersion: '2.0',
        fields: {
          'cf.bot_management.score': 30,
          'http.user_agent': 'override',
          'cf.bot_management.static_resource': undefined,
          'ip.geoip.continent': 'XX',
          'cf.waf.score.class': 'clean',
        },
      },
    );
    expect(v['ip.src.asnum']).toBe(13335);
    expect(v['ip.geoip.asnum']).toBe(13335);
    expect(v['ip.geoip.country']).toBe('GB');
    expect(v['ip.src.continent']).toBe('EU');
    expect(v['ip.geoip.continent']).toBe('XX'); // explicit alias value wins
    expect(v['ip.geoip.is_in_european_union']).toBe(false);
    expect(v['ip.src.lat']).toBe('51.5');
    expect(v['cf.client.bot']).toBe(true);
    expect(v['cf.bot_management.score']).toBe(30);
    expect(v['http.user_agent']).toBe('override');
    expect('cf.bot_management.static_resource' in v).toBe(false);
    expect(v['cf.waf.score.class']).toBe('clean');
    expect(v['http.request.version']).toBe('HTTP/2');
    expect(v['cf.edge.client_tcp']).toBe(true);
    expect(v['cf.tls_version']).toBe('TLSv1.3');
  });

  it('fills the canonical field from a legacy alias', () => {
    const v = fields(new Request('http://h.test/'), { fields: { 'ip.geoip.country': 'FR' } });
    expect(v['ip.src.country']).toBe('FR');
  });

  it('spells HTTP versions the Cloudflare way and derives cf.edge.client_tcp from them', () => {
    expect(['1.0', '1.1', '2.0', '2', '3', 'HTTP/1.1', 'http/2', 'HTTP/3'].map(httpVersionText)).toEqual([
      'HTTP/1.0',
      'HTTP/1.1',
      'HTTP/2',
      'HTTP/2',
      'HTTP/3',
      'HTTP/1.1',
      'HTTP/2',
      'HTTP/3',
    ]);
    expect(fields(new Request('https://h.test/'), { httpVersion: 'HTTP/3' })['cf.edge.client_tcp']).toBe(false);
    const unknown = fields(new Request('https://h.test/'));
    expect('http.request.version' in unknown).toBe(false);
    expect('cf.edge.client_tcp' in unknown).toBe(false);
  });

  it('reads a Workers request.cf object', () => {
    const request = new Request('https://h.test/');
    const cf = {
      asn: 64496,
      country: 'DE',
      continent: 'EU',
      city: 'Berlin',
      isEUCountry: '1',
      latitude: '52.52',
      httpProtocol: 'HTTP/3',
      tlsVersion: 'TLSv1.3',
      tlsClientHelloLength: '1755',
      verifiedBotCategory: '',
      botManagement: { score: 12, verifiedBot: false, staticResource: false, jsDetection: { passed: true }, detectionIds: {}, ja4: 't13d' },
      tlsClientAuth: { certPresented: '1', certVerified: 'SUCCESS', certRevoked: '0', certSubjectDN: 'CN=alice', certRFC9440TooLarge: false },
      hostMetadata: { tier: 'gold' },
    };
    Object.defineProperty(request, 'cf', { value: cf });
    const v = fields(request);
    expect(v['ip.src.asnum']).toBe(64496);
    expect(v['ip.geoip.asnum']).toBe(64496);
    expect(v['ip.src.is_in_european_union']).toBe(true);
    expect(v['ip.src.lat']).toBe('52.52');
    expect(v['http.request.version']).toBe('HTTP/3');
    expect(v['cf.edge.client_tcp']).toBe(false);
    expect(v['cf.tls_client_hello_length']).toBe(1755);
    expect(v['cf.bot_management.score']).toBe(12);
    expect(v['cf.bot_management.js_detection.passed']).toBe(true);
    expect(v['cf.bot_management.detection_ids']).toEqual([]);
    expect(v['cf.bot_management.static_resource']).toBe(false);
    expect(v['cf.client.bot']).toBe(false);
    expect(v['cf.tls_client_auth.cert_presented']).toBe(true);
    expect(v['cf.tls_client_auth.cert_verified']).toBe(true);
    expect(v['cf.tls_client_auth.cert_revoked']).toBe(false);
    expect(v['cf.tls_client_auth.cert_subject_dn']).toBe('CN=alice');
    expect(v['cf.hostname.metadata']).toBe('{"tier":"gold"}');
    // Typed facts outrank request.cf; workersCf: false ignores it.
    expect(fields(request, { country: 'FR' })['ip.src.country']).toBe('FR');
    expect('ip.src.asnum' in fields(request, {}, { workersCf: false })).toBe(false);
    // facts.cf works for requests without one.
    expect(fields(new Request('https://h.test/'), { cf: { country: 'JP' } })['ip.src.country']).toBe('JP');
  });

  it('sets timestamps from facts, the clock option or Date.now()', () => {
    const v = fields(new Request('http://h.test/'), { timestamp: 1_700_000_000_123 });
    expect(v['http.request.timestamp.sec']).toBe(1_700_000_000);
    expect(v['http.request.timestamp.msec']).toBe(123);
    expect(fields(new Request('http://h.test/'), { timestamp: new Date(5_999) })['http.request.timestamp.msec']).toBe(999);
    expect(fields(new Request('http://h.test/'), {}, { now: () => 42_007 })['http.request.timestamp.sec']).toBe(42);
    const before = Math.floor(Date.now() / 1000);
    const sec = fields(new Request('http://h.test/'))['http.request.timestamp.sec'] as number;
    expect(sec).toBeGreaterThanOrEqual(before);
  });

  it('reports mTLS defaults only when there can be no client certificate', () => {
    const plain = fields(new Request('http://h.test/'));
    expect(plain['cf.tls_client_auth.cert_presented']).toBe(false);
    expect(plain['cf.tls_client_auth.cert_subject_dn']).toBe('');
    expect(plain['cf.tls_client_auth.cert_chain_rfc9440_too_large']).toBe(false);
    const tls = fields(new Request('https://h.test/'));
    expect('cf.tls_client_auth.cert_presented' in tls).toBe(false);
    // A TLS socket that shows no peer certificate.
    const node = fields(
      nodeLike('/', ['Host', 'h'], {
        socket: { remoteAddress: '::1', encrypted: true, getProtocol: () => 'TLSv1.2', getPeerCertificate: () => ({}) },
      }),
    );
    expect(node.ssl).toBe(true);
    expect(node['cf.tls_version']).toBe('TLSv1.2');
    expect(node['cf.tls_client_auth.cert_presented']).toBe(false);
    expect(node['http.request.full_uri']).toBe('https://h/');
  });

  it('produces a fresh random seed and the documented constant threat score', () => {
    const a = fields(new Request('http://h.test/'));
    const b = fields(new Request('http://h.test/'));
    expect(a['cf.random_seed']).toBeInstanceOf(Uint8Array);
    expect((a['cf.random_seed'] as Uint8Array).length).toBe(32);
    expect(a['cf.random_seed']).not.toEqual(b['cf.random_seed']);
    expect(a['cf.threat_score']).toBe(0);
  });

  it('rejects values that are not requests', () => {
    expect(() => requestFields({} as never)).toThrow(TypeError);
  });
});

describe('requestFields: body', () => {
  it('produces no body fields unless the caller passes the bytes', () => {
    const v = fields(new Request('http://h.test/', { method: 'POST', body: 'a=1' }));
    expect(Object.keys(v).filter((k) => k.startsWith('http.request.body'))).toEqual([]);
  });

  it('parses an application/x-www-form-urlencoded body without decoding', async () => {
    const request = new Request('http://h.test/login', { method: 'POST', body: new URLSearchParams([['user', 'bob'], ['pass', 'a b&c'], ['user', 'eve']]) });
    const body = new Uint8Array(await request.clone().arrayBuffer());
    const v = fields(request, { body });
    expect(v['http.request.body.raw']).toBe('user=bob&pass=a+b%26c&user=eve');
    expect(v['http.request.body.size']).toBe(body.length);
    expect(v['http.request.body.truncated']).toBe(false);
    expect(v['http.request.body.form']).toEqual({ user: ['bob', 'eve'], pass: ['a+b%26c'] });
    expect(v['http.request.body.form.names']).toEqual(['user', 'pass', 'user']);
    expect(v['http.request.body.form.values']).toEqual(['bob', 'a+b%26c', 'eve']);
    expect(v['http.request.body.mime']).toBe('text/plain');
    expect(v['http.request.body.multipart']).toEqual({});
    expect(v['http.request.body.multipart.names']).toEqual([]);
    expect(scheme.compile('any(http.request.body.form["user"][*] eq "eve") and http.request.body.form.names[2] eq "user"').execute(v)).toBe(true);
  });

  it('parses multipart/form-data with files, including binary content', async () => {
    const form = new FormData();
    form.append('title', 'Holiday');
    form.append('photo', new Blob([Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x80])], { type: 'image/jpeg' }), 'beach.JPG');
    form.append('notes', new Blob(['plain text'], { type: 'text/plain' }), 'notes.txt');
    form.append('title', 'Second');
    const request = new Request('http://h.test/upload', { method: 'POST', body: form });
    const body = new Uint8Array(await request.clone().arrayBuffer());
    const v = fields(request, { body });
    expect(v['http.request.body.multipart.names']).toEqual([['title'], ['photo'], ['notes'], ['title']]);
    expect(v['http.request.body.multipart.filenames']).toEqual([[], ['beach.JPG'], ['notes.txt'], []]);
    expect(v['http.request.body.multipart.content_types']).toEqual([[], ['image/jpeg'], ['text/plain'], []]);
    expect(v['http.request.body.multipart.content_dispositions']).toEqual([
      ['form-data; name="title"'],
      ['form-data; name="photo"; filename="beach.JPG"'],
      ['form-data; name="notes"; filename="notes.txt"'],
      ['form-data; name="title"'],
    ]);
    expect(v['http.request.body.multipart.content_transfer_encodings']).toEqual([[], [], [], []]);
    const values = v['http.request.body.multipart.values'] as unknown[];
    expect(values[0]).toBe('Holiday');
    expect(values[1]).toEqual(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x80])); // not UTF-8: bytes
    expect(values[2]).toBe('plain text');
    expect(v['http.request.body.multipart']).toEqual({ title: ['Holiday', 'Second'], photo: [values[1]], notes: ['plain text'] });
    expect(v['http.request.body.raw']).toBeInstanceOf(Uint8Array); // the JPEG bytes make the whole body non-UTF-8
    expect(
      scheme
        .compile('any(http.request.body.multipart.names[*][0] eq "photo") and any(lower(http.request.body.multipart.filenames[*][0])[*] wildcard "*.jpg")')
        .execute(v),
    ).toBe(true);
    expect(scheme.compile('http.request.body.multipart.values[1] eq "\\xff"').execute(v)).toBe(false);
    expect(scheme.compile('http.request.body.multipart.values[1] contains "\\xff\\xd8\\xff"').execute(v)).toBe(true);
  });

  it('handles hand-written multipart bodies: quoting, filename*, headers, preamble, LF endings', () => {
    const body = [
      'preamble to ignore',
      '--XyZ',
      'Content-Disposition: form-data; name="a\\"b"; filename="C:\\dir\\evil.php"',
      'Content-Type: application/x-php',
      'Content-Transfer-Encoding: binary',
      '',
      '<?php system($_GET["c"]); ?>',
      '--XyZ',
      "content-disposition: form-data; name=u; filename*=UTF-8''%E2%82%AC.txt",
      '',
      'euro',
      '--XyZ--',
      'epilogue',
    ].join('\r\n');
    const request = new Request('http://h.test/', { method: 'POST', headers: { 'Content-Type': 'multipart/form-data; boundary="XyZ"' } });
    const v = fields(request, { body });
    expect(v['http.request.body.multipart.names']).toEqual([['a"b'], ['u']]);
    expect(v['http.request.body.multipart.filenames']).toEqual([['C:\\dir\\evil.php'], ['€.txt']]);
    expect(v['http.request.body.multipart.content_types']).toEqual([['application/x-php'], []]);
    expect(v['http.request.body.multipart.content_transfer_encodings']).toEqual([['binary'], []]);
    expect(v['http.request.body.multipart.values']).toEqual(['<?php system($_GET["c"]); ?>', 'euro']);
    expect(v['http.request.body.mime']).toBe('text/plain');

    const lf = fields(new Request('http://h.test/', { method: 'POST', headers: { 'content-type': 'Multipart/Form-Data; boundary=b1' } }), {
      body: '--b1\nContent-Disposition: form-data; name="x"\n\none\n--b1\nContent-Disposition: form-data; name="y"\n\ntwo\n--b1--\n',
    });
    expect(lf['http.request.body.multipart']).toEqual({ x: ['one'], y: ['two'] });
  });

  it('truncates at the limit, keeps the full size, and parses the inspected prefix', () => {
    const body = `a=${'x'.repeat(100)}&b=2&c=3`;
    const request = new Request('http://h.test/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const v = fields(request, { body }, { bodyLimit: 106 });
    expect(v['http.request.body.raw']).toBe(`a=${'x'.repeat(100)}&b=2`);
    expect(v['http.request.body.size']).toBe(body.length);
    expect(v['http.request.body.truncated']).toBe(true);
    expect(v['http.request.body.form.names']).toEqual(['a', 'b']);
    expect(scheme.compile('http.request.body.truncated and http.request.body.size gt 106 and len(http.request.body.raw) eq 106').execute(v)).toBe(true);

    // A prefix supplied by the caller, with the real size.
    const prefix = fields(request, { body: 'a=1', bodySize: 5_000_000 });
    expect(prefix['http.request.body.truncated']).toBe(true);
    expect(prefix['http.request.body.size']).toBe(5_000_000);

    // The default limit is Cloudflare's 128 KB.
    const big = fields(request, { body: new Uint8Array(DEFAULT_BODY_LIMIT + 1).fill(0x61) });
    expect(DEFAULT_BODY_LIMIT).toBe(131072);
    expect((big['http.request.body.raw'] as string).length).toBe(DEFAULT_BODY_LIMIT);
    expect(big['http.request.body.truncated']).toBe(true);
  });

  it('cuts a truncated multipart part at the end of the data', () => {
    const body = '--b\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\n\r\n' + 'y'.repeat(50) + '\r\n--b--\r\n';
    const request = new Request('http://h.test/', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=b' } });
    const v = fields(request, { body }, { bodyLimit: 80 });
    expect(v['http.request.body.truncated']).toBe(true);
    expect(v['http.request.body.multipart.filenames']).toEqual([['x.txt']]);
    expect((v['http.request.body.multipart.values'] as string[])[0]).toMatch(/^y+$/);
    const cut = fields(request, { body }, { bodyLimit: 30 }); // headers incomplete: no part
    expect(cut['http.request.body.multipart.names']).toEqual([]);
    const capped = fields(request, { body: '--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b--' }, { maxMultipartParts: 1 });
    expect(capped['http.request.body.multipart.values']).toEqual(['1']);
  });

  it('keeps non-UTF-8 body bytes exact, also when truncation splits a character', () => {
    const raw = bytes('ok=', [0xc3, 0x28, 0xff], '&x=1');
    const request = new Request('http://h.test/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const v = fields(request, { body: raw });
    expect(v['http.request.body.raw']).toEqual(raw);
    expect(v['http.request.body.raw']).not.toBe(raw); // a copy, not the caller's buffer
    const buffer = Buffer.from(raw);
    const fromBuffer = fields(request, { body: buffer })['http.request.body.raw'] as Uint8Array;
    buffer[0] = 0;
    expect(fromBuffer[0]).toBe(0x6f);
    expect(v['http.request.body.form.values']).toEqual([Uint8Array.from([0xc3, 0x28, 0xff]), '1']);
    expect(v['http.request.body.mime']).toBe('text/plain');
    expect(scheme.compile('http.request.body.raw contains "\\xff&x"').execute(v)).toBe(true);

    const split = fields(request, { body: 'é' }, { bodyLimit: 1 });
    expect(split['http.request.body.raw']).toEqual(Uint8Array.from([0xc3]));
    const ab = fields(request, { body: Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0x02]).buffer });
    expect(ab['http.request.body.mime']).toBe('application/x-executable');
  });

  it('sniffs the MIME type from content, not from Content-Type', () => {
    const mime = (body: Uint8Array | string) =>
      fields(new Request('http://h.test/', { method: 'POST', headers: { 'content-type': 'text/plain' } }), { body })['http.request.body.mime'];
    expect(mime(bytes([0x89], 'PNG\r\n', [0x1a], '\n', [0, 0]))).toBe('image/png');
    expect(mime(bytes([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
    expect(mime('GIF89a....')).toBe('image/gif');
    expect(mime('%PDF-1.7\n')).toBe('application/pdf');
    expect(mime(bytes('PK', [3, 4, 20, 0]))).toBe('application/zip');
    expect(mime(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('image/webp');
    expect(mime('  <!DOCTYPE html><html>')).toBe('text/html');
    expect(mime('<?xml version="1.0"?><a/>')).toBe('text/xml');
    expect(mime('{"json": true}')).toBe('text/plain');
    expect(mime(bytes([0, 1, 2, 3]))).toBe('application/octet-stream');
    expect(mime('')).toBe('');
  });
});

describe('requestFields with compiled expressions', () => {
  it('evaluates expressions over a Fetch request', () => {
    const request = new Request('https://shop.example/cart/checkout.PHP?a=1&a=2&id=7', {
      method: 'POST',
      headers: [
        ['x', 'a'],
        ['x', 'b'],
        ['Cookie', 'sid=Zm9v=; theme=dark'],
        ['User-Agent', 'curl/8.0'],
      ],
    });
    const v = requestFields(request, { clientIp: '2001:db8::1', country: 'NL', asn: 64500, botScore: 5, timestamp: 1_700_000_000_000 }, { splitHeaders: ['x'] });
    const ctx = scheme.context(v);
    const check = (expression: string) => scheme.compile(expression).execute(ctx);
    expect(check('http.request.uri.args["a"][1] eq "2"')).toBe(true);
    expect(check('any(http.request.headers["x"][*] eq "b")')).toBe(true);
    expect(check('http.request.cookies["sid"][0] eq "Zm9v="')).toBe(true);
    expect(check('http.request.uri.path.extension eq "php" and http.request.method eq "POST"')).toBe(true);
    expect(check('ip.src in {2001:db8::/32} and ip.src.country eq "NL" and ip.geoip.asnum eq 64500')).toBe(true);
    expect(check('cf.bot_management.score lt 30 and not cf.client.bot')).toBe(true);
    expect(check('starts_with(http.request.full_uri, "https://shop.example/")')).toBe(true);
    expect(check('http.user_agent contains "curl" and ssl')).toBe(true);
    expect(check('http.request.timestamp.sec eq 1700000000')).toBe(true);
    expect(check('len(http.request.uri.args.names) eq 3')).toBe(true);
    expect(check('http.request.headers["x-missing"][0] ne "z"')).toBe(false);
  });
});
