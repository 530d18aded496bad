/**
 * `wirefilter fmt`: formats expressions, and the expressions inside ruleset files (only the
 * `expression` strings change; the rest of the file is kept byte for byte). `--check` lists
 * what would change and exits 1 (for CI); `--write` rewrites files in place.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { renderDiagnostics } from '../check/render.js';
import { parseExpression } from '../syntax/parser.js';
import { formatExpression } from '../service/format.js';
import { withCommon, type CommonOptions, type CommandContext } from './command.js';
import { collect, collectInputs, type Input } from './inputs.js';
import { CliError, EXIT_OK, EXIT_PROBLEMS, isObject, parseCount, plural, writeJson, type Colors, type Io } from './io.js';
import { expressionPath, parseRulesetFile, RulesetFileError, ruleSummaries } from './ruleset-file.js';

interface FmtOptions extends CommonOptions {
  expression: string[];
  check?: boolean;
  write?: boolean;
  operators?: 'english' | 'symbolic';
  width?: string;
  indent?: string;
}

/** One formatted expression. */
interface FormattedExpression {
  rule?: string;
  path?: string;
  before: string;
  after?: string;
  changed: boolean;
  /** Rendered syntax errors when the expression cannot be formatted. */
  error?: string;
}

/** One formatted input. */
interface FormattedInput {
  input: Input;
  expressions: FormattedExpression[];
  /** The new text of the input (the file, or the expression). */
  output?: string;
  changed: boolean;
  /** Why the input could not be formatted at all (invalid JSON, not a ruleset). */
  error?: string;
}

type Formatter = (text: string) => string | undefined;

function formatOne(text: string, format: Formatter): FormattedExpression {
  const after = format(text);
  if (after === undefined) {
    const errors = parseExpression(text).diagnostics.filter((d) => d.severity === 'error');
    return { before: text, changed: false, error: errors.length > 0 ? renderDiagnostics(text, errors) : 'the expression could not be formatted' };
  }
  return { before: text, after, changed: after !== text };
}

/** Formats every expression of a ruleset file, rewriting only their JSON strings. */
function formatRulesetInput(input: Input & { kind: 'ruleset' }, format: Formatter): FormattedInput {
  let file;
  try {
    file = parseRulesetFile(input.file, input.text, input.name);
  } catch (error) {
    if (error instanceof RulesetFileError) {
      const r = error.finding.region;
      return { input, expressions: [], changed: false, error: `${error.finding.message}${r ? ` (line ${r.start.line}, column ${r.start.column})` : ''}` };
    }
    throw error;
  }
  const edits: { start: number; end: number; text: string }[] = [];
  const expressions: FormattedExpression[] = [];
  for (const rule of ruleSummaries(file)) {
    const raw = file.rules[rule.index];
    if (!isObject(raw) || typeof raw.expression !== 'string') continue;
    const path = expressionPath(file, rule.index);
    const result = { rule: rule.id, path, ...formatOne(raw.expression, format) };
    expressions.push(result);
    const location = file.json.location(path);
    if (result.changed && location !== undefined) edits.push({ start: location.start, end: location.end, text: JSON.stringify(result.after) });
  }
  let output = input.text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) output = output.slice(0, edit.start) + edit.text + output.slice(edit.end);
  return { input, expressions, output, changed: edits.length > 0 };
}

function formatInput(input: Input, format: Formatter): FormattedInput {
  if (input.kind === 'ruleset') return formatRulesetInput(input, format);
  const result = formatOne(input.text, format);
  return { input, expressions: [result], ...(result.after !== undefined && { output: result.after }), changed: result.changed };
}

/** A small line diff of one expression for `--check` output. */
function diff(before: string, after: string, c: Colors): string {
  const lines = [...before.split('\n').map((l) => c.red(`- ${l}`)), ...after.split('\n').map((l) => c.green(`+ ${l}`))];
  return lines.map((l) => `    ${l}`).join('\n');
}

function describe(expression: FormattedExpression): string {
  return expression.rule !== undefined ? `rule ${expression.rule} (${expression.path})` : 'expression';
}

