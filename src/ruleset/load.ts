/**
 * Loading rulesets: validates Rulesets API objects, compiles every expression, and reports
 * every problem at once with the rule's id and a JSON path. The caller's objects are never
 * modified; what is kept is a private copy.
 *
 * @module
 */
import type { ConditionFn } from '../compile/compiler.js';
import { elideMiddle, type Diagnostic } from '../diagnostics/diagnostics.js';
import { renderDiagnostic } from '../diagnostics/render.js';
import { WirefilterError } from '../diagnostics/errors.js';
import type { Filter } from '../engine/filter.js';
import type { Scheme } from '../engine/scheme.js';
import { WAF_CUSTOM_RULES_PHASE } from '../cloudflare/scheme.js';
import {
  BLOCK_CONTENT_TYPES,
  CUSTOM_RULE_ACTIONS,
  DEFAULT_BLOCK_RESPONSE,
  MAX_BLOCK_CONTENT_BYTES,
  OTHER_PHASE_ACTIONS,
  SKIPPABLE_PHASES,
  SKIPPABLE_PRODUCTS,
  type CustomRuleAction,
} from './actions.js';
import { AUTO_INDEX_MIN_RULES, treeKeys, type RuleIndex, type RuleKey } from './prefilter.js';
import type { RulesetSettings } from './options.js';
import type { BlockResponse, RuleInput, RulesetInput, RulesetProblem, RulesetSource } from './types.js';

/** Where a ruleset sits in the phase. */
export type RulesetLevel = 'account' | 'zone' | 'custom';

/** Parsed `skip` parameters. */
export interface SkipParameters {
  ruleset: boolean;
  phase: boolean;
  phases: string[];
  products: string[];
  rulesets: string[];
  rules: Record<string, string[]>;
}

/** A validated rule, ready to evaluate. */
export interface LoadedRule {
  index: number;
  /** id, else ref, else `#<index>`. */
  id: string;
  /** The rule's own id, if it has one (used by `skip` of `rules`). */
  ownId?: string;
  ref?: string;
  description?: string;
  expression: string;
  action: CustomRuleAction;
  enabled: boolean;
  /** For skip rules: whether a match is logged. */
  logging: boolean;
  /** Undefined only for disabled rules whose expression does not compile. */
  filter?: Filter;
  /** `filter.condition` when the rule runs (enabled and compiled), else undefined. */
  condition?: ConditionFn;
  skip?: SkipParameters;
  response?: BlockResponse;
  executeId?: string;
}

/** A validated ruleset. */
export interface LoadedRuleset {
  id?: string;
  /** How problems and traces name it: its id, or `zone`, `account[0]`, … */
  label: string;
  level: RulesetLevel;
  rules: LoadedRule[];
  /** The pre-filter of its rules, when the ruleset is indexed (see prefilter.ts). */
  index?: RuleIndex;
}

/**
 * Rule expressions are checked for the custom-rules phase. A list the scheme lacks may exist in
 * the account, so it is a warning (the rule never matches it here), not a load failure.
 */
const EXPRESSION_OPTIONS = { phase: WAF_CUSTOM_RULES_PHASE, unknownLists: 'warning' } as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const utf8Length = (text: string): number => new TextEncoder().encode(text).length;

/** A light well-formedness check for XML block responses (balanced, properly nested tags). */
function isWellFormedXml(text: string): boolean {
  const stack: string[] = [];
  const body = text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>/g, '');
  const tags = body.matchAll(/<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>/g);
  let roots = 0;
  for (const [, closing, name, selfClosing] of tags) {
    if (closing) {
      if (stack.pop() !== name) return false;
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) roots++;
  }
  return stack.length === 0 && roots === 1 && !/<(?![\/?!A-Za-z_])/.test(body);
}

/**
 * Problems kept by one load. A huge broken ruleset (100,000 bad rules) must not hold a
 * problem, with its diagnostics, for every rule (a 5.9 MB ruleset ran the heap out): past
 * this many, problems are only counted, in one last `too-many-problems` entry.
 */
export const MAX_KEPT_PROBLEMS = 10_000;

/** Longest problem message kept whole (an expression's rendered diagnostics fit easily). */
export const MAX_PROBLEM_MESSAGE = 8_000;
/** Longest rule id, ruleset name or path quoted in a problem. */
const MAX_NAME_LENGTH = 200;

