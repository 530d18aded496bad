/**
 * Rate limiting rules in ruleset files. A file is read as rate limiting rules (phase
 * `http_ratelimit`) when its phase says so, or, without a phase, when its rules carry
 * `ratelimit` blocks. A file without a phase whose rules are partly rate limiting rules is
 * *mixed*: its two kinds of rules are checked apart (custom rules with the custom-rules loader,
 * rate limiting rules with the rate limiting loader), with every problem at its place in the
 * file. Cloudflare takes them as two rulesets, one per phase.
 *
 * @module
 */
import {
  lintRateLimitPlan,
  memoryStore,
  RateLimiter,
  type RateLimitPlan,
  type RateLimitRulesetSource,
  type RateLimitStore,
  type RuleInput,
  Ruleset,
  RulesetError,
  type RulesetInput,
  type RulesetProblem,
  type Scheme,
  WAF_CUSTOM_RULES_PHASE,
  WirefilterError,
} from '../index.js';
import type { Finding } from './findings.js';
import { CliError, isObject } from './io.js';
import { filePath, problemFindings, type LoadOutcome, type RulesetFile } from './ruleset-file.js';

/** The phase of rate limiting rules. */
export const RATE_LIMIT_PHASE = 'http_ratelimit';

/** What rules a file holds. */
export type RulesetKind = 'custom' | 'ratelimit' | 'mixed';

/** A file's kind and the indexes of its rules of each kind. */
export interface RulesetShape {
  kind: RulesetKind;
  /** Indexes (in the file) of the rules checked as rate limiting rules. */
  rateLimit: number[];
  /** Indexes of the rules checked as custom rules. */
  custom: number[];
}

/** True for a rule object with a `ratelimit` property. */
export const hasRateLimitBlock = (rule: unknown): boolean => isObject(rule) && rule.ratelimit !== undefined;

/** The phase a file's ruleset object names, if any. */
const phaseOf = (file: RulesetFile): unknown => (Array.isArray(file.source) ? undefined : file.source.phase);

/** Which rules of a file are rate limiting rules (see the module comment). */
export function rulesetShape(file: RulesetFile): RulesetShape {
  const all = file.rules.map((_, i) => i);
  const phase = phaseOf(file);
  if (phase === RATE_LIMIT_PHASE) return { kind: 'ratelimit', rateLimit: all, custom: [] };
  const rateLimit = all.filter((i) => hasRateLimitBlock(file.rules[i]));
  if (phase !== undefined || rateLimit.length === 0) return { kind: 'custom', rateLimit: [], custom: all };
  if (rateLimit.length === all.length) return { kind: 'ratelimit', rateLimit: all, custom: [] };
  return { kind: 'mixed', rateLimit, custom: all.filter((i) => !rateLimit.includes(i)) };
}

/** The file's ruleset with only the rules at `indexes` (the whole source when they are all its rules). */
export function subsetSource(file: RulesetFile, indexes: readonly number[]): RulesetInput | RuleInput[] {
  if (indexes.length === file.rules.length) return file.source;
  const rules = indexes.map((i) => file.rules[i]) as RuleInput[];
  return Array.isArray(file.source) ? rules : { ...file.source, rules };
}

/** Problems of a subset (paths `rules[j]…`, index j) mapped back to the file's rule indexes. */
export function remapProblems(problems: readonly RulesetProblem[], indexes: readonly number[], whole: boolean): RulesetProblem[] {
  if (whole) return [...problems];
  return problems.map((problem) => {
    const path = problem.path.replace(/^rules\[(\d+)\]/, (all, j: string) => (indexes[Number(j)] !== undefined ? `rules[${indexes[Number(j)]}]` : all));
    if (problem.index === undefined || indexes[problem.index] === undefined) return { ...problem, path };
    const index = indexes[problem.index]!;
    return { ...problem, path, index, ...(problem.rule === `#${problem.index}` && { rule: `#${index}` }) };
  });
}

/** The outcome of loading a file's rate limiting rules. */
export interface RateLimitOutcome {
  limiter?: RateLimiter;
  /** Problems with paths and indexes of the file. */
  problems: RulesetProblem[];
}

/** Loads the rate limiting rules at `indexes` of a file; never throws for problems in them. */
export function loadRateLimitRules(scheme: Scheme, file: RulesetFile, indexes: readonly number[], store: RateLimitStore = memoryStore()): RateLimitOutcome {
  const whole = indexes.length === file.rules.length;
  const source = subsetSource(file, indexes) as RateLimitRulesetSource;
  try {
    const limiter = new RateLimiter(scheme, source, { store });
    return { limiter, problems: remapProblems(limiter.warnings, indexes, whole) };
  } catch (error) {
    if (error instanceof RulesetError) return { problems: remapProblems(error.problems, indexes, whole) };
    if (error instanceof WirefilterError) return { problems: [{ code: error.code, severity: 'error', message: error.message, ruleset: 'zone', path: '' }] };
    throw error;
  }
}

