/**
 * Security events: one per request the firewall handles, with what the rules decided and what
 * the firewall did about it — the local counterpart of Cloudflare's Security Events.
 *
 * @module
 */
import type { DecisionAction, DecisionEvent } from '../ruleset/types.js';

/** What the firewall did with a request. */
export type FirewallOutcome =
  /** Passed to the application (no rule acted, or skip/log only, or clearance was enough). */
  | 'passed'
  /** Answered with a block response. */
  | 'blocked'
  /** Answered with a challenge (page or 403 with `cf-mitigated: challenge`). */
  | 'challenged'
  /** `mode: 'log'`: the decision would have blocked or challenged, the request passed. */
  | 'logged'
  /** A challenge was solved: clearance cookie set, redirected to the original URL. */
  | 'solved'
  /** A challenge solution was refused (bad proof, expired, replayed, wrong client). */
  | 'refused'
  /** The firewall failed (an exception or a `facts` timeout) and followed `failOpen`. */
  | 'error';

/** One security event. */
export interface FirewallEvent {
  /** The request's ray id (also in the `x-wirefilter-ray` response header). */
  rayId: string;
  /** When the request was handled, ms since the epoch. */
  time: number;
  /** What the rules decided (`allow` when nothing acted). */
  action: DecisionAction;
  /** The rule that ended the phase, if any. */
  ruleId: string | null;
  /**
   * The phase whose rule decided: `http_request_firewall_custom` (custom rules) or
   * `http_ratelimit` (rate limiting rules, with `rateLimits`). Absent when no rule acted.
   */
  phase?: 'http_request_firewall_custom' | 'http_ratelimit';
  rulesetId: string | null;
  /** Every rule event of the evaluation (logs, skips, bypassed challenges). */
  events: DecisionEvent[];
  outcome: FirewallOutcome;
  /** The clearance level the request carried, if any. */
  clearance?: 'jschallenge' | 'managed' | 'interactive';
  clientIp: string | undefined;
  method: string;
  /** Path and query. */
  url: string;
  /** For `error` and `refused`: why; on other outcomes, a note (e.g. bot verification failed, so the request counted as not verified). */
  reason?: string;
}
