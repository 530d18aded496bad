import { afterAll, describe, expect, it } from 'vitest';
import { generateRequests, requestLine } from '../../src/cli/generate.js';
import { EXAMPLES, runCli, tempDir } from './run.js';

const RULESET = `${EXAMPLES}/ruleset.json`;
const LISTS = `${EXAMPLES}/lists.json`;

const small = {
  id: 'small',
  rules: [
    { ref: 'office', expression: 'ip.src in {192.0.2.0/24}', action: 'skip', action_parameters: { ruleset: 'current' } },
    { ref: 'admin', expression: 'starts_with(http.request.uri.path, "/admin")', action: 'block' },
    { ref: 'watch', expression: 'http.request.method eq "POST"', action: 'log' },
    { ref: 'bots', expression: 'cf.bot_management.score lt 30 and not cf.client.bot', action: 'managed_challenge' },
    { ref: 'never', expression: 'http.host eq "nowhere.example"', action: 'block' },
  ],
};

// Line numbers matter: malformed lines are 3 (not JSON), 5 (an array), 7 (bad clearance);
// line 6 is blank (ignored, but counted).
const TRAFFIC = [
  JSON.stringify({ 'ip.src': '203.0.113.1', 'http.request.uri.path': '/admin/x', 'http.request.method': 'GET' }),
  JSON.stringify({ 'ip.src': '192.0.2.9', 'http.request.uri.path': '/admin/x', 'http.request.method': 'GET' }),
  '{"ip.src": "203.0.113.1",',
  JSON.stringify({ values: { 'ip.src': '203.0.113.2', 'http.request.uri.path': '/', 'http.request.method': 'POST', 'cf.bot_management.score': 5, 'cf.client.bot': false } }),
  '[1, 2, 3]',
  '',
  JSON.stringify({ values: { 'ip.src': '203.0.113.3' }, clearance: { level: 'super' } }),
  JSON.stringify({
    values: { 'ip.src': '203.0.113.4', 'http.request.uri.path': '/', 'http.request.method': 'GET', 'cf.bot_management.score': 5, 'cf.client.bot': false },
    clearance: { level: 'managed', issuedAt: 1767225000 },
    now: 1767225600,
    category: 'returning',
  }),
  JSON.stringify({ 'ip.src': '203.0.113.5', 'http.request.uri.path': '/admin', 'http.request.method': 'POST' }),
].join('\n');

const files = tempDir({ 'small.json': small, 'traffic.ndjson': `${TRAFFIC}\n`, 'wrong-types.ndjson': '{"ip.src": "nope"}\n{"http.hots": "a"}\n{"ssl": true}\n' });
afterAll(() => files.cleanup());

