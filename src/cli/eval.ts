/**
 * `wirefilter eval`: one expression or ruleset against one request (JSON field values), with
 * the decision and the trace of why every rule matched or not.
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { type Clearance, type Decision, type EvaluateOptions, type ExplanationNode, type RuleTrace, WirefilterError } from '../index.js';
import { withCommon, withScheme, type CommonOptions, type CommandContext, type SchemeOptions } from './command.js';
import { CliError, EXIT_OK, EXIT_PROBLEMS, isWhitespace, parseTime, readStdin, readText, resolvePath, statRegularFile, writeJson, type Colors, type Io } from './io.js';
import { readRulesetFile, requireRuleset, ruleSummaries } from './ruleset-file.js';
import { loadScheme } from './setup.js';
import { readRequest, requestProblems, type RequestInput } from './values.js';

interface EvalOptions extends CommonOptions, SchemeOptions {
  request?: string;
  expression?: string;
  clearance?: Clearance['level'];
  issuedAt?: string;
  now?: string;
  xhr?: boolean;
  trace: boolean;
}

/** Reads the request of `--request` (a file, inline JSON, or `-`) or standard input. */
async function requestText(io: Io, request: string | undefined): Promise<{ text: string; from: string }> {
  if (request === undefined || request === '-') return { text: await readStdin(io, 'the request (JSON field values)'), from: '<stdin>' };
  if (/^\s*\{/.test(request)) return { text: request, from: '--request' };
  return { text: readText(request, io.cwd), from: request };
}

/**
 * An expression on one line (formatted expressions span several): each run of whitespace that
 * holds a line break becomes one space — what replacing the regular expression `\s*\n\s*`
 * (global) with a space gives, in linear time (that expression retries from every position of
 * a long run of spaces).
 */
export function oneLine(text: string): string {
  let out = '';
  let copied = 0;
  let i = text.indexOf('\n');
  while (i !== -1) {
    let start = i;
    while (start > copied && isWhitespace(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    while (end < text.length && isWhitespace(text.charCodeAt(end))) end++;
    out += `${text.slice(copied, start)} `;
    copied = end;
    i = text.indexOf('\n', end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function renderNode(node: ExplanationNode, indent: string, lines: string[], c: Colors): void {
  const mark = !node.evaluated
    ? c.dim('·')
    : Array.isArray(node.result)
      ? `[${node.result.map((r) => (r ? c.green('✓') : c.red('✗'))).join('')}]`
      : node.result
        ? c.green('✓')
        : c.red('✗');
  let line = `${indent}${mark} ${oneLine(node.expression)}`;
  if (node.value !== undefined) line += `   ${c.dim('⟵')} ${oneLine(node.value.expression)} = ${c.bold(JSON.stringify(node.value.value))}`;
  if (!node.evaluated) line += `   ${c.dim('(not evaluated)')}`;
  else if (node.decisive === true) line += `   ${c.cyan('(decisive)')}`;
  lines.push(line);
  for (const child of node.children) renderNode(child, `${indent}  `, lines, c);
}

/**
 * Renders rule traces like the library's `renderTrace` (one block per rule: status, outcome,
 * then the explanation tree), with colours and multi-line expressions shown on one line.
 */
export function renderTraceText(traces: readonly RuleTrace[], c: Colors, label: (id: string) => string = (id) => id): string {
  const lines: string[] = [];
  for (const trace of traces) {
    const status = trace.status === 'matched' ? c.green(trace.status) : trace.status === 'not-matched' ? c.dim(trace.status) : c.yellow(trace.status);
    const outcome = trace.outcome !== undefined ? ` → ${c.bold(trace.outcome)}` : '';
    lines.push(`${c.dim(`[${trace.ruleset}]`)} ${label(trace.ruleId)} ${c.dim(`(${trace.action})`)}: ${status}${outcome}`);
    if (trace.explanation !== undefined) renderNode(trace.explanation, '  ', lines, c);
  }
  return lines.join('\n');
}

/** Renders the explanation of one expression. */
export function renderExplanation(explanation: ExplanationNode, c: Colors): string {
  const lines: string[] = [];
  renderNode(explanation, '  ', lines, c);
  return lines.join('\n');
}

function actionColor(action: string, c: Colors): string {
  if (action === 'block') return c.bold(c.red(action));
  if (action === 'allow') return c.bold(c.green(action));
  return c.bold(c.yellow(action));
}

/** Text of a decision. */
function renderDecision(decision: Decision, labels: Map<string, { label: string; description?: string }>, c: Colors): string {
  const lines: string[] = [];
  const rule = decision.ruleId !== null ? labels.get(decision.ruleId) : undefined;
  const by =
    decision.ruleId !== null
      ? ` ${c.dim('by rule')} ${c.bold(rule?.label ?? decision.ruleId)}${rule?.description ? c.dim(` — ${rule.description}`) : ''}`
      : c.dim(' (no terminating rule matched)');
  const bypassed = decision.events.at(-1)?.action.endsWith('_bypassed') === true ? c.dim(` (${decision.events.at(-1)!.action}: the visitor's clearance passed the challenge)`) : '';
  lines.push(`${actionColor(decision.action, c)}${by}${bypassed}`);
  if (decision.response !== undefined) {
    const r = decision.response;
    lines.push(`  ${c.dim('response')}  ${r.status_code} ${r.content_type}${r.content !== null ? ` ${JSON.stringify(r.content)}` : ' (default block page)'}`);
  }
  if (decision.events.length > 0) {
    lines.push(`  ${c.dim('events')}    ${decision.events.map((e) => `${labels.get(e.ruleId)?.label ?? e.ruleId}:${e.action}`).join(' → ')}`);
  }
  const skipped = [];
  if (decision.skipped.phases.length > 0) skipped.push(`phases ${decision.skipped.phases.join(', ')}`);
  if (decision.skipped.products.length > 0) skipped.push(`products ${decision.skipped.products.join(', ')}`);
  if (skipped.length > 0) lines.push(`  ${c.dim('skipped')}   ${skipped.join('; ')}`);
  return lines.join('\n');
}

async function runEval(target: string | undefined, options: EvalOptions, io: Io): Promise<number> {
  if (target === undefined && options.expression === undefined) throw new CliError('give a ruleset file or an expression (or -e <expression>)');
  if (target !== undefined && options.expression !== undefined) throw new CliError('give either a target or -e <expression>, not both');
  const setup = loadScheme(options, io.cwd);
  const targetPath = target !== undefined ? resolvePath(target, io.cwd) : undefined;
  const isFile = targetPath !== undefined && existsSync(targetPath) && statSync(targetPath).isFile();
  if (target !== undefined && !isFile && /^[^\s"'()]+\.json$/i.test(target)) {
    // Says why: no such file, a directory, a FIFO or a device.
    statRegularFile(target, io.cwd);
    throw new CliError(`cannot read ${target}: no such file`);
  }
  const { text, from } = await requestText(io, options.request);
  let request: RequestInput;
  try {
    request = readRequest(JSON.parse(text));
  } catch (error) {
    throw new CliError(`${from}: ${(error as Error).message}`);
  }
  const problems = requestProblems(setup.scheme, request.values);
  for (const problem of problems) io.err(`${io.ce.yellow('warning:')} request ${problem}\n`);
  const evaluate: EvaluateOptions = { trace: true };
  const clearance: Clearance | null | undefined =
    options.clearance !== undefined
      ? { level: options.clearance, ...(options.issuedAt !== undefined && { issuedAt: parseTime(options.issuedAt, '--issued-at') }) }
      : request.clearance;
  if (options.clearance === undefined && options.issuedAt !== undefined) throw new CliError('--issued-at needs --clearance <level>');
  if (clearance !== undefined) evaluate.clearance = clearance;
  const now = options.now !== undefined ? parseTime(options.now, '--now') : request.now;
  if (now !== undefined) evaluate.now = now;
  if (options.xhr === true || request.xhr === true) evaluate.xhr = true;

  if (isFile) {
    const file = readRulesetFile(target!, io.cwd);
    const ruleset = requireRuleset(setup.scheme, file);
    const labels = new Map(ruleSummaries(file).map((r) => [r.id, r]));
    const decision = ruleset.evaluate(setup.scheme.context(request.values), evaluate);
    if (options.format === 'json') {
      const { trace, ...rest } = decision;
      writeJson(io, { ...rest, ...(options.trace && { trace }), ...(problems.length > 0 && { requestWarnings: problems }) });
      return EXIT_OK;
    }
    io.out(`${renderDecision(decision, labels, io.c)}\n`);
    if (options.trace && decision.trace !== undefined) io.out(`\n${io.c.bold('Trace')}\n${renderTraceText(decision.trace, io.c, (id) => labels.get(id)?.label ?? id)}\n`);
    return EXIT_OK;
  }

  const expression = options.expression ?? target!;
  let filter;
  try {
    filter = setup.scheme.compile(expression);
  } catch (error) {
    if (!(error instanceof WirefilterError)) throw error;
    io.err(`${error.message}\n`);
    return EXIT_PROBLEMS;
  }
  const context = setup.scheme.context(request.values);
  const result = filter.execute(context);
  const explanation: ExplanationNode = filter.explain(context);
  if (options.format === 'json') {
    writeJson(io, { expression, result, ...(options.trace && { explanation }), ...(problems.length > 0 && { requestWarnings: problems }) });
    return EXIT_OK;
  }
  io.out(`${result ? io.c.bold(io.c.green('true')) : io.c.bold(io.c.red('false'))} ${io.c.dim(result ? '(the expression matches the request)' : '(the expression does not match the request)')}\n`);
  if (options.trace) io.out(`${renderExplanation(explanation, io.c)}\n`);
  return EXIT_OK;
}

/** Defines the `eval` command. */
export function evalCommand(cli: CommandContext): Command {
  const command = new Command('eval')
    .summary('evaluate an expression or a ruleset against one request, with the trace')
    .description(
      'Evaluate an expression, or a ruleset file with Cloudflare\'s custom-rules semantics, against one request given as JSON field values ' +
        '(e.g. {"ip.src": "203.0.113.7", "http.request.uri.path": "/admin"}) or as {"values": {...}, "clearance"?: {...}, "now"?: <Unix seconds>}.\n' +
        'Prints the decision (or true/false) and the trace: every rule, its decisive sub-expressions and the values they saw.',
    )
    .argument('[target]', 'a ruleset file (.json) or an expression')
    .option('-e, --expression <expression>', 'evaluate this expression (even if a file of that name exists)')
    .option('-r, --request <file|json>', 'the request: a JSON file, inline JSON, or - for stdin (default: stdin)')
    .addOption(new Option('--clearance <level>', "the visitor's cf_clearance level").choices(['jschallenge', 'managed', 'interactive']))
    .option('--issued-at <time>', 'when the clearance was issued (Unix seconds or ISO 8601; default: fresh)')
    .option('--now <time>', 'the current time (Unix seconds or ISO 8601; default: the clock)')
    .option('--xhr', 'the request is an XMLHttpRequest/fetch call (one more hour of Challenge Passage)')
    .option('--no-trace', 'print only the decision');
  withScheme(withCommon(command));
  command.addHelpText(
    'after',
    `
Examples:
  $ wirefilter eval examples/ruleset.json --lists examples/lists.json --request '{"ip.src": "203.0.113.7", "http.request.uri.path": "/admin"}'
  $ echo '{"http.host": "Example.com"}' | wirefilter eval 'lower(http.host) eq "example.com"'
  $ wirefilter eval rules.json -r request.json --clearance managed --issued-at 2026-01-01T10:00:00Z --now 2026-01-01T10:20:00Z`,
  );
  return command.action(async (target: string | undefined, options: EvalOptions) => cli.done(await runEval(target, options, cli.io(options))));
}
