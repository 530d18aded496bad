/**
 * Ruleset files: Rulesets API JSON — a ruleset object, the API's `{"result": ruleset}`
 * envelope, or a plain array of rules — read with the location of every value, loaded into a
 * `Ruleset`, and its problems turned into findings at file lines and columns.
 *
 * @module
 */
import { renderDiagnostic, type RuleInput, Ruleset, RulesetError, type RulesetInput, type RulesetOptions, type RulesetProblem, type Scheme, WirefilterError } from '../index.js';
import { levelOf, type Finding } from './findings.js';
import { CliError, displayPath, isObject, readText, resolvePath } from './io.js';
import { JsonSyntaxError, type JsonNode } from '../json/located.js';
import { joinPath, JsonSource } from './json-source.js';

/** A ruleset file as read: its text, locations, and the ruleset inside. */
export interface RulesetFile {
  /** The path as given. */
  file: string;
  /** The path as displayed (relative, `/`). */
  display: string;
  json: JsonSource;
  source: RulesetInput | RuleInput[];
  /** JSON path of the ruleset object or rules array in the file (`''`, `result`). */
  base: string;
  /** Keys from the document's top to the rules array (`[]`, `['rules']`, `['result', 'rules']`…). */
  rulesAt: readonly string[];
  /** The rules as given (possibly not all objects). */
  rules: unknown[];
}

/** A short description of a rule for listings and summaries. */
export interface RuleSummary {
  /** The id the evaluator reports: id, else ref, else `#<index>`. */
  id: string;
  index: number;
  /** What to show: ref (readable) when the id is a generated hex string, else the id. */
  label: string;
  description?: string;
  action: string;
  expression: string;
  enabled: boolean;
  /** False for skip rules with `logging.enabled: false`: their matches produce no event. */
  logged: boolean;
}

/** Why a file could not be read as a ruleset (as a finding). */
export class RulesetFileError extends Error {
  constructor(readonly finding: Finding) {
    super(finding.message);
  }
}

/** Finds the ruleset in a parsed JSON document; returns its JSON path, or undefined. */
function locateRuleset(value: unknown): string | undefined {
  if (Array.isArray(value)) return '';
  if (isObject(value) && Array.isArray(value.rules)) return '';
  if (isObject(value) && (Array.isArray(value.result) || (isObject(value.result) && Array.isArray(value.result.rules)))) return 'result';
  return undefined;
}

/**
 * Parses ruleset file text; `display` is how messages name the file (default: `file`).
 * Throws {@link RulesetFileError} for invalid JSON or another shape.
 */
