import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, hasAnsi, runCli, tempDir } from './run.js';

// A ruleset in the API's {"result": ...} envelope, with escapes before the mistakes so that
// locations must be mapped through them: `\"` and `\u00e9` come before `http.hots`.
const BAD = `{
  "success": true,
  "result": {
    "id": "zone1",
    "phase": "http_request_firewall_custom",
    "rules": [
      { "ref": "r1", "expression": "http.request.uri.path eq \\"/caf\\u00e9\\" and http.hots eq \\"a\\"", "action": "block" },
      { "ref": "r2", "expression": "ip.src in {10.0.0.1/8}", "action": "allow" },
      { "ref": "r3", "expression": "ip.geoip.country eq \\"US\\"", "action": "block",
        "action_parameters": { "response": { "status_code": 200, "content_type": "text/plain", "content": "x" } } }
    ]
  }
}
`;

const files = tempDir({
  'bad.json': BAD,
  'rules-array.json': [{ ref: 'a', expression: 'http.host eq "example.com"', action: 'block' }],
  'broken.json': '{"rules": [\n  {"expression": "true", "action": "block",}\n]}',
  'not-a-ruleset.json': { hello: 'world' },
  'expr.txt': 'http.host eq "example.com" and\n  ip.src in {192.0.2.0/24}\n',
  'bad-expr.txt': 'http.host eq "a" and\n  ip.src in {10.0.0.1/8}\n',
  'scheme.json': { fields: { host: 'Bytes', client: { type: 'Ip', description: 'the client' } }, lists: { blocked: { type: 'Ip', items: ['192.0.2.0/24'] } } },
  'bad-lists.json': { office: { type: 'Ip', items: ['not an address'] } },
  'bad-options.json': { fields: { host: 'Bytes' }, options: { maxNestingDepth: 'x', nilNotEqaul: true } },
});
afterAll(() => files.cleanup());

