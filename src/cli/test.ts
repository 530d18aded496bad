/**
 * `wirefilter test`: rule unit tests. A test file names a ruleset and lists requests with the
 * expected action and rule; they run like a test runner, with pass/fail output, the trace of
 * every failure, and exit code 1 when one fails.
 *
 * ```json
 * {
 *   "ruleset": "ruleset.json",
 *   "lists": "lists.json",
 *   "cases": [
 *     { "name": "admin from outside is blocked",
 *       "request": { "ip.src": "203.0.113.7", "http.request.uri.path": "/admin" },
 *       "expect": { "action": "block", "ruleId": "block-admin" } }
 *   ]
 * }
 * ```
 *
 * @module
 */
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import type { Decision, EvaluateOptions, ListDefinition, RulesetOptions, RuleTrace } from '../index.js';
import { withCommon, withScheme, type CommonOptions, type CommandContext, type SchemeOptions } from './command.js';
import { renderTraceText } from './eval.js';
import { CliError, displayPath, resolvePath, EXIT_OK, EXIT_PROBLEMS, isObject, plural, readJson, readText, writeJson, type Io } from './io.js';
import { JsonSyntaxError, parseJson } from './json-source.js';
import { loadRuleset, parseRulesetFile, problemFindings, readRulesetFile, RulesetFileError, ruleSummaries, type RulesetFile } from './ruleset-file.js';
import { loadScheme, parseLists } from './setup.js';
import { clearanceProblem, readRequest, requestProblems } from './values.js';

interface TestOptions extends CommonOptions, SchemeOptions {
  grep?: string;
}

/** One case of a test file. */
interface TestCase {
  name: string;
  request: unknown;
  clearance?: unknown;
  now?: number;
  xhr?: boolean;
  expect: {
    action?: string;
    ruleId?: string | null;
    events?: unknown[];
    skipped?: { phases?: string[]; products?: string[] };
    response?: { status_code?: number; content_type?: string; content?: string | null };
  };
}

/** The result of one case. */
interface CaseResult {
  name: string;
  ok: boolean;
  failures: string[];
  durationMs: number;
  /** Rule labels for the trace (ref instead of a generated id). */
  labels?: Map<string, string>;
  actual?: { action: string; ruleId: string | null; events: { ruleId: string; action: string }[] };
  trace?: RuleTrace[];
}

/** The result of one test file. */
interface FileResult {
  file: string;
  ruleset: string;
  error?: string;
  cases: CaseResult[];
}

function fail(file: string, message: string): never {
  throw new CliError(`${file}: ${message}`, EXIT_PROBLEMS);
}

/**
 * Reads and validates a test file. The files it names are read relative to its directory
 * (unless absolute) through the shared readers: regular files only, of bounded size, so that
 * a test file naming `/dev/zero` or a FIFO gets an error rather than a hang.
 */
