// Rule indexing (issue 22): the cost of a request that matches no rule, in rulesets of 1,000
// and 10,000 rules of realistic shapes (per-host, per-IP-range and path-prefix rules, plus 5 %
// rules with no literal test), with and without the index; the hand-written loop over the
// same compiled filters (the floor without an index); and the index's build time against the
// ruleset's compile time. A benchmark, not a test: alternated rounds in one process, medians.
// Run: npm run bench:index   (builds first; uses dist/)
import { readFileSync } from 'node:fs';
import { transform } from 'esbuild';
import { cloudflareScheme, Ruleset } from 'wirefilter-ts';

// The rule shapes and requests are those of the suite's `ruleset-index-*` cases: one
// TypeScript module (no imports of its own), stripped of its types here.
const shared = await transform(readFileSync(new URL('./index-rules.ts', import.meta.url), 'utf8'), { loader: 'ts', format: 'esm' });
const { indexRules, INDEX_MATCHING_REQUESTS, INDEX_NO_MATCH_REQUESTS: REQUESTS } = await import(`data:text/javascript;base64,${Buffer.from(shared.code).toString('base64')}`);

const scheme = cloudflareScheme();
const ROUNDS = Number(process.env.ROUNDS ?? 7);

const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];

/** µs per call of `fn(request)` over the requests, `n` calls. */
function perCall(fn, n) {
  const t = performance.now();
  for (let i = 0; i < n; i++) fn(REQUESTS[i & 3]);
  return ((performance.now() - t) * 1000) / n;
}

const lines = [];
const results = {};
for (const size of [1_000, 10_000]) {
  const rules = indexRules(size);
  // Build times, alternated (the first of each is a warm-up).
  const compile = [];
  const indexed = [];
  // A collection before each timing (node --expose-gc, as `npm run bench:index` runs it), so
  // that one build does not pay for the garbage of the one before.
  for (let r = 0; r < 8; r++) {
    globalThis.gc?.();
    let t = performance.now();
    new Ruleset(scheme, rules, { index: false });
    compile.push(performance.now() - t);
    globalThis.gc?.();
    t = performance.now();
    new Ruleset(scheme, rules, { index: true });
    indexed.push(performance.now() - t);
  }
  const compileMs = median(compile.slice(1));
  const buildMs = Math.max(0, median(indexed.slice(1)) - compileMs);
  const plain = new Ruleset(scheme, rules, { index: false });
  const fast = new Ruleset(scheme, rules, { index: true });
  const filters = rules.map((r) => scheme.compile(r.expression, { phase: 'http_request_firewall_custom' }));
  for (const request of REQUESTS) {
    const a = plain.evaluate(request);
    const b = fast.evaluate(request);
    if (a.action !== 'allow' || JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`the requests must match nothing, alike: ${JSON.stringify([a, b])}`);
  }
  for (const { rule, values } of INDEX_MATCHING_REQUESTS) {
    const a = plain.evaluate(values);
    const b = fast.evaluate(values);
    if (a.ruleId !== `r${rule}` || JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`rule ${rule} must decide, alike: ${JSON.stringify([a, b])}`);
  }
  const loop = (request) => {
    const context = scheme.context(request);
    for (let i = 0; i < filters.length; i++) if (filters[i].execute(context)) return i;
    return -1;
  };
  const nPlain = size >= 10_000 ? 400 : 4_000;
  const nFast = size >= 10_000 ? 40_000 : 100_000;
  const m = { plain: [], loop: [], index: [] };
  perCall((q) => plain.evaluate(q), nPlain / 4);
  perCall(loop, nPlain / 4);
  perCall((q) => fast.evaluate(q), nFast / 4);
  for (let r = 0; r < ROUNDS; r++) {
    m.plain.push(perCall((q) => plain.evaluate(q), nPlain));
    m.loop.push(perCall(loop, nPlain));
    m.index.push(perCall((q) => fast.evaluate(q), nFast));
  }
  const res = { plain: median(m.plain), loop: median(m.loop), index: median(m.index), compileMs, buildMs };
  results[size] = res;
  const label = size.toLocaleString('en-US');
  lines.push([`${label} rules, no match, without index`, `${res.plain.toFixed(1)} µs/request`]);
  lines.push([`${label} rules, no match, hand-written loop`, `${res.loop.toFixed(1)} µs/request`]);
  lines.push([`${label} rules, no match, with index`, `${res.index.toFixed(2)} µs/request (${(res.plain / res.index).toFixed(0)}× faster)`]);
  lines.push([`${label} rules, compile / index build`, `${compileMs.toFixed(0)} ms / ${buildMs.toFixed(1)} ms (${((buildMs / compileMs) * 100).toFixed(1)} %)`]);
}

const width = Math.max(...lines.map(([k]) => k.length));
for (const [k, v] of lines) console.log(`${k.padEnd(width)}  ${v}`);
const verdict = (ok, text) => console.log(`${ok ? 'PASS' : 'MISS'}  ${text}`);
verdict(results[10_000].index <= 150, `10,000 rules without a match ≤ 150 µs: ${results[10_000].index.toFixed(2)} µs`);
verdict(results[1_000].index <= 20, `1,000 rules without a match ≤ 20 µs: ${results[1_000].index.toFixed(2)} µs`);
const ratio = Math.max(results[1_000].buildMs / results[1_000].compileMs, results[10_000].buildMs / results[10_000].compileMs);
verdict(ratio <= 0.5, `index build ≤ 50 % of compile time: ${(ratio * 100).toFixed(1)} % (worst of both sizes)`);