/** A problem being reported; its message may be rendered only when first read. */
type NewProblem = Omit<RulesetProblem, 'severity' | 'message'> & { severity?: 'error' | 'warning'; message: string | (() => string) };

/** Collects problems while loading. */
class ProblemList {
  private readonly kept: RulesetProblem[] = [];
  private droppedErrors = 0;
  private droppedWarnings = 0;

  add(problem: NewProblem): void {
    const severity = problem.severity ?? 'error';
    if (this.kept.length >= MAX_KEPT_PROBLEMS) {
      if (severity === 'error') this.droppedErrors++;
      else this.droppedWarnings++;
      return;
    }
    const { message, ...rest } = problem;
    // Names and values from the input (an option key, a rule id, a phase) are quoted in
    // problems: bound every text so that no problem grows with the input.
    const kept = { ...rest, severity, ruleset: elideMiddle(rest.ruleset, MAX_NAME_LENGTH), path: elideMiddle(rest.path, MAX_NAME_LENGTH) } as RulesetProblem;
    if (rest.rule !== undefined) kept.rule = elideMiddle(rest.rule, MAX_NAME_LENGTH);
    if (typeof message === 'string') kept.message = elideMiddle(message, MAX_PROBLEM_MESSAGE);
    else lazyMessage(kept, () => elideMiddle(message(), MAX_PROBLEM_MESSAGE));
    this.kept.push(kept);
  }

  /** Every problem kept, and a last one counting those that were not. */
  get items(): RulesetProblem[] {
    const dropped = this.droppedErrors + this.droppedWarnings;
    if (dropped === 0) return this.kept;
    const summary: RulesetProblem = {
      code: 'too-many-problems',
      severity: this.droppedErrors > 0 ? 'error' : 'warning',
      message: `${dropped.toLocaleString('en-US')} more problems (${this.droppedErrors.toLocaleString('en-US')} errors) were found but not kept; the first ${MAX_KEPT_PROBLEMS} are listed`,
      ruleset: 'zone',
      path: '',
    };
    return [...this.kept, summary];
  }

  get errors(): RulesetProblem[] {
    return this.items.filter((p) => p.severity === 'error');
  }
}

/**
 * Defines `problem.message` as rendered on first read (then kept): expression problems echo
 * their source, and most are never read when a ruleset has thousands.
 */
