/**
 * Validation of a ruleset's options and of each evaluation's options. Options often come from
 * JSON configuration, so every value is checked for its type, range and finiteness: a
 * passage of `"1800"` must not be concatenated into a clearance that never expires.
 *
 * @module
 */
import { describeValue, WirefilterError } from '../diagnostics/errors.js';
import { CLEARANCE_RANK, type ClearancePolicy } from './actions.js';
import type { Clearance, EvaluateOptions, RulesetOptions } from './types.js';

/** The clearance timings of {@link RulesetOptions}, with their defaults. */
const DURATIONS = {
  challengePassageSeconds: 1800,
  clockSkewSeconds: 300,
  xhrGraceSeconds: 3600,
} as const;

/** Every option a ruleset takes (any other key is refused: it is most likely misspelt). */
const RULESET_OPTION_KEYS: ReadonlySet<string> = new Set(['account', 'rulesets', 'laterPhasesRunAfterClearance', 'maxRulesPerRequest', 'index', ...Object.keys(DURATIONS)]);

/**
 * Default bound on the rules one request can run, counted at load time through `execute`
 * rules: far above real rulesets (Cloudflare's managed rulesets hold a few thousand rules), far
 * below what would hold a request for seconds (about 50 ms of evaluation at ~50 ns a rule).
 */
export const DEFAULT_MAX_RULES_PER_REQUEST = 1_000_000;

/** Longest duration accepted, in seconds (about 31.7 years): far beyond any real passage. */
const MAX_DURATION_SECONDS = 1e9;

/** A problem with one option, as `RulesetProblem` fields. */
export interface OptionProblem {
  path: string;
  message: string;
}

/** The clearance policy and phase switches of validated ruleset options. */
export interface RulesetSettings {
  policy: ClearancePolicy;
  laterPhasesRunAfterClearance: boolean;
  maxRulesPerRequest: number;
  /** Rule indexing: `auto` (large rulesets), `always` or `never`. */
  index: 'auto' | 'always' | 'never';
}

/**
 * Checks ruleset options (the rulesets in `account` and `rulesets` are loaded elsewhere) and
 * returns the settings with defaults, plus every problem found. `null` (JSON's way of saying
 * nothing) means the default, as an absent key does.
 */
export function readRulesetOptions(options: Readonly<Record<string, unknown>>): { settings: RulesetSettings; problems: OptionProblem[] } {
  const problems: OptionProblem[] = [];
  for (const key of Object.keys(options)) {
    if (!RULESET_OPTION_KEYS.has(key)) problems.push({ path: `options.${key}`, message: `unknown ruleset option \`${key}\` (known: ${[...RULESET_OPTION_KEYS].join(', ')})` });
  }
  const duration = (key: keyof typeof DURATIONS): number => {
    const value = options[key];
    if (value === undefined || value === null) return DURATIONS[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DURATION_SECONDS) {
      problems.push({ path: `options.${key}`, message: `\`${key}\` must be a number of seconds from 0 to ${MAX_DURATION_SECONDS}, got ${describeValue(value)}` });
      return DURATIONS[key];
    }
    return value;
  };
  const policy: ClearancePolicy = {
    passageSeconds: duration('challengePassageSeconds'),
    skewSeconds: duration('clockSkewSeconds'),
    xhrGraceSeconds: duration('xhrGraceSeconds'),
  };
  const later = options.laterPhasesRunAfterClearance;
  if (later !== undefined && later !== null && typeof later !== 'boolean') {
    problems.push({ path: 'options.laterPhasesRunAfterClearance', message: `\`laterPhasesRunAfterClearance\` must be true or false, got ${describeValue(later)}` });
  }
  let maxRulesPerRequest = DEFAULT_MAX_RULES_PER_REQUEST;
  const max = options.maxRulesPerRequest;
  if (max !== undefined && max !== null) {
    if (typeof max === 'number' && Number.isSafeInteger(max) && max >= 1) maxRulesPerRequest = max;
    else problems.push({ path: 'options.maxRulesPerRequest', message: `\`maxRulesPerRequest\` must be a positive integer, got ${describeValue(max)}` });
  }
  const rulesets = options.rulesets;
  if (rulesets !== undefined && rulesets !== null && (typeof rulesets !== 'object' || Array.isArray(rulesets))) {
    problems.push({ path: 'options.rulesets', message: `\`rulesets\` must be an object of rulesets by id, got ${describeValue(rulesets)}` });
  }
  let index: RulesetSettings['index'] = 'auto';
  const indexOption = options.index;
  if (indexOption === true) index = 'always';
  else if (indexOption === false) index = 'never';
  else if (indexOption !== undefined && indexOption !== null && indexOption !== 'auto') {
    problems.push({ path: 'options.index', message: `\`index\` must be "auto", true or false, got ${describeValue(indexOption)}` });
  }
  return { settings: { policy, laterPhasesRunAfterClearance: later !== false, maxRulesPerRequest, index }, problems };
}

/** A value as a message shows it: its JSON text when short, else its type. */

/** Evaluation options after validation. */
export interface EvaluationSettings {
  clearance: Clearance | undefined;
  now: number | undefined;
  xhr: boolean;
  trace: boolean;
}

const NO_OPTIONS: EvaluationSettings = { clearance: undefined, now: undefined, xhr: false, trace: false };

/**
 * Checks the options of one evaluation. `now`, `xhr` and `trace` of the wrong type or range
 * throw `invalid-argument` (a caller's bug); a clearance that is not well-formed (unknown
 * level, an `issuedAt` that is not a finite number) is no clearance, so the challenge applies.
 */
export function readEvaluateOptions(options: EvaluateOptions | null | undefined): EvaluationSettings {
  if (options === undefined || options === null) return NO_OPTIONS;
  if (typeof options !== 'object' || Array.isArray(options)) throw invalidArgument(`expected evaluation options as an object, got ${describeValue(options)}`);
  const { now, xhr, trace } = options;
  if (now !== undefined && (typeof now !== 'number' || !Number.isFinite(now))) throw invalidArgument(`\`now\` must be a finite number of Unix seconds, got ${describeValue(now)}`);
  if (xhr !== undefined && typeof xhr !== 'boolean') throw invalidArgument(`\`xhr\` must be true or false, got ${describeValue(xhr)}`);
  if (trace !== undefined && typeof trace !== 'boolean') throw invalidArgument(`\`trace\` must be true or false, got ${describeValue(trace)}`);
  return { clearance: wellFormedClearance(options.clearance), now, xhr: xhr === true, trace: trace === true };
}

/** The clearance if it is well-formed, else `undefined` (no clearance). Never throws. */
export function wellFormedClearance(clearance: unknown): Clearance | undefined {
  if (typeof clearance !== 'object' || clearance === null) return undefined;
  const { level, issuedAt } = clearance as { level?: unknown; issuedAt?: unknown };
  if (typeof level !== 'string' || !Object.hasOwn(CLEARANCE_RANK, level)) return undefined;
  if (issuedAt === undefined) return { level: level as Clearance['level'] };
  if (typeof issuedAt !== 'number' || !Number.isFinite(issuedAt)) return undefined;
  return { level: level as Clearance['level'], issuedAt };
}

const invalidArgument = (message: string): WirefilterError => new WirefilterError(message, [], undefined, 'invalid-argument');
