/**
 * Shared plumbing of the command-line tool: errors with exit codes, colours, reading files
 * and standard input, and writing output.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import pc from 'picocolors';

/** Exit codes: 0 success, 1 problems found in the input (or failed tests), 2 usage or I/O error. */
export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

/** An error that ends the command with a message and an exit code (default 2). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}

/** picocolors' formatter functions (all identity functions when colours are off). */
export type Colors = ReturnType<typeof pc.createColors>;

/** An output stream of the tool: Node's `process.stdout`/`stderr`, or a test's collector. */
export interface CliOutput {
  /** Writes text; `false` asks the writer to wait for `'drain'` (Node's stream contract). */
  write(text: string): boolean;
  /** True on an interactive terminal (colours, progress bars). */
  readonly isTTY?: boolean;
  /** Node's stream events (`drain`, `error`); collectors may omit them. */
  once?(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** An input stream of the tool: Node's `process.stdin`, or a test's stream. */
export type CliInput = NodeJS.ReadableStream & { readonly isTTY?: boolean };

/**
 * Everything the tool takes from the process it runs in. `main` uses the real process by
 * default; tests run the tool in process with their own streams and environment. The tool
 * never writes to `process.*` itself.
 */
export interface CliHost {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly stdin: CliInput;
  /** Environment variables (`NO_COLOR`, `FORCE_COLOR`, `TERM`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Working directory: relative paths are resolved and shown against it. */
  readonly cwd: string;
}

/** The host of the real process. */
export function processHost(): CliHost {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/**
 * Whether to colour a stream: `--color`/`--no-color` win, then `NO_COLOR` (any value) turns
 * colours off, `FORCE_COLOR` (not `0`) turns them on, else colours only on a terminal.
 */
export function colorsEnabled(stream: { isTTY?: boolean }, env: CliHost['env'], flag?: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Output streams of a command with their colour settings. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Colours for standard output. */
  c: Colors;
  /** Colours for standard error. */
  ce: Colors;
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: CliInput;
  /** The host's working directory. */
  cwd: string;
}

/** The streams of a host; `color` is the `--color`/`--no-color` flag when given. */
export function hostIo(host: CliHost, color?: boolean): Io {
  const { stdout, stderr, stdin, env, cwd } = host;
  return {
    out: (text) => void stdout.write(text),
    err: (text) => void stderr.write(text),
    c: pc.createColors(colorsEnabled(stdout, env, color)),
    ce: pc.createColors(colorsEnabled(stderr, env, color)),
    stdout,
    stderr,
    stdin,
    cwd,
  };
}

/** Reads a whole stream as UTF-8 text. */
export async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads standard input, refusing to wait on an interactive terminal. */
export async function readStdin(io: Io, what: string): Promise<string> {
  if (io.stdin.isTTY === true) throw new CliError(`expected ${what} on standard input (or as an argument); see --help`);
  return readStream(io.stdin);
}

/** A path as given, resolved against a working directory. */
export const resolvePath = (file: string, cwd: string): string => resolve(cwd, file);

/**
 * Reads a text file (UTF-8, a leading BOM removed); a missing file is a usage error. A relative
 * `file` is read from `cwd`; messages name it as given.
 */
export function readText(file: string, cwd: string): string {
  try {
    const text = readFileSync(resolve(cwd, file), 'utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new CliError(`cannot read ${file}: ${reason}`);
  }
}

/** Reads and parses a JSON file (relative to `cwd`); errors name the file. */
export function readJson(file: string, cwd: string, what = 'JSON'): unknown {
  const text = readText(file, cwd);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid ${what}: ${(error as Error).message}`);
  }
}

/** A path as shown to users and in SARIF: relative to the working directory `cwd`, with `/`. */
export function displayPath(file: string, cwd: string): string {
  if (file === '-' || file.startsWith('<')) return file;
  const rel = relative(cwd, resolve(cwd, file));
  const shown = rel === '' || rel.startsWith('..') ? file : rel;
  return shown.split(sep).join('/');
}

/**
 * Parses a time given on the command line: Unix seconds (`1767225600`), or an ISO 8601 date
 * (`2026-01-01T00:00:00Z`).
 */
export function parseTime(text: string, option: string): number {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new CliError(`${option}: expected Unix seconds or an ISO 8601 date, got ${JSON.stringify(text)}`);
  return ms / 1000;
}

/** Parses a positive integer option. */
export function parseCount(text: string, option: string, min = 0): number {
  if (!/^\d+$/.test(text.replace(/_/g, '')) || Number(text.replace(/_/g, '')) < min) {
    throw new CliError(`${option}: expected an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  }
  return Number(text.replace(/_/g, ''));
}

/** `1 rule`, `2 rules`. */
export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** A plain object (not an array or null). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Writes JSON to standard output. */
export function writeJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Pads a string to a width, counting code points. */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const length = [...stripAnsi(text)].length;
  if (length >= width) return text;
  const fill = ' '.repeat(width - length);
  return align === 'left' ? text + fill : fill + text;
}

/** Removes ANSI colour sequences (for measuring width). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

/** Shortens text to `max` code points with an ellipsis. */
export function truncate(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}