function readTestFile(file: string, cwd: string): { ruleset: RulesetFile; lists: Record<string, ListDefinition>; options: RulesetOptions; cases: TestCase[] } {
  const shown = displayPath(file, cwd);
  const text = readText(file, cwd);
  let spec: unknown;
  try {
    spec = parseJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    fail(shown, `invalid JSON: ${error.message} (line ${error.position.line}, column ${error.position.column})`);
  }
  if (!isObject(spec) || !Array.isArray(spec.cases)) fail(shown, 'expected {"ruleset": "path" | {...}, "cases": [...]}');
  const base = dirname(resolvePath(file, cwd));
  /** Reads a file the test file names, with errors that say which test file and key. */
  const named = <T>(key: string, read: () => T): T => {
    try {
      return read();
    } catch (error) {
      if (error instanceof CliError) throw new CliError(`${shown}: "${key}": ${error.message}`, error.exitCode);
      throw error;
    }
  };
  let ruleset: RulesetFile;
  try {
    if (typeof spec.ruleset === 'string') {
      const path = resolve(base, spec.ruleset);
      ruleset = named('ruleset', () => readRulesetFile(path, cwd));
    } else if (isObject(spec.ruleset) || Array.isArray(spec.ruleset)) ruleset = { ...parseRulesetFile(file, JSON.stringify(spec.ruleset, null, 2)), display: `${shown} (inline)` };
    else fail(shown, '"ruleset" must be a path (relative to the test file) or an inline ruleset');
  } catch (error) {
    if (error instanceof RulesetFileError) {
      const { file: where, region } = error.finding;
      fail(shown, `ruleset: ${where}${region !== undefined ? `:${region.start.line}:${region.start.column}` : ''}: ${error.message}`);
    }
    throw error;
  }
  let lists: Record<string, ListDefinition> = {};
  if (typeof spec.lists === 'string') {
    const path = resolve(base, spec.lists);
    lists = parseLists(named('lists', () => readJson(path, cwd)), spec.lists);
  } else if (spec.lists !== undefined) lists = parseLists(spec.lists, `${shown} (lists)`);
  const options = isObject(spec.options) ? (spec.options as RulesetOptions) : {};
  const names = new Set<string>();
  spec.cases.forEach((c: unknown, i: number) => {
    const where = `cases[${i}]`;
    if (!isObject(c)) fail(shown, `${where} must be an object`);
    if (typeof c.name !== 'string' || c.name === '') fail(shown, `${where} needs a "name"`);
    if (names.has(c.name)) fail(shown, `${where}: duplicate name ${JSON.stringify(c.name)}`);
    names.add(c.name);
    if (c.request === undefined && c.values !== undefined) c.request = c.values;
    if (!isObject(c.request)) fail(shown, `${where} (${c.name}) needs a "request" object of field values`);
    if (!isObject(c.expect)) fail(shown, `${where} (${c.name}) needs an "expect" object, e.g. {"action": "block", "ruleId": "r1"}`);
    const problem = clearanceProblem(c.clearance);
    if (problem !== undefined) fail(shown, `${where} (${c.name}): ${problem}`);
  });
  return { ruleset, lists, options, cases: spec.cases as TestCase[] };
}

