// The firewall middleware's costs, on this machine (a benchmark, not a test):
//   1. added latency on allowed requests: the same Express app with and without the firewall
//      (examples/ruleset.json, 22 rules), loaded with autocannon over loopback;
//   2. server-side cost of checking one challenge solution (signature, claims, proof of work);
//   3. proof-of-work solve time in headless Chromium at the default difficulty (the real page
//      and script, end to end), when /usr/bin/chromium exists.
// Run: npm run bench:middleware   (builds first; uses dist/)
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import autocannon from 'autocannon';
import express from 'express';
import { cloudflareScheme, Ruleset } from 'wirefilter-ts';
import { createFirewall } from 'wirefilter-ts/middleware';

const read = (name) => JSON.parse(readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8'));
const ruleset = new Ruleset(cloudflareScheme({ lists: read('lists.json') }), read('ruleset.json'));
const SECRET = 'benchmark secret, at least thirty-two bytes long';
const HEADERS = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130', accept: 'text/html', host: 'www.example.com' };
const DURATION = Number(process.env.DURATION ?? 8);

async function server(withFirewall) {
  const app = express();
  if (withFirewall) {
    // Facts a real deployment would supply: the connection is TLS at the proxy, a human score.
    const firewall = createFirewall({ ruleset, secret: SECRET, facts: () => ({ ssl: true, botScore: 90, tlsVersion: 'TLSv1.3' }) });
    app.use((req, res, next) => firewall.node(req, res, next));
  }
  app.get('/products/:id', (req, res) => res.json({ id: req.params.id, name: 'shoe', price: 42 }));
  const s = http.createServer(app).listen(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

async function load(s) {
  const { port } = s.address();
  const result = await autocannon({ url: `http://127.0.0.1:${port}/products/7?colour=red`, connections: 10, duration: DURATION, headers: HEADERS });
  if (result.non2xx > 0) throw new Error(`${result.non2xx} requests were not allowed: the benchmark must measure allowed requests`);
  return result;
}

const lines = [];
const plain = await server(false);
const guarded = await server(true);
await load(plain); // warm-up of both
await load(guarded);
const rounds = [];
for (let i = 0; i < 2; i++) rounds.push([await load(plain), await load(guarded)]);
plain.close();
guarded.close();
const best = (k) => rounds.map((r) => r[k]).reduce((a, b) => (a.latency.p50 <= b.latency.p50 && a.requests.average >= b.requests.average ? a : b));
const [p, g] = [best(0), best(1)];
lines.push(['allowed request, p50 latency', `${p.latency.p50} ms → ${g.latency.p50} ms`]);
lines.push(['allowed request, mean latency', `${p.latency.mean.toFixed(3)} ms → ${g.latency.mean.toFixed(3)} ms (+${(((g.latency.mean - p.latency.mean) / p.latency.mean) * 100).toFixed(1)} %)`]);
lines.push(['throughput (req/s, 10 connections)', `${Math.round(p.requests.average)} → ${Math.round(g.requests.average)} (${((g.requests.average / p.requests.average) * 100).toFixed(1)} %)`]);

// 2. Server cost of checking one solution, through the public Fetch adapter: form parsing,
//    signature, claims, binding, proof of work, replay cache, clearance cookie. Challenges are
//    fetched and solved beforehand (node:crypto solver); only the POST is timed.
{
  const { createHash } = await import('node:crypto');
  const solve = (token, difficulty) => {
    for (let n = 0; ; n++) {
      const digest = createHash('sha256').update(`${token}:${n}`).digest();
      let bits = 0;
      for (const byte of digest) {
        if (byte === 0) { bits += 8; continue; }
        bits += Math.clz32(byte) - 24;
        break;
      }
      if (bits >= difficulty) return String(n);
    }
  };
  const firewall = createFirewall({ ruleset: new Ruleset(cloudflareScheme(), [{ ref: 'js', expression: 'true', action: 'js_challenge' }]), secret: SECRET });
  const solutions = [];
  for (let i = 0; i < 300; i++) {
    const page = await (await firewall.handle(new Request(`http://bench.test/p${i}`, { headers: HEADERS }), { clientIp: '192.0.2.1' })).text();
    const token = /name="token" value="([^"]+)"/.exec(page)[1];
    const difficulty = Number(/data-difficulty="(\d+)"/.exec(page)[1]);
    solutions.push(new URLSearchParams({ token, solution: solve(token, difficulty) }).toString());
  }
  const times = [];
  for (const body of solutions) {
    const request = new Request('http://bench.test/.wirefilter/solve', { method: 'POST', body, headers: { ...HEADERS, 'content-type': 'application/x-www-form-urlencoded' } });
    const start = performance.now();
    const answer = await firewall.handle(request, { clientIp: '192.0.2.1' });
    times.push(performance.now() - start);
    if (answer?.status !== 303) throw new Error(`a valid solution was refused (${answer?.status})`);
  }
  times.sort((a, b) => a - b);
  lines.push(['checking one solution (server)', `p50 ${(times[150] * 1000).toFixed(0)} µs, p90 ${(times[270] * 1000).toFixed(0)} µs (300 solutions)`]);
}

// 3. Solve time in Chromium.
if (existsSync('/usr/bin/chromium')) {
  const { chromium } = await import('playwright-core');
  const firewall = createFirewall({ ruleset: new Ruleset(cloudflareScheme(), [{ ref: 'js', expression: 'true', action: 'js_challenge' }]), secret: SECRET });
  const s = http.createServer((req, res) => firewall.node(req, res, () => res.end('landed')));
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const times = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const start = performance.now();
    await page.goto(`http://127.0.0.1:${s.address().port}/page-${i}`);
    await page.waitForURL(`**/page-${i}`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.textContent === 'landed', undefined, { timeout: 60_000 });
    times.push(performance.now() - start);
    await context.close();
  }
  await browser.close();
  s.close();
  times.sort((a, b) => a - b);
  lines.push([`PoW solve + redirect in Chromium (default difficulty ${firewall.settings.difficulty ?? 'default'})`, `median ${(times[2] / 1000).toFixed(2)} s (min ${(times[0] / 1000).toFixed(2)}, max ${(times[4] / 1000).toFixed(2)})`]);
} else {
  lines.push(['PoW solve in Chromium', 'skipped: /usr/bin/chromium is absent']);
}

const width = Math.max(...lines.map(([k]) => k.length));
for (const [k, v] of lines) console.log(`${k.padEnd(width)}  ${v}`);