function lazyMessage(problem: RulesetProblem, render: () => string): void {
  Object.defineProperty(problem, 'message', {
    configurable: true,
    enumerable: true,
    get(this: RulesetProblem) {
      const text = render();
      Object.defineProperty(this, 'message', { value: text, writable: true, enumerable: true, configurable: true });
      return text;
    },
    set(this: RulesetProblem, value: string) {
      Object.defineProperty(this, 'message', { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/** The literal tests of rules found while loading them, until the index takes them. */
const indexKeysOf = new WeakMap<LoadedRule, RuleKey[]>();

/**
 * The literal tests found in `rule`'s syntax tree while it loaded (for its ruleset's index),
 * handed over once; `undefined` when they were not collected.
 */
export function takeIndexKeys(rule: LoadedRule): RuleKey[] | undefined {
  const keys = indexKeysOf.get(rule);
  indexKeysOf.delete(rule);
  return keys;
}

/**
 * Loads one ruleset. `label` names it in problems; `level` decides which actions are valid;
 * `indexing` (the ruleset option) whether to collect what its index is built from.
 */
export function loadRuleset(
  scheme: Scheme,
  source: RulesetSource,
  label: string,
  level: RulesetLevel,
  problems: ProblemList,
  executable: ReadonlySet<string>,
  indexing: RulesetSettings['index'] = 'never',
): LoadedRuleset {
  const at = (path: string, extra: Partial<RulesetProblem> = {}) => ({ ruleset: label, path, ...extra });
  let rules: unknown[];
  let id: string | undefined;
  if (isObject(source) && !('rules' in source) && 'result' in source) {
    // An API response: the ruleset is its `result`; a response that reports failure has none.
    if (source.success === false) {
      const first = Array.isArray(source.errors) && isObject(source.errors[0]) ? source.errors[0].message : undefined;
      const reason = typeof first === 'string' ? `: ${first}` : '';
      problems.add({ code: 'invalid-ruleset', message: `the API response reports failure (success: false)${reason}`, ...at('success') });
      return { id, label, level, rules: [] };
    }
    source = source.result as RulesetInput | RuleInput[];
  }
  if (Array.isArray(source)) {
    rules = source;
  } else if (isObject(source) && Array.isArray(source.rules)) {
    rules = source.rules;
    if (typeof source.id === 'string') id = source.id;
    if (source.phase !== undefined && source.phase !== WAF_CUSTOM_RULES_PHASE) {
      problems.add({ code: 'invalid-ruleset', message: `phase ${JSON.stringify(source.phase)} is not supported; this evaluator runs ${WAF_CUSTOM_RULES_PHASE}`, ...at('phase') });
    }
  } else {
    problems.add({ code: 'invalid-ruleset', message: 'expected an array of rules, a ruleset object with a `rules` array, or an API response with the ruleset as `result`', ...at('') });
    return { id, label, level, rules: [] };
  }
  const loaded: LoadedRule[] = [];
  const ids = new Map<string, number>();
  const refs = new Map<string, number>();
  // The index of a ruleset this large is built from each rule's syntax tree, read while the
  // rule compiles (parsing every rule again cost a third of building the index).
  const keys = indexing === 'always' || (indexing === 'auto' && rules.length >= AUTO_INDEX_MIN_RULES);
  rules.forEach((raw, index) => {
    const rule = loadRule(scheme, raw, index, level, label, problems, executable, keys);
    if (rule === undefined) return;
    const path = `rules[${index}]`;
    for (const [key, seen, value] of [['id', ids, rule.ownId], ['ref', refs, rule.ref]] as const) {
      if (value === undefined) continue;
      const first = seen.get(value);
      if (first !== undefined) {
        problems.add({ code: 'duplicate-rule-id', message: `${key} ${JSON.stringify(value)} is also used by rules[${first}]`, ...at(`${path}.${key}`, { rule: rule.id, index }) });
      } else seen.set(value, index);
    }
    loaded.push(rule);
  });
  return { id, label, level, rules: loaded };
}

function loadRule(
  scheme: Scheme,
  raw: unknown,
  index: number,
  level: RulesetLevel,
  label: string,
  problems: ProblemList,
  executable: ReadonlySet<string>,
  indexKeys: boolean,
): LoadedRule | undefined {
  const path = `rules[${index}]`;
  if (!isObject(raw)) {
    problems.add({ code: 'invalid-rule', message: `expected a rule object, got ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw}`, ruleset: label, path, index, rule: `#${index}` });
    return undefined;
  }
  const input = raw as RuleInput;
  const ownId = typeof input.id === 'string' && input.id !== '' ? input.id : undefined;
  const ref = typeof input.ref === 'string' && input.ref !== '' ? input.ref : undefined;
  const id = ownId ?? ref ?? `#${index}`;
  const report = (code: string, message: string | (() => string), where = '', severity: 'error' | 'warning' = 'error', extra: Partial<RulesetProblem> = {}) =>
    problems.add({ code, message, severity, ruleset: label, path: where ? `${path}.${where}` : path, rule: id, index, ...extra });
  let ok = true;
  for (const key of ['id', 'ref', 'description'] as const) {
    if (input[key] !== undefined && typeof input[key] !== 'string') {
      report('invalid-rule', `\`${key}\` must be a string`, key);
      ok = false;
    }
  }
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') {
    report('invalid-rule', '`enabled` must be true or false', 'enabled');
    ok = false;
  }
  if (input.logging !== undefined && (!isObject(input.logging) || (input.logging.enabled !== undefined && typeof input.logging.enabled !== 'boolean'))) {
    report('invalid-rule', '`logging` must be an object like {"enabled": false}', 'logging');
    ok = false;
  }
  const enabled = input.enabled !== false;
  let filter: Filter | undefined;
  let keysFound: RuleKey[] | undefined;
  if (typeof input.expression !== 'string') {
    report('invalid-rule', 'the rule has no `expression` string', 'expression');
    ok = false;
  } else {
    // One analysis per rule: compile, and take the diagnostics from the filter or the error.
    let diagnostics: readonly Diagnostic[];
    try {
      const compiled = scheme.compileWithTree(input.expression, EXPRESSION_OPTIONS);
      filter = compiled.filter;
      diagnostics = filter.diagnostics;
      if (indexKeys) keysFound = treeKeys(scheme, input.expression, compiled.tree);
    } catch (error) {
      if (!(error instanceof WirefilterError)) throw error;
      diagnostics = error.diagnostics;
    }
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const expression = input.expression;
    if (errors.length > 0) {
      const text = (): string => errors.map((d) => renderDiagnostic(expression, d)).join('\n');
      if (enabled) {
        report('invalid-expression', text, 'expression', 'error', { diagnostics: [...diagnostics] });
        ok = false;
      } else {
        report('invalid-disabled-rule', () => `this disabled rule would not load if enabled:\n${text()}`, 'expression', 'warning', { diagnostics: [...diagnostics] });
      }
    }
    for (const d of diagnostics.filter((x) => x.severity !== 'error')) {
      report(d.code, () => renderDiagnostic(expression, d), 'expression', 'warning', { diagnostics: [d] });
    }
  }
  const action = input.action;
  if (typeof action !== 'string') {
    report('invalid-rule', 'the rule has no `action` string', 'action');
    return undefined;
  }
  if (!CUSTOM_RULE_ACTIONS.has(action)) {
    const advice = Object.hasOwn(OTHER_PHASE_ACTIONS, action) ? OTHER_PHASE_ACTIONS[action] : undefined;
    if (advice !== undefined) report('action-not-allowed-in-phase', `action \`${action}\` is not valid in ${WAF_CUSTOM_RULES_PHASE}: ${advice}`, 'action');
    else report('unknown-action', `unknown action \`${action}\``, 'action');
    return undefined;
  }
  if (action === 'rewrite' && level !== 'account') {
    report('action-not-allowed-in-phase', 'the `rewrite` action (exposed-credential-check header) is only valid in account-level rulesets', 'action');
    return undefined;
  }
  const parameters = input.action_parameters;
  if (parameters !== undefined && !isObject(parameters)) {
    report('invalid-action-parameters', '`action_parameters` must be an object', 'action_parameters');
    return undefined;
  }
  const paramProblem = (message: string, where: string) => {
    report('invalid-action-parameters', message, `action_parameters${where}`);
    ok = false;
  };
  const rule: LoadedRule = {
    index,
    id,
    ...(ownId !== undefined && { ownId }),
    ...(ref !== undefined && { ref }),
    ...(typeof input.description === 'string' && { description: input.description }),
    expression: typeof input.expression === 'string' ? input.expression : '',
    action: action as CustomRuleAction,
    enabled,
    logging: !(isObject(input.logging) && input.logging.enabled === false),
    filter,
    ...(enabled && filter !== undefined && { condition: filter.condition }),
  };
  if (action === 'block') rule.response = blockResponse(parameters, paramProblem);
  if (action === 'skip') rule.skip = skipParameters(parameters, level, paramProblem);
  if (action === 'execute') {
    const target = parameters?.id;
    if (typeof target !== 'string' || target === '') paramProblem('`execute` needs the `id` of the ruleset to run', '.id');
    else if (!executable.has(target)) {
      report('unknown-ruleset', `\`execute\` refers to ruleset ${JSON.stringify(target)}, which was not given in the \`rulesets\` option`, 'action_parameters.id');
      ok = false;
    } else rule.executeId = target;
  }
  if (!ok) return undefined;
  if (keysFound !== undefined) indexKeysOf.set(rule, keysFound);
  return rule;
}

function blockResponse(parameters: Record<string, unknown> | undefined, problem: (message: string, where: string) => void): BlockResponse {
  const response = parameters?.response;
  if (response === undefined) return { ...DEFAULT_BLOCK_RESPONSE };
  if (!isObject(response)) {
    problem('`response` must be an object {status_code, content_type, content}', '.response');
    return { ...DEFAULT_BLOCK_RESPONSE };
  }
  const status = response.status_code ?? 403;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 499) {
    problem(`status_code must be an integer from 400 to 499, got ${JSON.stringify(status)}`, '.response.status_code');
  }
  const type = response.content_type ?? 'text/html';
  if (typeof type !== 'string' || !BLOCK_CONTENT_TYPES.has(type)) {
    problem(`content_type must be one of ${[...BLOCK_CONTENT_TYPES].join(', ')}, got ${JSON.stringify(type)}`, '.response.content_type');
  }
  const content = response.content ?? null;
  if (content !== null) {
    if (typeof content !== 'string') problem('content must be a string', '.response.content');
    else {
      const bytes = utf8Length(content);
      // Size first: the format checks below are only bounded for content within the limit.
      if (bytes > MAX_BLOCK_CONTENT_BYTES) problem(`content is ${bytes} bytes; the limit is ${MAX_BLOCK_CONTENT_BYTES} (2 KB)`, '.response.content');
      else if (type === 'application/json') {
        try {
          JSON.parse(content);
        } catch {
          problem('content is not valid JSON, but content_type is application/json', '.response.content');
        }
      } else if (type === 'text/xml' && !isWellFormedXml(content)) {
        problem('content is not well-formed XML, but content_type is text/xml', '.response.content');
      }
    }
  }
  return { status_code: status as number, content_type: type as string, content: content as string | null };
}

function stringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function skipParameters(
  parameters: Record<string, unknown> | undefined,
  level: RulesetLevel,
  problem: (message: string, where: string) => void,
): SkipParameters {
  const skip: SkipParameters = { ruleset: false, phase: false, phases: [], products: [], rulesets: [], rules: {} };
  const p = parameters ?? {};
  const given = ['ruleset', 'phase', 'phases', 'products', 'rulesets', 'rules'].filter((k) => p[k] !== undefined);
  if (given.length === 0) {
    problem('a skip rule needs at least one of ruleset, phase, phases, products, rulesets or rules', '');
    return skip;
  }
  if (p.ruleset !== undefined) {
    if (p.ruleset !== 'current') problem('`ruleset` can only be "current"', '.ruleset');
    else skip.ruleset = true;
  }
  if (p.phase !== undefined) {
    if (p.phase !== 'current') problem('`phase` can only be "current"', '.phase');
    else skip.phase = true;
    const others = given.filter((k) => k !== 'phase' && k !== 'products');
    if (others.length > 0) problem(`\`phase: "current"\` can only be combined with \`products\`, not ${others.join(', ')}`, '.phase');
    if (level === 'account') problem('`phase: "current"` is only allowed in zone-level rulesets', '.phase');
  }
  if (p.phases !== undefined) {
    if (!stringArray(p.phases)) problem('`phases` must be an array of phase names', '.phases');
    else {
      for (const [i, name] of p.phases.entries()) {
        if (!SKIPPABLE_PHASES.has(name)) problem(`unknown phase ${JSON.stringify(name)}; expected one of ${[...SKIPPABLE_PHASES].join(', ')}`, `.phases[${i}]`);
      }
      skip.phases = p.phases.filter((n) => SKIPPABLE_PHASES.has(n));
    }
  }
  if (p.products !== undefined) {
    if (!stringArray(p.products)) problem('`products` must be an array of product names', '.products');
    else {
      for (const [i, name] of p.products.entries()) {
        if (!SKIPPABLE_PRODUCTS.has(name)) problem(`unknown product ${JSON.stringify(name)}; expected one of ${[...SKIPPABLE_PRODUCTS].join(', ')} (case-sensitive)`, `.products[${i}]`);
      }
      skip.products = p.products.filter((n) => SKIPPABLE_PRODUCTS.has(n));
    }
  }
  if (p.rulesets !== undefined) {
    if (!stringArray(p.rulesets)) problem('`rulesets` must be an array of ruleset ids', '.rulesets');
    else skip.rulesets = [...p.rulesets];
    if (p.ruleset !== undefined || p.phases !== undefined) problem('`rulesets` cannot be combined with `ruleset` or `phases`', '.rulesets');
  }
  if (p.rules !== undefined) {
    if (!isObject(p.rules) || !Object.values(p.rules).every(stringArray)) problem('`rules` must map ruleset ids to arrays of rule ids', '.rules');
    else skip.rules = Object.fromEntries(Object.entries(p.rules as Record<string, string[]>).map(([k, v]) => [k, [...v]]));
    if (p.ruleset !== undefined) problem('`rules` cannot be combined with `ruleset`', '.rules');
  }
  return skip;
}

export { ProblemList };
