#!/usr/bin/env node
/**
 * `wirefilter-lsp`: the language server's command-line entry.
 *
 * ```sh
 * wirefilter-lsp --stdio          # the default transport
 * wirefilter-lsp --node-ipc       # or --socket=PORT, --pipe=NAME
 * wirefilter-lsp --stdio --max-frame-bytes=1048576
 * ```
 *
 * Over stdio, the input goes through a {@link FrameValidator}: a malformed message frame is
 * reported on stderr and dropped, and reading resumes at the next `Content-Length:` header,
 * so the server keeps answering; a frame above the size limit (default 64 MiB) is dropped
 * without being buffered.
 *
 * @module
 */
import { realpathSync } from 'node:fs';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { DEFAULT_MAX_FRAME_BYTES, FrameValidator } from './framing.js';
import { startServer } from './server.js';

const USAGE = `Usage: wirefilter-lsp [--stdio [--max-frame-bytes=N] | --node-ipc | --socket=PORT | --pipe=NAME]

Language server for Cloudflare's Rules language (wirefilter) expressions: documents of
language id "wirefilter", and the "expression" strings of Cloudflare Rulesets API JSON.
Settings (initializationOptions or the "wirefilter" configuration section):
  schemeFile   JSON scheme definition { fields, lists?, options? } (default: Cloudflare's fields)
  phase        Cloudflare phase to validate for, e.g. http_request_firewall_custom
  lists        { "name": "Ip" | "Int" | "Bytes" } account lists
  format       { "width": 100, "operators": "english" | "symbolic" }

Over stdio, a malformed message frame is reported on stderr and skipped; a frame larger than
--max-frame-bytes (default ${DEFAULT_MAX_FRAME_BYTES}) is dropped unread.
`;

/** Starts the server on the transport named in `argv` (stdio when none is named). */
export function main(argv: readonly string[] = process.argv.slice(2)): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const named = argv.some((a) => /^--(node-ipc|socket|pipe)\b/.test(a));
  const limit = argv.find((a) => a.startsWith('--max-frame-bytes='));
  const maxFrameBytes = limit === undefined ? DEFAULT_MAX_FRAME_BYTES : Number(limit.slice('--max-frame-bytes='.length));
  if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 1) {
    process.stderr.write(`wirefilter-lsp: ${limit} is not a positive integer\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const connection = named ? createConnection(ProposedFeatures.all) : createConnection(ProposedFeatures.all, validatedStdin(maxFrameBytes), process.stdout);
  // With explicit streams the library does not redirect `console`, and anything written to
  // stdout would corrupt the protocol: route it to the client's log instead.
  if (!named) {
    const log = (...args: unknown[]): void => connection.console.log(args.map(String).join(' '));
    console.log = log;
    console.info = log;
    console.debug = log;
  }
  startServer(connection);
  connection.listen();
}

/**
 * Standard input through a {@link FrameValidator}: vscode-jsonrpc's reader never recovers from
 * one malformed frame, so it only ever sees well-formed ones. The library exits the process
 * when this stream ends or closes, as it would for stdin itself: `pipeline` ends it when stdin
 * ends, and destroys it when stdin fails.
 */
function validatedStdin(maxFrameBytes: number): FrameValidator {
  const input = new FrameValidator({ maxFrameBytes });
  pipeline(process.stdin, input, () => {});
  return input;
}

/** True when this module is the program being run (also through an npm bin symlink). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) main();
