/**
 * Reading the `schemeFile` setting's file. The path comes from workspace configuration, which
 * a repository can set: it may name a device (`/dev/zero` never ends), a FIFO (opening it
 * blocks until a writer appears, freezing the whole server) or a huge file. Only a regular
 * file of bounded size is read.
 *
 * @module
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';

/** The largest scheme file read (4 MiB): real scheme definitions are a few kilobytes. */
export const MAX_SCHEME_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads a scheme file as UTF-8 text. Throws an `Error` with a message fit for the user when
 * `path` is not a regular file (a directory, device, FIFO or socket) or holds more than
 * `maxBytes` bytes. Never blocks on a FIFO: the type is checked before opening, and the file
 * is opened non-blocking and checked again (it may have been replaced in between).
 */
export function readSchemeFile(path: string, maxBytes = MAX_SCHEME_FILE_BYTES): string {
  const before = statSync(path);
  if (!before.isFile()) throw new Error(`${describe(before)}, not a regular file`);
  if (before.size > maxBytes) throw new Error(`it is ${before.size} bytes, above the ${maxBytes}-byte limit for a scheme file`);
  // O_NONBLOCK (absent on Windows, where FIFOs are not files) makes opening a FIFO that
  // replaced the file return at once instead of waiting for a writer.
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw new Error(`${describe(opened)}, not a regular file`);
    // The size can change after the check (or be reported as 0, as for /proc files): read
    // at most one byte past the limit, which is enough to know it was exceeded.
    let buffer = Buffer.alloc(Math.min(maxBytes + 1, Math.max(opened.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) break;
        const next = Buffer.alloc(Math.min(maxBytes + 1, length * 2));
        buffer.copy(next, 0, 0, length);
        buffer = next;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) throw new Error(`it holds more than ${maxBytes} bytes, the limit for a scheme file`);
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

function describe(stats: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return 'it is a directory';
  if (stats.isFIFO()) return 'it is a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'it is a device';
  if (stats.isSocket()) return 'it is a socket';
  return 'it is a special file';
}