/** Runs every case of a test file. */
function runFile(file: string, options: TestOptions, cwd: string): FileResult {
  const { ruleset: rulesetFile, lists, options: rulesetOptions, cases } = readTestFile(file, cwd);
  const result: FileResult = { file: displayPath(file, cwd), ruleset: rulesetFile.display, cases: [] };
  const setup = loadScheme(options, cwd, lists);
  const outcome = loadRuleset(setup.scheme, rulesetFile, rulesetOptions);
  if (outcome.ruleset === undefined) {
    const errors = problemFindings(rulesetFile, outcome.problems).filter((f) => f.level === 'error');
    result.error = `the ruleset does not load:\n${errors.map((f) => `${f.file}:${f.region?.start.line ?? 1}:${f.region?.start.column ?? 1}: ${f.code}${f.rule ? ` (rule ${f.rule})` : ''}: ${f.message}`).join('\n')}`;
    return result;
  }
  const ruleset = outcome.ruleset;
  const rules = ruleSummaries(rulesetFile);
  // A rule may be named by its id or its ref in expectations.
  const aliases = new Map<string, Set<string>>();
  rulesetFile.rules.forEach((raw, i) => {
    const names = new Set([rules[i]!.id]);
    if (isObject(raw) && typeof raw.ref === 'string') names.add(raw.ref);
    if (isObject(raw) && typeof raw.id === 'string') names.add(raw.id);
    aliases.set(rules[i]!.id, names);
  });
  const sameRule = (actual: string | null, expected: unknown): boolean =>
    actual === null ? expected === null : typeof expected === 'string' && (aliases.get(actual)?.has(expected) ?? actual === expected);
  const grep = options.grep?.toLowerCase();
  for (const c of cases) {
    if (grep !== undefined && !c.name.toLowerCase().includes(grep)) continue;
    const started = performance.now();
    const failures: string[] = [];
    let request;
    try {
      request = readRequest(c.request);
    } catch (error) {
      result.cases.push({ name: c.name, ok: false, failures: [`invalid request: ${(error as Error).message}`], durationMs: performance.now() - started });
      continue;
    }
    for (const problem of requestProblems(setup.scheme, request.values)) failures.push(`request ${problem}`);
    const evaluate: EvaluateOptions = { trace: true };
    const clearance = c.clearance !== undefined ? c.clearance : request.clearance;
    if (clearance !== undefined) evaluate.clearance = clearance as EvaluateOptions['clearance'];
    const now = c.now ?? request.now;
    if (now !== undefined) evaluate.now = now;
    if (c.xhr === true || request.xhr === true) evaluate.xhr = true;
    const decision: Decision = ruleset.evaluate(setup.scheme.context(request.values), evaluate);
    const label = (id: string | null) => (id === null ? 'no rule' : (rules.find((r) => r.id === id)?.label ?? id));
    const expect = c.expect;
    if (expect.action !== undefined && expect.action !== decision.action) {
      failures.push(`expected action ${expect.action}, got ${decision.action}${decision.ruleId !== null ? ` (rule ${label(decision.ruleId)})` : ''}`);
    }
    if (expect.ruleId !== undefined && !sameRule(decision.ruleId, expect.ruleId)) {
      failures.push(`expected rule ${expect.ruleId === null ? 'none' : expect.ruleId}, got ${label(decision.ruleId)}`);
    }
    if (expect.events !== undefined) {
      const expected = expect.events.map((e) => (typeof e === 'string' ? { ruleId: e.split(':')[0], action: e.split(':')[1] } : (e as { ruleId?: string; action?: string })));
      const same = expected.length === decision.events.length && expected.every((e, i) => sameRule(decision.events[i]!.ruleId, e.ruleId) && e.action === decision.events[i]!.action);
      if (!same) {
        const show = (events: { ruleId?: string; action?: string }[]) => (events.length === 0 ? '(none)' : events.map((e) => `${e.ruleId}:${e.action}`).join(' → '));
        failures.push(`expected events ${show(expected)}, got ${show(decision.events.map((e) => ({ ruleId: label(e.ruleId), action: e.action })))}`);
      }
    }
    if (expect.skipped !== undefined) {
      for (const key of ['phases', 'products'] as const) {
        const wanted = expect.skipped[key];
        if (wanted !== undefined && [...wanted].sort().join() !== decision.skipped[key].join()) {
          failures.push(`expected skipped ${key} [${[...wanted].sort().join(', ')}], got [${decision.skipped[key].join(', ')}]`);
        }
      }
    }
    if (expect.response !== undefined) {
      for (const [key, wanted] of Object.entries(expect.response)) {
        const actual = decision.response?.[key as keyof NonNullable<Decision['response']>];
        if (actual !== wanted) failures.push(`expected response ${key} ${JSON.stringify(wanted)}, got ${decision.response === undefined ? 'no response (not blocked)' : JSON.stringify(actual)}`);
      }
    }
    result.cases.push({
      name: c.name,
      ok: failures.length === 0,
      failures,
      durationMs: performance.now() - started,
      actual: { action: decision.action, ruleId: decision.ruleId, events: decision.events.map((e) => ({ ruleId: e.ruleId, action: e.action })) },
      ...(failures.length > 0 && decision.trace !== undefined && { trace: decision.trace, labels: new Map(rules.map((r) => [r.id, r.label])) }),
    });
  }
  return result;
}

