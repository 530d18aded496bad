// Where compile time goes (issue 22), and the fast parser's effect on it.
//
//   node --cpu-prof bench/compile-profile.mjs profile [ms]   compile loop over dist/index.js
//                                                            (run `npm run build` first)
//   node bench/compile-profile.mjs ab [compile|parse]       A/B, fast parser on/off, alternated
//                                                            in one process (bundles src/ with esbuild)
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const mode = process.argv[2] ?? 'ab';
let library;
if (mode === 'profile') library = await import('../dist/index.js');
else {
  const root = new URL('..', import.meta.url).pathname;
  const out = await build({
    stdin: {
      contents: "export * from './src/index.ts'; export { setFastParserEnabled } from './src/syntax/fast-parser.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    alias: { 'lodash-es': 'es-toolkit/compat' },
  });
  const code = out.outputFiles[0].text;
  library = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
}
const { cloudflareScheme, parseExpression, setFastParserEnabled } = library;

const ruleset = JSON.parse(readFileSync(new URL('../examples/ruleset.json', import.meta.url), 'utf8'));
const lists = JSON.parse(readFileSync(new URL('../examples/lists.json', import.meta.url), 'utf8'));
const scheme = cloudflareScheme({ lists });
const rules = ruleset.rules.map((r) => r.expression);
const AND_OR_10 =
  '(http.host eq "www.example.com" or http.host eq "api.example.com") and http.request.method in {"GET" "POST"} and not http.request.uri.path contains "/admin" and ip.src.country ne "KP" and cf.bot_management.score gt 20 and (ssl or http.request.uri.path eq "/health") and http.request.version in {"HTTP/1.1" "HTTP/2"} and not cf.client.bot and ip.src.asnum ne 64512';
const IP_SET = 'ip.src in {192.0.2.0/24 198.51.100.1 2001:db8::/32}';
const HOST = 'http.host eq "a"';


function time(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0) / n / 1000; // µs
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

if (mode === 'profile') {
  const end = Date.now() + Number(process.argv[3] ?? 8000);
  let n = 0;
  while (Date.now() < end) {
    for (const r of rules) scheme.compile(r);
    for (let i = 0; i < 5; i++) scheme.compile(AND_OR_10);
    n++;
  }
  console.log('rounds', n);
} else {
  const setFast = (on) => setFastParserEnabled(on);
  const cases = {
    'rules (median per rule)': null,
    'and-or-10': AND_OR_10,
    'ip-set': IP_SET,
    'host-eq': HOST,
  };
  const what = process.argv[3] ?? 'compile';
  const op = what === 'parse' ? (e) => parseExpression(e) : (e) => scheme.compile(e);
  const results = {};
  for (const variant of ['old', 'fast']) results[variant] = {};
  for (let round = 0; round < 15; round++) {
    for (const variant of round % 2 ? ['fast', 'old'] : ['old', 'fast']) {
      setFast(variant === 'fast');
      for (const [name, expr] of Object.entries(cases)) {
        let us;
        if (expr === null) {
          const per = rules.map((r) => time(() => op(r), 200));
          us = median(per);
        } else us = time(() => op(expr), 500);
        (results[variant][name] ??= []).push(us);
      }
    }
  }
  for (const name of Object.keys(cases)) {
    console.log(`${what} ${name.padEnd(26)} old ${median(results.old[name]).toFixed(2).padStart(8)} µs   fast ${median(results.fast[name]).toFixed(2).padStart(8)} µs`);
  }
}
