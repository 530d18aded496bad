#!/usr/bin/env node
/**
 * `wirefilter-lsp`: the language server's command-line entry.
 *
 * ```sh
 * wirefilter-lsp --stdio          # the default transport
 * wirefilter-lsp --node-ipc       # or --socket=PORT, --pipe=NAME
 * ```
 *
 * @module
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server.js';

const USAGE = `Usage: wirefilter-lsp [--stdio | --node-ipc | --socket=PORT | --pipe=NAME]

Language server for Cloudflare's Rules language (wirefilter) expressions: documents of
language id "wirefilter", and the "expression" strings of Cloudflare Rulesets API JSON.
Settings (initializationOptions or the "wirefilter" configuration section):
  schemeFile   JSON scheme definition { fields, lists?, options? } (default: Cloudflare's fields)
  phase        Cloudflare phase to validate for, e.g. http_request_firewall_custom
  lists        { "name": "Ip" | "Int" | "Bytes" } account lists
  format       { "width": 100, "operators": "english" | "symbolic" }
`;

/** Starts the server on the transport named in `argv` (stdio when none is named). */
export function main(argv: readonly string[] = process.argv.slice(2)): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const named = argv.some((a) => /^--(node-ipc|socket|pipe)\b/.test(a));
  // With explicit streams the library does not redirect `console`, and anything written to
  // stdout would corrupt the protocol: route it to the client's log instead.
  const connection = named ? createConnection(ProposedFeatures.all) : createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  if (!named) {
    const log = (...args: unknown[]): void => connection.console.log(args.map(String).join(' '));
    console.log = log;
    console.info = log;
    console.debug = log;
  }
  startServer(connection);
  connection.listen();
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
