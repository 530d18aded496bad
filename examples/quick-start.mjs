// The README's main job until the CLI exists: compile a few rules with the built package and
// evaluate them against the example requests in examples/requests.json.
import { readFileSync } from 'node:fs';
import { Scheme, WirefilterError } from '../dist/index.js';

const scheme = new Scheme({
  fields: {
    'http.host': 'Bytes',
    'http.request.method': 'Bytes',
    'http.request.uri.path': 'Bytes',
    'http.user_agent': 'Bytes',
    'http.request.headers': 'Map<Array<Bytes>>',
    'ip.src': 'Ip',
    'ip.src.country': 'Bytes',
    'cf.client.bot': 'Bool',
    ssl: 'Bool',
  },
  lists: { office: { type: 'Ip', items: ['192.0.2.0/24', '2001:db8:ffff::/48'] } },
});

const rules = {
  'admin login from outside': 'http.request.uri.path in {"/wp-login.php" "/xmlrpc.php"} and not ip.src in $office',
  'scripted clients': 'http.user_agent matches r"(?i)^(curl|python-requests|wget)/" and not cf.client.bot',
  'dotfiles': 'http.request.uri.path wildcard "/.*"',
  'plain http': 'not ssl',
  'apex host, any case': 'lower(http.host) eq "example.com"',
};

const requests = JSON.parse(readFileSync(new URL('./requests.json', import.meta.url), 'utf8'));
const filters = Object.entries(rules).map(([name, expression]) => [name, scheme.compile(expression)]);
const context = (values) => scheme.context(values);

for (const { label, values } of requests) {
  const ctx = context(values);
  const matched = filters.filter(([, filter]) => filter.execute(ctx)).map(([name]) => name);
  console.log(`${label.padEnd(28)} → ${matched.length ? matched.join(', ') : 'no rule matched'}`);
}

// Mistakes are reported Cloudflare-style, every one at once.
try {
  scheme.compile('http.host eq "a" and ip.src in {10.0.0.1/8} or http.user_agnet contains "x"');
} catch (error) {
  if (!(error instanceof WirefilterError)) throw error;
  console.log(`\n${error.message}`);
}
