/**
 * The traffic `wirefilter replay` reads: files, directories and glob patterns (expanded here,
 * so a quoted `'logs/*.log.gz'` works without a shell), each plain NDJSON or gzip (recognised
 * by its magic bytes, whatever its name), and the tasks that split them between worker
 * threads: byte ranges of plain files cut at line starts (so every line belongs to exactly one
 * range), and whole gzip files (a gzip stream cannot be entered in the middle).
 *
 * @module
 */
import { closeSync, createReadStream, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { glob, isDynamicPattern } from 'tinyglobby';
import { CliError, displayPath, resolvePath, statRegularFile } from './io.js';

/** One input file. */
export interface TrafficFile {
  /** Absolute path. */
  path: string;
  /** As shown in reports (relative to the working directory when inside it). */
  display: string;
  /** Size in bytes (compressed size for gzip). */
  size: number;
  gzip: boolean;
}

/** Smallest byte range given to a worker (smaller files are one task). */
export const MIN_CHUNK_BYTES = 4 * 1024 * 1024;
/** Largest byte range given to a worker (so that work spreads evenly over the workers). */
export const MAX_CHUNK_BYTES = 64 * 1024 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b];

/** True when the file starts with gzip's magic bytes. */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    closeSync(fd);
  }
}

function fileEntry(path: string, cwd: string): TrafficFile {
  const stat = statSync(path);
  return { path, display: displayPath(path, cwd), size: stat.size, gzip: stat.size > 0 && isGzipFile(path) };
}

/** Regular files under a directory, recursively, in name order (hidden entries skipped). */
function directoryFiles(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...directoryFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * The files of the traffic arguments, in the order given (directories and glob matches in name
 * order). A path that exists is taken as it is (even with glob characters in its name); a
 * pattern must match at least one file. Each file appears once.
 */
export async function resolveTraffic(args: readonly string[], cwd: string): Promise<TrafficFile[]> {
  const files: TrafficFile[] = [];
  const seen = new Set<string>();
  const add = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    files.push(fileEntry(path, cwd));
  };
  for (const arg of args) {
    const path = resolvePath(arg, cwd);
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(path);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory()) {
      const found = directoryFiles(path);
      if (found.length === 0) throw new CliError(`${arg}: the directory holds no files`);
      found.forEach(add);
    } else if (stat?.isFile()) {
      add(path);
    } else if (stat !== undefined) {
      statRegularFile(arg, cwd); // throws the error every command gives for a FIFO, a device…
      throw new CliError(`${arg}: not a regular file or directory (use - for standard input)`);
    } else if (isDynamicPattern(arg)) {
      const matches = (await glob(arg, { cwd, absolute: true, onlyFiles: true, dot: false })).sort();
      if (matches.length === 0) throw new CliError(`${arg}: no file matches the pattern`);
      matches.forEach(add);
    } else {
      throw new CliError(`${arg}: no such file or directory`);
    }
  }
  return files;
}

/** A file's bytes, decompressed when it is gzip. */
export function openTraffic(file: Pick<TrafficFile, 'path' | 'gzip'>, range?: { start: number; end: number }): Readable {
  const stream = createReadStream(file.path, range === undefined ? {} : { start: range.start, end: range.end - 1 });
  if (!file.gzip) return stream;
  const gunzip = createGunzip();
  stream.on('error', (error) => gunzip.destroy(error));
  return stream.pipe(gunzip);
}

/** One piece of work for a worker. */
export type TrafficTask =
  /** Lines of a plain file whose first byte is in [start, end). `first`: the range starts the file (line 1, maybe a BOM). */
  | { kind: 'range'; file: number; start: number; end: number; first: boolean }
  /** A whole (gzip) file. */
  | { kind: 'file'; file: number };

/**
 * Offset of the first line start at or after `position`: just after the first line break
 * found from `position - 1` on (`\n`, `\r\n` or a lone `\r`, as the line reader splits), or
 * the file's size when none follows.
 */
export function lineStartAtOrAfter(path: string, position: number, size: number): number {
  if (position <= 0) return 0;
  const fd = openSync(path, 'r');
  try {
    const window = Buffer.alloc(64 * 1024);
    let at = position - 1;
    while (at < size) {
      const read = readSync(fd, window, 0, window.length, at);
      if (read === 0) break;
      for (let i = 0; i < read; i++) {
        const byte = window[i]!;
        if (byte === 0x0a) return at + i + 1;
        if (byte === 0x0d) {
          // `\r\n` is one break; a `\r` ending the window is decided by the next byte.
          if (i + 1 < read) return window[i + 1] === 0x0a ? at + i + 2 : at + i + 1;
          const next = Buffer.alloc(1);
          return readSync(fd, next, 0, 1, at + i + 1) === 1 && next[0] === 0x0a ? at + i + 2 : at + i + 1;
        }
      }
      at += read;
    }
    return size;
  } finally {
    closeSync(fd);
  }
}

/**
 * Splits the files into tasks for `jobs` workers: a plain file into byte ranges of about
 * `size / (4 × jobs)` (within {@link MIN_CHUNK_BYTES}…{@link MAX_CHUNK_BYTES}; `chunkBytes`
 * overrides), each starting at a line start; a gzip file whole. Tasks are in traffic order.
 */
export function planTasks(files: readonly TrafficFile[], jobs: number, chunkBytes?: number): TrafficTask[] {
  const tasks: TrafficTask[] = [];
  files.forEach((file, index) => {
    if (file.gzip) {
      tasks.push({ kind: 'file', file: index });
      return;
    }
    const target = chunkBytes ?? Math.min(MAX_CHUNK_BYTES, Math.max(MIN_CHUNK_BYTES, Math.ceil(file.size / (4 * jobs))));
    let start = 0;
    while (start < file.size || (start === 0 && file.size === 0)) {
      const end = start + target >= file.size ? file.size : lineStartAtOrAfter(file.path, start + target, file.size);
      tasks.push({ kind: 'range', file: index, start, end, first: start === 0 });
      if (end >= file.size) break;
      start = end;
    }
  });
  return tasks;
}