async function runFmt(targets: string[], options: FmtOptions, io: Io): Promise<number> {
  if (options.check === true && options.write === true) throw new CliError('use either --check or --write');
  const formatOptions = {
    ...(options.operators !== undefined && { operators: options.operators }),
    ...(options.width !== undefined && { width: parseCount(options.width, '--width', 1) }),
    ...(options.indent !== undefined && { indent: parseCount(options.indent, '--indent') }),
  };
  const format: Formatter = (text) => formatExpression(text, formatOptions);
  const inputs = await collectInputs(targets, options.expression, io);
  if (options.write === true) {
    const notFiles = inputs.filter((i) => i.file === undefined || i.file === '<stdin>');
    if (notFiles.length > 0) throw new CliError(`--write needs files; ${notFiles[0]!.name} is not one`);
  }
  const results = inputs.map((input) => formatInput(input, format));
  const failed = results.some((r) => r.error !== undefined || r.expressions.some((e) => e.error !== undefined));
  const changed = results.filter((r) => r.changed);

  if (options.write === true) {
    for (const r of changed) writeFileSync(r.input.file!, r.input.kind === 'expression' ? `${r.output}\n` : r.output!);
  }

  if (options.format === 'json') {
    writeJson(io, {
      ok: !failed && !(options.check === true && changed.length > 0),
      changed: changed.length,
      inputs: results.map((r) => ({
        input: r.input.name,
        kind: r.input.kind,
        changed: r.changed,
        ...(r.error !== undefined && { error: r.error }),
        ...(options.check !== true && options.write !== true && r.output !== undefined && { output: r.output }),
        expressions: r.expressions.map((e) => ({
          ...(e.rule !== undefined && { rule: e.rule, path: e.path }),
          changed: e.changed,
          before: e.before,
          ...(e.after !== undefined && { after: e.after }),
          ...(e.error !== undefined && { error: e.error }),
        })),
      })),
    });
  } else {
    const c = io.c;
    for (const r of results) {
      if (r.error !== undefined) io.err(`${io.ce.red('error:')} ${r.input.name}: ${r.error}\n`);
      for (const e of r.expressions) {
        if (e.error !== undefined) io.err(`${io.ce.red('error:')} ${r.input.name}: cannot format ${describe(e)}:\n${e.error}\n`);
      }
    }
    if (options.check === true) {
      for (const r of changed) {
        io.out(`${c.yellow('would reformat')} ${c.bold(r.input.name)}\n`);
        for (const e of r.expressions.filter((x) => x.changed)) io.out(`  ${describe(e)}\n${diff(e.before, e.after!, c)}\n`);
      }
      const total = results.filter((r) => r.error === undefined).length;
      io.out(
        changed.length > 0
          ? `${c.red('✗')} ${plural(changed.length, 'input')} would be reformatted, ${total - changed.length} already formatted\n`
          : `${c.green('✓')} ${plural(total, 'input')} already formatted\n`,
      );
    } else if (options.write === true) {
      for (const r of results) {
        if (r.error !== undefined) continue;
        const n = r.expressions.filter((e) => e.changed).length;
        io.out(r.changed ? `${c.green('formatted')} ${r.input.name} ${c.dim(`(${plural(n, 'expression')})`)}\n` : `${c.dim('unchanged')} ${r.input.name}\n`);
      }
    } else {
      for (const r of results) {
        if (r.output === undefined) continue;
        io.out(r.input.kind === 'ruleset' ? r.output : `${r.output}\n`);
      }
    }
  }
  if (failed) return EXIT_PROBLEMS;
  return options.check === true && changed.length > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

/** Defines the `fmt` command. */
export function fmtCommand(cli: CommandContext): Command {
  const command = new Command('fmt')
    .summary('format expressions and the expressions inside ruleset files')
    .description(
      'Format expressions canonically (whitespace and operator spelling only; literals are kept as written). ' +
        'In ruleset files only the "expression" strings change; the rest of the file is kept byte for byte.\n' +
        'Without --check or --write the result is printed. --check exits 1 when something would change (for CI).',
    )
    .argument('[inputs...]', 'ruleset files, expression files, expressions, or - for stdin')
    .option('-e, --expression <expression>', 'an expression to format (repeatable)', collect, [])
    .option('-c, --check', 'do not write; list what would change and exit 1 if anything would')
    .option('-w, --write', 'rewrite the files in place')
    .addOption(new Option('--operators <style>', 'operator spelling').choices(['english', 'symbolic']))
    .option('--width <n>', 'line width before logical chains are broken (default 100)')
    .option('--indent <n>', 'spaces per indentation level (default 2)');
  withCommon(command);
  command.addHelpText(
    'after',
    `
Examples:
  $ wirefilter fmt 'http.host eq "a"&&ip.src in {192.0.2.0/24}'
  $ wirefilter fmt --check examples/ruleset.json
  $ wirefilter fmt --write rules/*.json --operators english`,
  );
  return command.action(async (targets: string[], options: FmtOptions) => cli.done(await runFmt(targets, options, cli.io(options))));
}
