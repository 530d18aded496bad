/**
 * Reading the `schemeFile` setting's file. The path comes from workspace configuration, which
 * a repository can set: it may name a device (`/dev/zero` never ends), a FIFO (opening it
 * blocks until a writer appears, freezing the whole server) or a huge file. Only a regular
 * file of bounded size is read.
 *
 * @module
 */
import { readRegularFile, RegularFileError } from '../../node/regular-file.js';

/** The largest scheme file read (4 MiB): real scheme definitions are a few kilobytes. */
export const MAX_SCHEME_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads a scheme file as UTF-8 text. Throws an `Error` with a message fit for the user when
 * `path` is not a regular file (a directory, device, FIFO or socket) or holds more than
 * `maxBytes` bytes; never blocks on a FIFO (see {@link readRegularFile}).
 */
export function readSchemeFile(path: string, maxBytes = MAX_SCHEME_FILE_BYTES): string {
  try {
    return readRegularFile(path, maxBytes).toString('utf8');
  } catch (error) {
    if (!(error instanceof RegularFileError)) throw error;
    if (error.reason === 'special') throw new Error(`it is ${error.kind === 'a FIFO' ? 'a FIFO (named pipe)' : error.kind}, not a regular file`);
    throw new Error(
      error.size !== undefined
        ? `it is ${error.size} bytes, above the ${maxBytes}-byte limit for a scheme file`
        : `it holds more than ${maxBytes} bytes, the limit for a scheme file`,
    );
  }
}