describe.concurrent('wirefilter replay', () => {
  it('summarises decisions, hits per rule, matched values and malformed lines', async () => {
    const r = await runCli(['replay', files.path('small.json'), files.path('traffic.ndjson'), '--now', '1767225600']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Replayed 5 requests from .*traffic\.ndjson against .*small\.json \(5 rules\) in [\d.]+ s — [\d,]+ requests\/s/);
    expect(r.stdout).toContain('3 malformed lines skipped');
    expect(r.stdout).toMatch(/block\s+2\s+40\.0%/);
    expect(r.stdout).toMatch(/allow\s+2\s+40\.0%/);
    expect(r.stdout).toMatch(/managed_challenge\s+1\s+20\.0%/);
    expect(r.stdout).toMatch(/1 office\s+skip\s+1\s+20\.0%/);
    expect(r.stdout).toMatch(/2 admin\s+block\s+2\s+40\.0%/);
    // The POST to /admin is blocked before `watch` runs.
    expect(r.stdout).toMatch(/3 watch\s+log\s+1\s+20\.0%/);
    expect(r.stdout).toMatch(/4 bots\s+managed_challenge\s+2\s+40\.0%\s+managed_challenge_bypassed 1/);
    expect(r.stdout).toMatch(/5 never\s+block\s+0\s+0\.0%\s+never matched/);
    expect(r.stdout).toMatch(/admin \(2 hits\)\n\s+2\s+http\.request\.uri\.path = "\/admin\/x"|admin \(2 hits\)\n(\s+1\s+http\.request\.uri\.path = "\/admin(\/x)?"\n){2}/);
    expect(r.stdout).toMatch(/bots \(2 hits\)\n\s+2\s+cf\.bot_management\.score = 5/);
    expect(r.stdout).toContain('Malformed lines (3, skipped)');
    expect(r.stdout).toMatch(/line 3: .*JSON/);
    expect(r.stdout).toContain('line 5: expected a JSON object of field values, got an array');
    expect(r.stdout).toContain('line 7: "clearance" must be');
    expect(r.stdout).toContain('Decisions by category');
    expect(r.stdout).toMatch(/returning\s+0\s+1\s+0\n\s+\(none\)\s+2\s+1\s+1/);
  });

  it('--format json; traffic on standard input', async () => {
    const r = await runCli(['replay', files.path('small.json'), '-', '--format', 'json', '--now', '1767225600', '--stats'], { input: TRAFFIC });
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      source: 'standard input',
      requests: 5,
      malformed: { count: 3, lines: [{ line: 3 }, { line: 5 }, { line: 7 }] },
      decisions: { block: 2, allow: 2, managed_challenge: 1 },
      categories: { returning: { allow: 1 } },
    });
    expect(summary.requestsPerSecond).toBeGreaterThan(0);
    const admin = summary.rules.find((rule: { id: string }) => rule.id === 'admin');
    expect(admin).toMatchObject({ hits: 2, events: { block: 2 }, action: 'block' });
    expect(admin.topValues.reduce((n: number, v: { count: number }) => n + v.count, 0)).toBe(2);
    expect(summary.rules.find((rule: { id: string }) => rule.id === 'never')).toMatchObject({ hits: 0, topValues: [] });
    expect(summary.process.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('--strict treats unknown fields and wrong types as malformed', async () => {
    const r = await runCli(['replay', files.path('small.json'), files.path('wrong-types.ndjson'), '--strict', '--format', 'json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.requests).toBe(1);
    expect(summary.malformed.lines).toEqual([
      { line: 1, error: 'ip.src: expected an IPv4 or IPv6 address (Ip), got "nope"' },
      { line: 2, error: 'http.hots: not a field of the scheme (ignored)' },
    ]);
  });

  it('replays generated traffic against the example ruleset (--generate)', async () => {
    const r = await runCli(['replay', RULESET, '--lists', LISTS, '--generate', '3000', '--seed', '1', '--format', 'json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.source).toBe('generated traffic (seed 1)');
    expect(summary.requests).toBe(3000);
    expect(summary.malformed.count).toBe(0);
    const decisions = summary.decisions as Record<string, number>;
    expect(Object.values(decisions).reduce((a, b) => a + b, 0)).toBe(3000);
    expect(decisions.allow).toBeGreaterThan(1500);
    expect(decisions.block).toBeGreaterThan(100);
    expect(decisions.managed_challenge).toBeGreaterThan(100);
    // Verified bots are never blocked or challenged; every category is present.
    expect(Object.keys(summary.categories).sort()).toEqual(['api', 'bad-bot', 'cloud', 'human', 'ipv6', 'verified-bot']);
    expect(Object.keys(summary.categories['verified-bot'])).toEqual(['allow']);
    const cloud = summary.rules.find((rule: { id: string }) => rule.id === 'challenge-cloud-asns');
    expect(cloud.hits).toBeGreaterThan(100);
    expect(cloud.topValues[0].value).toMatch(/^ip\.src\.asnum = \d+$/);
  });

  it('gives the same summary for a file written by `generate`', async () => {
    const lines = [...generateRequests({ count: 400, seed: 2 })].map(requestLine).join('\n');
    const fromFile = await runCli(['replay', RULESET, '-', '--lists', LISTS, '--format', 'json'], { input: lines });
    const generated = await runCli(['replay', RULESET, '--lists', LISTS, '--generate', '400', '--seed', '2', '--format', 'json']);
    const strip = (text: string) => {
      const { source, elapsedSeconds, requestsPerSecond, ...rest } = JSON.parse(text);
      void source, void elapsedSeconds, void requestsPerSecond;
      return rest;
    };
    expect(strip(fromFile.stdout)).toEqual(strip(generated.stdout));
  });

  it('usage errors exit 2', async () => {
    const missing = await runCli(['replay', files.path('small.json'), files.path('nope.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const both = await runCli(['replay', files.path('small.json'), files.path('traffic.ndjson'), '--generate', '5']);
    expect(both.code).toBe(2);
  });

  it('a ruleset that does not load exits 1 with its errors', async () => {
    const r = await runCli(['replay', '-', '--generate', '5'], { input: '' });
    expect(r.code).toBe(2);
    const bad = tempDir({ 'bad.json': [{ ref: 'x', expression: 'http.hots eq "a"', action: 'block' }] });
    const loaded = await runCli(['replay', bad.path('bad.json'), '--generate', '5']);
    bad.cleanup();
    expect(loaded.code).toBe(1);
    expect(loaded.stderr).toContain('does not load');
    expect(loaded.stderr).toContain('unknown-identifier (rule x)');
  });
});