describe.concurrent('wirefilter check: expressions', () => {
  it('prints Cloudflare-style caret snippets for every error and exits 1', async () => {
    const r = await runCli(['check', 'http.hots eq "a" or ip.src in {10.0.0.1/8}']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Filter parsing error (1:1):\nhttp.hots eq "a" or ip.src in {10.0.0.1/8}\n^^^^^^^^^ unknown identifier `http.hots`; did you mean `http.host`?');
    expect(r.stdout).toContain('Filter parsing error (1:32):');
    expect(r.stdout).toContain('                               ^^^^^^^^^^ host part of address was not zero');
    expect(r.stdout).toMatch(/✗ 2 errors \(1 expression\)/);
    expect(hasAnsi(r.stdout)).toBe(false);
  });

  it('exits 0 for a valid expression', async () => {
    const r = await runCli(['check', '-e', 'ip.src in {192.0.2.0/24} and not cf.client.bot']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ no problems (1 expression)');
  });

  it('reads an expression from standard input; warnings alone exit 0', async () => {
    const r = await runCli(['check'], { input: 'ip.geoip.country eq "US"\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Filter warning (1:1):');
    expect(r.stdout).toContain('`ip.geoip.country` is deprecated: use ip.src.country instead');
    expect(r.stdout).toContain('1 warning');
  });

  it('checks expression files with lines and columns in the file', async () => {
    const ok = await runCli(['check', files.path('expr.txt')]);
    expect(ok.code).toBe(0);
    const bad = await runCli(['check', files.path('bad-expr.txt'), '--format', 'json']);
    expect(bad.code).toBe(1);
    const finding = JSON.parse(bad.stdout).findings[0];
    expect(finding).toMatchObject({ code: 'invalid-cidr', file: expect.stringContaining('bad-expr.txt'), line: 2, column: 14 });
  });

  it('applies --phase to expressions', async () => {
    const r = await runCli(['check', 'regex_replace(http.host, "a", "b") eq "x"', '--phase', 'http_request_firewall_custom']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('regex_replace() is not allowed in phase http_request_firewall_custom');
  });

  it('--format json lists findings with codes and spans', async () => {
    const r = await runCli(['check', 'http.hots eq "a"', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.summary).toMatchObject({ expressions: 1, errors: 1, warnings: 0 });
    expect(report.findings[0]).toMatchObject({ code: 'unknown-identifier', severity: 'error', input: 'argument 1', line: 1, column: 1, span: { start: 0, end: 9 } });
  });
});

describe.concurrent('wirefilter check: ruleset files', () => {
  it('loads the example ruleset without problems', async () => {
    const r = await runCli(['check', `${EXAMPLES}/ruleset.json`, '--lists', `${EXAMPLES}/lists.json`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ no problems \(1 ruleset \(2\d rules\)\)/);
  });

  it('reports every problem at its line and column, mapped through JSON escapes', async () => {
    const r = await runCli(['check', files.path('bad.json')], { cwd: files.dir });
    expect(r.code).toBe(1);
    // `http.hots` is at line 7; its column counts the raw characters of `\"` and `\u00e9`.
    expect(r.stdout).toContain('bad.json:7:81 error[unknown-identifier] rule r1 (result.rules[0].expression)');
    expect(r.stdout).toContain('http.request.uri.path eq "/café" and http.hots eq "a"');
    expect(r.stdout).toContain('bad.json:8:48 error[invalid-cidr] rule r2 (result.rules[1].expression)');
    expect(r.stdout).toContain('bad.json:8:72 error[action-not-allowed-in-phase] rule r2 (result.rules[1].action)');
    expect(r.stdout).toContain('bad.json:10:61 error[invalid-action-parameters] rule r3 (result.rules[2].action_parameters.response.status_code)');
    expect(r.stdout).toContain('status_code must be an integer from 400 to 499, got 200');
    expect(r.stdout).toContain('bad.json:9:37 warning[deprecated-field] rule r3');
    expect(r.stdout).toContain('✗ 4 errors, 1 warning (1 ruleset (3 rules))');
  });

  it('accepts a plain array of rules and a ruleset on standard input', async () => {
    const file = await runCli(['check', files.path('rules-array.json')]);
    expect(file.code).toBe(0);
    const stdin = await runCli(['check', '-'], { input: JSON.stringify({ rules: [{ expression: 'http.hots eq "a"', action: 'block' }] }) });
    expect(stdin.code).toBe(1);
    expect(stdin.stdout).toContain('<stdin>:1:');
    expect(stdin.stdout).toContain('rule #0 (rules[0].expression)');
  });

  it('reports invalid JSON and other shapes with a location', async () => {
    const broken = await runCli(['check', files.path('broken.json'), '--format', 'json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).findings[0]).toMatchObject({ code: 'invalid-json', line: 2, column: 44 });
    const other = await runCli(['check', files.path('not-a-ruleset.json')]);
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('error[invalid-ruleset]');
  });

  it('--format sarif: SARIF 2.1.0 with rule ids = codes and regions in the file', async () => {
    const r = await runCli(['check', 'bad.json', '--format', 'sarif'], { cwd: files.dir });
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toContain('sarif-2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('wirefilter');
    const ruleIds = run.tool.driver.rules.map((rule: { id: string }) => rule.id);
    expect(ruleIds).toEqual(expect.arrayContaining(['unknown-identifier', 'invalid-cidr', 'action-not-allowed-in-phase', 'invalid-action-parameters', 'deprecated-field']));
    const hots = run.results.find((result: { ruleId: string }) => result.ruleId === 'unknown-identifier');
    expect(hots.level).toBe('error');
    expect(run.tool.driver.rules[hots.ruleIndex].id).toBe('unknown-identifier');
    expect(hots.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'bad.json', index: 0 },
      region: { startLine: 7, startColumn: 81, endLine: 7, endColumn: 90 },
    });
    expect(hots.locations[0].logicalLocations[0]).toMatchObject({ name: 'r1', fullyQualifiedName: 'result.rules[0].expression' });
    expect(hots.message.text).toContain('^^^^^^^^^');
    const status = run.results.find((result: { ruleId: string }) => result.ruleId === 'invalid-action-parameters');
    expect(status.locations[0].physicalLocation.region).toMatchObject({ startLine: 10, startColumn: 61, endColumn: 64 });
  });
});

describe.concurrent('wirefilter check: --scheme and --lists', () => {
  it('checks against a custom scheme with its lists', async () => {
    const ok = await runCli(['check', '--scheme', files.path('scheme.json'), '-e', 'host eq "a" and not client in $blocked']);
    expect(ok.code).toBe(0);
    const bad = await runCli(['check', '--scheme', files.path('scheme.json'), 'http.host eq "a"']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('unknown identifier `http.host`');
  });

  it('a scheme file with invalid options is a usage error naming each problem', async () => {
    const r = await runCli(['check', '--scheme', files.path('bad-options.json'), 'host eq "a"']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad-options.json');
    expect(r.stderr).toContain('`maxNestingDepth` must be an integer from 0');
    expect(r.stderr).toContain('unknown option `nilNotEqaul`; did you mean `nilNotEqual`?');
  });

  it('invalid lists are a usage error', async () => {
    const r = await runCli(['check', '--lists', files.path('bad-lists.json'), 'ssl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad-lists.json');
  });
});

describe.concurrent('wirefilter: usage, help, version, colours', () => {
  it('a missing file is a usage error (exit 2)', async () => {
    const r = await runCli(['check', 'no-such-file.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read no-such-file.json: no such file');
  });

  it('unknown options and commands exit 2', async () => {
    expect((await runCli(['check', '--bogus'])).code).toBe(2);
    const r = await runCli(['chekc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command');
  });

  it('--help and --version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['check', 'fmt', 'lint', 'eval', 'replay', 'test', 'generate']) expect(help.stdout).toContain(name);
    const sub = await runCli(['check', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--format <format>');
    expect(sub.stdout).toContain('sarif');
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('colours only when forced (not a TTY here), never with NO_COLOR', async () => {
    const forced = await runCli(['check', 'http.hots eq "a"'], { env: { FORCE_COLOR: '1' } });
    expect(hasAnsi(forced.stdout)).toBe(true);
    const off = await runCli(['check', 'http.hots eq "a"'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(hasAnsi(off.stdout)).toBe(false);
    const flag = await runCli(['check', 'http.hots eq "a"', '--no-color'], { env: { FORCE_COLOR: '1' } });
    expect(hasAnsi(flag.stdout)).toBe(false);
  });
});
