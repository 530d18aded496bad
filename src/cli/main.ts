/**
 * The `wirefilter` command-line tool: check, format, lint, evaluate, replay and test
 * Cloudflare firewall rules.
 *
 * @module
 */
import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { botsCommand } from './bots.js';
import { checkCommand } from './check.js';
import { TOOL } from './command.js';
import { evalCommand } from './eval.js';
import { fmtCommand } from './fmt.js';
import { generateCommand } from './generate.js';
import { CliError, colorsEnabled, EXIT_PROBLEMS, EXIT_USAGE, hostIo, processHost, type CliHost } from './io.js';
import { lintCommand } from './lint.js';
import { replayCommand } from './replay.js';
import { testCommand } from './test.js';
import { WirefilterError } from '../index.js';

/** Builds the program for a host; `done` receives the exit code of the command that ran. */
export function createProgram(done: (code: number) => void, host: CliHost = processHost()): Command {
  const output = {
    writeOut: (text: string) => void host.stdout.write(text),
    writeErr: (text: string) => void host.stderr.write(text),
    outputError: (text: string, write: (text: string) => void) => write(pc.createColors(colorsEnabled(host.stderr, host.env)).red(text)),
  };
  const cli = { done, io: (options: { color?: boolean }) => hostIo(host, options.color) };
  const program = new Command(TOOL.name)
    .description('Check, format, lint, evaluate, replay and test Cloudflare firewall rules (the wirefilter Rules language).')
    .version(TOOL.version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput(output);
  program.addHelpText(
    'after',
    `
Exit codes: 0 success, 1 problems found (errors, failed tests, unformatted files), 2 usage or I/O error.

Start here:
  $ wirefilter check examples/ruleset.json --lists examples/lists.json
  $ wirefilter replay examples/ruleset.json --lists examples/lists.json --generate 100000 --seed 1`,
  );
  for (const command of [checkCommand(cli), fmtCommand(cli), lintCommand(cli), evalCommand(cli), replayCommand(cli), testCommand(cli), generateCommand(cli), botsCommand(cli)]) {
    // Commands built with `new Command()` do not inherit these settings from the program.
    command.exitOverride().configureOutput(output).showSuggestionAfterError(true).helpOption('-h, --help', 'show help');
    program.addCommand(command);
  }
  return program;
}

/**
 * Runs the tool with `argv` (the arguments after the program name) on a host (the real
 * process by default); resolves to the exit code. It never exits the process.
 */
export async function main(argv: readonly string[], host: CliHost = processHost()): Promise<number> {
  let code = 0;
  const program = createProgram((c) => {
    code = c;
  }, host);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return EXIT_USAGE;
    }
    const red = pc.createColors(colorsEnabled(host.stderr, host.env)).red;
    if (error instanceof CliError) {
      host.stderr.write(`${red('error:')} ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof WirefilterError) {
      host.stderr.write(`${red('error:')} ${error.message}\n`);
      return EXIT_PROBLEMS;
    }
    host.stderr.write(`${red('internal error:')} ${(error as Error)?.stack ?? String(error)}\n`);
    return 70;
  }
}
