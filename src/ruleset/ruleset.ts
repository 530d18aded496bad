/**
 * `Ruleset`: ordered WAF custom rules with Cloudflare's semantics — first terminating match
 * wins, `log` and `skip` continue, challenges honour clearance, account-level rulesets run
 * before the zone's, and `execute` runs reusable rulesets in place.
 *
 * @module
 */
import type { ExecutionContext, FieldValues } from '../engine/context.js';
import { BRANDS, describeType, hasBrand, WirefilterError } from '../diagnostics/errors.js';
import { readEvaluateOptions, readRulesetOptions } from './options.js';
import type { Scheme } from '../engine/scheme.js';
import { CHALLENGES, clearanceSatisfies, SKIPPABLE_PHASES, type ChallengeAction, type ClearancePolicy } from './actions.js';
import { lintRulesets } from './lint.js';
import { loadRuleset, ProblemList, takeIndexKeys, type LoadedRule, type LoadedRuleset, type RulesetLevel } from './load.js';
import { AUTO_INDEX_MIN_RULES, RuleIndex } from './prefilter.js';
import type { RuleTrace } from './trace.js';
import type { Decision, DecisionEvent, EvaluateOptions, RulesetOptions, RulesetProblem, RulesetSource } from './types.js';

/** Problems spelled out in a {@link RulesetError}'s message; all are in `problems`. */
const MAX_LISTED_PROBLEMS = 50;

/** Thrown when rulesets do not load; `problems` lists every problem with its rule and path. */
export class RulesetError extends WirefilterError {
  /** Recognises ruleset errors of any copy of the library (ESM and CommonJS builds alike). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, BRANDS.rulesetError);
  }

  constructor(readonly problems: readonly RulesetProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    // The message lists the first problems (a 100,000-rule ruleset must not build a huge string).
    const lines = errors.slice(0, MAX_LISTED_PROBLEMS).map((p) => {
      const where = p.rule !== undefined ? `${p.ruleset} rule ${p.rule}` : p.ruleset;
      return `- ${where} (${p.path || 'ruleset'}): ${p.code}: ${p.message.replace(/\n/g, '\n    ')}`;
    });
    if (errors.length > MAX_LISTED_PROBLEMS) lines.push(`- … and ${errors.length - MAX_LISTED_PROBLEMS} more (see \`problems\`)`);
    super(`invalid ruleset: ${errors.length} problem${errors.length === 1 ? '' : 's'}\n${lines.join('\n')}`, errors.flatMap((p) => p.diagnostics ?? []), undefined, 'invalid-ruleset');
    this.name = 'RulesetError';
  }
}

Object.defineProperty(RulesetError.prototype, BRANDS.rulesetError, { value: true });

/** Skips recorded by `rulesets`/`rules` parameters, per level (account skips stay at account level). */
interface LevelSkips {
  /** Created by the first skip rule that matches (most requests match none). */
  rulesets: Set<string> | undefined;
  rules: Map<string, Set<string>> | undefined;
}

interface PhaseState {
  context: ExecutionContext;
  events: DecisionEvent[];
  phases: Set<string> | undefined;
  products: Set<string> | undefined;
  clearance: EvaluateOptions['clearance'];
  /** Unix seconds; `undefined` = read the clock when a clearance needs it. */
  now: number | undefined;
  xhr: boolean;
  trace: RuleTrace[] | undefined;
}

type TerminalDecision = Omit<Decision, 'events' | 'skipped' | 'trace'>;

type RulesetOutcome = { kind: 'continue' } | { kind: 'stop-ruleset' } | { kind: 'stop-phase' } | { kind: 'terminal'; decision: TerminalDecision };

const CONTINUE: RulesetOutcome = { kind: 'continue' };
const STOP_RULESET: RulesetOutcome = { kind: 'stop-ruleset' };
const STOP_PHASE: RulesetOutcome = { kind: 'stop-phase' };
const NO_RULE_IDS: ReadonlySet<string> = new Set();

/** The elements of a set, sorted; a fresh empty array when there is none. */
function sortedOrEmpty(set: ReadonlySet<string> | undefined): string[] {
  return set === undefined ? [] : [...set].sort();
}

/**
 * The custom-rules phase of one zone: the zone's ruleset, optionally preceded by account-level
 * rulesets, with the reusable rulesets that `execute` rules may run.
 */
export class Ruleset {
  /** Warnings found while loading (static checks and expression warnings). */
  readonly warnings: readonly RulesetProblem[];
  private readonly zone: LoadedRuleset;
  private readonly account: LoadedRuleset[];
  private readonly executable: Map<string, LoadedRuleset>;
  private readonly policy: ClearancePolicy;
  private readonly laterPhasesRunAfterClearance: boolean;

