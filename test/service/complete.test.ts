/**
 * Completion over many cursor positions: each case is an expression with `|` at the
 * cursor and the labels that must (and must not) be proposed.
 */
import { describe, expect, it } from 'vitest';
import { cloudflareScheme, Scheme } from '../../src/index.js';
import { LanguageService } from '../../src/service/index.js';
import { cursor } from './cursor.js';

const cloudflare = new LanguageService(cloudflareScheme());
const custom = new LanguageService(
  new Scheme({
    fields: { 'ip.src': 'Ip', asn: 'Int', host: 'Bytes', flags: 'Array<Int>' },
    lists: {
      office: { type: 'Ip', items: ['192.0.2.0/24'] },
      asns: { type: 'Int', items: [64500] },
      hosts: { type: 'Bytes', items: ['*.example.com'] },
    },
  }),
);
const firewall = new LanguageService(cloudflareScheme(), { phase: 'http_request_firewall_custom' });

interface Case {
  text: string;
  service?: LanguageService;
  expect: {
    includes?: string[];
    excludes?: string[];
    /** No proposals at all. */
    empty?: boolean;
    /** The span the items replace. */
    span?: [number, number];
    /** Expected insert text by label. */
    insert?: Record<string, string>;
  };
}

const VALUE_START = ['http.', 'ip.', 'cf.', 'raw.', 'ssl', 'lower', 'any(…)', 'all(…)', 'not'];
const BYTES_OPERATORS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'contains', 'matches', 'wildcard', 'strict wildcard', 'in'];
const LOGICAL = ['and', 'or', 'xor', '&&', '||', '^^'];

