/**
 * `wirefilter lint`: everything `check` reports, plus the ruleset's static checks
 * (`ruleset.warnings`: unreachable rules, skip/block ordering, deprecated fields, unknown lists,
 * disabled rules that would not load) and the CLI's own rules: fields that have no value in the
 * phase, and — with `--plan` — fields, operators, actions and rule counts above the plan.
 *
 * @module
 */
import { Command, Option } from 'commander';
import { type Diagnostic, isRequestPhase, isResponseField, LineIndex, renderDiagnostic, type Scheme, type Span, WAF_CUSTOM_RULES_PHASE } from '../index.js';
import type { ast } from '../index.js';
import { checkInputs, writeFindings } from './check.js';
import { withCommon, withScheme, type CommonOptions, type CommandContext, type SchemeOptions } from './command.js';
import { countLevels, expressionRegion, type Finding } from './findings.js';
import { collect, collectInputs } from './inputs.js';
import { CliError, EXIT_OK, EXIT_PROBLEMS, isObject, parseCount, type Io } from './io.js';
import { expressionNode, expressionPath, ruleSummaries, type RulesetFile } from './ruleset-file.js';
import { ratelimitPlanFindings } from './ratelimit-file.js';
import { loadScheme } from './setup.js';

/** Cloudflare plans, in order. */
export const PLANS = ['free', 'pro', 'business', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

/** Custom rules per zone by plan (ruleset-engine §9). */
const RULE_LIMITS: Record<Plan, number> = { free: 5, pro: 20, business: 100, enterprise: 1000 };

/** The plan a catalogue `plan` note requires (`Pro+`, `Business+`, `Enterprise`, `Enterprise add-on (…)`). */
export function requiredPlan(note: string): Plan | undefined {
  const lower = note.toLowerCase();
  if (lower.startsWith('enterprise')) return 'enterprise';
  if (lower.startsWith('business')) return 'business';
  if (lower.startsWith('pro')) return 'pro';
  return undefined;
}

const rank = (plan: Plan): number => PLANS.indexOf(plan);


interface Use {
  kind: 'field' | 'matches';
  name: string;
  span: Span;
}

/** The fields and `matches` operators of a syntax tree. */
function uses(node: ast.Node | undefined, into: Use[] = []): Use[] {
  if (node === undefined || node === null) return into;
  switch (node.kind) {
    case 'Field':
      into.push({ kind: 'field', name: node.name, span: node.span });
      break;
    case 'Logical':
      for (const operand of node.operands) uses(operand, into);
      break;
    case 'Not':
      uses(node.operand, into);
      break;
    case 'Group':
      uses(node.expression, into);
      break;
    case 'Quantifier':
      uses(node.argument, into);
      break;
    case 'Comparison':
      uses(node.left, into);
      if (node.operator === 'matches') into.push({ kind: 'matches', name: 'matches', span: node.operatorSpan });
      break;
    case 'Call':
      for (const arg of node.args) uses(arg as ast.Node, into);
      break;
    case 'Index':
      uses(node.object, into);
      break;
    default:
      break;
  }
  return into;
}

/** A diagnostic-shaped object for rendering a lint finding under the expression. */
function diagnosticAt(lines: LineIndex, code: string, message: string, span: Span): Diagnostic {
  return { code, severity: 'warning', message, span, ...lines.position(span.start) };
}

/** Options of the CLI's own lint rules. */
export interface LintRules {
  phase: string;
  plan?: Plan;
}

/** The CLI's lint rules for one expression; `at` places a finding (file, rule, path). */
export function lintExpression(scheme: Scheme, expression: string, rules: LintRules, at: (span: Span) => Partial<Finding>): Finding[] {
  const parsed = scheme.parse(expression);
  if (parsed.ast === undefined || parsed.diagnostics.some((d) => d.severity === 'error')) return [];
  const findings: Finding[] = [];
  let lines: LineIndex | undefined;
  const add = (code: string, message: string, span: Span) => {
    lines ??= new LineIndex(expression);
    findings.push({
      code,
      level: 'warning',
      message,
      expression,
      span,
      snippet: renderDiagnostic(expression, diagnosticAt(lines, code, message, span)),
      ...at(span),
    });
  };
  const seen = new Set<string>();
  for (const use of uses(parsed.ast as ast.Node)) {
    if (use.kind === 'matches') {
      if (rules.plan !== undefined && rank(rules.plan) < rank('business') && !seen.has('matches')) {
        seen.add('matches');
        add('plan-required', `the \`matches\` operator (regular expressions) needs a Business or Enterprise plan; the plan is ${rules.plan}`, use.span);
      }
      continue;
    }
    const info = scheme.fieldInfo(use.name);
    if (info === undefined || seen.has(use.name)) continue;
    seen.add(use.name);
    if (isResponseField(use.name) && isRequestPhase(rules.phase)) {
      add('field-not-available-in-phase', `\`${use.name}\` only has a value in response phases; in ${rules.phase} it is always missing`, use.span);
    }
    const needed = info.plan !== undefined ? requiredPlan(info.plan) : undefined;
    if (rules.plan !== undefined && needed !== undefined && rank(needed) > rank(rules.plan)) {
      add('plan-required', `\`${use.name}\` needs ${info.plan}; the plan is ${rules.plan}`, use.span);
    }
  }
  return findings;
}

/** The CLI's lint rules for a ruleset file: per-rule expressions, actions and the rule count. */
export function lintRulesetFile(scheme: Scheme, file: RulesetFile, rules: LintRules, only?: readonly number[]): Finding[] {
  const findings: Finding[] = [];
  // `only`: the custom rules of a file that also holds rate limiting rules (linted apart).
  const summaries = only === undefined ? ruleSummaries(file) : ruleSummaries(file).filter((r) => only.includes(r.index));
  for (const rule of summaries) {
    const raw = file.rules[rule.index];
    if (!isObject(raw) || typeof raw.expression !== 'string') continue;
    const path = expressionPath(file, rule.index);
    const node = expressionNode(file, rule.index);
    findings.push(
      ...lintExpression(scheme, raw.expression, rules, (span) => {
        const region = node === undefined ? undefined : file.json.stringRegion(node, span.start, span.end);
        return { file: file.display, rule: rule.id, index: rule.index, path, ...(region !== undefined && { region }) };
      }),
    );
    if (rules.plan === undefined) continue;
    const place = (key: string): Partial<Finding> => {
      const p = path.replace(/expression$/, key);
      const location = file.json.nearest(p);
      return { file: file.display, rule: rule.id, index: rule.index, path: p, ...(location && { region: file.json.region(location.location.start, location.location.end) }) };
    };
    if (raw.action === 'log' && rules.plan !== 'enterprise') {
      findings.push({ code: 'plan-required', level: 'warning', message: `the \`log\` action needs an Enterprise plan; the plan is ${rules.plan}`, ...place('action') });
    }
    if (raw.action === 'block' && isObject(raw.action_parameters) && raw.action_parameters.response !== undefined && rules.plan === 'free') {
      findings.push({ code: 'plan-required', level: 'warning', message: 'custom block responses need a Pro plan or higher; the plan is free', ...place('action_parameters.response') });
    }
  }
  if (rules.plan !== undefined) {
    const enabled = summaries.filter((r) => r.enabled).length;
    const limit = RULE_LIMITS[rules.plan];
    if (summaries.length > limit) {
      const rulesPath = Array.isArray(file.source) ? file.base : file.base === '' ? 'rules' : `${file.base}.rules`;
      const location = file.json.nearest(rulesPath);
      findings.push({
        code: 'too-many-rules',
        level: 'warning',
        message: `${summaries.length} rules (${enabled} enabled); the ${rules.plan} plan allows ${limit} custom rules per zone`,
        file: file.display,
        path: rulesPath,
        ...(location && { region: file.json.region(location.location.start, location.location.start + 1) }),
      });
    }
  }
  return findings;
}

interface LintOptions extends CommonOptions, SchemeOptions {
  expression: string[];
  phase: string;
  plan?: Plan;
  maxWarnings?: string;
}

async function runLint(targets: string[], options: LintOptions, io: Io): Promise<number> {
  const setup = loadScheme(options, io.cwd);
  const maxWarnings = options.maxWarnings !== undefined ? parseCount(options.maxWarnings, '--max-warnings') : undefined;
  const inputs = await collectInputs(targets, options.expression, io);
  const report = checkInputs(inputs, setup, options.phase);
  const rules: LintRules = { phase: options.phase, ...(options.plan !== undefined && { plan: options.plan }) };
  const extra: Finding[] = [];
  for (const input of inputs) {
    if (input.kind !== 'expression') continue;
    extra.push(
      ...lintExpression(setup.scheme, input.text, rules, () => ({
        ...(input.file !== undefined ? { file: input.name } : { input: input.name }),
      })),
    );
  }
  for (const { file, shape } of report.loaded) {
    if (shape.custom.length > 0) extra.push(...lintRulesetFile(setup.scheme, file, { ...rules, phase: WAF_CUSTOM_RULES_PHASE }, shape.kind === 'custom' ? undefined : shape.custom));
    if (options.plan !== undefined) extra.push(...ratelimitPlanFindings(setup.scheme, file, shape, options.plan));
  }
  for (const f of extra) {
    if (f.region === undefined && f.span !== undefined) {
      f.region = expressionRegion(f.expression!, f.span);
    }
  }
  const findings = [...report.findings, ...extra].sort(
    (a, b) => (a.file ?? a.input ?? '').localeCompare(b.file ?? b.input ?? '') || (a.region?.startOffset ?? 0) - (b.region?.startOffset ?? 0),
  );
  writeFindings(io, options.format, report, findings, inputs.length > 1);
  const counts = countLevels(findings);
  if (counts.error > 0) return EXIT_PROBLEMS;
  if (maxWarnings !== undefined && counts.warning > maxWarnings) {
    if (options.format === 'text') io.err(`${io.ce.red('✗')} ${counts.warning} warnings; --max-warnings allows ${maxWarnings}\n`);
    return EXIT_PROBLEMS;
  }
  return EXIT_OK;
}

/** Defines the `lint` command. */
export function lintCommand(cli: CommandContext): Command {
  const command = new Command('lint')
    .summary('static checks of rulesets: ordering, deprecated fields, phase and plan restrictions')
    .description(
      'Everything `check` reports, plus warnings: rules that can never run, skip rules placed after the rules they should exempt, ' +
        'block rules after challenges, deprecated fields, unknown lists, disabled rules that would not load, ' +
        'fields that have no value in the phase, and (with --plan) fields, operators, actions and rule counts the plan does not include; ' +
        'for rate limiting rules, the plan\'s rule count, periods, mitigation timeouts, characteristics, fields, counting expressions and challenge/throttle behaviour (plan-* codes).\n' +
        'Exits 1 on errors, or when warnings exceed --max-warnings.',
    )
    .argument('[inputs...]', 'ruleset files, expression files, expressions, or - for stdin')
    .option('-e, --expression <expression>', 'an expression to lint (repeatable)', collect, [])
    .option('--phase <phase>', 'phase for expressions given on their own (rulesets use their phase)', WAF_CUSTOM_RULES_PHASE)
    .addOption(new Option('--plan <plan>', "the zone's Cloudflare plan: warn about features above it").choices(PLANS))
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this');
  withScheme(withCommon(command, ['text', 'json', 'sarif']));
  command.addHelpText(
    'after',
    `
Examples:
  $ wirefilter lint examples/ruleset.json --lists examples/lists.json
  $ wirefilter lint rules.json --plan pro --max-warnings 0
  $ wirefilter lint examples/ratelimit.json --plan business
  $ wirefilter lint rules.json --format sarif > lint.sarif`,
  );
  return command.action(async (targets: string[], options: LintOptions) => {
    if (options.plan !== undefined && !PLANS.includes(options.plan)) throw new CliError(`--plan: one of ${PLANS.join(', ')}`);
    cli.done(await runLint(targets, options, cli.io(options)));
  });
}
