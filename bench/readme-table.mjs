// Renders the README's performance tables from one results file of `npm run bench`, so that
// the README shows one run, not numbers copied by hand.
//
//   node bench/readme-table.mjs [bench/results/<file>.json]   (default: the newest full run)
//
// Prints Markdown: the per-case p50 table, the ruleset tables and the issue-22 targets. Rows a
// results file lacks (an older run, or a filtered one) show as `—` / `not run`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('./results/', import.meta.url).pathname;
const file =
  process.argv[2] ??
  join(
    dir,
    readdirSync(dir)
      .filter((name) => /^\d{4}-\d\d-\d\dT.*\.json$/.test(name) && !name.includes('-local'))
      .sort()
      .at(-1),
  );
const run = JSON.parse(readFileSync(file, 'utf8'));
const p50 = new Map(run.rows.map((row) => [`${row.case}\u0000${row.impl}`, row.stats.p50]));
const get = (c, impl) => p50.get(`${c}\u0000${impl}`);

/** Nanoseconds as the README writes them. */
function time(ns) {
  if (ns === undefined) return '—';
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(1)} ms`;
  if (ns >= 1e4) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns >= 1e3) return `${Math.round(ns)} ns`;
  return `${ns.toFixed(1)} ns`;
}

const CASES = [
  ['bytes-eq', 'bytes eq'],
  ['int-cmp', 'int compare'],
  ['ip-small-set', 'IP in a small set'],
  ['ip-cidr-100k-v4', 'IP in 100k CIDRs (v4)'],
  ['ip-cidr-100k-v4-rotating', 'IP in 100k CIDRs (v4), 1,024 rotating clients'],
  ['ip-cidr-100k-v6', 'IP in 100k CIDRs (v6)'],
  ['ip-cidr-100k-v6-rotating', 'IP in 100k CIDRs (v6), 1,024 rotating clients'],
  ['contains', 'contains'],
  ['matches-alternation', 'matches (?i) alternation'],
  ['matches-anchored', 'matches anchored path'],
  ['matches-classes', 'matches class-heavy UA'],
  ['wildcard', 'wildcard'],
  ['and-or-10', '10-clause and/or'],
  ['headers-any-lower', '`any(lower(headers.names[*])[*] eq …)`'],
];
const IMPLS = ['execute(context)', 'execute(object)', 'hand-written', 'ast-interpreter', 'cel-js', 'bufbuild', 'compile'];
const m = run.machine;
const out = [];
out.push(
  `Last full run: \`bench/results/${file.split('/').pop()}\` — ${m.cpuModel}, ${m.cores} shared vCPUs (load average ${m.loadAverageStart[0]} at the start), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node.replace(/^v/, '')} (V8 ${m.v8.split('-')[0]}). p50 per evaluation (compile: parse+check+compile):`,
  '',
  '| case | execute(context) | execute(object) | hand-written | interpreter | cel-js | @bufbuild/cel | compile |',
  '|---|---|---|---|---|---|---|---|',
);
for (const [c, label] of CASES) out.push(`| ${label} | ${IMPLS.map((impl) => time(get(c, impl))).join(' | ')} |`);
out.push('', '| ruleset, per request | evaluate(values) | evaluate(context) | bare loop of filters | hand-written |', '|---|---|---|---|---|');
for (const [c, label] of [
  ['ruleset-1000/no-match', '1,000 rules, no match'],
  ['ruleset-1000/early-match', '1,000 rules, rule 5 matches'],
  ['ruleset-10000/no-match', '10,000 rules, no match'],
]) {
  out.push(`| ${label} | ${['evaluate(values)', 'evaluate(context)', 'filters(context)', 'hand-written'].map((impl) => time(get(c, impl))).join(' | ')} |`);
}
// Rule indexing (issue 22, the `ruleset-index-*` cases; results files before them lack the rows).
out.push('', '| rule index, no match, per request | index: true | index: false | bare loop of filters | load (index: false) | index build |', '|---|---|---|---|---|---|');
for (const size of [1_000, 10_000]) {
  const c = `ruleset-index-${size}`;
  const cells = [
    ...['evaluate(context), index: true', 'evaluate(context), index: false', 'filters(context)'].map((impl) => get(`${c}/no-match`, impl)),
    get(c, 'new Ruleset'),
    get(c, 'RuleIndex.build'),
  ];
  const label = `${size.toLocaleString('en-US')} rules`;
  out.push(`| ${label} | ${cells.every((ns) => ns === undefined) ? 'not run | | | |' : cells.map(time).join(' | ')} |`);
}
const targets = (run.targets ?? []).filter((t) => t.issue === 22);
if (targets.length > 0) {
  out.push('', '| issue-22 target | case | measured | limit | status |', '|---|---|---|---|---|');
  for (const t of targets) out.push(`| ${t.target} | ${t.case} | ${t.measured} | ${t.limit} | ${t.status} |`);
  if (!targets.some((t) => t.case.startsWith('ruleset-index-'))) out.push('| rule index targets (`ruleset-index-*`) | — | not run | — | n/a |');
}
process.stdout.write(`${out.join('\n')}\n`);
