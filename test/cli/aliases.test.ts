/**
 * Alias fields through the CLI: a value supplied under either name reaches rules written with
 * the other (Cloudflare's legacy `ip.geoip.*` names and `cf.client.bot`), in `eval`, `test`,
 * `replay` and on `generate`'s traffic.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './run.js';

const RULESET = {
  id: 'legacy',
  rules: [
    { ref: 'legacy-country', expression: 'ip.geoip.country in {"RU" "KP"}', action: 'block' },
    { ref: 'new-asn', expression: 'ip.src.asnum eq 64496', action: 'managed_challenge' },
    { ref: 'bots', expression: 'cf.bot_management.verified_bot', action: 'log' },
  ],
};

const files = tempDir({
  'ruleset.json': RULESET,
  'aliases.test.json': {
    ruleset: 'ruleset.json',
    cases: [
      { name: 'legacy rule, new field supplied', request: { 'ip.src.country': 'RU' }, expect: { action: 'block', ruleId: 'legacy-country' } },
      { name: 'new rule, legacy field supplied', request: { 'ip.geoip.asnum': 64496 }, expect: { action: 'managed_challenge', ruleId: 'new-asn' } },
      { name: 'neither', request: { 'ip.src.country': 'GB' }, expect: { action: 'allow' } },
    ],
  },
  'traffic.ndjson': [
    { 'ip.src.country': 'RU' },
    { 'ip.geoip.country': 'KP' },
    { 'ip.geoip.asnum': 64496 },
    { 'cf.client.bot': true },
    { 'ip.src.country': 'GB' },
  ].map((line) => JSON.stringify(line)).join('\n'),
  'geo.json': { id: 'geo', rules: [{ ref: 'us', expression: 'ip.geoip.country eq "US"', action: 'log' }, { ref: 'bot', expression: 'cf.client.bot', action: 'log' }] },
});
afterAll(() => files.cleanup());

describe.concurrent('alias fields in the CLI', () => {
  it('eval: a rule on ip.geoip.country sees ip.src.country', async () => {
    const r = await runCli(['eval', files.path('ruleset.json'), '--request', JSON.stringify({ 'ip.src.country': 'RU' }), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ action: 'block', ruleId: 'legacy-country' });
    const filter = await runCli(['eval', 'ip.src.asnum eq 64496', '--request', JSON.stringify({ 'ip.geoip.asnum': 64496 }), '--format', 'json']);
    expect(filter.code, filter.stderr).toBe(0);
    expect(JSON.parse(filter.stdout)).toMatchObject({ result: true });
  });

  it('test: expectations hold whichever name the request uses', async () => {
    const r = await runCli(['test', files.path('aliases.test.json')]);
    expect(r.stdout + r.stderr).toMatch(/3 passed/);
    expect(r.code).toBe(0);
  });

  it('replay: requests supplying either name are counted under the rule', async () => {
    const r = await runCli(['replay', files.path('ruleset.json'), files.path('traffic.ndjson'), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { rules: { ref?: string; id?: string; hits: number }[] };
    const hits = Object.fromEntries(summary.rules.map((rule) => [rule.ref ?? rule.id, rule.hits]));
    expect(hits).toEqual({ 'legacy-country': 2, 'new-asn': 1, bots: 1 });
  });

  it('generate: traffic written with the current names matches rules written with the legacy ones', async () => {
    const r = await runCli(['replay', files.path('geo.json'), '--generate', '2000', '--seed', '3', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { rules: { ref?: string; hits: number }[] };
    for (const rule of summary.rules) expect(rule.hits, rule.ref).toBeGreaterThan(0);
  });
});
