// An Express app protected by the example ruleset (examples/ruleset.json): `npm run example:server`,
// then open http://127.0.0.1:3000/ — plain HTTP trips the rule "js_challenge: not ssl", so the
// browser solves the JavaScript challenge once and keeps its clearance for 30 minutes;
// http://127.0.0.1:3000/admin is blocked. What only your infrastructure knows (country, ASN, bot
// score) comes from `facts`; this demo reads it from x-demo-* headers so you can try the rules:
//   curl -i -H 'x-demo-country: KP' http://127.0.0.1:3000/
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express from 'express';
import { cloudflareScheme, Ruleset } from 'wirefilter-ts';
import { createFirewall } from 'wirefilter-ts/middleware';

const read = (name) => JSON.parse(readFileSync(new URL(`../${name}`, import.meta.url), 'utf8'));
const scheme = cloudflareScheme({ lists: read('lists.json') });
const ruleset = new Ruleset(scheme, read('ruleset.json'));

const secret = process.env.FIREWALL_SECRET ?? randomBytes(32).toString('base64url');
if (process.env.FIREWALL_SECRET === undefined) console.warn('FIREWALL_SECRET is not set: using a random secret (clearance ends when the server restarts).');

const firewall = createFirewall({
  ruleset,
  secret,
  facts: (request) => {
    const number = (name) => (request.header(name) === null ? undefined : Number(request.header(name)));
    return {
      ...(request.header('x-demo-country') !== null && { country: request.header('x-demo-country').toUpperCase() }),
      ...(number('x-demo-asn') !== undefined && { asn: number('x-demo-asn') }),
      ...(number('x-demo-bot-score') !== undefined && { botScore: number('x-demo-bot-score') }),
    };
  },
  onEvent: (event) => {
    if (event.outcome !== 'passed') console.log(`${event.rayId} ${event.outcome.padEnd(10)} ${event.action.padEnd(17)} ${event.ruleId ?? '-'} ${event.method} ${event.url}`);
  },
});

const app = express();
app.use((req, res, next) => firewall.node(req, res, next));
app.get('/', (req, res) => res.type('html').send('<!doctype html><title>Protected</title><h1>Welcome</h1><p>You passed the firewall.</p>'));
app.all('/{*rest}', (req, res) => res.json({ path: req.path, method: req.method }));

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`Protected app on http://127.0.0.1:${port}/ (${ruleset.size} rules)`));
