import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runCli, tempDir } from './run.js';

const RULESET = `${EXAMPLES}/ruleset.json`;
const LISTS = `${EXAMPLES}/lists.json`;

const VISITOR = {
  'http.host': 'www.example.com',
  'http.request.method': 'GET',
  'http.request.uri.path': '/admin/orders',
  'ip.src': '81.2.69.160',
  'ip.src.asnum': 2856,
  ssl: true,
  'cf.client.bot': false,
  'cf.bot_management.score': 80,
};
const CLOUD = { ...VISITOR, 'http.request.uri.path': '/products', 'ip.src': '3.120.5.6', 'ip.src.asnum': 16509 };

const files = tempDir({ 'visitor.json': VISITOR, 'cloud.json': { values: CLOUD, clearance: { level: 'managed', issuedAt: 1767225000 }, now: 1767225600 } });
afterAll(() => files.cleanup());

describe.concurrent('wirefilter eval', () => {
  it('prints the decision of a ruleset and the trace', async () => {
    const r = await runCli(['eval', RULESET, '--lists', LISTS, '--request', files.path('visitor.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^block by rule block-admin-outside-vpn — Admin area only from the staff VPN/);
    expect(r.stdout).toContain('response  403 application/json');
    expect(r.stdout).toContain('events    block-admin-outside-vpn:block');
    expect(r.stdout).toContain('[zone-example-com] skip-office (skip): not-matched');
    expect(r.stdout).toContain('✗ ip.src in $office_ips   ⟵ ip.src = "81.2.69.160"');
    expect(r.stdout).toContain('[zone-example-com] block-admin-outside-vpn (block): matched → block');
    expect(r.stdout).toContain('✓ starts_with(http.request.uri.path, "/admin")   ⟵ http.request.uri.path = "/admin/orders"   (decisive)');
    // Rules after the terminating match are not evaluated.
    expect(r.stdout).not.toContain('challenge-cloud-asns');
  });

  it('reads the request from standard input; --no-trace prints only the decision', async () => {
    const r = await runCli(['eval', RULESET, '--lists', LISTS, '--no-trace'], { input: JSON.stringify(CLOUD) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'managed_challenge by rule challenge-cloud-asns — Cloud networks get a managed challenge, except verified bots and the API\n' +
        '  events    challenge-cloud-asns:managed_challenge\n',
    );
  });

  it('applies --clearance, --issued-at and --now', async () => {
    const passed = await runCli(['eval', RULESET, '--lists', LISTS, '--request', JSON.stringify(CLOUD), '--clearance', 'managed', '--issued-at', '2026-01-01T00:00:00Z', '--now', '2026-01-01T00:10:00Z', '--no-trace']);
    expect(passed.code).toBe(0);
    expect(passed.stdout).toContain('allow by rule challenge-cloud-asns');
    expect(passed.stdout).toContain('managed_challenge_bypassed');
    const expired = await runCli(['eval', RULESET, '--lists', LISTS, '--request', JSON.stringify(CLOUD), '--clearance', 'managed', '--issued-at', '1767225600', '--now', '1767235600', '--format', 'json']);
    expect(JSON.parse(expired.stdout)).toMatchObject({ action: 'managed_challenge', ruleId: 'challenge-cloud-asns' });
  });

  it('takes clearance and time from a wrapped request; --format json has the decision and trace', async () => {
    const r = await runCli(['eval', RULESET, '--lists', LISTS, '-r', files.path('cloud.json'), '--format', 'json']);
    expect(r.code).toBe(0);
    const decision = JSON.parse(r.stdout);
    expect(decision).toMatchObject({ action: 'allow', ruleId: 'challenge-cloud-asns', events: [{ ruleId: 'challenge-cloud-asns', action: 'managed_challenge_bypassed' }] });
    expect(decision.trace.at(-1)).toMatchObject({ ruleId: 'challenge-cloud-asns', status: 'matched' });
  });

  it('evaluates an expression with its explanation', async () => {
    const r = await runCli(['eval', 'lower(http.host) eq "example.com" and not ip.src in {10.0.0.0/8}'], { input: '{"http.host": "Example.COM", "ip.src": "192.0.2.1"}' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('true (the expression matches the request)');
    expect(r.stdout).toContain('✓ lower(http.host) eq "example.com"   ⟵ lower(http.host) = "example.com"   (decisive)');
    const json = await runCli(['eval', '-e', 'ssl', '--format', 'json', '--request', '{"ssl": false}']);
    expect(JSON.parse(json.stdout)).toMatchObject({ expression: 'ssl', result: false });
  });

  it('warns about unknown fields and values of the wrong type', async () => {
    const r = await runCli(['eval', 'http.host eq "a"', '--request', '{"http.hots": "a", "ip.src": "not an ip"}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('false');
    expect(r.stderr).toContain('warning: request http.hots: not a field of the scheme (ignored)');
    expect(r.stderr).toContain('warning: request ip.src: expected an IPv4 or IPv6 address (Ip), got "not an ip"');
  });

  it('fails on invalid expressions (1) and unreadable requests (2)', async () => {
    const bad = await runCli(['eval', 'http.hots eq "a"', '--request', '{}']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Filter parsing error (1:1):');
    const notJson = await runCli(['eval', 'ssl'], { input: 'ssl=true' });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('<stdin>:');
    const array = await runCli(['eval', 'ssl', '--request', '[1]']);
    expect(array.code).toBe(2);
  });
});