/** Loads the custom rules at `indexes` of a mixed file (see {@link loadRateLimitRules}). */
export function loadCustomRules(scheme: Scheme, file: RulesetFile, indexes: readonly number[]): LoadOutcome {
  const whole = indexes.length === file.rules.length;
  try {
    const ruleset = new Ruleset(scheme, subsetSource(file, indexes));
    return { ruleset, problems: remapProblems(ruleset.warnings, indexes, whole) };
  } catch (error) {
    if (error instanceof RulesetError) return { problems: remapProblems(error.problems, indexes, whole) };
    if (error instanceof WirefilterError) return { problems: [{ code: error.code, severity: 'error', message: error.message, ruleset: 'zone', path: '' }] };
    throw error;
  }
}

/** A finding at a JSON path of the file (the nearest value that exists). */
function findingAt(file: RulesetFile, finding: Omit<Finding, 'file' | 'region'>, problemPath: string): Finding {
  const path = filePath(file, problemPath);
  const nearest = file.json.nearest(path);
  return { ...finding, file: file.display, path, ...(nearest !== undefined && { region: file.json.region(nearest.location.start, nearest.location.end) }) };
}

/** Findings about the file's shape: a mixed file (a note), `ratelimit` blocks in another phase (errors). */
export function shapeFindings(file: RulesetFile, shape: RulesetShape): Finding[] {
  const findings: Finding[] = [];
  if (shape.kind === 'mixed') {
    findings.push(
      findingAt(
        file,
        {
          code: 'mixed-phases',
          level: 'note',
          message: `${shape.rateLimit.length} of ${file.rules.length} rules carry \`ratelimit\` blocks: they are checked as ${RATE_LIMIT_PHASE} rules, the others as ${WAF_CUSTOM_RULES_PHASE} rules (Cloudflare takes them as two rulesets, one per phase)`,
        },
        'rules',
      ),
    );
  }
  const phase = phaseOf(file);
  if (phase !== undefined && phase !== RATE_LIMIT_PHASE) {
    file.rules.forEach((rule, index) => {
      if (!hasRateLimitBlock(rule)) return;
      const raw = rule as Record<string, unknown>;
      const id = typeof raw.id === 'string' && raw.id !== '' ? raw.id : typeof raw.ref === 'string' && raw.ref !== '' ? raw.ref : `#${index}`;
      findings.push(
        findingAt(file, { code: 'ratelimit-outside-phase', level: 'error', message: `a \`ratelimit\` block is only valid in a ${RATE_LIMIT_PHASE} ruleset; this ruleset's phase is ${JSON.stringify(phase)}`, rule: id, index }, `rules[${index}].ratelimit`),
      );
    });
  }
  return findings;
}

/** Plan warnings of a file's rate limiting rules, located in the file. */
export function ratelimitPlanFindings(scheme: Scheme, file: RulesetFile, shape: RulesetShape, plan: RateLimitPlan): Finding[] {
  if (shape.rateLimit.length === 0) return [];
  const whole = shape.rateLimit.length === file.rules.length;
  const problems = remapProblems(lintRateLimitPlan(scheme, subsetSource(file, shape.rateLimit), plan), shape.rateLimit, whole);
  return problemFindings(file, problems);
}

/** Loads the rate limiting rules of a file that must load; problems become a CLI error (exit 1). */
export function requireRateLimiter(scheme: Scheme, file: RulesetFile, indexes: readonly number[], store: RateLimitStore): RateLimiter {
  const outcome = loadRateLimitRules(scheme, file, indexes, store);
  if (outcome.limiter !== undefined) return outcome.limiter;
  return failedLoad(file, outcome.problems);
}

/** Loads the custom rules of a mixed file that must load (see {@link requireRateLimiter}). */
export function requireCustomRules(scheme: Scheme, file: RulesetFile, indexes: readonly number[]): Ruleset {
  const outcome = loadCustomRules(scheme, file, indexes);
  if (outcome.ruleset !== undefined) return outcome.ruleset;
  return failedLoad(file, outcome.problems);
}

function failedLoad(file: RulesetFile, problems: readonly RulesetProblem[]): never {
  const errors = problemFindings(file, problems).filter((f) => f.level === 'error');
  const lines = errors.map((f) => `${f.file}:${f.region?.start.line ?? 1}:${f.region?.start.column ?? 1}: ${f.code}${f.rule ? ` (rule ${f.rule})` : ''}: ${f.message}`);
  throw new CliError(`${file.display} does not load (run \`wirefilter check ${file.display}\` for details):\n${lines.join('\n')}`, 1);
}
