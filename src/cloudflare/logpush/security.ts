/**
 * What Cloudflare's security products did to a request, read from a Logpush `http_requests`
 * record and normalised to this library's action names, so a replay can compare it with a
 * `Decision`.
 *
 * Logpush spells actions in camelCase and folds the visitor's answer to a challenge into the
 * name (`managedChallengeInteractiveSolved`, `jschallengeBypassed`, …). Each spelling is split
 * here into the action the rule took ({@link LogpushActionName}) and, for challenges, what
 * became of the challenge ({@link ChallengeOutcome}). {@link LOGPUSH_SECURITY_ACTIONS} is the
 * whole table; `docs/logpush.md` is generated from it.
 *
 * @module
 */

/**
 * A security action in this library's spelling: the `Decision` actions (`block`,
 * `managed_challenge`, `js_challenge`, `challenge`, `allow`), the non-terminating event actions
 * (`log`, `skip`, `rewrite`), `connection_close` (Cloudflare closed the connection), and
 * `unknown` (Logpush's own "unknown", or a spelling this table does not know).
 */
export type LogpushActionName =
  | 'block'
  | 'managed_challenge'
  | 'js_challenge'
  | 'challenge'
  | 'allow'
  | 'log'
  | 'skip'
  | 'rewrite'
  | 'connection_close'
  | 'unknown';

/**
 * What became of a challenge: `issued` (the visitor was challenged by this request), `solved`
 * (this request carried a correct answer), `failed` (a wrong one), `bypassed` (the visitor
 * already held clearance, so the rule's challenge was skipped — a `*_bypassed` event).
 */
export type ChallengeOutcome = 'issued' | 'solved' | 'failed' | 'bypassed';

/** One Logpush action spelling and its normalised meaning. */
export interface LogpushSecurityAction {
  /** The spelling in Logpush (`SecurityAction`, `SecurityActions`). */
  readonly logpush: string;
  /** The action the rule took. */
  readonly action: LogpushActionName;
  /** For challenges: what became of the challenge. */
  readonly outcome?: ChallengeOutcome;
}

const a = /* @__NO_SIDE_EFFECTS__ */ (logpush: string, action: LogpushActionName, outcome?: ChallengeOutcome): LogpushSecurityAction =>
  outcome === undefined ? { logpush, action } : { logpush, action, outcome };

/**
 * Every action spelling Cloudflare documents for `SecurityActions` (plus the `*Failed`
 * variants seen in firewall events, and `bypass`, the legacy firewall-rules name of `skip`).
 * Lookup ignores case and every character that is not a letter or digit, so `managed_challenge`,
 * `ManagedChallenge` and `managedChallenge` are the same spelling.
 */
export const LOGPUSH_SECURITY_ACTIONS: readonly LogpushSecurityAction[] = [
  a('unknown', 'unknown'),
  a('allow', 'allow'),
  a('block', 'block'),
  a('log', 'log'),
  a('skip', 'skip'),
  a('bypass', 'skip'),
  a('rewrite', 'rewrite'),
  a('connectionClose', 'connection_close'),
  a('forceConnectionClose', 'connection_close'),
  a('challenge', 'challenge', 'issued'),
  a('challengeSolved', 'challenge', 'solved'),
  a('challengeFailed', 'challenge', 'failed'),
  a('challengeBypassed', 'challenge', 'bypassed'),
  a('jschallenge', 'js_challenge', 'issued'),
  a('jschallengeSolved', 'js_challenge', 'solved'),
  a('jschallengeFailed', 'js_challenge', 'failed'),
  a('jschallengeBypassed', 'js_challenge', 'bypassed'),
  a('managedChallenge', 'managed_challenge', 'issued'),
  a('managedChallengeNonInteractiveSolved', 'managed_challenge', 'solved'),
  a('managedChallengeInteractiveSolved', 'managed_challenge', 'solved'),
  a('managedChallengeFailed', 'managed_challenge', 'failed'),
  a('managedChallengeBypassed', 'managed_challenge', 'bypassed'),
];

const spellingKey = (text: string): string => text.replace(/[^A-Za-z0-9]/g, '').toLowerCase();

/** Lookup table, built on first use so bundles that never read Logpush drop it. */
let actionsBySpelling: Map<string, LogpushSecurityAction> | undefined;

/**
 * The normalised meaning of one Logpush action spelling; an unknown spelling reads as
 * `{ action: 'unknown' }` with its text kept in `logpush`.
 */
export function normalizeLogpushAction(spelling: string): LogpushSecurityAction {
  actionsBySpelling ??= new Map(LOGPUSH_SECURITY_ACTIONS.map((entry) => [spellingKey(entry.logpush), entry]));
  // Spellings are short; a long string cannot be one, and is not worth scanning.
  const known = spelling.length <= 64 ? actionsBySpelling.get(spellingKey(spelling)) : undefined;
  return known ?? { logpush: spelling, action: 'unknown' };
}

