/**
 * Rule-indexing workload (issue 22), shared by the suite's `ruleset-index-*` cases
 * (`bench/suite.ts`) and `bench/ruleset-index.mjs` (`npm run bench:index`, which loads this
 * file through esbuild's `transform`, so it must stay self-contained: no imports).
 *
 * Rulesets of index-friendly shapes: 35 % per-host rules, 30 % per-IP-range rules, 30 %
 * path-prefix rules and 5 % rules without a literal test (always candidates).
 *
 * @module
 */

/** A rule as `new Ruleset` takes it (a type, not an interface: assignable to `RuleInput`). */
export type IndexRule = {
  id: string;
  expression: string;
  action: 'block' | 'managed_challenge';
};

/** Rule `i` of a ruleset: 35 % hosts, 30 % IP ranges, 30 % path prefixes, 5 % without a literal test. */
export function indexRule(i: number): IndexRule {
  const k = i % 20;
  const a = (i >> 8) & 255;
  const b = i & 255;
  let expression: string;
  if (k === 0) expression = `http.user_agent contains "scanner-${i}" and not cf.client.bot`;
  else if (k < 8) expression = `http.host eq "shop${i}.example.com" and http.request.uri.path contains "/admin"`;
  else if (k < 14) expression = `ip.src in {10.${a}.${b}.0/24 172.16.${b}.${a} 2001:db8:${a.toString(16)}:${b.toString(16)}::/64} and http.request.method eq "POST"`;
  else expression = `starts_with(http.request.uri.path, "/tenant/${i}/") and not http.cookie contains "session="`;
  return { id: `r${i}`, expression, action: i % 3 === 0 ? 'managed_challenge' : 'block' };
}

/** The first `size` rules. */
export function indexRules(size: number): IndexRule[] {
  return Array.from({ length: size }, (_, i) => indexRule(i));
}

/** Requests that match no rule of any size (the timed requests). */
export const INDEX_NO_MATCH_REQUESTS: readonly Record<string, string>[] = [
  { 'http.host': 'www.example.org', 'ip.src': '203.0.113.7', 'http.request.uri.path': '/products/7', 'http.request.method': 'GET', 'http.user_agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130', 'http.cookie': 'a=b' },
  { 'http.host': 'api.example.net', 'ip.src': '198.51.100.23', 'http.request.uri.path': '/tenant/x/orders', 'http.request.method': 'POST', 'http.user_agent': 'curl/8.5.0' },
  { 'http.host': 'shop1.example.com', 'ip.src': '2001:db8:ffff::1', 'http.request.uri.path': '/', 'http.request.method': 'GET', 'http.user_agent': 'Mozilla/5.0' },
  { 'http.host': 'static.example.com', 'ip.src': '10.250.250.9', 'http.request.uri.path': '/assets/app.js', 'http.request.method': 'GET', 'http.user_agent': 'Mozilla/5.0 Safari/605' },
];

/**
 * Requests that match exactly one rule, of each shape (for agreement checks only, not timed):
 * `rule` is the index of the rule that decides (the rulesets of 1,000 and 10,000 rules hold it).
 */
export const INDEX_MATCHING_REQUESTS: readonly { rule: number; values: Record<string, string | boolean> }[] = [
  { rule: 1, values: { 'http.host': 'shop1.example.com', 'ip.src': '203.0.113.7', 'http.request.uri.path': '/admin/users', 'http.request.method': 'GET', 'http.user_agent': 'Mozilla/5.0' } },
  { rule: 8, values: { 'http.host': 'www.example.org', 'ip.src': '10.0.8.5', 'http.request.uri.path': '/login', 'http.request.method': 'POST', 'http.user_agent': 'Mozilla/5.0' } },
  { rule: 14, values: { 'http.host': 'www.example.org', 'ip.src': '198.51.100.23', 'http.request.uri.path': '/tenant/14/orders', 'http.request.method': 'GET', 'http.user_agent': 'Mozilla/5.0', 'http.cookie': 'a=b' } },
  { rule: 20, values: { 'http.host': 'www.example.org', 'ip.src': '198.51.100.23', 'http.request.uri.path': '/', 'http.request.method': 'GET', 'http.user_agent': 'scanner-20/1.0', 'cf.client.bot': false } },
];