  /**
   * Loads and validates `rules` (a Rulesets API rule array or ruleset object) for `scheme`.
   * Throws a {@link RulesetError} naming every problem; never modifies the given objects.
   */
  constructor(
    /** The scheme the rules were compiled for. */
    readonly scheme: Scheme,
    rules: RulesetSource,
    options: RulesetOptions = {},
  ) {
    const problems = new ProblemList();
    options ??= {}; // JSON configuration may say null
    if (typeof options !== 'object' || Array.isArray(options)) {
      problems.add({ code: 'invalid-option', message: `expected ruleset options as an object, got ${describeType(options)}`, ruleset: 'options', path: 'options' });
      options = {};
    }
    const { settings, problems: optionProblems } = readRulesetOptions(options as Record<string, unknown>);
    for (const problem of optionProblems) problems.add({ code: 'invalid-option', ruleset: 'options', ...problem });
    if (optionProblems.some((p) => p.path === 'options.rulesets')) options = { ...options, rulesets: {} };
    if (options.account !== undefined && !Array.isArray(options.account)) {
      problems.add({ code: 'invalid-ruleset', message: '`account` must be an array of rulesets', ruleset: 'account', path: '' });
      options = { ...options, account: [] };
    }
    const executableIds = new Set(Object.keys(options.rulesets ?? {}));
    this.executable = new Map();
    for (const [id, source] of Object.entries(options.rulesets ?? {})) {
      this.executable.set(id, { ...loadRuleset(scheme, source, id, 'custom', problems, executableIds, settings.index), id });
    }
    this.account = (options.account ?? []).map((source, i) => {
      const label = !Array.isArray(source) && typeof source?.id === 'string' ? source.id : `account[${i}]`;
      return loadRuleset(scheme, source, label, 'account', problems, executableIds, settings.index);
    });
    const zoneLabel = !Array.isArray(rules) && typeof rules?.id === 'string' ? rules.id : 'zone';
    const zoneLevel: RulesetLevel = !Array.isArray(rules) && rules?.kind === 'root' ? 'account' : 'zone';
    this.zone = loadRuleset(scheme, rules, zoneLabel, zoneLevel, problems, executableIds, settings.index);
    if (findExecuteCycles(this.executable, problems)) {
      // Only a graph without cycles has a finite count.
      const executed = rulesPerRequest([...this.account, this.zone], this.executable);
      if (executed > settings.maxRulesPerRequest) {
        problems.add({
          code: 'too-many-executed-rules',
          message: `one request could run ${executed > 1e15 ? 'more than 10^15' : executed.toLocaleString('en-US')} rules through execute rules; the limit (maxRulesPerRequest) is ${settings.maxRulesPerRequest.toLocaleString('en-US')}`,
          ruleset: 'zone',
          path: '',
        });
      }
    }
    const all = [...this.account, this.zone, ...this.executable.values()];
    for (const warning of lintRulesets(all)) problems.add(warning);
    if (problems.errors.length > 0) throw new RulesetError(problems.items);
    this.warnings = problems.items;
    this.policy = settings.policy;
    this.laterPhasesRunAfterClearance = settings.laterPhasesRunAfterClearance;
    if (settings.index !== 'never') {
      for (const ruleset of all) {
        if (settings.index === 'always' || ruleset.rules.length >= AUTO_INDEX_MIN_RULES) {
          ruleset.index = RuleIndex.build(scheme, ruleset.rules, ruleset.rules.map(takeIndexKeys));
        }
      }
    }
  }

