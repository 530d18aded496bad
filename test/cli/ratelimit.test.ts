import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runCli, tempDir } from './run.js';

/** 1-based line and column of the first occurrence of `needle` (after `after`) in `text`. */
function position(text: string, needle: string, after = ''): { line: number; column: number } {
  const offset = text.indexOf(needle, after === '' ? 0 : text.indexOf(after));
  if (offset < 0) throw new Error(`${needle} not found`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

const ok = (period = 10, requests = 5, timeout = 10) => ({ characteristics: ['cf.colo.id', 'ip.src'], period, requests_per_period: requests, mitigation_timeout: timeout });

// Every rate limiting problem kind `check` reports, at its place in the file.
const BAD = {
  id: 'limits',
  phase: 'http_ratelimit',
  rules: [
    { ref: 'no-colo', expression: 'http.request.uri.path eq "/login"', action: 'block', ratelimit: { characteristics: ['ip.src'], period: 45, requests_per_period: 5 } },
    { ref: 'typo', expression: 'http.request.uri.path eq "/x" and http.hots eq "x"', action: 'allow', ratelimit: ok() },
    { ref: 'origin-lists', expression: 'ip.src in $office', action: 'block', ratelimit: { ...ok(), requests_to_origin: true } },
    { ref: 'response-lists', expression: 'http.request.uri.path eq "/api"', action: 'log', ratelimit: { ...ok(), counting_expression: 'http.response.code eq 401 and ip.src in $office' } },
    { ref: 'response-in-rule', expression: 'http.response.code eq 401', action: 'block', ratelimit: ok() },
  ],
};

// A rules array mixing custom rules and rate limiting rules (unnamed ones too: `#<index>`).
const MIXED = [
  { ref: 'admin', expression: 'starts_with(http.request.uri.path, "/admin")', action: 'block' },
  { expression: 'http.request.uri.path eq "/login"', action: 'block', ratelimit: { ...ok(), period: 7 } },
  { expression: 'http.hots eq "a"', action: 'block' },
  { ref: 'search', expression: 'http.request.uri.path eq "/search"', action: 'log', ratelimit: ok() },
];

const CUSTOM_WITH_LIMIT = {
  phase: 'http_request_firewall_custom',
  rules: [{ ref: 'x', expression: 'ssl', action: 'block', ratelimit: ok() }],
};

// Plan-dependent features, each above some plan.
const PLANNED = {
  phase: 'http_ratelimit',
  rules: [
    // Free: path only, 10 s, timeout 10 s, IP.
    { ref: 'free-ok', expression: 'http.request.uri.path eq "/login"', action: 'block', ratelimit: ok(10, 5, 10) },
    // Pro: host, 60 s period, 1 h timeout.
    { ref: 'pro', expression: 'http.host eq "example.com"', action: 'block', ratelimit: ok(60, 5, 3600) },
    // Business: method, 10 min period, 1 day timeout, NAT support, a counting expression on the response code.
    {
      ref: 'business',
      expression: 'http.request.method eq "POST"',
      action: 'block',
      ratelimit: { characteristics: ['cf.colo.id', 'cf.unique_visitor_id'], period: 600, requests_per_period: 5, mitigation_timeout: 86400, counting_expression: 'http.request.method eq "POST" and http.response.code eq 401' },
    },
    // Enterprise: header characteristic, challenge with a duration, block throttling, log, cookies.
    { ref: 'ent-challenge', expression: 'http.request.uri.path eq "/"', action: 'managed_challenge', ratelimit: ok(10, 5, 10) },
    { ref: 'ent-throttle', expression: 'http.request.uri.path eq "/t"', action: 'block', ratelimit: { characteristics: ['cf.colo.id', 'http.request.headers["x-api-key"]'], period: 10, requests_per_period: 5, mitigation_timeout: 0 } },
    { ref: 'ent-log', expression: 'http.request.cookies["session"][0] eq "x"', action: 'log', ratelimit: ok(10, 5, 10) },
  ],
};

const T0 = 1767225600; // 2026-01-01T00:00:00Z, a multiple of 10 (windows align)
const CUSTOM = {
  id: 'custom',
  rules: [
    { ref: 'office', expression: 'ip.src eq 192.0.2.1', action: 'skip', action_parameters: { phases: ['http_ratelimit'] } },
    { ref: 'blocked', expression: 'http.request.uri.path eq "/blocked"', action: 'block' },
  ],
};
const LIMITS = {
  id: 'limits',
  phase: 'http_ratelimit',
  rules: [
    { ref: 'burst', expression: 'http.request.uri.path eq "/a"', action: 'block', ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 10, requests_per_period: 2, mitigation_timeout: 10 } },
    { ref: 'watch', expression: 'http.request.uri.path eq "/b"', action: 'log', ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 10, requests_per_period: 1, mitigation_timeout: 0 } },
  ],
};
const A = '203.0.113.7';
const B = '203.0.113.8';
const at = (t: number, ip: string, path: string) => JSON.stringify({ 'ip.src': ip, 'http.request.uri.path': path, 'http.request.timestamp.sec': T0 + Math.floor(t), 'http.request.timestamp.msec': Math.round((t % 1) * 1000) });
// By hand (sliding window, windows [T0, T0+10) and [T0+10, T0+20)):
//  0 A /a  burst 1                        allow
//  1 A /a  burst 2                        allow
//  2 A /a  burst 3 > 2: block, mitigated until 12
//  3 B /a  burst (B) 1                    allow
//  4 office: the custom skip rule skips the phase
//  5 A /blocked: the custom rules block it (never reaches the phase)
//  6 A /b  watch 1                        allow
//  7 A /b  watch 2 > 1: log (throttle), continues: allow
//  8 A /a  burst 4, mitigated: block
// 15 A /a  burst 4 × (10 − 5)/10 + 1 = 3 > 2: block (mitigated again until 25)
// 14 C /c  earlier than 15: out of order, counted at 15; nothing matches: allow
// (line 10 uses "now" instead of the timestamp fields.)
const TRAFFIC = [
  at(0, A, '/a'),
  at(1, A, '/a'),
  at(2, A, '/a'),
  at(3, B, '/a'),
  at(4, '192.0.2.1', '/a'),
  at(5, A, '/blocked'),
  at(6, A, '/b'),
  at(7.5, A, '/b'),
  at(8, A, '/a'),
  JSON.stringify({ now: T0 + 15, values: { 'ip.src': A, 'http.request.uri.path': '/a' } }),
  at(14, '203.0.113.9', '/c'),
].join('\n');

