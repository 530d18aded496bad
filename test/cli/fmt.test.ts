import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runCli, tempDir } from './run.js';

// Expressions that need formatting, surrounded by JSON the formatter must not touch
// (odd spacing, key order, escapes in other strings).
const RULESET = `{ "id":"z",   "rules": [
  {"ref": "a", "expression": "http.host   eq \\"example.com\\"&&ip.src in {192.0.2.0/24}", "action":"block", "description": "caf\\u00e9"},
  {"ref": "b", "expression": "ip.src in {192.0.2.0/24}", "action": "log"},
  {"ref": "c", "action": "block", "expression": "not  ssl"}
]}
`;

const files = tempDir({
  'ruleset.json': RULESET,
  'write.json': RULESET,
  'clean.json': [{ ref: 'a', expression: 'http.host eq "example.com"', action: 'block' }],
  'broken-expr.json': [{ ref: 'x', expression: 'http.host eq (', action: 'block' }, { ref: 'y', expression: 'ssl  and  ssl', action: 'log' }],
  'expr.txt': 'ssl&&not   cf.client.bot\n',
});
afterAll(() => files.cleanup());

describe.concurrent('wirefilter fmt', () => {
  it('formats an expression argument', async () => {
    const r = await runCli(['fmt', 'http.host   eq "a"&&ip.src in {192.0.2.0/24}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('http.host eq "a" and ip.src in {192.0.2.0/24}\n');
  });

  it('formats standard input, with symbolic operators on request', async () => {
    const r = await runCli(['fmt', '--operators', 'symbolic'], { input: 'http.host eq "a" and not ssl\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('http.host == "a" && !ssl\n');
  });

  it('breaks long chains at --width', async () => {
    const r = await runCli(['fmt', '--width', '30', 'http.host eq "example.com" and ssl and not cf.client.bot']);
    expect(r.stdout).toBe('http.host eq "example.com"\nand ssl\nand not cf.client.bot\n');
  });

  it('prints a ruleset with only its expression strings changed', async () => {
    const r = await runCli(['fmt', files.path('ruleset.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      RULESET.replace('http.host   eq \\"example.com\\"&&ip.src in {192.0.2.0/24}', 'http.host eq \\"example.com\\" and ip.src in {192.0.2.0/24}').replace('not  ssl', 'not ssl'),
    );
  });

  it('--check lists what would change and exits 1', async () => {
    const r = await runCli(['fmt', '--check', 'ruleset.json', 'expr.txt'], { cwd: files.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('would reformat ruleset.json');
    expect(r.stdout).toContain('rule a (rules[0].expression)');
    expect(r.stdout).toContain('- http.host   eq "example.com"&&ip.src in {192.0.2.0/24}');
    expect(r.stdout).toContain('+ http.host eq "example.com" and ip.src in {192.0.2.0/24}');
    expect(r.stdout).toContain('rule c (rules[2].expression)');
    expect(r.stdout).not.toContain('rule b');
    expect(r.stdout).toContain('would reformat expr.txt');
    expect(r.stdout).toContain('2 inputs would be reformatted, 0 already formatted');
    // Nothing was written.
    expect(readFileSync(files.path('ruleset.json'), 'utf8')).toBe(RULESET);
  });

  it('--check exits 0 when everything is formatted (the example ruleset is)', async () => {
    const r = await runCli(['fmt', '--check', files.path('clean.json'), `${EXAMPLES}/ruleset.json`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ 2 inputs already formatted');
  });

  it('--write rewrites files in place', async () => {
    const r = await runCli(['fmt', '--write', 'write.json'], { cwd: files.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('formatted write.json (2 expressions)');
    const after = readFileSync(files.path('write.json'), 'utf8');
    expect(after).toContain('"expression": "not ssl"');
    expect(after).toContain('"description": "caf\\u00e9"');
    const again = await runCli(['fmt', '--check', 'write.json'], { cwd: files.dir });
    expect(again.code).toBe(0);
  });

  it('reports expressions with syntax errors and exits 1, formatting the others', async () => {
    const r = await runCli(['fmt', '--format', 'json', files.path('broken-expr.json')]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    const [x, y] = report.inputs[0].expressions;
    expect(x).toMatchObject({ rule: 'x', changed: false });
    expect(x.error).toContain('Filter parsing error (1:');
    expect(y).toMatchObject({ rule: 'y', changed: true, after: 'ssl and ssl' });
    expect(report.inputs[0].output).toContain('"expression": "ssl and ssl"');
    const text = await runCli(['fmt', 'http.host eq (']);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('cannot format expression');
  });

  it('--write needs files', async () => {
    const r = await runCli(['fmt', '--write', 'ssl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--write needs files');
  });
});