const cases: Case[] = [
  // Where a value starts: namespaces, top-level fields, functions, keywords.
  { text: '|', expect: { includes: [...VALUE_START, 'true', 'http.host', 'ip.src', 'http.request.uri.path'], excludes: ['eq', 'and'], span: [0, 0] } },
  { text: 'h|', expect: { includes: VALUE_START, span: [0, 1] } },
  { text: '  |', expect: { includes: VALUE_START } },
  { text: 'http.host eq "a" and |', expect: { includes: VALUE_START, excludes: ['and', 'eq', 'true'] } },
  { text: 'http.host eq "a" && |', expect: { includes: VALUE_START } },
  { text: 'not |', expect: { includes: VALUE_START } },
  { text: '!|', expect: { includes: VALUE_START } },
  { text: 'http.host eq "a" or (|', expect: { includes: VALUE_START } },
  { text: 'http.host eq "a" or (ssl and |)', expect: { includes: VALUE_START } },
  // Dotted prefixes narrow the list to one namespace, one segment at a time.
  { text: 'http.|', expect: { includes: ['http.host', 'http.request.', 'http.user_agent', 'http.request.method'], excludes: ['ip.src', 'lower', 'not', 'ip.', 'raw.http.request.uri'], span: [0, 5] } },
  { text: 'http.request.|', expect: { includes: ['http.request.method', 'http.request.uri', 'http.request.uri.', 'http.request.headers', 'http.request.uri.path'], excludes: ['http.host', 'http.', 'http.request.', 'lower', 'ip.src'], span: [0, 13] } },
  { text: 'http.request.uri.pa|', expect: { includes: ['http.request.uri.path', 'http.request.uri.query', 'http.request.uri.args', 'http.request.uri.path.extension'], excludes: ['http.request.method'], span: [0, 19] } },
  { text: 'http.request.uri.pa|th eq "/"', expect: { includes: ['http.request.uri.path'], span: [0, 21] } },
  { text: 'http.host|', expect: { includes: ['http.host', 'http.request.'], span: [0, 9] } },
  { text: 'ip.src.|', expect: { includes: ['ip.src.country', 'ip.src.asnum'], excludes: ['ip.src'] } },
  { text: 'ssl and ip.|', expect: { includes: ['ip.src', 'ip.src.'], span: [8, 11] } },
  { text: 'x.y.|', expect: { empty: true } },
  // Snippets for arrays and maps.
  { text: 'http.request.headers.|', expect: { includes: ['http.request.headers.names', 'any(http.request.headers.names[*] …)', 'all(http.request.headers.names[*] …)'] } },
  {
    text: 'http.request.|',
    expect: { insert: { 'any(http.request.headers["…"][*] …)': 'any(http.request.headers["${1:user-agent}"][*] ${2:eq} ${3:value})$0' } },
  },
  { text: 'any(|', expect: { includes: ['http.', 'lower'], excludes: ['any(…)', 'not'] } },
  { text: 'any(http.request.headers.|', expect: { includes: ['http.request.headers.names[*]', 'http.request.headers.names'], excludes: ['any(http.request.headers.names[*] …)'] } },
  // Functions insert a call with parameter placeholders.
  { text: 'low|', expect: { includes: ['lower'], insert: { lower: 'lower(${1:source})$0', substring: 'substring(${1:source}, ${2:start})$0' } } },
  { text: 'lowe|(http.host) eq "a"', expect: { includes: ['lower'], insert: { lower: 'lower' }, span: [0, 4] } },
  { text: 'lower(|', expect: { includes: ['http.', 'lower'], excludes: ['not', 'eq', 'true'] } },
  { text: 'lower(http.|', expect: { includes: ['http.host'], excludes: ['lower'] } },
  { text: 'substring(http.host, |', expect: { empty: true } },
  // Phase restrictions remove functions.
  { text: '|', service: firewall, expect: { includes: ['lower', 'cidr'], excludes: ['regex_replace', 'wildcard_replace', 'to_string'] } },
  { text: '|', expect: { includes: ['regex_replace', 'to_string'] } },
  // After a value: the operators its type takes.
  { text: 'http.host |', expect: { includes: [...BYTES_OPERATORS, '==', '~'], excludes: ['bitwise_and', '&', 'and', 'http.'] } },
  { text: 'http.host e|', expect: { includes: ['eq'], span: [10, 11] } },
  { text: 'http.host con|', expect: { includes: ['contains'], span: [10, 13] } },
  { text: 'ip.src |', expect: { includes: ['eq', 'ne', 'lt', 'in', '=='], excludes: ['contains', 'matches', 'wildcard', 'bitwise_and', 'and'] } },
  { text: 'cf.edge.server_port |', expect: { includes: ['eq', 'ne', 'lt', 'ge', 'in', 'bitwise_and', '&'], excludes: ['contains', 'matches', 'wildcard', 'strict wildcard'] } },
  { text: 'ssl |', expect: { includes: LOGICAL, excludes: ['eq', 'ne', 'contains', 'in'] } },
  { text: 'not cf.client.bot |', expect: { includes: LOGICAL, excludes: ['eq'] } },
  { text: 'lower(http.host) |', expect: { includes: BYTES_OPERATORS } },
  { text: 'lower(http.host)|', expect: { includes: ['eq'], insert: { eq: ' eq', contains: ' contains' } } },
  { text: 'len(http.host) |', expect: { includes: ['eq', 'bitwise_and'], excludes: ['contains'] } },
  { text: 'concat(http.host, "a") |', expect: { includes: ['contains'] } },
  { text: 'starts_with(http.host, "a") |', expect: { includes: LOGICAL, excludes: ['eq'] } },
  { text: 'http.request.headers["accept"][0] |', expect: { includes: BYTES_OPERATORS } },
  { text: 'http.request.headers.names[*] |', expect: { includes: ['eq', 'contains'] } },
  { text: 'http.request.headers |', expect: { empty: true } },
  { text: 'a.b.c |', expect: { includes: [...BYTES_OPERATORS, 'bitwise_and'] } },
  // After a complete condition: logical operators.
  { text: 'http.host eq "a" |', expect: { includes: LOGICAL, excludes: ['eq', 'http.', 'not'] } },
  { text: 'http.host eq "a"|', expect: { includes: ['and'], insert: { and: ' and' } } },
  { text: 'http.host eq "a" a|', expect: { includes: ['and'], span: [17, 18] } },
  { text: 'cf.edge.server_port eq 443 |', expect: { includes: LOGICAL } },
  { text: 'ip.src in {10.0.0.0/8} |', expect: { includes: LOGICAL } },
  { text: 'ip.src in $cf.vpn |', expect: { includes: LOGICAL } },
  { text: '(ssl or http.host eq "a") |', expect: { includes: LOGICAL } },
  { text: 'any(http.request.headers.names[*] eq "a") |', expect: { includes: LOGICAL } },
  { text: 'true |', expect: { includes: LOGICAL } },
  // After `in`: a set, a list reference, lists of the right type.
  { text: 'ip.src in |', expect: { includes: ['{', '$', '$cf.open_proxies', '$cf.vpn'], excludes: ['http.'] } },
  { text: 'ip.src in $|', expect: { includes: ['$cf.open_proxies', '$cf.anonymizer'], span: [10, 11] } },
  { text: 'ip.src in $cf.o|', expect: { includes: ['$cf.open_proxies'], span: [10, 15] } },
  { text: 'ip.src in |', service: custom, expect: { includes: ['$office'], excludes: ['$asns', '$hosts'] } },
  { text: 'asn in $|', service: custom, expect: { includes: ['$asns'], excludes: ['$office', '$hosts'] } },
  { text: 'host in $h|', service: custom, expect: { includes: ['$hosts'], excludes: ['$asns'] } },
  { text: 'flags[*] in $|', service: custom, expect: { includes: ['$asns'], excludes: ['$office'] } },
  { text: 'flags |', service: custom, expect: { empty: true } },
  { text: 'asn |', service: custom, expect: { includes: ['bitwise_and', '&'], excludes: ['contains'] } },
  // Right-hand values known for a few fields.
  { text: 'http.request.method eq |', expect: { includes: ['"GET"', '"POST"'] } },
  { text: 'http.request.method in {"GET" |', expect: { includes: ['"POST"'], insert: { '"POST"': '"POST"' } } },
  { text: 'http.request.method in {|', expect: { includes: ['"GET"'], insert: { '"GET"': '"GET"' } } },
  { text: 'http.request.method eq|"', expect: { includes: ['eq'] } },
  { text: 'http.request.method eq "|"', expect: { includes: ['GET', 'POST'], span: [24, 24] } },
  { text: 'http.request.method eq "PO|', expect: { includes: ['POST'], span: [24, 26], insert: { POST: 'POST"' } } },
  { text: 'http.host matches |', expect: { empty: true } },
  { text: 'ip.src in {10.0.0.1 |', expect: { empty: true } },
  // Header names inside `http.request.headers["…"]`.
  { text: 'http.request.headers["|"]', expect: { includes: ['user-agent', 'accept', 'x-forwarded-for'], span: [22, 22] } },
  { text: 'http.request.headers["us|er"]', expect: { includes: ['user-agent'], span: [22, 26], insert: { 'user-agent': 'user-agent' } } },
  { text: 'http.request.headers["us|', expect: { includes: ['user-agent'], insert: { 'user-agent': 'user-agent"' } } },
  { text: 'any(http.request.headers["|"][*] contains "x")', expect: { includes: ['accept'] } },
  { text: 'http.response.headers["|"]', expect: { includes: ['set-cookie'], excludes: ['user-agent'] } },
  { text: 'http.request.headers[|', expect: { includes: ['"user-agent"', '*'] } },
  { text: 'http.request.uri.args[|', expect: { includes: ['*'], excludes: ['"user-agent"'] } },
  { text: 'http.request.headers.names[|', expect: { includes: ['*', '0'] } },
  { text: 'http.request.uri.args["|"]', expect: { empty: true } },
  // Inside literals: nothing (least of all field names).
  { text: 'http.host eq "htt|p"', expect: { empty: true } },
  { text: 'http.host eq "http.|"', expect: { empty: true } },
  { text: 'http.host eq r"ip.|"', expect: { empty: true } },
  { text: 'http.request.uri.path matches "^/a|"', expect: { empty: true } },
  { text: 'cf.edge.server_port eq 44|3', expect: { empty: true } },
  { text: 'ip.src eq 10.0.|', expect: { empty: true } },
  // Broken text around the cursor.
  { text: 'http.host eq "a" and | or ssl', expect: { includes: VALUE_START } },
  { text: 'http.host eq "a" and (ip.src |', expect: { includes: ['in'], excludes: ['contains'] } },
  { text: 'http.host eq and |', expect: { includes: VALUE_START } },
  { text: 'ip.src in {10.0.0.1} and http.request.|uri', expect: { includes: ['http.request.uri.'], span: [25, 41] } },
];

