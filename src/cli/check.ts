/**
 * `wirefilter check`: validates expressions and ruleset files, printing every problem with a
 * Cloudflare-style caret snippet (text), as JSON, or as SARIF. Exit 1 when there are errors.
 *
 * @module
 */
import { Command } from 'commander';
import { type RateLimiter, type Ruleset, WAF_CUSTOM_RULES_PHASE } from '../index.js';
import { TOOL, withCommon, withScheme, type CommonOptions, type CommandContext, type Format, type SchemeOptions } from './command.js';
import { countLevels, expressionFindings, findingJson, renderFindings, type Finding } from './findings.js';
import { collect, collectInputs, type Input } from './inputs.js';
import { EXIT_OK, EXIT_PROBLEMS, plural, writeJson, type Io } from './io.js';
import { loadRuleset, parseRulesetFile, problemFindings, RulesetFileError, type RulesetFile } from './ruleset-file.js';
import { loadCustomRules, loadRateLimitRules, RATE_LIMIT_PHASE, rulesetShape, shapeFindings, type RulesetShape } from './ratelimit-file.js';
import { toSarif } from './sarif.js';
import { loadScheme, type SchemeSetup } from './setup.js';

interface CheckOptions extends CommonOptions, SchemeOptions {
  expression: string[];
  phase?: string;
}

/** What checking the inputs found. */
export interface CheckReport {
  findings: Finding[];
  expressions: number;
  rulesets: number;
  rules: number;
  /** Ruleset files that could not be read as rulesets (invalid JSON, another shape). */
  unreadable: number;
  /**
   * The loaded rulesets (for `lint`), with their files and which rules are rate limiting rules:
   * `ruleset` holds the custom rules, `limiter` the rate limiting rules (when they load).
   */
  loaded: { file: RulesetFile; shape: RulesetShape; ruleset?: Ruleset; limiter?: RateLimiter }[];
}

/** Checks every input: expression diagnostics, ruleset loading problems and warnings. */
export function checkInputs(inputs: readonly Input[], setup: SchemeSetup, phase: string | undefined): CheckReport {
  const report: CheckReport = { findings: [], expressions: 0, rulesets: 0, rules: 0, unreadable: 0, loaded: [] };
  for (const input of inputs) {
    if (input.kind === 'expression') {
      report.expressions++;
      const diagnostics = setup.scheme.validate(input.text, phase !== undefined ? { phase } : {});
      const findings = expressionFindings(input.text, diagnostics, input.name);
      if (input.file !== undefined) for (const f of findings) f.file = input.name;
      report.findings.push(...findings);
      continue;
    }
    let file: RulesetFile;
    try {
      file = parseRulesetFile(input.file, input.text, input.name);
    } catch (error) {
      if (!(error instanceof RulesetFileError)) throw error;
      report.findings.push(error.finding);
      report.unreadable++;
      continue;
    }
    report.rulesets++;
    report.rules += file.rules.length;
    const shape = rulesetShape(file);
    report.findings.push(...shapeFindings(file, shape));
    if (shape.kind === 'custom') {
      const outcome = loadRuleset(setup.scheme, file);
      report.findings.push(...problemFindings(file, outcome.problems));
      report.loaded.push({ file, shape, ...(outcome.ruleset !== undefined && { ruleset: outcome.ruleset }) });
      continue;
    }
    // Rate limiting rules (a `http_ratelimit` file, or the `ratelimit` rules of a mixed file).
    const limits = loadRateLimitRules(setup.scheme, file, shape.rateLimit);
    const custom = shape.custom.length > 0 ? loadCustomRules(setup.scheme, file, shape.custom) : undefined;
    const problems = [...(custom?.problems ?? []), ...limits.problems].sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
    report.findings.push(...problemFindings(file, problems));
    report.loaded.push({ file, shape, ...(custom?.ruleset !== undefined && { ruleset: custom.ruleset }), ...(limits.limiter !== undefined && { limiter: limits.limiter }) });
  }
  return report;
}

/** `2 expressions, 1 ruleset (20 rules)`. */
export function describeInputs(report: CheckReport): string {
  const parts = [];
  if (report.expressions > 0) parts.push(plural(report.expressions, 'expression'));
  if (report.rulesets > 0) parts.push(`${plural(report.rulesets, 'ruleset')} (${plural(report.rules, 'rule')})`);
  if (report.unreadable > 0) parts.push(`${plural(report.unreadable, 'file')} not read`);
  return parts.join(', ') || 'nothing checked';
}

/** Writes findings in the chosen format. */
export function writeFindings(io: Io, format: Format, report: CheckReport, findings: readonly Finding[], showInput: boolean): void {
  if (format === 'sarif') {
    writeJson(io, toSarif(findings, TOOL));
    return;
  }
  const counts = countLevels(findings);
  if (format === 'json') {
    writeJson(io, {
      ok: counts.error === 0,
      summary: { expressions: report.expressions, rulesets: report.rulesets, rules: report.rules, errors: counts.error, warnings: counts.warning, notes: counts.note },
      findings: findings.map(findingJson),
    });
    return;
  }
  io.out(renderFindings(findings, io.c, describeInputs(report), showInput));
}

async function runCheck(targets: string[], options: CheckOptions, io: Io): Promise<number> {
  const setup = loadScheme(options, io.cwd);
  const inputs = await collectInputs(targets, options.expression, io);
  const report = checkInputs(inputs, setup, options.phase);
  writeFindings(io, options.format, report, report.findings, inputs.length > 1);
  return countLevels(report.findings).error > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

/** Defines the `check` command. */
export function checkCommand(cli: CommandContext): Command {
  const command = new Command('check')
    .summary('validate expressions and ruleset files')
    .description(
      'Validate filter expressions and ruleset files (Rulesets API JSON: a ruleset object, {"result": ruleset} or an array of rules).\n' +
        `Rate limiting rules (phase ${RATE_LIMIT_PHASE}, or rules with a \`ratelimit\` block) are checked with the rate limiting rules' parameters; ` +
        'a file mixing both kinds is checked as both, each rule as its kind.\n' +
        'Each argument is a ruleset file (.json), an expression file, `-` for standard input, or an expression; with none, standard input is read.\n' +
        'Exits 1 when there are errors (warnings alone exit 0).',
    )
    .argument('[inputs...]', 'ruleset files, expression files, expressions, or - for stdin')
    .option('-e, --expression <expression>', 'an expression to check (repeatable)', collect, [])
    .option('--phase <phase>', `check expressions for a Cloudflare phase (rulesets use ${WAF_CUSTOM_RULES_PHASE}, or ${RATE_LIMIT_PHASE} for rate limiting rules)`);
  withScheme(withCommon(command, ['text', 'json', 'sarif']));
  command.addHelpText(
    'after',
    `
Examples:
  $ wirefilter check 'http.host eq "example.com" and ip.src in {192.0.2.0/24}'
  $ echo 'http.hots eq "a"' | wirefilter check
  $ wirefilter check examples/ruleset.json --lists examples/lists.json
  $ wirefilter check examples/ratelimit.json
  $ wirefilter check rules.json --format sarif > wirefilter.sarif`,
  );
  return command.action(async (targets: string[], options: CheckOptions) => cli.done(await runCheck(targets, options, cli.io(options))));
}
