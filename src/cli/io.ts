/**
 * Shared plumbing of the command-line tool: errors with exit codes, colours, reading files
 * and standard input, writing files, and writing output.
 *
 * Every file the tool reads whole goes through {@link readBytes}: only regular files (a FIFO or
 * a device such as `/dev/zero` would block or never end), at most {@link MAX_INPUT_BYTES}.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fchmodSync, fchownSync, fstatSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseJson, JsonSyntaxError } from './json-source.js';
import { readRegularFile, RegularFileError, specialFileKind, type SpecialFileKind } from '../node/regular-file.js';
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

/**
 * The most the tool reads whole from one file or from standard input: 16 MiB. Rulesets, lists,
 * schemes, requests and test files are far smaller; traffic is streamed, not read whole.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** `16 MiB`, or a byte count. */
const formatBytes = (n: number): string => (n % 1048576 === 0 ? `${n / 1048576} MiB` : `${n.toLocaleString('en-US')} bytes`);

/** Reads a whole stream as UTF-8 text, refusing more than `limit` bytes (`what` names it in the error). */
export async function readStream(stream: NodeJS.ReadableStream, limit = MAX_INPUT_BYTES, what = 'standard input'): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    // Stop before holding more: leaving the loop destroys the stream.
    if (total > limit) throw new CliError(`${what} is larger than ${formatBytes(limit)}`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** Reads standard input, refusing to wait on an interactive terminal. */
export async function readStdin(io: Io, what: string): Promise<string> {
  if (io.stdin.isTTY === true) throw new CliError(`expected ${what} on standard input (or as an argument); see --help`);
  return readStream(io.stdin);
}

/** A path as given, resolved against a working directory. */
export const resolvePath = (file: string, cwd: string): string => resolve(cwd, file);

/** Why a file system call failed, in a few words. */
function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (error as Error).message;
}

/** What a non-regular file is, for messages. */
function kindOf(stats: Stats): string {
  return notRegular(specialFileKind(stats) ?? 'a special file');
}

const notRegular = (kind: SpecialFileKind): string =>
  kind === 'a directory' ? 'is a directory' : kind === 'a special file' ? 'not a regular file' : `not a regular file (${kind})`;

/**
 * Checks that `file` (relative to `cwd`) is a regular file, without opening it: a FIFO would
 * block the open until a writer comes, a device such as `/dev/zero` never ends. Returns its
 * stats; throws a usage error naming `file` as given.
 */
export function statRegularFile(file: string, cwd: string): Stats {
  let stats: Stats;
  try {
    stats = statSync(resolve(cwd, file));
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${reasonOf(error)}`);
  }
  if (!stats.isFile()) throw new CliError(`cannot read ${file}: ${kindOf(stats)}`);
  return stats;
}

/**
 * Reads a whole file (relative to `cwd`) as bytes: only a regular file (see
 * {@link statRegularFile}) of at most `limit` bytes. Errors are usage errors naming `file` as
 * given.
 */
export function readBytes(file: string, cwd: string, limit = MAX_INPUT_BYTES): Buffer {
  try {
    return readRegularFile(resolve(cwd, file), limit);
  } catch (error) {
    if (!(error instanceof RegularFileError)) throw new CliError(`cannot read ${file}: ${reasonOf(error)}`);
    throw new CliError(`cannot read ${file}: ${error.reason === 'special' ? notRegular(error.kind!) : `larger than ${formatBytes(limit)}`}`);
  }
}

/** True when bytes start with the UTF-8 byte order mark. */
export const hasBom = (bytes: Uint8Array): boolean => bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

/** Decodes a file's bytes as UTF-8 text (a leading BOM removed; invalid bytes become U+FFFD). */
export function decodeText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads a text file (UTF-8, a leading BOM removed) with the checks of {@link readBytes}; a
 * missing file is a usage error. A relative `file` is read from `cwd`; messages name it as given.
 */
export function readText(file: string, cwd: string): string {
  return decodeText(readBytes(file, cwd));
}

/**
 * Reads and parses a JSON file (relative to `cwd`) with the checks of {@link readBytes} and the
 * nesting limit of the JSON reader; errors name the file, with a line and column.
 */
export function readJson(file: string, cwd: string, what = 'JSON'): unknown {
  const text = readText(file, cwd);
  try {
    return parseJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new CliError(`${file} is not valid ${what}: ${error.message} (line ${error.position.line}, column ${error.position.column})`);
  }
}

/**
 * Replaces a file's content atomically: the data goes to a new file in the same directory,
 * which then replaces the original by `rename`, so a failure part-way (disk full, a size
 * limit, a crash) leaves the original untouched. The new file gets the original's permission
 * bits (and owner and group, when allowed); a file we may not write is refused, as a write in
 * place would be. A symbolic link is followed: the file it points to is replaced and the link
 * kept. Hard links to the original keep the old content (a rename makes a new file). Errors
 * are usage errors naming `file`.
 */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  let target = file;
  let original: Stats | undefined;
  try {
    target = realpathSync(file);
    original = statSync(target);
    // A rename would replace a read-only file too: keep refusing what a write in place refused.
    accessSync(target, constants.W_OK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new CliError(`cannot write ${file}: ${reasonOf(error)}`);
  }
  // Short and unique: the original's name is cut so that the temporary one stays a valid name.
  const temp = join(dirname(target), `.${basename(target).slice(0, 64)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  let created = false;
  try {
    // `wx`: create, and fail rather than follow or reuse whatever might be at that name.
    fd = openSync(temp, 'wx', original === undefined ? 0o666 : 0o600);
    created = true;
    if (original !== undefined) {
      const created = fstatSync(fd);
      if (created.uid !== original.uid || created.gid !== original.gid) {
        try {
          fchownSync(fd, original.uid, original.gid);
        } catch {
          // Not permitted (another user's file): the new file keeps our owner.
        }
      }
      // After chown, which may clear set-id bits; not through `open`'s mode, which the umask cuts.
      fchmodSync(fd, original.mode & 0o7777);
    }
    writeFileSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Already failing; the error below says why.
      }
    }
    // Only our own file: with `wx`, a failed open means the name was someone else's.
    if (created) {
      try {
        unlinkSync(temp);
      } catch {
        // Already gone.
      }
    }
    throw new CliError(`cannot write ${file}: ${reasonOf(error)}`);
  }
}

/**
 * Whether a UTF-16 code unit is whitespace as JavaScript's `\s` defines it (WhiteSpace and
 * LineTerminator): the same set, tested without a regular expression so that scans over long
 * runs of it stay linear.
 */
export function isWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * `text` without trailing whitespace (JavaScript's `\s`), like `text.replace(/\s+$/, '')` but
 * linear: that regular expression retries from every position of a long whitespace run that
 * is followed by something else, which is quadratic.
 */
export function trimTrailingWhitespace(text: string): string {
  let end = text.length;
  while (end > 0 && isWhitespace(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
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
