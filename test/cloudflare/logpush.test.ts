/**
 * Logpush `http_requests` records → field values (`logpushRequest`), what Cloudflare did
 * (`logpushSecurity`), timestamps and format detection. Records in `logpush/records.json` are
 * full records as a Logpush job with every field writes them, one per timestamp format.
 */
import { describe, expect, it } from 'vitest';
import catalogue from '../../src/cloudflare/fields.json';
import {
  LOGPUSH_FIELD_MAP,
  LOGPUSH_SECURITY_ACTIONS,
  logpushRequest,
  logpushSecurity,
  logpushTimestampMs,
  looksLikeLogpush,
  normalizeLogpushAction,
} from '../../src/cloudflare/logpush/index.js';
import { cloudflareScheme } from '../../src/index.js';
import { FIELD_ALIASES } from '../../src/cloudflare/scheme.js';
import records from './logpush/records.json';

type Record_ = Record<string, unknown>;
const RECORDS = records as Record<string, Record_>;
const BROWSER = RECORDS['browser-unixnano']!;
const with_ = (changes: Record_, base: Record_ = BROWSER): Record_ => ({ ...base, ...changes });
const without = (keys: string[], base: Record_ = BROWSER): Record_ => Object.fromEntries(Object.entries(base).filter(([k]) => !keys.includes(k)));

const catalogueTypes = new Map((catalogue as { name: string; type: string }[]).map((f) => [f.name, f.type]));
const aliases = new Set(FIELD_ALIASES.map(([, alias]) => alias));

/** Whether a runtime value has the shape of a catalogue type. */
function hasType(value: unknown, type: string): boolean {
  if (type === 'Int') return typeof value === 'number' && Number.isSafeInteger(value);
  if (type === 'Bool') return typeof value === 'boolean';
  if (type === 'Bytes' || type === 'Ip') return typeof value === 'string' || value instanceof Uint8Array;
  const array = /^Array<(.*)>$/.exec(type);
  if (array) return Array.isArray(value) && value.every((item) => hasType(item, array[1]!));
  const map = /^Map<(.*)>$/.exec(type);
  if (map) return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((item) => hasType(item, map[1]!));
  throw new Error(`unknown type ${type}`);
}

/** Values that are not catalogue fields, or not of their field's type. */
function catalogueMismatches(values: Record_): string[] {
  return Object.entries(values)
    .filter(([name, value]) => !catalogueTypes.has(name) || !hasType(value, catalogueTypes.get(name)!))
    .map(([name]) => name);
}

/** Every value is a catalogue field of the right type. */
function expectCatalogueValues(values: Record_): void {
  expect(catalogueMismatches(values)).toEqual([]);
}

const plain = (values: object): Record_ => JSON.parse(JSON.stringify(values)) as Record_;

