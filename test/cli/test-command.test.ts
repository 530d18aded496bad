import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runCli, tempDir } from './run.js';

const RULESET = {
  id: 'zone',
  rules: [
    { id: '0a1b2c3d4e5f40718293a4b5c6d7e8f9', ref: 'office', expression: 'ip.src in $office', action: 'skip', action_parameters: { ruleset: 'current' } },
    { ref: 'admin', expression: 'starts_with(http.request.uri.path, "/admin")', action: 'block', action_parameters: { response: { status_code: 403, content_type: 'text/plain', content: 'no' } } },
    { ref: 'bots', expression: 'cf.bot_management.score lt 30', action: 'managed_challenge' },
  ],
};

const files = tempDir({
  'ruleset.json': RULESET,
  'lists.json': { office: { type: 'Ip', items: ['192.0.2.0/24'] } },
  'passing.test.json': {
    ruleset: 'ruleset.json',
    lists: 'lists.json',
    cases: [
      { name: 'office is skipped (rule named by its ref)', request: { 'ip.src': '192.0.2.1', 'http.request.uri.path': '/admin' }, expect: { action: 'allow', ruleId: null, events: ['office:skip'] } },
      { name: 'admin is blocked', request: { 'ip.src': '198.51.100.1', 'http.request.uri.path': '/admin' }, expect: { action: 'block', ruleId: 'admin', response: { status_code: 403 } } },
      { name: 'bots are challenged', request: { 'cf.bot_management.score': 3 }, expect: { action: 'managed_challenge', ruleId: 'bots' } },
      { name: 'clearance passes the challenge', request: { 'cf.bot_management.score': 3 }, clearance: { level: 'managed' }, expect: { action: 'allow', ruleId: 'bots', events: [{ ruleId: 'bots', action: 'managed_challenge_bypassed' }] } },
    ],
  },
  'failing.test.json': {
    ruleset: RULESET,
    lists: { office: { type: 'Ip', items: ['192.0.2.0/24'] } },
    cases: [
      { name: 'admin is blocked', request: { 'http.request.uri.path': '/admin' }, expect: { action: 'block', ruleId: 'admin' } },
      { name: 'wrong expectation', request: { 'http.request.uri.path': '/' }, expect: { action: 'block', ruleId: 'admin' } },
      { name: 'typo in a field name', request: { 'http.request.uri.paht': '/admin' }, expect: { action: 'block' } },
    ],
  },
  'broken-ruleset.test.json': { ruleset: [{ ref: 'x', expression: 'http.hots eq "a"', action: 'block' }], cases: [{ name: 'n', request: {}, expect: { action: 'allow' } }] },
  'not-a-test.json': { cases: 'no' },
});
afterAll(() => files.cleanup());

describe.concurrent('wirefilter test', () => {
  it('runs the example rule tests: all pass, exit 0', async () => {
    const r = await runCli(['test', `${EXAMPLES}/ruleset.test.json`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ the admin area from home is blocked');
    expect(r.stdout).toMatch(/Tests: (\d+) passed, \1 total/);
  });

  it('passes with refs, ids, events, responses and clearance; paths relative to the test file', async () => {
    const r = await runCli(['test', files.path('passing.test.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ office is skipped (rule named by its ref)');
    expect(r.stdout).toContain('Tests: 4 passed, 4 total');
  });

  it('failures are listed with what differed and the trace; exit 1', async () => {
    const r = await runCli(['test', files.path('failing.test.json'), files.path('passing.test.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✓ admin is blocked');
    expect(r.stdout).toContain('✗ wrong expectation');
    expect(r.stdout).toContain('expected action block, got allow');
    expect(r.stdout).toContain('expected rule admin, got no rule');
    expect(r.stdout).toContain('trace:');
    expect(r.stdout).toContain('[zone] office (skip): not-matched');
    expect(r.stdout).toContain('✗ starts_with(http.request.uri.path, "/admin")   ⟵ http.request.uri.path = "/"');
    expect(r.stdout).toContain('failing.test.json (inline)');
    // The typo is reported: the value was never seen by the rules.
    expect(r.stdout).toContain('request http.request.uri.paht: not a field of the scheme (ignored)');
    expect(r.stdout).toContain('Tests: 2 failed, 5 passed, 7 total');
  });

  it('--grep selects cases; --format json', async () => {
    const r = await runCli(['test', files.path('failing.test.json'), '--grep', 'ADMIN', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toEqual({ total: 1, passed: 1, failed: 0, files: 1 });
    expect(report.files[0].cases[0]).toMatchObject({ name: 'admin is blocked', ok: true, actual: { action: 'block', ruleId: 'admin' } });
    const none = await runCli(['test', files.path('failing.test.json'), '--grep', 'nothing matches this']);
    expect(none.code).toBe(1);
  });

  it('a ruleset that does not load fails the file; a malformed test file is an error', async () => {
    const broken = await runCli(['test', files.path('broken-ruleset.test.json')]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('the ruleset does not load');
    expect(broken.stdout).toContain('unknown-identifier (rule x)');
    const bad = await runCli(['test', files.path('not-a-test.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('expected {"ruleset"');
    const missing = await runCli(['test', files.path('missing.test.json')]);
    expect(missing.code).toBe(2);
  });
});