  /** Number of rules in the zone ruleset. */
  get size(): number {
    return this.zone.rules.length;
  }

  /**
   * Names of the fields any enabled rule can read (zone, account and executable rulesets),
   * sorted: what a caller must supply, and whether it needs the request body at all.
   */
  get fields(): string[] {
    const names = new Set<string>();
    for (const ruleset of [...this.account, this.zone, ...this.executable.values()]) {
      for (const rule of ruleset.rules) if (rule.condition !== undefined) for (const name of rule.filter?.fields ?? []) names.add(name);
    }
    return [...names].sort();
  }

  /** The Challenge Passage in seconds: how long a clearance earned by a challenge is valid. */
  get challengePassageSeconds(): number {
    return this.policy.passageSeconds;
  }


  /**
   * Evaluates the phase for one request. `values` are field values (converted once into an
   * execution context shared by every rule) or a context from `scheme.context(values)`.
   */
  evaluate(values: FieldValues | ExecutionContext, options: EvaluateOptions = {}): Decision {
    const settings = readEvaluateOptions(options);
    // scheme.context is the one owner check: a context of this scheme comes back as it is.
    const context = this.scheme.context(values);
    const state: PhaseState = {
      context,
      events: [],
      phases: undefined,
      products: undefined,
      clearance: settings.clearance,
      now: settings.now,
      xhr: settings.xhr,
      trace: settings.trace ? [] : undefined,
    };
    const accountSkips: LevelSkips = { rulesets: undefined, rules: undefined };
    const zoneSkips: LevelSkips = { rulesets: undefined, rules: undefined };
    let decision: TerminalDecision | undefined;
    for (let i = 0; i <= this.account.length; i++) {
      const ruleset = i < this.account.length ? this.account[i]! : this.zone;
      const outcome = this.run(ruleset, state, ruleset.level === 'account' ? accountSkips : zoneSkips, NO_RULE_IDS);
      if (outcome.kind === 'terminal') {
        decision = outcome.decision;
        break;
      }
      if (outcome.kind === 'stop-phase') break;
    }
    const result: Decision = {
      action: decision?.action ?? 'allow',
      ruleId: decision?.ruleId ?? null,
      rulesetId: decision?.rulesetId ?? null,
      events: state.events,
      skipped: { phases: sortedOrEmpty(state.phases), products: sortedOrEmpty(state.products) },
    };
    if (decision?.response !== undefined) result.response = decision.response;
    if (state.trace !== undefined) result.trace = state.trace;
    return result;
  }

