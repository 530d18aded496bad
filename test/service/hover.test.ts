/**
 * Hover over many cursor positions: each case is an expression with `|` at the cursor and
 * fragments the Markdown must contain.
 */
import { describe, expect, it } from 'vitest';
import { cloudflareScheme, Scheme } from '../../src/index.js';
import { LanguageService } from '../../src/service/index.js';
import { cursor } from './cursor.js';

const cloudflare = new LanguageService(cloudflareScheme());
const firewall = new LanguageService(cloudflareScheme(), { phase: 'http_request_firewall_custom' });
const noLists = new LanguageService(new Scheme({ fields: { 'ip.src': 'Ip' } }));

interface Case {
  text: string;
  service?: LanguageService;
  /** Fragments of the Markdown; `undefined` expects no hover. */
  contains?: string[];
  span?: [number, number];
}

const cases: Case[] = [
  // Fields: type, description, plan, deprecation.
  { text: 'http.re|quest.uri.path eq "/"', contains: ['http.request.uri.path: Bytes', 'URI path only'], span: [0, 21] },
  { text: '|http.host eq "a"', contains: ['http.host: Bytes', 'Host header'] },
  { text: 'http.host| eq "a"', contains: ['http.host: Bytes'], span: [0, 9] },
  { text: 'ip.geo|ip.country eq "FR"', contains: ['ip.geoip.country: Bytes', '**Deprecated:** use ip.src.country instead'] },
  { text: 'http.request.body.r|aw contains "x"', contains: ['Plan: Enterprise'] },
  { text: 'any(http.request.head|ers["a"][*] eq "b")', contains: ['Map<Array<Bytes>>'] },
  { text: 'http.req|uest eq 1', contains: ['namespace of', 'fields'] },
  { text: 'foo.b|ar eq 1' },
  // Functions: signature, docs, phases.
  { text: 'low|er(http.host) eq "a"', contains: ['lower(source: Bytes) -> Bytes', 'lowercase'], span: [0, 5] },
  { text: 'regex_rep|lace(http.host, "a", "b") eq "c"', contains: ['regex_replace(source: Bytes, regex: Bytes, replacement: Bytes) -> Bytes', '*Phases:*'] },
  { text: 'regex_rep|lace(http.host, "a", "b") eq "c"', service: firewall, contains: ['**Not available in `http_request_firewall_custom`.**'] },
  { text: 'substr|ing(http.host, 1) eq "a"', contains: ['`start` must be a literal'] },
  // Operators, by either spelling.
  { text: 'http.host e|q "a"', contains: ['**eq** (`==`)', 'equal', 'Left-hand side: `http.host` of type Bytes'], span: [10, 12] },
  { text: 'http.host |== "a"', contains: ['**eq** (`==`)'] },
  { text: 'http.host !|= "a"', contains: ['**ne**'] },
  { text: 'cf.edge.server_port |>= 8000', contains: ['**ge**', 'Int'] },
  { text: 'http.host co|ntains "a"', contains: ['**contains**', 'Bytes only'] },
  { text: 'http.request.uri.path ma|tches "^/a"', contains: ['**matches** (`~`)', 'regular expression'] },
  { text: 'http.request.uri.path |~ "^/a"', contains: ['**matches**'] },
  { text: 'http.host wild|card "*.a"', contains: ['**wildcard**', 'case-insensitive'] },
  { text: 'http.host stri|ct wildcard "*.a"', contains: ['**strict wildcard**', 'case-sensitive'], span: [10, 25] },
  { text: 'ip.src i|n {192.0.2.0/24}', contains: ['**in**', 'set', 'Left-hand side: `ip.src` of type Ip'] },
  { text: 'cf.edge.server_port bitwi|se_and 1', contains: ['**bitwise_and** (`&`)'] },
  { text: 'cf.edge.server_port |& 1', contains: ['**bitwise_and**'] },
  { text: 'ssl a|nd ssl', contains: ['**and** (`&&`)', 'logical and'] },
  { text: 'ssl |&& ssl', contains: ['**and**'] },
  { text: 'ssl o|r ssl', contains: ['**or** (`||`)'] },
  { text: 'ssl |xor ssl', contains: ['**xor** (`^^`)'] },
  { text: 'n|ot ssl', contains: ['**not** (`!`)'] },
  { text: '|!ssl', contains: ['**not**'] },
  { text: 'a|ny(http.request.headers.names[*] eq "a")', contains: ['**any**', 'at least one'] },
  { text: 'al|l(http.request.headers.names[*] eq "a")', contains: ['**all**'] },
  { text: 'any(http.request.headers.names[|*] eq "a")', contains: ['**[*]**', 'every element'] },
  { text: 'any(http.request.headers.names|[*] eq "a")', contains: ['**[*]**'] },
  { text: 't|rue', contains: ['always true'] },
  { text: 'ssl eq t|rue', contains: ['not a literal'] },
  // Lists.
  { text: 'ip.src in $cf.v|pn', contains: ['**$cf.vpn**', 'Ip list, 0 items'] },
  { text: 'ip.src in $off|ice', service: noLists, contains: ['No lists were given'] },
  { text: 'ip.src in $off|ice', contains: ['does not define'] },
  // Literals, read by the type of the left-hand side.
  { text: 'cf.edge.server_port eq 04|43', contains: ['octal 291'], span: [23, 27] },
  { text: 'cf.edge.server_port eq 0x1|F', contains: ['hexadecimal 31'] },
  { text: 'cf.edge.server_port eq 44|3', contains: ['decimal 443'] },
  { text: 'cf.edge.server_port eq -4|4', contains: ['decimal -44'] },
  { text: 'cf.edge.server_port eq 0|8', contains: ['**invalid**'] },
  { text: 'cf.edge.server_port in {80..|90 443}', contains: ['Int range 80 to 90'] },
  { text: 'cf.edge.server_port in {80 44|3}', contains: ['decimal 443'] },
  { text: 'ip.src eq 192.0.2.|1', contains: ['IPv4 address'] },
  { text: 'ip.src eq 2001:db8:0:0::|1', contains: ['IPv6 address 2001:db8::1'] },
  { text: 'ip.src in {192.0.2.0/2|4}', contains: ['IPv4 CIDR block /24: 256 addresses'] },
  { text: 'ip.src in {10.0.0.1..10.0.0.|9}', contains: ['IPv4 range 10.0.0.1 to 10.0.0.9'] },
  { text: 'ip.src eq 192.0.2.0/2|4', contains: ['**invalid**', 'only allowed inside sets'] },
  { text: 'http.host eq 6F:7|2:67', contains: ['3 bytes', '"org"'] },
  { text: 'http.host eq "a\\x41|"', contains: ['String, 2 bytes', '"aA"'] },
  { text: 'http.host eq r"a\\|b"', contains: ['Raw string (no escapes), 3 bytes'] },
  { text: 'http.host eq "a\\q|"', contains: ['**invalid-escape**'] },
  { text: 'http.request.uri.path matches "^/a\\.|b"', contains: ['Regular expression', '^/a\\.b'] },
  { text: 'http.request.uri.path matches r"^/x|"', contains: ['Regular expression', '^/x'] },
  { text: 'http.host wildcard "*.exa|mple.com"', contains: ['Wildcard pattern (case-insensitive'] },
  { text: 'http.request.headers.names[|0] eq "a"', contains: ['array index decimal 0'] },
  // Nothing to say.
  { text: 'ssl |' },
  { text: '|(ssl)' },
  { text: 'ssl and |' },
];

describe('hover', () => {
  it.each(cases)('$text', ({ text: marked, service, contains, span }) => {
    const { text, offset } = cursor(marked);
    const info = (service ?? cloudflare).hover(text, offset);
    if (contains === undefined) {
      expect(info).toBeUndefined();
      return;
    }
    expect(info, marked).toBeDefined();
    for (const fragment of contains) expect(info!.markdown).toContain(fragment);
    if (span) expect([info!.span.start, info!.span.end]).toEqual(span);
  });
});
