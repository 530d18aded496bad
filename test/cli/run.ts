/**
 * Runs the `wirefilter` CLI for tests. {@link runCli} calls `main(argv, host)` in this process
 * with collected output, its own standard input and environment (fast: no process start).
 * {@link runCliProcess} starts the built bundle (`dist/cli.js`, built by `npm test`) as a real
 * process, for the few smoke tests that prove the shipped bin works.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { CliHost, CliOutput } from '../../src/cli/io.js';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const EXAMPLES = join(ROOT, 'examples');
/** The built CLI bundle. */
export const CLI_BUNDLE = join(ROOT, 'dist/cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Text on standard input (standard input ends after it either way). */
  input?: string;
  /** Working directory for relative paths (default: the repository). */
  cwd?: string;
  /** Environment variables on top of the test's (`undefined` removes one). */
  env?: Record<string, string | undefined>;
}

function environment(options: RunOptions): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

/** Collects what the tool writes; not a terminal. */
function collector(): CliOutput & { text: string } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

/** Runs `wirefilter <args>` in this process and collects its output and exit code. */
export async function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const stdout = collector();
  const stderr = collector();
  const stdin = Readable.from([Buffer.from(options.input ?? '')]);
  const host: CliHost = { stdout, stderr, stdin, env: environment(options), cwd: options.cwd ?? ROOT };
  const code = await main(args, host);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Runs the built `dist/cli.js` as a real process and collects its output and exit code. */
export function runCliProcess(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  if (!existsSync(CLI_BUNDLE)) throw new Error(`${CLI_BUNDLE} is missing: npm test builds it (npm run build)`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
      cwd: options.cwd ?? ROOT,
      env: environment(options) as NodeJS.ProcessEnv,
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
