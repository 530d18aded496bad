/**
 * Bounded reading of regular files, for the Node programs (the CLI and the LSP server) that
 * read files a user or a repository names: a device such as `/dev/zero` never ends, opening a
 * FIFO blocks until a writer appears, and a file may be huge. Not part of the browser-safe
 * library.
 *
 * @module
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** What a file that is not a regular file is, for messages: `a directory`, `a FIFO`, … */
export type SpecialFileKind = 'a directory' | 'a FIFO' | 'a device' | 'a socket' | 'a special file';

/** Why a path was not read: not a regular file, or larger than the limit. */
export class RegularFileError extends Error {
  constructor(
    readonly reason: 'special' | 'too-large',
    /** For `special`: what the file is. */
    readonly kind?: SpecialFileKind,
    /** For `too-large`: the size the file reported, when it did (some report 0 and grow). */
    readonly size?: number,
  ) {
    super(reason === 'special' ? `${kind}, not a regular file` : 'larger than the limit');
    this.name = 'RegularFileError';
  }
}

/** What a file is, from its stats (`undefined` for a regular file). */
export function specialFileKind(stats: Stats): SpecialFileKind | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

/**
 * Reads a whole regular file of at most `maxBytes` bytes. Throws {@link RegularFileError} for
 * anything else, and the file system's own errors (`ENOENT`, `EACCES`, …) as they are. Never
 * blocks on a FIFO: the type is checked before opening, and the file is opened non-blocking and
 * checked again (it may have been replaced in between). Reads until the end rather than
 * trusting the size (files grow; procfs reports 0), never more than `maxBytes` + 1 bytes.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  const before = statSync(path);
  const kind = specialFileKind(before);
  if (kind !== undefined) throw new RegularFileError('special', kind);
  if (before.size > maxBytes) throw new RegularFileError('too-large', undefined, before.size);
  // O_NONBLOCK (absent on Windows, where FIFOs are not files) makes opening a FIFO that
  // replaced the file return at once instead of waiting for a writer.
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const opened = fstatSync(fd);
    const openedKind = specialFileKind(opened);
    if (openedKind !== undefined) throw new RegularFileError('special', openedKind);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(maxBytes + 1 - total, Math.max(opened.size + 1 - total, 65536));
      const chunk = Buffer.allocUnsafe(want);
      const n = readSync(fd, chunk, 0, want, null);
      if (n === 0) break;
      chunks.push(n === want ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw new RegularFileError('too-large');
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}
