/**
 * Runs the `wirefilter` CLI as a real process. By default the TypeScript entry point runs
 * through tsx (`node --import tsx src/cli/bin.ts`); set `WIREFILTER_CLI=dist/cli.js` to test
 * the built bundle instead.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const EXAMPLES = join(ROOT, 'examples');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Text written to standard input (standard input is closed either way). */
  input?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
}

function command(): string[] {
  const built = process.env.WIREFILTER_CLI;
  if (built !== undefined && built !== '') return [resolve(ROOT, built)];
  // An absolute URL, so that tsx is found whatever the working directory.
  return ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, join(ROOT, 'src/cli/bin.ts')];
}

/** Runs `wirefilter <args>` and collects its output and exit code. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = spawn(process.execPath, [...command(), ...args], {
      cwd: options.cwd ?? ROOT,
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** A temporary directory with files; `cleanup()` removes it. */
export function tempDir(files: Record<string, string | object> = {}): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wirefilter-cli-'));
  const path = (name: string) => join(dir, name);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path(name), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return { dir, path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** True when the text has ANSI colour sequences. */
// eslint-disable-next-line no-control-regex
export const hasAnsi = (text: string): boolean => /\x1b\[[0-9;]*m/.test(text);