  private run(ruleset: LoadedRuleset, state: PhaseState, skips: LevelSkips, skipRuleIds: ReadonlySet<string>): RulesetOutcome {
    const slots = state.context.slots; // the context's scheme was checked by evaluate()
    const rules = ruleset.rules;
    // Only the rules that can match (a trace lists every rule, so it runs them all).
    const order = ruleset.index !== undefined && state.trace === undefined ? ruleset.index.candidates(slots) : undefined;
    const count = order === undefined ? rules.length : order.length;
    for (let k = 0; k < count; k++) {
      const rule = order === undefined ? rules[k]! : rules[order[k]!]!;
      const condition = rule.condition;
      if (condition === undefined) {
        this.record(state, ruleset, rule, 'disabled');
        continue;
      }
      if (skipRuleIds.size > 0 && rule.ownId !== undefined && skipRuleIds.has(rule.ownId)) {
        this.record(state, ruleset, rule, 'skipped');
        continue;
      }
      const matched = condition(slots);
      if (!matched) {
        this.record(state, ruleset, rule, 'not-matched');
        continue;
      }
      const event = (action: DecisionEvent['action']): void => {
        state.events.push({ ruleId: rule.id, action, ...(ruleset.id !== undefined && { rulesetId: ruleset.id }) });
      };
      switch (rule.action) {
        case 'log':
          event('log');
          this.record(state, ruleset, rule, 'matched', 'logged');
          continue;
        case 'rewrite':
          event('rewrite');
          this.record(state, ruleset, rule, 'matched', 'rewrite');
          continue;
        case 'skip': {
          const skip = rule.skip!;
          if (rule.logging) event('skip');
          for (const phase of skip.phases) (state.phases ??= new Set()).add(phase);
          for (const product of skip.products) (state.products ??= new Set()).add(product);
          for (const id of skip.rulesets) (skips.rulesets ??= new Set()).add(id);
          for (const [id, ruleIds] of Object.entries(skip.rules)) {
            const rules = (skips.rules ??= new Map());
            const set = rules.get(id) ?? new Set<string>();
            for (const ruleId of ruleIds) set.add(ruleId);
            rules.set(id, set);
          }
          const scope = skip.phase ? 'the rest of the phase' : skip.ruleset ? 'the rest of this ruleset' : undefined;
          this.record(state, ruleset, rule, 'matched', scope !== undefined ? `skip ${scope}` : 'skip');
          if (skip.phase) return STOP_PHASE;
          if (skip.ruleset) return STOP_RULESET;
          continue;
        }
        case 'execute': {
          const id = rule.executeId!;
          if (skips.rulesets?.has(id) === true) {
            this.record(state, ruleset, rule, 'matched', `ruleset ${id} skipped by an earlier skip rule`);
            continue;
          }
          this.record(state, ruleset, rule, 'matched', `execute ${id}`);
          const outcome = this.run(this.executable.get(id)!, state, skips, skips.rules?.get(id) ?? NO_RULE_IDS);
          if (outcome.kind === 'terminal' || outcome.kind === 'stop-phase') return outcome;
          continue;
        }
        case 'block':
          event('block');
          this.record(state, ruleset, rule, 'matched', 'block');
          return { kind: 'terminal', decision: { action: 'block', ruleId: rule.id, rulesetId: ruleset.id ?? null, response: { ...rule.response! } } };
        default: {
          const action = rule.action as ChallengeAction;
          const challenge = CHALLENGES[action];
          if (clearanceSatisfies(state.clearance, action, state.now ?? Date.now() / 1000, state.xhr, this.policy)) {
            event(challenge.bypassed);
            this.record(state, ruleset, rule, 'matched', 'challenge bypassed by clearance; the phase ends');
            if (!this.laterPhasesRunAfterClearance) for (const phase of SKIPPABLE_PHASES) (state.phases ??= new Set()).add(phase);
            return { kind: 'terminal', decision: { action: 'allow', ruleId: rule.id, rulesetId: ruleset.id ?? null } };
          }
          event(challenge.event);
          this.record(state, ruleset, rule, 'matched', action);
          return { kind: 'terminal', decision: { action, ruleId: rule.id, rulesetId: ruleset.id ?? null } };
        }
      }
    }
    return CONTINUE;
  }