describe('logpushRequest: a full record', () => {
  it('maps every field of the browser record', () => {
    const { values, problems, unmapped } = logpushRequest(BROWSER);
    expect(problems).toEqual([]);
    expect(unmapped).toEqual([]);
    const ua = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
    const args = { color: ['red', 'blue'], size: ['42'] };
    expect(plain(values)).toEqual({
      'cf.bot_management.detection_ids': [],
      'cf.bot_management.score': 86,
      'cf.bot_management.static_resource': false,
      'cf.bot_management.verified_bot': false,
      'cf.client.bot': false,
      'cf.verified_bot_category': '',
      'ip.src.asnum': 7922,
      'ip.geoip.asnum': 7922,
      'ip.src.city': 'San Jose',
      'ip.src.country': 'US',
      'ip.geoip.country': 'US',
      'ip.src': '198.51.100.23',
      'ip.src.lat': '37.33939',
      'ip.src.lon': '-121.89496',
      'ip.src.region_code': 'CA',
      'ip.src.subdivision_1_iso_code': 'US-CA',
      'ip.geoip.subdivision_1_iso_code': 'US-CA',
      'http.host': 'shop.example.com',
      'http.request.method': 'GET',
      'http.request.version': 'HTTP/2',
      'cf.edge.client_tcp': true,
      'http.referer': 'https://www.example.com/',
      'http.user_agent': ua,
      ssl: true,
      'http.request.uri': '/products/shoes.HTML?color=red&size=42&color=blue',
      'http.request.uri.path': '/products/shoes.HTML',
      'http.request.uri.path.extension': 'html',
      'http.request.uri.query': 'color=red&size=42&color=blue',
      'http.request.full_uri': 'https://shop.example.com/products/shoes.HTML?color=red&size=42&color=blue',
      'http.request.uri.args': args,
      'http.request.uri.args.names': ['color', 'size', 'color'],
      'http.request.uri.args.values': ['red', '42', 'blue'],
      'raw.http.request.uri': '/products//./shoes.HTML?color=red&size=42&color=blue',
      'raw.http.request.uri.path': '/products//./shoes.HTML',
      'raw.http.request.uri.path.extension': 'HTML',
      'raw.http.request.uri.query': 'color=red&size=42&color=blue',
      'raw.http.request.full_uri': 'https://shop.example.com/products//./shoes.HTML?color=red&size=42&color=blue',
      'raw.http.request.uri.args': args,
      'raw.http.request.uri.args.names': ['color', 'size', 'color'],
      'raw.http.request.uri.args.values': ['red', '42', 'blue'],
      'cf.tls_cipher': 'AEAD-AES128-GCM-SHA256',
      'cf.tls_version': 'TLSv1.3',
      'cf.timings.client_tcp_rtt_msec': 23,
      'cf.waf.content_scan.obj_results': [],
      'cf.waf.content_scan.obj_sizes': [],
      'cf.waf.content_scan.obj_types': [],
      'http.request.cookies': { session: ['f3a9c1'], __cf_bm: ['abc.def-1714566896'] },
      'cf.colo.id': 13,
      'http.response.content_type.media_type': 'text/html',
      'http.response.code': 200,
      'http.request.timestamp.sec': 1714566896,
      'http.request.timestamp.msec': 789,
      'cf.bot_management.ja3_hash': '773906b0efdefa24a7f2b8eb6985bf37',
      'cf.bot_management.ja4': 't13d1516h2_8daaf6152771_b0da82dd1658',
      'cf.ray_id': '87d4b1c2e3f4a5b6',
      'cf.waf.score': 91,
      'cf.waf.score.class': 'clean',
      'cf.waf.score.rce': 94,
      'cf.waf.score.sqli': 92,
      'cf.waf.score.xss': 97,
      'cf.zone.name': 'example.com',
      'http.request.headers': {
        'accept-language': ['en-US,en;q=0.9'],
        'x-forwarded-proto': ['https'],
        host: ['shop.example.com'],
        referer: ['https://www.example.com/'],
        'user-agent': [ua],
      },
      'http.request.headers.names': ['accept-language', 'x-forwarded-proto', 'host', 'referer', 'user-agent'],
      'http.request.headers.values': ['en-US,en;q=0.9', 'https', 'shop.example.com', 'https://www.example.com/', ua],
      'http.response.headers': { 'cache-control': ['private, max-age=0'], 'content-type': ['text/html; charset=UTF-8'] },
      'http.response.headers.names': ['cache-control', 'content-type'],
      'http.response.headers.values': ['private, max-age=0', 'text/html; charset=UTF-8'],
    });
  });

  // [record, fields expected among its values] — what distinguishes each fixture.
  const cases: [string, Record_][] = [
    [
      'crawler-unix',
      {
        'ip.src': '2001:db8:4860::8',
        'cf.bot_management.verified_bot': true,
        'cf.client.bot': true,
        'cf.verified_bot_category': 'Search Engine Crawler',
        'http.request.version': 'HTTP/1.1',
        'http.referer': '',
        'http.request.timestamp.sec': 1714566896,
        'http.request.timestamp.msec': 0,
        'http.request.uri.query': '',
        'http.request.uri.args': {},
        'http.request.headers': { host: ['www.example.com'], 'user-agent': ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'] },
        'http.request.cookies': {},
        'cf.bot_management.ja3_hash': '',
      },
    ],
    [
      'sqli-blocked-rfc3339',
      {
        'http.request.method': 'POST',
        'http.request.uri.path': '/login',
        'http.request.uri.args': { user: ["admin'%20OR%201=1--"], next: ['%2Fhome'] },
        'ip.src.subdivision_1_iso_code': 'NL-NH',
        'cf.bot_management.detection_ids': [33554817, 50331651],
        'http.request.timestamp.sec': 1714566896,
        'http.request.timestamp.msec': 0,
        'http.response.code': 403,
        'cf.waf.score.class': 'attack',
        'cf.waf.score.sqli': 3,
      },
    ],
    [
      'challenge-solved-rfc3339ms',
      {
        'http.request.version': 'HTTP/3',
        'cf.edge.client_tcp': false,
        'cf.timings.client_tcp_rtt_msec': 0,
        'http.request.uri': '/',
        'http.request.uri.path.extension': '',
        'http.request.timestamp.msec': 789,
        'cf.waf.score.class': 'likely_clean',
        'ip.src.subdivision_1_iso_code': 'DE-BE',
      },
    ],
    [
      'plain-http-rfc3339ns',
      {
        ssl: false,
        'http.request.version': 'HTTP/1.0',
        'http.request.full_uri': 'http://shop.example.com/favicon.ico',
        'http.request.uri.path.extension': 'ico',
        'http.request.timestamp.sec': 1714566896,
        'http.request.timestamp.msec': 789,
        'ip.src.subdivision_1_iso_code': 'GB-ENG',
        'http.response.content_type.media_type': 'image/x-icon',
      },
    ],
    [
      'api-unixnano-string',
      {
        'http.request.timestamp.sec': 1714566896,
        'http.request.timestamp.msec': 789,
        'http.request.uri.args': { dry_run: [''] },
        // The captured User-Agent wins over the dedicated field; names are lower-cased.
        'http.request.headers': {
          authorization: ['Bearer x'],
          'user-agent': ['okhttp/4.12.0 (captured)'],
          host: ['shop.example.com'],
          'x-requested-with': ['XMLHttpRequest'],
        },
        'http.user_agent': 'okhttp/4.12.0',
        'http.response.code': 201,
      },
    ],
    ['unix-string', { 'http.request.timestamp.sec': 1714566896, 'http.request.timestamp.msec': 0 }],
  ];
  it.each(cases)('%s', (name, expected) => {
    const { values, problems, unmapped } = logpushRequest(RECORDS[name]);
    expect(problems).toEqual([]);
    expect(unmapped).toEqual([]);
    expect(plain(values)).toMatchObject(expected);
    expectCatalogueValues(values);
  });

  it('gives values a Cloudflare scheme accepts and filters read', () => {
    const scheme = cloudflareScheme();
    const expectations: [string, string, boolean][] = [
      ['browser-unixnano', 'ip.src in {198.51.100.0/24} and ip.src.country eq "US" and ip.geoip.asnum eq 7922', true],
      ['browser-unixnano', 'http.request.uri.args["color"][1] eq "blue" and http.request.uri.path.extension eq "html"', true],
      ['browser-unixnano', 'any(http.request.headers["user-agent"][*] contains "Safari") and ssl and http.request.timestamp.sec gt 1700000000', true],
      ['crawler-unix', 'cf.client.bot and cf.verified_bot_category eq "Search Engine Crawler" and ip.src in {2001:db8::/32}', true],
      ['sqli-blocked-rfc3339', 'cf.waf.score.sqli lt 20 and http.request.method eq "POST"', true],
      ['plain-http-rfc3339ns', 'not ssl and http.request.full_uri eq "http://shop.example.com/favicon.ico"', true],
      ['plain-http-rfc3339ns', 'cf.tls_version eq "TLSv1.3"', false],
    ];
    for (const [name, expression, expected] of expectations) {
      expect(scheme.compile(expression).execute(logpushRequest(RECORDS[name]).values), `${name}: ${expression}`).toBe(expected);
    }
  });
});

describe('LOGPUSH_FIELD_MAP', () => {
  it('names each Logpush field once and only catalogue fields (canonical names)', () => {
    const names = LOGPUSH_FIELD_MAP.map((m) => m.logpush);
    expect(new Set(names).size).toBe(names.length);
    for (const mapping of LOGPUSH_FIELD_MAP) {
      for (const field of mapping.fields) {
        expect(catalogueTypes.has(field), `${mapping.logpush} → ${field}`).toBe(true);
        expect(aliases.has(field), `${field} is an alias`).toBe(false);
      }
      expect(mapping.conversion.length).toBeGreaterThan(0);
    }
  });

  it('lists exactly the fields the fixtures produce, and every record field is in the table', () => {
    const produced = new Set<string>();
    for (const record of Object.values(RECORDS)) {
      for (const name of Object.keys(logpushRequest(record).values)) produced.add(name);
      expect(logpushRequest(record).unmapped).toEqual([]);
    }
    // `ClientRequestPath` only serves when the record has no `ClientRequestURI`.
    for (const name of Object.keys(logpushRequest(without(['ClientRequestURI'])).values)) produced.add(name);
    const listed = new Set(LOGPUSH_FIELD_MAP.flatMap((m) => m.fields));
    expect([...listed].filter((f) => !produced.has(f))).toEqual([]);
    expect([...produced].filter((f) => !listed.has(f) && !aliases.has(f))).toEqual([]);
  });
});

describe('EdgeStartTimestamp in every Logpush format', () => {
  const at = Date.UTC(2024, 4, 1, 12, 34, 56); // 1714566896000
  // [input, milliseconds since the epoch]
  const valid: [unknown, number][] = [
    ['2024-05-01T12:34:56Z', at], // rfc3339
    ['2024-05-01T12:34:56.789Z', at + 789], // rfc3339ms
    ['2024-05-01T12:34:56.789999999Z', at + 789], // rfc3339ns, cut not rounded
    ['2024-05-01T12:34:56.7Z', at + 700],
    ['2024-05-01t12:34:56z', at],
    ['2024-05-01 12:34:56Z', at],
    ['2024-05-01T14:34:56.789+02:00', at + 789],
    ['2024-05-01T07:04:56-05:30', at],
    [1714566896, at], // unix
    ['1714566896', at],
    [1714566896.789, at + 789],
    ['1714566896.789', at + 789],
    [1714566896789, at + 789], // milliseconds
    ['1714566896789', at + 789],
    [1714566896789123, at + 789], // microseconds
    [1714566896789123456, at + 789], // unixnano, as JSON.parse leaves it
    ['1714566896789123456', at + 789], // unixnano string: exact
    ['1714566896789999999', at + 789],
    [1714566896789999999n, at + 789],
    ['0001714566896', at], // leading zeros do not change the unit
    [0, 0],
    ['1970-01-01T00:00:00Z', 0],
    ['2016-12-31T23:59:60Z', Date.UTC(2017, 0, 1)], // leap second
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ];
  it.each(valid)('%s', (input, ms) => {
    expect(logpushTimestampMs(input)).toBe(ms);
    const { values, problems } = logpushRequest({ EdgeStartTimestamp: input });
    expect(problems).toEqual([]);
    expect(values['http.request.timestamp.sec']).toBe(Math.floor(ms / 1000));
    expect(values['http.request.timestamp.msec']).toBe(ms % 1000);
  });

  it('keeps millisecond precision of a nanosecond number parsed from JSON', () => {
    const parsed = JSON.parse('{"EdgeStartTimestamp": 1714566896789123456}') as Record_;
    expect(logpushRequest(parsed).values['http.request.timestamp.msec']).toBe(789);
  });

  const invalid: unknown[] = [
    '',
    'yesterday',
    '2024-05-01',
    '2024-05-01T12:34:56', // no offset
    '2024-13-01T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T12:34:56+25:00',
    ' 1714566896',
    '-1714566896',
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -5n,
    '9'.repeat(30),
    1e30,
    '1'.repeat(41),
    true,
    null,
    {},
    [],
  ];
  it.each(invalid.map((v) => [v]))('rejects %s', (input) => {
    expect(logpushTimestampMs(input)).toBeUndefined();
  });
});

describe('values of the wrong type', () => {
  // [Logpush field, value, problem, fields left missing]
  const cases: [string, unknown, string, string[]][] = [
    ['ClientASN', 'abc', 'ClientASN: expected an integer, got "abc"', ['ip.src.asnum', 'ip.geoip.asnum']],
    ['ClientASN', 1.5, 'ClientASN: expected an integer, got 1.5', ['ip.src.asnum']],
    ['ClientIP', 'not-an-ip', 'ClientIP: expected an IP address, got "not-an-ip"', ['ip.src']],
    ['ClientIP', 42, 'ClientIP: expected a string, got 42', ['ip.src']],
    ['ClientCountry', ['us'], 'ClientCountry: expected a string, got an array', ['ip.src.country']],
    ['BotScore', true, 'BotScore: expected an integer, got true', ['cf.bot_management.score']],
    ['BotDetectionIDs', [1, 'x'], 'BotDetectionIDs: expected an array of integers, got an array', ['cf.bot_management.detection_ids']],
    ['ClientRequestScheme', 'ftp', 'ClientRequestScheme: expected "http" or "https", got "ftp"', ['ssl']],
    ['ClientRequestURI', 7, 'ClientRequestURI: expected a string, got 7', ['http.request.uri', 'http.request.full_uri', 'raw.http.request.uri']],
    ['EdgeStartTimestamp', 'soon', 'EdgeStartTimestamp: expected a timestamp (RFC 3339, or Unix seconds, milliseconds or nanoseconds), got "soon"', ['http.request.timestamp.sec', 'http.request.timestamp.msec']],
    ['RequestHeaders', 'accept: */*', 'RequestHeaders: expected an object of name → string, got "accept: */*"', []],
    ['Cookies', [], 'Cookies: expected an object of name → string, got an array', ['http.request.cookies']],
    ['VerifiedBotCategory', 5, 'VerifiedBotCategory: expected a string, got 5', ['cf.verified_bot_category']],
    ['EdgeResponseStatus', '2OO', 'EdgeResponseStatus: expected an integer, got "2OO"', ['http.response.code']],
    ['WAFAttackScore', {}, 'WAFAttackScore: expected an integer, got an object', ['cf.waf.score']],
  ];
  it.each(cases)('%s = %j', (field, value, problem, missing) => {
    const { values, problems } = logpushRequest(with_({ [field]: value }));
    expect(problems).toEqual([problem]);
    for (const name of missing) expect(values[name], name).toBeUndefined();
    // The rest of the record still converts.
    expect(values['cf.ray_id']).toBe('87d4b1c2e3f4a5b6');
  });

  it('reports each bad header or cookie value and keeps the others', () => {
    const { values, problems } = logpushRequest(with_({ RequestHeaders: { accept: '*/*', 'x-n': 3 }, Cookies: { a: '1', b: { c: 1 } } }));
    expect(problems).toEqual(['Cookies: "b": expected a string, got an object', 'RequestHeaders: "x-n": expected a string, got 3']);
    expect(plain(values)['http.request.headers']).toMatchObject({ accept: ['*/*'] });
    expect(plain(values)['http.request.cookies']).toEqual({ a: ['1'] });
  });

  it('accepts integers written as decimal strings', () => {
    expect(logpushRequest({ ClientASN: '13335', EdgeColoID: '-1' }).values).toMatchObject({ 'ip.src.asnum': 13335, 'cf.colo.id': -1 });
  });

  it('reads null as absent, without a problem', () => {
    const { values, problems } = logpushRequest(with_({ ClientASN: null, RequestHeaders: null, EdgeStartTimestamp: null }));
    expect(problems).toEqual([]);
    expect(values['ip.src.asnum']).toBeUndefined();
    expect(values['http.request.timestamp.sec']).toBeUndefined();
    expect(plain(values)['http.request.headers']).toEqual({ host: ['shop.example.com'], referer: ['https://www.example.com/'], 'user-agent': [BROWSER.ClientRequestUserAgent] });
  });
});

describe('conversion decisions', () => {
  // [record changes, expected values (undefined = missing)]
  const cases: [string, Record_, Record_][] = [
    ['TLS "none" is missing', { ClientSSLProtocol: 'none', ClientSSLCipher: 'NONE' }, { 'cf.tls_version': undefined, 'cf.tls_cipher': undefined }],
    ['TLS "" is missing', { ClientSSLProtocol: '', ClientSSLCipher: '' }, { 'cf.tls_version': undefined, 'cf.tls_cipher': undefined }],
    ['a full ISO 3166-2 region code', { ClientRegionCode: 'us-ny' }, { 'ip.src.region_code': 'NY', 'ip.src.subdivision_1_iso_code': 'US-NY' }],
    ['an unknown region', { ClientRegionCode: '' }, { 'ip.src.region_code': '', 'ip.src.subdivision_1_iso_code': '' }],
    ['a region without a country', { ClientCountry: undefined, ClientRegionCode: 'CA' }, { 'ip.src.region_code': 'CA', 'ip.src.subdivision_1_iso_code': undefined }],
    ['BotScoreSrc alone says verified', { VerifiedBotCategory: undefined, BotScoreSrc: 'Verified Bot' }, { 'cf.bot_management.verified_bot': true, 'cf.client.bot': true }],
    ['a category alone says verified', { VerifiedBotCategory: 'Monitoring & Analytics', BotScoreSrc: undefined }, { 'cf.client.bot': true }],
    ['neither field: missing', { VerifiedBotCategory: undefined, BotScoreSrc: undefined }, { 'cf.client.bot': undefined }],
    ['score class in kebab case', { WAFAttackScoreClass: 'likely-attack' }, { 'cf.waf.score.class': 'likely_attack' }],
    ['scheme in upper case', { ClientRequestScheme: 'HTTPS' }, { ssl: true, 'http.request.full_uri': 'https://shop.example.com/products/shoes.HTML?color=red&size=42&color=blue' }],
    ['no scheme: no full URI', { ClientRequestScheme: undefined }, { ssl: undefined, 'http.request.full_uri': undefined, 'http.request.uri.path': '/products/shoes.HTML' }],
    ['protocol HTTP/1.1', { ClientRequestProtocol: 'HTTP/1.1' }, { 'http.request.version': 'HTTP/1.1', 'cf.edge.client_tcp': true }],
    ['latitude as a number', { ClientLatitude: 51.5 }, { 'ip.src.lat': '51.5' }],
    ['empty dedicated headers are not headers', { ClientRequestReferer: '', RequestHeaders: {} }, { 'http.referer': '', 'http.request.headers.names': ['host', 'user-agent'] }],
    ['URI with a fragment and non-ASCII', { ClientRequestURI: '/caf\u00e9/%7euser/../x.PNG?q=\u00e9#frag' }, { 'http.request.uri': '/caf%C3%A9/x.PNG?q=\u00e9', 'raw.http.request.uri': '/caf\u00e9/%7euser/../x.PNG?q=\u00e9', 'http.request.uri.path.extension': 'png' }],
  ];
  it.each(cases)('%s', (_, changes, expected) => {
    const record = Object.fromEntries(Object.entries(with_(changes)).filter(([, v]) => v !== undefined));
    const { values, problems } = logpushRequest(record);
    expect(problems).toEqual([]);
    for (const [name, value] of Object.entries(expected)) expect(plain(values)[name], name).toEqual(value);
  });

  it('derives the path fields from ClientRequestPath when the record has no ClientRequestURI', () => {
    const { values } = logpushRequest(without(['ClientRequestURI'], with_({ ClientRequestPath: '/a//b/../C.JPG' })));
    expect(plain(values)).toMatchObject({
      'http.request.uri.path': '/a/C.JPG',
      'http.request.uri.path.extension': 'jpg',
      'raw.http.request.uri.path': '/a//b/../C.JPG',
      'raw.http.request.uri.path.extension': 'JPG',
    });
    expect(values['http.request.uri']).toBeUndefined();
    expect(values['http.request.uri.query']).toBeUndefined();
  });

  it('applies the normalization option', () => {
    const uri = (normalization?: 'cloudflare' | 'rfc3986' | 'none') => logpushRequest(BROWSER, { normalization }).values['http.request.uri.path'];
    expect(uri()).toBe('/products/shoes.HTML');
    expect(uri('rfc3986')).toBe('/products//shoes.HTML');
    expect(uri('none')).toBe('/products//./shoes.HTML');
  });

  it('lists unknown record keys as unmapped, in record order', () => {
    const { unmapped, problems } = logpushRequest(with_({ NewFieldFrom2030: 1, clientip: '192.0.2.1', 'http.host': 'x' }));
    expect(unmapped).toEqual(['NewFieldFrom2030', 'clientip', 'http.host']);
    expect(problems).toEqual([]);
  });
});

describe('options.fields', () => {
  const converted = (fields: string[], record: Record_ = BROWSER) => Object.keys(logpushRequest(record, { fields: new Set(fields) }).values).sort();

  it('reads only the Logpush fields that supply the fields asked for', () => {
    expect(converted(['http.host'])).toEqual(['http.host']);
    expect(converted(['ip.src.country'])).toEqual(['ip.geoip.country', 'ip.src.country']);
    expect(converted(['http.request.timestamp.msec'])).toEqual(['http.request.timestamp.msec', 'http.request.timestamp.sec']);
  });

  it('accepts alias names', () => {
    expect(converted(['cf.client.bot'])).toEqual(['cf.bot_management.verified_bot', 'cf.client.bot', 'cf.verified_bot_category']);
    expect(converted(['ip.geoip.asnum'])).toEqual(['ip.geoip.asnum', 'ip.src.asnum']);
  });

  it('skips URI work no field needs', () => {
    const fields = converted(['http.request.uri.path']);
    expect(fields).toEqual(['http.request.uri.path']);
    expect(converted(['http.request.uri.args.names'])).toEqual(['http.request.uri.args.names']);
    expect(converted(['raw.http.request.uri.path'])).toEqual(['raw.http.request.uri.path']);
    expect(converted(['http.host', 'cf.ray_id'], with_({ ClientRequestURI: 42 }))).toEqual(['cf.ray_id', 'http.host']);
  });

  it('builds header maps only when asked for', () => {
    expect(converted(['http.user_agent'])).toEqual(['http.user_agent']);
    // The dedicated fields that feed the map convert too ("other fields may still be present").
    expect(converted(['http.request.headers'])).toEqual(['http.host', 'http.referer', 'http.request.headers', 'http.user_agent']);
    expect(converted(['http.request.headers.names'])).toEqual(['http.host', 'http.referer', 'http.request.headers.names', 'http.user_agent']);
  });

  it('does not report problems of fields it does not read', () => {
    expect(logpushRequest(with_({ ClientASN: 'abc' }), { fields: new Set(['http.host']) }).problems).toEqual([]);
  });

  it('an empty set converts nothing but still lists unmapped keys', () => {
    const result = logpushRequest(with_({ Extra: 1 }), { fields: new Set() });
    expect(Object.keys(result.values)).toEqual([]);
    expect(result.unmapped).toEqual(['Extra']);
  });
});

describe('logpushSecurity', () => {
  it('reads the blocked request', () => {
    expect(logpushSecurity(RECORDS['sqli-blocked-rfc3339'])).toEqual({
      action: 'block',
      outcome: undefined,
      ruleId: 'a6f2b5c4d3e24f1aa9b8c7d6e5f4a3b2',
      actions: ['log', 'block'],
      outcomes: [undefined, undefined],
      ruleIds: ['1f2e3d4c5b6a47988a7b6c5d4e3f2a1b', 'a6f2b5c4d3e24f1aa9b8c7d6e5f4a3b2'],
      sources: ['firewallManaged', 'firewallCustom'],
      rayId: '87d4b1c2e3f4a5b8',
      problems: [],
    });
  });

  it('splits a solved challenge into action and outcome', () => {
    expect(logpushSecurity(RECORDS['challenge-solved-rfc3339ms'])).toMatchObject({ action: 'managed_challenge', outcome: 'solved', actions: ['managed_challenge'], outcomes: ['solved'] });
  });

  it('reads "" and "unknown" as no terminating action', () => {
    expect(logpushSecurity(RECORDS['api-unixnano-string'])).toMatchObject({ action: undefined, actions: ['log'], ruleIds: ['5e6f7a8b9c0d4e1f8a2b3c4d5e6f7a8b'] });
    expect(logpushSecurity(with_({ SecurityAction: 'unknown', SecurityActions: ['unknown'] }))).toMatchObject({ action: undefined, actions: ['unknown'] });
    expect(logpushSecurity(BROWSER)).toMatchObject({ action: undefined, actions: [], rayId: '87d4b1c2e3f4a5b6', problems: [] });
  });

  // [Logpush spelling, action, outcome]
  const spellings: [string, string, string | undefined][] = [
    ...LOGPUSH_SECURITY_ACTIONS.map((entry): [string, string, string | undefined] => [entry.logpush, entry.action, entry.outcome]),
    ['managed_challenge', 'managed_challenge', 'issued'],
    ['JSChallenge', 'js_challenge', 'issued'],
    ['js_challenge', 'js_challenge', 'issued'],
    ['BLOCK', 'block', undefined],
    ['teleport', 'unknown', undefined],
    ['x'.repeat(100), 'unknown', undefined],
  ];
  it.each(spellings)('%s → %s %s', (spelling, action, outcome) => {
    const normalized = normalizeLogpushAction(spelling);
    expect([normalized.action, normalized.outcome]).toEqual([action, outcome]);
    const security = logpushSecurity({ SecurityAction: spelling });
    expect([security.action, security.outcome]).toEqual([spelling === 'unknown' ? undefined : action, spelling === 'unknown' ? undefined : outcome]);
  });

  it('falls back to the last action that ended the request when SecurityAction is absent', () => {
    const record = { SecurityActions: ['log', 'managedChallengeBypassed', 'jschallenge', 'skip'], SecurityRuleIDs: ['r1', 'r2', 'r3', 'r4'], SecuritySources: ['a', 'b', 'c', 'd'] };
    expect(logpushSecurity(record)).toMatchObject({ action: 'js_challenge', outcome: 'issued', ruleId: 'r3' });
    expect(logpushSecurity({ SecurityActions: ['log', 'skip', 'challengeSolved'] })).toMatchObject({ action: undefined });
  });

  it('reads the pre-2023 FirewallMatches* fields', () => {
    const record = { FirewallMatchesActions: ['simulate', 'block'], FirewallMatchesRuleIDs: ['r1', 'r2'], FirewallMatchesSources: ['waf', 'firewallRules'] };
    expect(logpushSecurity(record)).toMatchObject({ action: 'block', ruleId: 'r2', actions: ['unknown', 'block'], sources: ['waf', 'firewallRules'] });
  });

  it('reports wrong types and misaligned lists, never throws', () => {
    expect(logpushSecurity({ SecurityActions: 'block', SecurityRuleIDs: [1], SecurityAction: 3 }).problems).toEqual([
      'SecurityActions: expected an array of strings, got "block"',
      'SecurityRuleIDs: expected an array of strings, got an array holding 1',
      'SecurityAction: expected a string, got 3',
    ]);
    expect(logpushSecurity({ SecurityActions: ['block', 'log'], SecurityRuleIDs: ['r1'] }).problems).toEqual([
      'SecurityActions, SecurityRuleIDs and SecuritySources differ in length (2, 1, 0)',
    ]);
    expect(logpushSecurity([]).problems).toEqual(['record: expected a JSON object, got an array']);
  });
});

describe('looksLikeLogpush', () => {
  const cases: [string, unknown, boolean][] = [
    ['a full record', BROWSER, true],
    ['the minimal job of the Logpush docs', { ClientIP: '192.0.2.1', EdgeStartTimestamp: 1714566896, RayID: '87d4b1c2e3f4a5b6' }, true],
    ['two Logpush fields', { ClientRequestHost: 'a.example', ClientRequestURI: '/' }, true],
    ['one Logpush field', { RayID: '87d4b1c2e3f4a5b6' }, false],
    ['Rules field names', { 'http.host': 'a.example', 'ip.src': '192.0.2.1' }, false],
    ['a replay line with values', { values: { 'http.host': 'a.example' }, ClientIP: '192.0.2.1', RayID: 'x' }, false],
    ['mixed with a Rules field', { ClientIP: '192.0.2.1', RayID: 'x', 'http.host': 'a.example' }, false],
    ['other capitalisation', { clientIP: '192.0.2.1', rayId: 'x', client_ip: '', ray_id: '' }, false],
    ['an empty object', {}, false],
    ['an array', [BROWSER], false],
    ['null', null, false],
    ['a string', 'ClientIP RayID', false],
    ['a number', 1, false],
  ];
  it.each(cases)('%s', (_, record, expected) => {
    expect(looksLikeLogpush(record)).toBe(expected);
  });
});

describe('hostile input', () => {
  const anything: unknown[] = [
    undefined,
    null,
    true,
    false,
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2n ** 70n,
    '',
    'x',
    '\u0000',
    '\ud800',
    [],
    [1, 'a', null],
    {},
    { a: 1 },
    Object.create(null) as object,
    Symbol('s'),
    () => 1,
    new Date(0),
    new Map([['a', '1']]),
    new Uint8Array([1, 2]),
  ];

  it.each(anything.map((v) => [v]))('record %s', (record) => {
    expect(() => logpushRequest(record)).not.toThrow();
    expect(() => logpushSecurity(record)).not.toThrow();
    expect(() => looksLikeLogpush(record)).not.toThrow();
    const isRecord = typeof record === 'object' && record !== null && !Array.isArray(record);
    if (!isRecord) expect(logpushRequest(record).problems).toHaveLength(1);
  });

  it('every JS type in every Logpush field', () => {
    // Failures are collected: ~2,600 conversions with an `expect` per value would be slow.
    const failures: string[] = [];
    for (const mapping of LOGPUSH_FIELD_MAP) {
      for (const value of anything) {
        const record = with_({ [mapping.logpush]: value });
        const where = `${mapping.logpush} = ${typeof value}`;
        try {
          const result = logpushRequest(record);
          for (const name of catalogueMismatches(result.values)) failures.push(`${where}: bad value for ${name}`);
          for (const problem of result.problems) if (!problem.startsWith(`${mapping.logpush}: `)) failures.push(`${where}: ${problem}`);
          logpushSecurity(record);
        } catch (error) {
          failures.push(`${where}: threw ${String(error)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('huge strings convert in linear time', () => {
    const big = 'a'.repeat(2_000_000);
    const record = with_({
      ClientRequestURI: `/${'x/'.repeat(200_000)}../${big}?${'a=1&'.repeat(100_000)}`,
      ClientRequestUserAgent: big,
      ClientIP: big,
      EdgeStartTimestamp: big,
      SecurityAction: big,
      RequestHeaders: { [big]: big },
      ClientRegionCode: '-'.repeat(100_000),
    });
    const started = performance.now();
    const { values, problems } = logpushRequest(record);
    logpushSecurity(record);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(values['http.request.uri.args.names']).toHaveLength(100_000);
    expect(values['ip.src']).toBeUndefined();
    expect(problems.every((p) => p.length < 200)).toBe(true);
  });

  it('prototype keys are ordinary keys and pollute nothing', () => {
    const record = JSON.parse(
      '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "ClientIP": "192.0.2.1", "RayID": "r",' +
        ' "RequestHeaders": {"__proto__": "p", "constructor": "c", "toString": "t"}, "Cookies": {"__proto__": "z", "hasOwnProperty": "h"},' +
        ' "ClientRequestURI": "/?__proto__=1&constructor=2&__proto__=3"}',
    ) as Record_;
    const { values, unmapped, problems } = logpushRequest(record);
    expect(problems).toEqual([]);
    expect(unmapped).toEqual(['__proto__', 'constructor']);
    const headers = values['http.request.headers'] as Record<string, string[]>;
    expect(headers['__proto__']).toEqual(['p']);
    expect(headers['constructor']).toEqual(['c']);
    expect(headers['tostring']).toEqual(['t']);
    expect((values['http.request.cookies'] as Record<string, string[]>)['__proto__']).toEqual(['z']);
    expect((values['http.request.uri.args'] as Record<string, string[]>)['__proto__']).toEqual(['1', '3']);
    // The values object is plain (fast for V8); its own keys are only catalogue field names.
    expect(Object.keys(values).every((key) => key.startsWith('http.') || key.startsWith('ip.') || key.startsWith('cf.') || key.startsWith('raw.') || key === 'ssl')).toBe(true);
    expect(Object.hasOwn(values, '__proto__')).toBe(false);
    expect(({} as Record_).polluted).toBeUndefined();
    expect(looksLikeLogpush(record)).toBe(true);
    // Inherited properties are never read as Logpush fields.
    const inherited = Object.create({ ClientIP: '192.0.2.9', RayID: 'r' }) as object;
    expect(Object.keys(logpushRequest(inherited).values)).toEqual([]);
    expect(looksLikeLogpush(inherited)).toBe(false);
  });

  it('getters that throw and proxies are reported, not thrown', () => {
    const trap = Object.defineProperty({ RayID: 'r' }, 'ClientIP', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(logpushRequest(trap).problems).toEqual(['record: could not be read (boom)']);
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('no keys'); } });
    expect(() => logpushRequest(proxy)).not.toThrow();
    expect(looksLikeLogpush(proxy)).toBe(false);
  });
});