describe('complete', () => {
  it.each(cases)('$text', ({ text: marked, service, expect: expected }) => {
    const { text, offset } = cursor(marked);
    const list = (service ?? cloudflare).complete(text, offset);
    const labels = list.items.map((i) => i.label);
    if (expected.empty) expect(labels).toEqual([]);
    for (const label of expected.includes ?? []) expect(labels, `${label} in ${marked}`).toContain(label);
    for (const label of expected.excludes ?? []) expect(labels, `${label} not in ${marked}`).not.toContain(label);
    if (expected.span) expect([list.span.start, list.span.end]).toEqual(expected.span);
    for (const [label, insert] of Object.entries(expected.insert ?? {})) {
      expect(list.items.find((i) => i.label === label)?.insertText, label).toBe(insert);
    }
  });

  it('describes fields with type, documentation and deprecation', () => {
    const items = cloudflare.complete('ip.geoip.', 9).items;
    const country = items.find((i) => i.label === 'ip.geoip.country')!;
    expect(country).toMatchObject({ kind: 'field', deprecated: true, insertText: 'ip.geoip.country' });
    expect(country.documentation).toContain('ip.src.country');
    const host = cloudflare.complete('http.', 5).items.find((i) => i.label === 'http.host')!;
    expect(host).toMatchObject({ kind: 'field', detail: 'Bytes' });
    expect(host.sortText! < country.sortText!).toBe(true);
  });

  it('lists direct children before deeper fields', () => {
    const items = cloudflare.complete('http.request.', 13).items;
    const sort = (label: string): string => items.find((i) => i.label === label)!.sortText!;
    expect(sort('http.request.uri') < sort('http.request.uri.path')).toBe(true);
    expect(sort('http.request.uri.') < sort('http.request.uri.path')).toBe(true);
    expect(sort('http.request.method') < sort('http.request.uri.args.names')).toBe(true);
  });

  it('marks namespaces for a new completion and functions as snippets', () => {
    const items = cloudflare.complete('http.', 5).items;
    expect(items.find((i) => i.label === 'http.request.')).toMatchObject({ retrigger: true, insertText: 'http.request.' });
    const lower = cloudflare.complete('', 0).items.find((i) => i.label === 'lower')!;
    expect(lower).toMatchObject({ kind: 'function', isSnippet: true, detail: 'lower(source: Bytes) -> Bytes' });
  });

  it('sorts fields of the parameter type first inside a call', () => {
    const items = cloudflare.complete('lower(http.request.', 19).items;
    const method = items.find((i) => i.label === 'http.request.method')!;
    const headers = items.find((i) => i.label === 'http.request.headers')!;
    expect(method.sortText! < headers.sortText!).toBe(true);
  });

  it('clamps offsets outside the text', () => {
    expect(cloudflare.complete('ssl ', 99).items.map((i) => i.label)).toContain('and');
    expect(cloudflare.complete('ssl', -4).span).toEqual({ start: 0, end: 0 });
  });
});
