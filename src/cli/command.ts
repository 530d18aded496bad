/**
 * Helpers shared by the command definitions: the common options and the tool's identity.
 *
 * @module
 */
import { Command, Option } from 'commander';
import { version } from '../../package.json';
import type { Io } from './io.js';

/** Name and version of the tool. */
export const TOOL = {
  name: 'wirefilter',
  version,
};

/** Output formats. */
export type Format = 'text' | 'json' | 'sarif';

/** Options every command has. */
export interface CommonOptions {
  format: Format;
  color?: boolean;
}

/** Options of commands that use a scheme. */
export interface SchemeOptions {
  scheme?: string;
  lists?: string;
}

/** What `main` gives each command: where to report the exit code, and the command's streams. */
export interface CommandContext {
  /** Reports the exit code of the command's action. */
  done(code: number): void;
  /** The streams of the host, coloured per the command's `--color`/`--no-color`. */
  io(options: { color?: boolean }): Io;
}

/** Adds `--format` (with the given choices) and `--color`/`--no-color`. */
export function withCommon(command: Command, formats: readonly Format[] = ['text', 'json']): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'output format').choices(formats).default('text'))
    .addOption(new Option('--color', 'force colours'))
    .addOption(new Option('--no-color', 'disable colours (also: NO_COLOR=1)'));
}

/** Adds `--scheme` and `--lists`. */
export function withScheme(command: Command): Command {
  return command
    .option('--scheme <file>', 'custom scheme definition (JSON: {"fields": {...}, "lists"?, "options"?}); default: Cloudflare\'s fields')
    .option('--lists <file>', 'lists for `in $name` (JSON: {"name": {"type": "Ip"|"Int"|"Bytes", "items": [...]}})');
}
