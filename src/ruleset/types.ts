/**
 * Shapes of the Rulesets API (input) and of evaluation results (output).
 *
 * @module
 */

/** A rule as the Rulesets API returns it. Unknown properties are ignored. */
export interface RuleInput {
  id?: string;
  ref?: string;
  description?: string;
  expression: string;
  action: string;
  action_parameters?: Record<string, unknown>;
  /** Default true. */
  enabled?: boolean;
  /** Only meaningful for `skip` (default: logging enabled). */
  logging?: { enabled?: boolean };
  [other: string]: unknown;
}

/** A ruleset object of the Rulesets API. */
export interface RulesetInput {
  id?: string;
  name?: string;
  description?: string;
  /** `root` = account entry point, `zone` = zone entry point, `custom` = reusable. */
  kind?: string;
  phase?: string;
  rules: RuleInput[];
  [other: string]: unknown;
}

/**
 * The response envelope of the Rulesets API (`GET …/rulesets/{id}` and friends):
 * `{ "result": { … }, "success": true, "errors": [], "messages": [] }`.
 */
export interface RulesetResponse {
  result: RulesetInput | RuleInput[];
  success?: boolean;
  errors?: unknown[];
  messages?: unknown[];
  [other: string]: unknown;
}

/** A whole ruleset object, just its rules, or an API response holding either. */
export type RulesetSource = RulesetInput | RuleInput[] | RulesetResponse;

/** What the custom-rules phase decided for a request. */
export type DecisionAction = 'block' | 'managed_challenge' | 'js_challenge' | 'challenge' | 'allow';

/** Security-event names, as Cloudflare's firewall events use them. */
export type EventAction =
  | 'log'
  | 'skip'
  | 'block'
  | 'managed_challenge'
  | 'jschallenge'
  | 'challenge'
  | 'managed_challenge_bypassed'
  | 'jschallenge_bypassed'
  | 'challenge_bypassed'
  | 'rewrite';

/** One security event produced while evaluating. */
export interface DecisionEvent {
  ruleId: string;
  action: EventAction;
  /** The ruleset the rule belongs to, when it has an id. */
  rulesetId?: string;
}

/** The response of a block action. `content: null` = Cloudflare's default block page. */
export interface BlockResponse {
  status_code: number;
  content_type: string;
  content: string | null;
}

/** Clearance held by the visitor (from a `cf_clearance` cookie). */
export interface Clearance {
  level: 'jschallenge' | 'managed' | 'interactive';
  /** Unix seconds when it was issued; omitted = fresh. */
  issuedAt?: number;
}

/** Per-request evaluation options. */
export interface EvaluateOptions {
  clearance?: Clearance | null;
  /** Current time in Unix seconds (default: the clock). */
  now?: number;
  /** The request is an XMLHttpRequest/fetch call (one extra hour of Challenge Passage). */
  xhr?: boolean;
  /** Record why each rule matched or not (see {@link Decision.trace}). */
  trace?: boolean;
}

/** The outcome of evaluating the custom-rules phase for one request. */
export interface Decision {
  action: DecisionAction;
  /** id (or ref) of the rule that ended the phase, else null. */
  ruleId: string | null;
  /** id of the ruleset that rule belongs to, when known. */
  rulesetId: string | null;
  events: DecisionEvent[];
  /** Later phases and non-Ruleset-Engine products skipped for this request (sorted). */
  skipped: { phases: string[]; products: string[] };
  /** For `block`: the response Cloudflare would send. */
  response?: BlockResponse;
  /** With `trace: true`: every rule evaluated, in order. */
  trace?: import('./trace.js').RuleTrace[];
}

/** Options of a ruleset (the phase model and its unconfirmed points, spec §10). */
export interface RulesetOptions {
  /** Account-level rulesets evaluated before this (zone-level) ruleset, in order. */
  account?: RulesetSource[];
  /** Rulesets that `execute` rules may run, by id. */
  rulesets?: Record<string, RulesetSource>;
  /** Zone Challenge Passage in seconds. Default 1800 (30 minutes). */
  challengePassageSeconds?: number;
  /** Clock-skew tolerance when validating clearance, in seconds. Default 300. */
  clockSkewSeconds?: number;
  /** Extra validity for XMLHttpRequest/fetch requests, in seconds. Default 3600. */
  xhrGraceSeconds?: number;
  /**
   * Whether later phases (rate limiting, managed rules, SBFM) still run after a challenge
   * was bypassed by clearance. Default true (spec §3 recommendation); when false they are
   * reported in `skipped.phases`.
   */
  laterPhasesRunAfterClearance?: boolean;
  /**
   * The most rules one request may run, counted when the ruleset loads: every rule of the
   * account and zone rulesets, plus everything each `execute` rule can run. A ruleset whose
   * `execute` graph allows more (say, two `execute` rules per level to the same next ruleset,
   * which doubles the count at each level) is refused with `too-many-executed-rules`.
   * Default 1,000,000.
   */
  maxRulesPerRequest?: number;
  /**
   * Rule indexing: rules with a literal test on a field (`http.host eq "…"`, `ip.src in {…}`,
   * `starts_with(http.request.uri.path, "…")`, …) are looked up per request, so only rules
   * that can match are evaluated (same decisions; traces always evaluate every rule).
   * `'auto'` (default) indexes rulesets of at least 64 rules, `true` every ruleset, `false` none.
   */
  index?: 'auto' | boolean;
}

/** A problem found while loading rulesets. */
export interface RulesetProblem {
  /** Stable code, e.g. `invalid-action-parameters`. */
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** The rule's id, else its ref, else `#<index>`; absent for ruleset-level problems. */
  rule?: string;
  /** Index of the rule in its ruleset. */
  index?: number;
  /** id of the ruleset (or `account[0]`, `zone`, the `execute` key) the problem is in. */
  ruleset: string;
  /** JSON path of the offending value, e.g. `rules[2].action_parameters.response.status_code`. */
  path: string;
  /** For expression problems: the expression diagnostics. */
  diagnostics?: import('../diagnostics/diagnostics.js').Diagnostic[];
}
