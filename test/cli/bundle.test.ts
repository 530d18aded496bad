/**
 * Smoke tests of the shipped `wirefilter` bin (`dist/cli.js`, built by `npm test`) as a real
 * process: arguments, standard input, exit codes, colours from the environment, a closed pipe.
 * Everything else about the commands is tested in process (see `run.ts`).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_BUNDLE, EXAMPLES, hasAnsi, ROOT, runCliProcess } from './run.js';

describe('dist/cli.js as a process', () => {
  it('prints the package version', async () => {
    const r = await runCliProcess(['--version']);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('checks an expression argument and exits 1 on errors, coloured only when asked', async () => {
    const ok = await runCliProcess(['check', 'http.host eq "a"']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('no problems');
    const bad = await runCliProcess(['check', 'http.hots eq "a"'], { env: { FORCE_COLOR: '1' } });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('unknown identifier `http.hots`');
    expect(hasAnsi(bad.stdout)).toBe(true);
  });

  it('reads standard input and writes JSON', async () => {
    const r = await runCliProcess(['check', '--format', 'json'], { input: 'ip.src in {192.0.2.0/24}\n' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, summary: { expressions: 1, errors: 0 } });
  });

  it('replays generated traffic against the example ruleset (the README command, smaller)', async () => {
    const r = await runCliProcess(['replay', join(EXAMPLES, 'ruleset.json'), '--lists', join(EXAMPLES, 'lists.json'), '--generate', '2000', '--seed', '1', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ requests: 2000 });
  });

  it('reports a usage error with exit code 2', async () => {
    const r = await runCliProcess(['check', '--format', 'yaml', 'ssl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('yaml');
  });

  it('stops quietly when its output pipe closes early', async () => {
    const child = spawn(process.execPath, [CLI_BUNDLE, 'generate', '--count', '200000'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