export function parseRulesetFile(file: string, text: string, display = file): RulesetFile {
  let json: JsonSource;
  try {
    json = new JsonSource(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const position = error.position;
    throw new RulesetFileError({
      code: 'invalid-json',
      level: 'error',
      message: `invalid JSON: ${error.message}`,
      file: display,
      region: { start: position, end: position, startOffset: error.offset, endOffset: error.offset },
    });
  }
  const base = locateRuleset(json.value);
  if (base === undefined) {
    const root = json.location('')!;
    throw new RulesetFileError({
      code: 'invalid-ruleset',
      level: 'error',
      message: 'expected a ruleset: a Rulesets API ruleset object with a "rules" array, {"result": ruleset}, or an array of rules',
      file: display,
      path: '',
      region: json.region(root.start, root.start + 1),
    });
  }
  const source = (base === '' ? json.value : (json.value as { result: unknown }).result) as RulesetInput | RuleInput[];
  const rules = Array.isArray(source) ? source : source.rules;
  const rulesAt = [...(base === '' ? [] : [base]), ...(Array.isArray(source) ? [] : ['rules'])];
  return { file, display, json, source, base, rulesAt, rules };
}

/** Reads a ruleset file relative to `cwd` (see {@link parseRulesetFile}); a missing file is a usage error. */
export function readRulesetFile(file: string, cwd: string): RulesetFile {
  return parseRulesetFile(resolvePath(file, cwd), readText(file, cwd), displayPath(file, cwd));
}

/** The file JSON path of a problem path (relative to the ruleset, e.g. `rules[2].action`). */
export function filePath(file: RulesetFile, problemPath: string): string {
  if (Array.isArray(file.source)) {
    // The rules array is the ruleset: `rules[2].x` → `<base>[2].x`.
    const rest = problemPath.replace(/^rules(?=\[|$)/, '');
    return file.base + rest;
  }
  return problemPath === '' ? file.base : file.base === '' ? problemPath : joinPath(file.base, problemPath);
}

/** The JSON path of a rule's expression in the file (for messages; locate it with {@link expressionNode}). */
export const expressionPath = (file: RulesetFile, index: number): string => filePath(file, `rules[${index}].expression`);

/**
 * The node of a rule's expression, found by its keys: never confused with another value whose
 * joined path reads the same (a key literally named `rules[0].expression`).
 */
export const expressionNode = (file: RulesetFile, index: number): JsonNode | undefined => file.json.node([...file.rulesAt, index, 'expression']);

/** Summaries of the rules in file order (invalid entries get placeholders). */
export function ruleSummaries(file: RulesetFile): RuleSummary[] {
  return file.rules.map((raw, index) => {
    const rule = (isObject(raw) ? raw : {}) as Partial<RuleInput>;
    const ownId = typeof rule.id === 'string' && rule.id !== '' ? rule.id : undefined;
    const ref = typeof rule.ref === 'string' && rule.ref !== '' ? rule.ref : undefined;
    const id = ownId ?? ref ?? `#${index}`;
    const generated = ownId !== undefined && /^[0-9a-f]{32}$/.test(ownId);
    return {
      id,
      index,
      label: generated && ref !== undefined ? ref : id,
      ...(typeof rule.description === 'string' && { description: rule.description }),
      action: typeof rule.action === 'string' ? rule.action : '?',
      expression: typeof rule.expression === 'string' ? rule.expression : '',
      enabled: rule.enabled !== false,
      logged: !(isObject(rule.logging) && rule.logging.enabled === false),
    };
  });
}

/** The outcome of loading: the ruleset (when it loads) and every problem (errors and warnings). */
export interface LoadOutcome {
  ruleset?: Ruleset;
  problems: readonly RulesetProblem[];
}

/** Loads the ruleset of a file; never throws for problems in the ruleset. */
export function loadRuleset(scheme: Scheme, file: RulesetFile, options: RulesetOptions = {}): LoadOutcome {
  try {
    const ruleset = new Ruleset(scheme, file.source, options);
    return { ruleset, problems: ruleset.warnings };
  } catch (error) {
    if (error instanceof RulesetError) return { problems: error.problems };
    if (error instanceof WirefilterError) {
      return { problems: [{ code: error.code, severity: 'error', message: error.message, ruleset: 'zone', path: '' }] };
    }
    throw error;
  }
}

/** Loads a ruleset that must load: problems become a CLI error listing the errors (exit 1). */
export function requireRuleset(scheme: Scheme, file: RulesetFile, options: RulesetOptions = {}): Ruleset {
  const outcome = loadRuleset(scheme, file, options);
  if (outcome.ruleset !== undefined) return outcome.ruleset;
  const errors = problemFindings(file, outcome.problems).filter((f) => f.level === 'error');
  const lines = errors.map((f) => `${f.file}:${f.region?.start.line ?? 1}:${f.region?.start.column ?? 1}: ${f.code}${f.rule ? ` (rule ${f.rule})` : ''}: ${f.message}`);
  throw new CliError(`${file.display} does not load (run \`wirefilter check ${file.display}\` for details):\n${lines.join('\n')}`, 1);
}

/** Turns loading problems into findings located in the file. */
export function problemFindings(file: RulesetFile, problems: readonly RulesetProblem[]): Finding[] {
  const findings: Finding[] = [];
  for (const problem of problems) {
    const path = filePath(file, problem.path);
    const base = {
      file: file.display,
      ...(problem.rule !== undefined && { rule: problem.rule }),
      ...(problem.index !== undefined && { index: problem.index }),
      path,
    };
    // A rule's expression is found by its keys; other paths by their joined string.
    const node = problem.index !== undefined && problem.path === `rules[${problem.index}].expression` ? expressionNode(file, problem.index) : file.json.location(path);
    const expression = node?.kind === 'string' && path.endsWith('expression') ? (node.value as string) : undefined;
    if (problem.diagnostics !== undefined && problem.diagnostics.length > 0 && expression !== undefined) {
      const disabled = problem.code === 'invalid-disabled-rule';
      const shown = problem.code === 'invalid-expression' || disabled ? problem.diagnostics.filter((d) => d.severity === 'error') : problem.diagnostics;
      for (const d of shown) {
        findings.push({
          ...base,
          code: disabled ? problem.code : d.code,
          level: disabled ? 'warning' : levelOf(d.severity),
          message: disabled ? `this disabled rule would not load if enabled: ${d.message}` : d.message,
          expression,
          span: d.span,
          ...regionOf(file, node!, d.span),
          snippet: renderDiagnostic(expression, d, disabled ? { title: 'Filter parsing error (rule disabled)' } : {}),
        });
      }
      continue;
    }
    const nearest = file.json.nearest(path);
    findings.push({
      ...base,
      code: problem.code,
      level: levelOf(problem.severity),
      message: problem.message,
      ...(nearest !== undefined && { region: file.json.region(nearest.location.start, nearest.location.end) }),
    });
  }
  return findings;
}

function regionOf(file: RulesetFile, node: JsonNode, span: { start: number; end: number }): Pick<Finding, 'region'> {
  const region = file.json.stringRegion(node, span.start, span.end);
  return region !== undefined ? { region } : {};
}