function writeText(io: Io, results: FileResult[], elapsedMs: number): void {
  const c = io.c;
  for (const file of results) {
    io.out(`${c.bold(file.file)} ${c.dim(`(ruleset ${file.ruleset})`)}\n`);
    if (file.error !== undefined) {
      io.out(`  ${c.red('✗')} ${file.error.replace(/\n/g, '\n    ')}\n\n`);
      continue;
    }
    for (const r of file.cases) {
      const time = r.durationMs >= 1 ? c.dim(` (${r.durationMs.toFixed(0)} ms)`) : '';
      if (r.ok) {
        io.out(`  ${c.green('✓')} ${r.name}${time}\n`);
        continue;
      }
      io.out(`  ${c.red('✗')} ${c.red(r.name)}${time}\n`);
      for (const failure of r.failures) io.out(`      ${failure}\n`);
      if (r.trace !== undefined) {
        io.out(`      ${c.dim('trace:')}\n${renderTraceText(r.trace, c, (id) => r.labels?.get(id) ?? id).replace(/^/gm, '        ')}\n`);
      }
    }
    io.out('\n');
  }
  const all = results.flatMap((f) => f.cases);
  const failed = all.filter((r) => !r.ok).length;
  const broken = results.filter((f) => f.error !== undefined).length;
  const parts = [];
  if (failed > 0) parts.push(c.bold(c.red(`${failed} failed`)));
  if (broken > 0) parts.push(c.bold(c.red(`${plural(broken, 'file')} not loaded`)));
  parts.push(c.bold(c.green(`${all.length - failed} passed`)));
  parts.push(`${all.length} total`);
  io.out(`${c.bold('Tests:')} ${parts.join(', ')} ${c.dim(`(${elapsedMs.toFixed(0)} ms)`)}\n`);
}

async function runTests(files: string[], options: TestOptions, io: Io): Promise<number> {
  const started = performance.now();
  const results = files.map((file) => runFile(file, options, io.cwd));
  const elapsed = performance.now() - started;
  const all = results.flatMap((f) => f.cases);
  const failed = all.filter((r) => !r.ok).length + results.filter((f) => f.error !== undefined).length;
  if (options.format === 'json') {
    writeJson(io, {
      ok: failed === 0,
      summary: { total: all.length, passed: all.filter((r) => r.ok).length, failed: all.filter((r) => !r.ok).length, files: results.length },
      files: results.map(({ cases, ...file }) => ({
        ...file,
        cases: cases.map(({ trace, durationMs, labels: _labels, ...c }) => ({ ...c, durationMs: Math.round(durationMs * 1000) / 1000, ...(trace !== undefined && { trace }) })),
      })),
    });
  } else {
    writeText(io, results, elapsed);
  }
  if (options.grep !== undefined && all.length === 0) {
    io.err(`${io.ce.yellow('warning:')} no case name contains ${JSON.stringify(options.grep)}\n`);
    return EXIT_PROBLEMS;
  }
  return failed > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

/** Defines the `test` command. */
export function testCommand(cli: CommandContext): Command {
  const command = new Command('test')
    .summary('run rule unit tests (requests with the expected action and rule)')
    .description('Run rule unit tests: requests with the expected action and rule, against a ruleset. Exits 1 when a case fails.')
    .argument('<files...>', 'test files')
    .option('-g, --grep <text>', 'only run cases whose name contains this text');
  withScheme(withCommon(command));
  command.addHelpText(
    'after',
    `
Test files (JSON; paths are relative to the test file):
  {
    "ruleset": "ruleset.json",              // or an inline ruleset object / rules array
    "lists": "lists.json",                  // optional, or inline {"name": {"type", "items"}}
    "options": {"challengePassageSeconds": 1800},   // optional Ruleset options
    "cases": [{
      "name": "admin from outside is blocked",
      "request": {"ip.src": "203.0.113.7", "http.request.uri.path": "/admin"},
      "clearance": {"level": "managed", "issuedAt": 1767225000},  // optional
      "now": 1767225600,                                          // optional
      "expect": {"action": "block", "ruleId": "block-admin",      // id or ref; null = none
                 "events": ["block-admin:block"], "skipped": {"phases": []},
                 "response": {"status_code": 403}}                // compare only what is given
    }]
  }

Example:
  $ wirefilter test examples/ruleset.test.json`,
  );
  return command.action(async (files: string[], options: TestOptions) => cli.done(await runTests(files, options, cli.io(options))));
}