  private record(state: PhaseState, ruleset: LoadedRuleset, rule: LoadedRule, status: RuleTrace['status'], outcome?: string): void {
    if (state.trace === undefined) return;
    const trace: RuleTrace = { ruleset: ruleset.label, ruleId: rule.id, action: rule.action, status };
    if (outcome !== undefined) trace.outcome = outcome;
    if ((status === 'matched' || status === 'not-matched') && rule.filter !== undefined) {
      trace.explanation = rule.filter.explain(state.context);
    }
    state.trace.push(trace);
  }
}

/** Longest chain of `execute` rules running rulesets that execute further rulesets. */
const MAX_EXECUTE_DEPTH = 32;

/**
 * Reports `execute` chains that loop back to a ruleset already running, or nest too deeply.
 * Returns true when there is neither. An iterative depth-first walk computes every ruleset's
 * height (the most rulesets one chain from it runs), so the depth found does not depend on
 * the order the rulesets are listed in (a walk that stopped at rulesets it had already
 * finished missed deep chains listed deepest first), and no chain length overflows the stack.
 */
function findExecuteCycles(rulesets: Map<string, LoadedRuleset>, problems: ProblemList): boolean {
  const height = new Map<string, number>();
  const onPath = new Set<string>();
  const targets = (id: string): string[] => (rulesets.get(id)?.rules ?? []).flatMap((r) => (r.executeId !== undefined && rulesets.has(r.executeId) ? [r.executeId] : []));
  let sound = true;
  for (const root of rulesets.keys()) {
    if (height.has(root)) continue;
    const stack: { id: string; children: string[]; next: number; best: number }[] = [{ id: root, children: targets(root), next: 0, best: 0 }];
    onPath.add(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next < frame.children.length) {
        const child = frame.children[frame.next++]!;
        if (onPath.has(child)) {
          const from = stack.findIndex((f) => f.id === child);
          const cycle = [...stack.slice(from).map((f) => f.id), child];
          const shown = cycle.length > 8 ? [...cycle.slice(0, 4), '…', ...cycle.slice(-3)] : cycle;
          problems.add({ code: 'invalid-action-parameters', message: `execute cycle: ${shown.join(' → ')}`, ruleset: child, path: '' });
          sound = false;
          continue;
        }
        const known = height.get(child);
        if (known !== undefined) {
          frame.best = Math.max(frame.best, known);
          continue;
        }
        onPath.add(child);
        stack.push({ id: child, children: targets(child), next: 0, best: 0 });
        continue;
      }
      stack.pop();
      onPath.delete(frame.id);
      const own = frame.best + 1;
      height.set(frame.id, own);
      const parent = stack[stack.length - 1];
      if (parent !== undefined) parent.best = Math.max(parent.best, own);
    }
  }
  // Evaluation recurses once per level: a chain longer than the limit would overflow the stack.
  let deepest: string | undefined;
  for (const [id, h] of height) if (h > MAX_EXECUTE_DEPTH && (deepest === undefined || h > height.get(deepest)!)) deepest = id;
  if (deepest !== undefined) {
    const chain = [deepest];
    while (chain.length < 3) {
      const last = chain[chain.length - 1]!;
      const next = targets(last).find((t) => height.get(t) === height.get(last)! - 1);
      if (next === undefined) break;
      chain.push(next);
    }
    problems.add({ code: 'invalid-action-parameters', message: `execute chain deeper than ${MAX_EXECUTE_DEPTH} rulesets (${height.get(deepest)}): ${chain.join(' → ')} → …`, ruleset: deepest, path: '' });
    sound = false;
  }
  return sound;
}

/**
 * The most rules one request can run: every rule of the entry rulesets, plus, for each
 * `execute` rule, everything its target can run (counted once per path, as evaluation runs
 * it once per matching `execute`). Two `execute` rules per level to one next ruleset double
 * the count at each level — 31 levels are 2^31 rules, which the depth limit alone allowed.
 * Counts saturate above 10^15; the graph has no cycles (checked first).
 */
function rulesPerRequest(entries: readonly LoadedRuleset[], executable: ReadonlyMap<string, LoadedRuleset>): number {
  const SATURATED = 1e15 + 1;
  const memo = new Map<string, number>();
  const count = (ruleset: LoadedRuleset): number => {
    let total = 0;
    for (const rule of ruleset.rules) {
      total += 1;
      const target = rule.executeId !== undefined ? executable.get(rule.executeId) : undefined;
      if (target !== undefined) {
        let inner = memo.get(rule.executeId!);
        if (inner === undefined) {
          inner = count(target);
          memo.set(rule.executeId!, inner);
        }
        total += inner;
      }
      if (total >= SATURATED) return SATURATED;
    }
    return total;
  };
  let total = 0;
  for (const entry of entries) total = Math.min(SATURATED, total + count(entry));
  return total;
}
