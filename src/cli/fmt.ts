/**
 * `wirefilter fmt`: formats expressions, and the expressions inside ruleset files (only the
 * `expression` strings change; the rest of the file is kept byte for byte). `--check` lists
 * what would change and exits 1 (for CI); `--write` rewrites files in place.
 *
 * `--write` edits the file's bytes, not its decoded text: only the byte ranges of the rewritten
 * JSON string literals change, so a BOM, bytes that are not UTF-8 and line ends elsewhere stay
 * exactly as they were; and it replaces the file atomically (see `writeFileAtomic`).
 *
 * @module
 */
import { Command, Option } from 'commander';
import { parseExpression, renderDiagnostics } from '../index.js';
import { formatExpression } from '../service/index.js';
import { withCommon, type CommonOptions, type CommandContext } from './command.js';
import { collect, collectInputs, type Input } from './inputs.js';
import { CliError, EXIT_OK, EXIT_PROBLEMS, hasBom, isObject, parseCount, plural, writeFileAtomic, writeJson, type Colors, type Io } from './io.js';
import { expressionNode, expressionPath, parseRulesetFile, RulesetFileError, ruleSummaries } from './ruleset-file.js';

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

/** A replaced JSON string literal: offsets of the input's text (quotes included) and the new literal. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/** One formatted input. */
interface FormattedInput {
  input: Input;
  expressions: FormattedExpression[];
  /** The new text of the input (the file, or the expression). */
  output?: string;
  /** For a ruleset: the literals that change (what `--write` applies to the file's bytes). */
  edits?: Edit[];
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
  const edits: Edit[] = [];
  const expressions: FormattedExpression[] = [];
  for (const rule of ruleSummaries(file)) {
    const raw = file.rules[rule.index];
    if (!isObject(raw) || typeof raw.expression !== 'string') continue;
    const result = { rule: rule.id, path: expressionPath(file, rule.index), ...formatOne(raw.expression, format) };
    expressions.push(result);
    // Located by its keys, never by the joined path shown above: a key literally named
    // `rules[0].expression` elsewhere in the file reads the same.
    const node = expressionNode(file, rule.index);
    if (result.changed && node !== undefined && node.kind === 'string') edits.push({ start: node.start, end: node.end, text: JSON.stringify(result.after) });
  }
  edits.sort((a, b) => a.start - b.start);
  let output = '';
  let copied = 0;
  for (const edit of edits) {
    output += input.text.slice(copied, edit.start) + edit.text;
    copied = edit.end;
  }
  output += input.text.slice(copied);
  return { input, expressions, output, edits, changed: edits.length > 0 };
}

/**
 * Applies edits of JSON string literals, given as offsets of the decoded `text`, to the file's
 * `bytes`; every other byte stays as it was. The byte range of a literal is found by its
 * quotes: decoding never makes a `"` out of other bytes nor folds an ASCII byte into a
 * replacement character, so the n-th `"` of the text is the n-th 0x22 byte of the file,
 * whatever the bytes around it (a BOM, invalid UTF-8). Throws if a range does not decode to
 * the literal it should hold, rather than write a damaged file.
 */
function spliceStringLiterals(bytes: Buffer, text: string, edits: readonly Edit[]): Buffer {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  // Text offsets of each literal's opening and closing quote, in order.
  const quotes = sorted.flatMap((e) => [e.start, e.end - 1]);
  const ordinals: number[] = [];
  let ordinal = 0;
  for (let i = text.indexOf('"'); i !== -1 && ordinals.length < quotes.length; i = text.indexOf('"', i + 1), ordinal++) {
    if (quotes[ordinals.length]! < i) break;
    if (quotes[ordinals.length] === i) ordinals.push(ordinal);
  }
  const offsets: number[] = [];
  ordinal = 0;
  for (let i = bytes.indexOf(0x22); i !== -1 && offsets.length < ordinals.length; i = bytes.indexOf(0x22, i + 1), ordinal++) {
    if (ordinals[offsets.length] === ordinal) offsets.push(i);
  }
  if (offsets.length !== quotes.length) throw new Error('fmt: a rewritten string is not where its quotes are in the file');
  const parts: Buffer[] = [];
  let copied = 0;
  sorted.forEach((edit, k) => {
    const start = offsets[2 * k]!;
    const end = offsets[2 * k + 1]! + 1;
    if (bytes.toString('utf8', start, end) !== text.slice(edit.start, edit.end)) throw new Error('fmt: a rewritten string does not match its bytes in the file');
    parts.push(bytes.subarray(copied, start), Buffer.from(edit.text, 'utf8'));
    copied = end;
  });
  parts.push(bytes.subarray(copied));
  return Buffer.concat(parts);
}

/** What `--write` puts in a changed input's file. */
function newContent(r: FormattedInput): Buffer {
  const bytes = r.input.bytes;
  if (bytes === undefined) throw new Error(`fmt: ${r.input.name} was not read from a file`);
  // An expression file is the expression and a final newline; a ruleset keeps its other bytes.
  if (r.input.kind === 'expression') return Buffer.from(`${hasBom(bytes) ? '\ufeff' : ''}${r.output}\n`, 'utf8');
  return spliceStringLiterals(bytes, r.input.text, r.edits ?? []);
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
    // Every new content first, so that an internal error leaves all files as they were.
    const writes = changed.map((r) => ({ file: r.input.file!, content: newContent(r) }));
    for (const { file, content } of writes) writeFileAtomic(file, content);
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
