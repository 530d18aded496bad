import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runCli, tempDir } from './run.js';

// Every warning kind: a skip after the challenge it should exempt, a block after a challenge,
// a deprecated field, a response field in a request phase, an unknown list, a disabled rule
// that would not load, a rule after a catch-all; plus plan-dependent features.
const RULES = {
  id: 'zone',
  phase: 'http_request_firewall_custom',
  rules: [
    { ref: 'geo', expression: 'ip.geoip.country eq "CN"', action: 'managed_challenge' },
    { ref: 'office', expression: 'ip.src in {192.0.2.0/24}', action: 'skip', action_parameters: { ruleset: 'current' } },
    { ref: 'admin', expression: 'starts_with(http.request.uri.path, "/admin")', action: 'block' },
    { ref: 'errors', expression: 'http.response.code eq 500', action: 'log' },
    { ref: 'partners', expression: 'ip.src in $partners', action: 'log' },
    { ref: 'old', expression: 'http.hots eq "x"', action: 'block', enabled: false },
    { ref: 'bots', expression: 'cf.bot_management.score lt 30 and http.user_agent matches "bot"', action: 'managed_challenge' },
    { ref: 'everything', expression: 'true', action: 'block' },
    { ref: 'after', expression: 'ssl', action: 'block' },
  ],
};

const files = tempDir({ 'rules.json': RULES, 'broken.json': [{ ref: 'x', expression: 'http.hots eq "a"', action: 'block' }] });
afterAll(() => files.cleanup());

describe.concurrent('wirefilter lint', () => {
  it('the example ruleset is clean', async () => {
    const r = await runCli(['lint', `${EXAMPLES}/ruleset.json`, '--lists', `${EXAMPLES}/lists.json`, '--max-warnings', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ no problems');
  });

  it('reports ordering, deprecated fields, phase restrictions and unknown lists', async () => {
    const r = await runCli(['lint', 'rules.json', '--format', 'json'], { cwd: files.dir });
    expect(r.code).toBe(0); // warnings only
    const findings = JSON.parse(r.stdout).findings as { code: string; rule: string; line: number; column: number }[];
    const pairs = findings.map((f) => `${f.rule}:${f.code}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        'geo:deprecated-field',
        'office:skip-after-terminating-rule',
        'admin:block-after-challenge',
        'errors:field-not-available-in-phase',
        'partners:unknown-list',
        'old:invalid-disabled-rule',
        'after:unreachable-rule',
      ]),
    );
    expect(pairs.some((p) => p.includes('plan-required'))).toBe(false);
    const field = findings.find((f) => f.code === 'field-not-available-in-phase')!;
    // Rule 3 of the pretty-printed file: `      "expression": "http.response.code eq 500"`.
    expect(field).toMatchObject({ line: 25, column: 22 });
  });

  it('--plan adds plan restrictions; --max-warnings makes warnings fail', async () => {
    const r = await runCli(['lint', files.path('rules.json'), '--plan', 'pro', '--max-warnings', '3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('`cf.bot_management.score` needs Enterprise add-on (Bot Management); the plan is pro');
    expect(r.stdout).toContain('the `matches` operator (regular expressions) needs a Business or Enterprise plan');
    expect(r.stdout).toContain('the `log` action needs an Enterprise plan');
    expect(r.stderr).toMatch(/warnings; --max-warnings allows 3/);
    const free = await runCli(['lint', files.path('rules.json'), '--plan', 'free', '--format', 'json']);
    expect(JSON.parse(free.stdout).findings.some((f: { code: string }) => f.code === 'too-many-rules')).toBe(true);
  });

  it('errors exit 1; SARIF output for CI', async () => {
    const r = await runCli(['lint', 'broken.json', 'rules.json', '--format', 'sarif'], { cwd: files.dir });
    expect(r.code).toBe(1);
    const run = JSON.parse(r.stdout).runs[0];
    const error = run.results.find((x: { level: string }) => x.level === 'error');
    expect(error.ruleId).toBe('unknown-identifier');
    expect(error.locations[0].physicalLocation.artifactLocation.uri).toBe('broken.json');
    expect(run.artifacts.map((a: { location: { uri: string } }) => a.location.uri)).toEqual(['broken.json', 'rules.json']);
    const ids = run.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ids).toContain('block-after-challenge');
    expect(ids).toContain('field-not-available-in-phase');
  });

  it('lints expressions too (default phase: custom rules)', async () => {
    const r = await runCli(['lint', '-e', 'http.response.code eq 500 and ip.geoip.asnum eq 1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('`http.response.code` only has a value in response phases');
    expect(r.stdout).toContain('`ip.geoip.asnum` is deprecated');
  });
});