const files = tempDir({
  'bad.json': BAD,
  'mixed.json': MIXED,
  'custom-with-limit.json': CUSTOM_WITH_LIMIT,
  'planned.json': PLANNED,
  'custom.json': CUSTOM,
  'limits.json': LIMITS,
  'traffic.ndjson': `${TRAFFIC}\n`,
  'untimed.ndjson': `${[1, 2, 3].map(() => JSON.stringify({ 'ip.src': A, 'http.request.uri.path': '/a' })).join('\n')}\n`,
  'mixed-replay.json': { rules: [...CUSTOM.rules, ...LIMITS.rules] },
});
afterAll(() => files.cleanup());

interface JsonFinding {
  code: string;
  severity: string;
  rule?: string;
  index?: number;
  path?: string;
  line?: number;
  column?: number;
}

const findingsOf = (stdout: string): JsonFinding[] => JSON.parse(stdout).findings as JsonFinding[];

describe.concurrent('wirefilter check: rate limiting rules', () => {
  it('the example rate limiting ruleset is clean', async () => {
    const r = await runCli(['check', `${EXAMPLES}/ratelimit.json`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ no problems (1 ruleset (4 rules))');
  });

  it('reports every problem of a http_ratelimit file with code, rule, path and position (json)', async () => {
    const r = await runCli(['check', 'bad.json', '--format', 'json'], { cwd: files.dir });
    expect(r.code).toBe(1);
    const text = `${JSON.stringify(BAD, null, 2)}\n`;
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.summary).toMatchObject({ rulesets: 1, rules: 5 });
    const findings = findingsOf(r.stdout);
    const find = (code: string, rule: string) => findings.find((f) => f.code === code && f.rule === rule);
    expect(find('invalid-ratelimit', 'no-colo')).toMatchObject({ severity: 'error', index: 0, path: 'rules[0].ratelimit.characteristics', ...position(text, '[', '"characteristics"') });
    expect(findings.filter((f) => f.rule === 'no-colo' && f.path === 'rules[0].ratelimit.period')).toEqual([expect.objectContaining({ code: 'invalid-ratelimit', ...position(text, '45') })]);
    // An expression error is placed inside the expression string.
    expect(find('unknown-identifier', 'typo')).toMatchObject({ severity: 'error', path: 'rules[1].expression', ...position(text, 'http.hots') });
    expect(find('action-not-allowed-in-phase', 'typo')).toMatchObject({ path: 'rules[1].action', ...position(text, '"allow"') });
    expect(find('requests-to-origin-with-lists', 'origin-lists')).toMatchObject({ severity: 'error', path: 'rules[2].ratelimit.requests_to_origin', ...position(text, 'true') });
    expect(find('response-fields-with-lists', 'response-lists')).toMatchObject({ severity: 'error', path: 'rules[3].ratelimit.counting_expression', ...position(text, '"http.response.code eq 401 and') });
    expect(find('response-field-in-expression', 'response-in-rule')).toMatchObject({ severity: 'error', path: 'rules[4].expression' });
  });

  it('prints the same problems as text, with file:line:column', async () => {
    const r = await runCli(['check', 'bad.json'], { cwd: files.dir });
    expect(r.code).toBe(1);
    const text = `${JSON.stringify(BAD, null, 2)}\n`;
    const p = position(text, '45');
    expect(r.stdout).toContain(`bad.json:${p.line}:${p.column} error[invalid-ratelimit] rule no-colo (rules[0].ratelimit.period)`);
    expect(r.stdout).toMatch(/error\[requests-to-origin-with-lists\] rule origin-lists/);
    expect(r.stdout).toMatch(/\^\^\^\^\^\^\^\^\^ unknown identifier/);
  });

  it('checks a mixed rules array: each rule as its kind, at its own index', async () => {
    const r = await runCli(['check', 'mixed.json', '--format', 'json'], { cwd: files.dir });
    expect(r.code).toBe(1);
    const findings = findingsOf(r.stdout);
    expect(findings.map((f) => `${f.severity}:${f.code}:${f.rule ?? ''}:${f.path}`)).toEqual([
      'note:mixed-phases::',
      'error:invalid-ratelimit:#1:[1].ratelimit.period',
      'error:unknown-identifier:#2:[2].expression',
    ]);
    const text = `${JSON.stringify(MIXED, null, 2)}\n`;
    expect(findings[1]).toMatchObject({ index: 1, ...position(text, '7,') });
    expect(findings[2]).toMatchObject({ index: 2, ...position(text, 'http.hots') });
  });

  it('refuses ratelimit blocks in a custom-rules ruleset', async () => {
    const r = await runCli(['check', 'custom-with-limit.json', '--format', 'json'], { cwd: files.dir });
    expect(r.code).toBe(1);
    expect(findingsOf(r.stdout)).toContainEqual(expect.objectContaining({ code: 'ratelimit-outside-phase', severity: 'error', rule: 'x', path: 'rules[0].ratelimit' }));
  });
});

describe.concurrent('wirefilter lint --plan: rate limiting rules', () => {
  const lint = async (plan?: string) => {
    const r = await runCli(['lint', 'planned.json', '--format', 'json', ...(plan !== undefined ? ['--plan', plan] : [])], { cwd: files.dir });
    expect(r.code).toBe(0); // warnings only
    return findingsOf(r.stdout)
      .filter((f) => f.code.startsWith('plan-'))
      .map((f) => `${f.rule ?? '-'}:${f.code}:${f.path}`)
      .sort();
  };

  it('no plan: no plan warnings', async () => {
    expect(await lint()).toEqual([]);
  });

  it('free', async () => {
    expect(await lint('free')).toEqual(
      [
        '-:plan-rule-count:rules',
        'pro:plan-field:rules[1].expression',
        'pro:plan-period:rules[1].ratelimit.period',
        'pro:plan-mitigation-timeout:rules[1].ratelimit.mitigation_timeout',
        'business:plan-field:rules[2].expression',
        'business:plan-period:rules[2].ratelimit.period',
        'business:plan-mitigation-timeout:rules[2].ratelimit.mitigation_timeout',
        'business:plan-characteristic:rules[2].ratelimit.characteristics[1]',
        'business:plan-counting-expression:rules[2].ratelimit.counting_expression',
        'ent-challenge:plan-challenge-timeout:rules[3].ratelimit.mitigation_timeout',
        'ent-throttle:plan-block-throttle:rules[4].ratelimit.mitigation_timeout',
        'ent-throttle:plan-characteristic:rules[4].ratelimit.characteristics[1]',
        'ent-log:plan-action:rules[5].action',
        'ent-log:plan-field:rules[5].expression',
      ].sort(),
    );
  });

  it('pro', async () => {
    expect(await lint('pro')).toEqual(
      [
        '-:plan-rule-count:rules',
        'business:plan-field:rules[2].expression',
        'business:plan-period:rules[2].ratelimit.period',
        'business:plan-mitigation-timeout:rules[2].ratelimit.mitigation_timeout',
        'business:plan-characteristic:rules[2].ratelimit.characteristics[1]',
        'business:plan-counting-expression:rules[2].ratelimit.counting_expression',
        'ent-challenge:plan-challenge-timeout:rules[3].ratelimit.mitigation_timeout',
        'ent-throttle:plan-block-throttle:rules[4].ratelimit.mitigation_timeout',
        'ent-throttle:plan-characteristic:rules[4].ratelimit.characteristics[1]',
        'ent-log:plan-action:rules[5].action',
        'ent-log:plan-field:rules[5].expression',
      ].sort(),
    );
  });

  it('business', async () => {
    expect(await lint('business')).toEqual(
      [
        '-:plan-rule-count:rules',
        'ent-challenge:plan-challenge-timeout:rules[3].ratelimit.mitigation_timeout',
        'ent-throttle:plan-block-throttle:rules[4].ratelimit.mitigation_timeout',
        'ent-throttle:plan-characteristic:rules[4].ratelimit.characteristics[1]',
        'ent-log:plan-action:rules[5].action',
        'ent-log:plan-field:rules[5].expression',
      ].sort(),
    );
  });

  it('enterprise: nothing above it', async () => {
    expect(await lint('enterprise')).toEqual([]);
  });

  it('places field warnings inside the expression, with a caret snippet', async () => {
    const r = await runCli(['lint', 'planned.json', '--plan', 'free'], { cwd: files.dir });
    const text = `${JSON.stringify(PLANNED, null, 2)}\n`;
    const p = position(text, 'http.host');
    expect(r.stdout).toContain(`planned.json:${p.line}:${p.column} warning[plan-field] rule pro (rules[1].expression)`);
    expect(r.stdout).toMatch(/\^\^\^\^\^\^\^\^\^ `http\.host` is not available in rate limiting rule expressions on the free plan \(needs Pro or higher\)/);
  });

  it('lints the custom rules of a mixed file with the custom-rules plan rules only', async () => {
    const r = await runCli(['lint', 'mixed.json', '--plan', 'free', '--format', 'json'], { cwd: files.dir });
    const codes = findingsOf(r.stdout).map((f) => `${f.rule ?? '-'}:${f.code}`);
    // `search` logs: a plan warning from the rate limiting table, not the custom-rules one.
    expect(codes).toContain('search:plan-action');
    expect(codes).not.toContain('search:plan-required');
    expect(codes).toContain('-:plan-rule-count'); // 2 rate limiting rules > 1
    expect(codes).not.toContain('-:too-many-rules'); // 2 custom rules ≤ 5
  });
});

describe.concurrent('wirefilter replay --ratelimit', () => {
  it('counts, mitigates and times each rate limiting rule (json, computed by hand)', async () => {
    const r = await runCli(['replay', 'custom.json', 'traffic.ndjson', '--ratelimit', 'limits.json', '--format', 'json', '--top', '0'], { cwd: files.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.requests).toBe(11);
    expect(report.decisions).toEqual({ allow: 10, block: 1 }); // custom rules
    expect(report.ratelimit).toEqual({
      ruleset: 'limits.json (2 rules)',
      phase: 'http_ratelimit',
      algorithm: 'sliding-window',
      requests: { reached: 9, skippedByCustomRules: 1, endedByCustomRules: 1, outOfOrder: 1, spacedByRate: 0 },
      from: T0,
      to: T0 + 15,
      decisions: { allow: 6, block: 3 },
      rules: [
        {
          id: 'burst',
          index: 0,
          action: 'block',
          enabled: true,
          period: 10,
          limit: 2,
          mitigationTimeout: 10,
          matched: 6,
          counted: 6,
          mitigated: 3,
          actions: { block: 3 },
          firstMitigation: T0 + 2,
          lastMitigation: T0 + 15,
          peak: { rate: 4, at: T0 + 8, counter: { 'cf.colo.id': null, 'ip.src': A } },
        },
        {
          id: 'watch',
          index: 1,
          action: 'log',
          enabled: true,
          period: 10,
          limit: 1,
          mitigationTimeout: 0,
          matched: 2,
          counted: 2,
          mitigated: 1,
          actions: { log: 1 },
          firstMitigation: T0 + 7.5,
          lastMitigation: T0 + 7.5,
          peak: { rate: 2, at: T0 + 7.5, counter: { 'cf.colo.id': null, 'ip.src': A } },
        },
      ],
    });
  });

  it('prints the rate limiting summary as text', async () => {
    const r = await runCli(['replay', 'custom.json', 'traffic.ndjson', '--ratelimit', 'limits.json', '--top', '0'], { cwd: files.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Rate limiting');
    expect(r.stdout).toContain('9 requests reached http_ratelimit, 1 ended by custom rules, 1 skipped by a custom skip rule');
    expect(r.stdout).toContain('from 2026-01-01T00:00:00Z to 2026-01-01T00:00:15Z (15 s)');
    expect(r.stdout).toContain('1 request earlier than the one before');
    expect(r.stdout).toContain('decisions: allow 6, block 3');
    expect(r.stdout).toMatch(/1 burst\s+block\s+2\/10s ⟶10s\s+6\s+6\s+3\s+2026-01-01T00:00:02Z – 2026-01-01T00:00:15Z/);
    expect(r.stdout).toMatch(/peak 4 per 10 s at 2026-01-01T00:00:08Z \(ip\.src=203\.0\.113\.7\)/);
    expect(r.stdout).toMatch(/2 watch\s+log\s+1\/10s\s+2\s+2\s+1\s+2026-01-01T00:00:07\.500Z – 2026-01-01T00:00:07\.500Z/);
  });

  it('runs the rate limiting rules of a mixed ruleset file after its custom rules', async () => {
    const r = await runCli(['replay', 'mixed-replay.json', 'traffic.ndjson', '--format', 'json', '--top', '0'], { cwd: files.dir });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.rules.map((rule: { id: string }) => rule.id)).toEqual(['office', 'blocked']);
    expect(report.ratelimit.requests).toMatchObject({ reached: 9, skippedByCustomRules: 1, endedByCustomRules: 1 });
    expect(report.ratelimit.rules.map((rule: { mitigated: number }) => rule.mitigated)).toEqual([3, 1]);
  });

  it('a request without a time is an error naming its line, unless --rate spaces requests', async () => {
    const r = await runCli(['replay', 'custom.json', 'untimed.ndjson', '--ratelimit', 'limits.json'], { cwd: files.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 1: a request without a time.*--rate/);
    const spaced = await runCli(['replay', 'custom.json', 'untimed.ndjson', '--ratelimit', 'limits.json', '--rate', '1', '--now', String(T0), '--format', 'json'], { cwd: files.dir });
    expect(spaced.code).toBe(0);
    const report = JSON.parse(spaced.stdout).ratelimit;
    expect(report.requests.spacedByRate).toBe(3);
    expect(report.from).toBe(T0);
    expect(report.to).toBe(T0 + 2);
    expect(report.rules[0]).toMatchObject({ counted: 3, mitigated: 1, firstMitigation: T0 + 2 });
  });

  it('refuses --ratelimit with a file that is not a rate limiting ruleset', async () => {
    const r = await runCli(['replay', 'custom.json', 'traffic.ndjson', '--ratelimit', 'custom.json'], { cwd: files.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a rate limiting ruleset');
  });

  it('refuses a --ratelimit file that does not load', async () => {
    const r = await runCli(['replay', 'custom.json', 'traffic.ndjson', '--ratelimit', 'bad.json'], { cwd: files.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.json does not load[\s\S]*bad\.json:\d+:\d+: invalid-ratelimit \(rule no-colo\)/);
  });

  it('works with generated traffic (its synthetic timestamps) and the examples', async () => {
    const r = await runCli(['replay', `${EXAMPLES}/ruleset.json`, '--lists', `${EXAMPLES}/lists.json`, '--generate', '300', '--seed', '1', '--ratelimit', `${EXAMPLES}/ratelimit.json`, '--format', 'json', '--top', '0']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout).ratelimit;
    expect(report.requests.reached).toBeGreaterThan(0);
    expect(report.requests.reached + report.requests.skippedByCustomRules + report.requests.endedByCustomRules).toBe(300);
    expect(report.rules).toHaveLength(4);
  });

  it('the example traffic trips the example rules', async () => {
    const r = await runCli(['replay', `${EXAMPLES}/ruleset.json`, `${EXAMPLES}/ratelimit-traffic.ndjson`, '--lists', `${EXAMPLES}/lists.json`, '--ratelimit', `${EXAMPLES}/ratelimit.json`, '--format', 'json', '--top', '0']);
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout).ratelimit.rules as { id: string; mitigated: number }[];
    expect(Object.fromEntries(rules.map((rule) => [rule.id, rule.mitigated]))).toEqual({ 'login-bruteforce': 3, 'api-per-key': 5, 'search-scrapers': 4, 'site-wide': 0 });
  });
});