/** What Cloudflare's security products did to one request, normalised. */
export interface LogpushSecurity {
  /**
   * The terminating action (`SecurityAction`); when the record has none, the last entry of
   * `actions` that ends a request (`block`, `connection_close`, or a challenge that was issued
   * or failed). `undefined`: nothing terminated the request (`SecurityAction` is `""` or
   * `"unknown"`) — what a `Decision` calls `allow`.
   */
  readonly action: LogpushActionName | undefined;
  /** For a challenge `action`: what became of it. */
  readonly outcome: ChallengeOutcome | undefined;
  /** The rule behind `action` (`SecurityRuleID`, or the rule of the entry `action` came from). */
  readonly ruleId: string | undefined;
  /** Every action performed, in order (`SecurityActions`), aligned with `ruleIds` and `sources`. */
  readonly actions: readonly LogpushActionName[];
  /** The challenge outcome of each entry of `actions` (`undefined` for non-challenges). */
  readonly outcomes: readonly (ChallengeOutcome | undefined)[];
  /** The rule of each action (`SecurityRuleIDs`). */
  readonly ruleIds: readonly string[];
  /** The product of each action, verbatim (`SecuritySources`: `firewallCustom`, `waf`, …). */
  readonly sources: readonly string[];
  /** `RayID`, to name the request in reports. */
  readonly rayId: string | undefined;
  /** Values of the wrong type or shape, one message each (the values are then ignored). */
  readonly problems: readonly string[];
}

/** Own property of a plain object (never an inherited one such as `constructor`). */
function own(record: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

/** The first of several names (current, then legacy) the record has a value for. */
function firstOwn(record: object, keys: readonly string[]): [string, unknown] | undefined {
  for (const key of keys) {
    const value = own(record, key);
    if (value !== undefined && value !== null) return [key, value];
  }
  return undefined;
}

const ENDS_REQUEST = (entry: LogpushSecurityAction): boolean =>
  entry.action === 'block' || entry.action === 'connection_close' || entry.outcome === 'issued' || entry.outcome === 'failed';

/** Longest list read; a record longer than this is hostile, not a request's security trail. */
const MAX_LIST = 1024;

/**
 * What Cloudflare did to the request of a Logpush `http_requests` record: the terminating
 * action and every action in order, with rule IDs and products. Reads `SecurityAction`,
 * `SecurityActions`, `SecurityRuleID`, `SecurityRuleIDs`, `SecuritySources` and `RayID`, and,
 * for jobs created before the 2023 rename, `FirewallMatchesActions`, `FirewallMatchesRuleIDs`
 * and `FirewallMatchesSources`. Never throws: wrong types are reported in `problems`.
 */
export function logpushSecurity(record: unknown): LogpushSecurity {
  const problems: string[] = [];
  const result = {
    action: undefined as LogpushActionName | undefined,
    outcome: undefined as ChallengeOutcome | undefined,
    ruleId: undefined as string | undefined,
    actions: [] as LogpushActionName[],
    outcomes: [] as (ChallengeOutcome | undefined)[],
    ruleIds: [] as string[],
    sources: [] as string[],
    rayId: undefined as string | undefined,
    problems,
  };
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    problems.push(`record: expected a JSON object, got ${describeValue(record)}`);
    return result;
  }
  const strings = (keys: readonly string[]): string[] => {
    const found = firstOwn(record, keys);
    if (found === undefined) return [];
    const [key, value] = found;
    if (!Array.isArray(value)) {
      problems.push(`${key}: expected an array of strings, got ${describeValue(value)}`);
      return [];
    }
    if (value.length > MAX_LIST) problems.push(`${key}: ${value.length} entries, only the first ${MAX_LIST} are read`);
    const list = value.slice(0, MAX_LIST);
    if (!list.every((item) => typeof item === 'string')) {
      problems.push(`${key}: expected an array of strings, got an array holding ${describeValue(list.find((item) => typeof item !== 'string'))}`);
      return [];
    }
    return list as string[];
  };
  const text = (key: string): string | undefined => {
    const value = own(record, key);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    problems.push(`${key}: expected a string, got ${describeValue(value)}`);
    return undefined;
  };

  const entries = strings(['SecurityActions', 'FirewallMatchesActions']).map(normalizeLogpushAction);
  result.actions = entries.map((entry) => entry.action);
  result.outcomes = entries.map((entry) => entry.outcome);
  result.ruleIds = strings(['SecurityRuleIDs', 'FirewallMatchesRuleIDs']);
  result.sources = strings(['SecuritySources', 'FirewallMatchesSources']);
  const lengths = [result.ruleIds.length, result.sources.length].filter((n) => n > 0);
  if (lengths.some((n) => n !== entries.length)) {
    problems.push(`SecurityActions, SecurityRuleIDs and SecuritySources differ in length (${entries.length}, ${result.ruleIds.length}, ${result.sources.length})`);
  }

  const terminating = text('SecurityAction');
  const terminatingRule = text('SecurityRuleID');
  // Logpush writes "" or "unknown" when no rule ended the request.
  if (terminating !== undefined && terminating !== '' && spellingKey(terminating) !== 'unknown') {
    const entry = normalizeLogpushAction(terminating);
    result.action = entry.action;
    result.outcome = entry.outcome;
    result.ruleId = terminatingRule !== '' ? terminatingRule : undefined;
  } else if (terminating === undefined) {
    // Jobs that do not export SecurityAction: the last entry that ended the request.
    for (let i = entries.length - 1; i >= 0; i--) {
      if (!ENDS_REQUEST(entries[i]!)) continue;
      result.action = entries[i]!.action;
      result.outcome = entries[i]!.outcome;
      result.ruleId = result.ruleIds[i];
      break;
    }
  }
  const rayId = text('RayID');
  result.rayId = rayId !== '' ? rayId : undefined;
  return result;
}

/** A short description of a value for problem messages: strings quoted and cut at 40 chars. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
