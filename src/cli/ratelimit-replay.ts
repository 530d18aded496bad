/**
 * Rate limiting in `wirefilter replay`: the `http_ratelimit` rules (`--ratelimit`, or the rate
 * limiting rules of the replayed file) run with a `RateLimiter` over an in-memory store, after
 * the custom rules, on every request that the custom rules let through and did not skip the
 * phase for, in traffic order at each request's own time. Counts per rule: requests matched,
 * requests counted, requests acted on (by action), the first and last time it acted, and the
 * peak rate one counter reached.
 *
 * @module
 */
import {
  type Decision,
  type ExecutionContext,
  type Filter,
  memoryStore,
  type RateLimitAlgorithm,
  type RateLimiter,
  type RateLimitHit,
  type RateLimitCount,
  type RateLimitStore,
  type Scheme,
} from '../index.js';
import { CliError, isObject, pad, plural, truncate, type Colors } from './io.js';
import { RATE_LIMIT_PHASE, requireRateLimiter } from './ratelimit-file.js';
import type { RulesetFile } from './ruleset-file.js';
import type { RequestInput } from './values.js';

/** Most counters the replay's store keeps at once (least recently used are evicted first). */
const MAX_COUNTERS = 1_000_000;

/** One rate limiting rule as the replay shows it. */
interface RuleRow {
  id: string;
  /** How the limiter's store keys for this rule begin (`[rulesetId,"id",`). */
  prefix: string;
  index: number;
  action: string;
  enabled: boolean;
  characteristics: string[];
  period: number;
  limit: number;
  mitigationTimeout: number;
  /** The rule expression, to count matches (undefined: disabled or not compiled). */
  filter?: Filter;
  matched: number;
  counted: number;
  /** Sum of scores added (score-based rules). */
  score: number;
  actions: Map<string, number>;
  first?: number;
  last?: number;
  peak?: { rate: number; at: number; counter: Record<string, unknown> };
}

/** The time of one request, as the rate limiting replay reads it. */
export interface TimeSource {
  /** `--rate`: requests without a time of their own are spaced 1/rate s apart from `start`. */
  rate?: number;
  start: number;
}

const timestampOf = (values: Record<string, unknown>): number | undefined => {
  const sec = values['http.request.timestamp.sec'];
  if (typeof sec !== 'number' || !Number.isFinite(sec)) return undefined;
  const msec = values['http.request.timestamp.msec'];
  return sec + (typeof msec === 'number' && Number.isFinite(msec) ? msec / 1000 : 0);
};

/** A characteristic's value in plain request values, for display (`name` or `name["key"]`). */
function characteristicValue(values: Record<string, unknown>, characteristic: string): unknown {
  const entry = /^([a-z][a-z0-9_.]*)\["((?:[^"\\]|\\.)*)"\]$/.exec(characteristic);
  if (entry === null) return values[characteristic] ?? null;
  const map = values[entry[1]!];
  if (!isObject(map)) return null;
  const value = map[JSON.parse(`"${entry[2]!}"`) as string];
  return (Array.isArray(value) && value.length === 1 ? value[0] : value) ?? null;
}

/** Counts what the rate limiting phase does over replayed traffic. */
export class RateLimitReplay {
  readonly limiter: RateLimiter;
  readonly rows: RuleRow[];
  readonly display: string;
  readonly algorithm: RateLimitAlgorithm;
  /** Requests the phase ran for. */
  reached = 0;
  /** Requests a custom `skip` rule exempted from the phase (`phases: ["http_ratelimit"]`). */
  skipped = 0;
  /** Requests the custom rules blocked or challenged: they never reach the phase. */
  endedBefore = 0;
  /** Requests whose time was before an earlier request's (counted at that earlier time). */
  outOfOrder = 0;
  /** Requests timed by `--rate`. */
  spaced = 0;
  firstTime?: number;
  lastTime?: number;
  readonly decisions = new Map<string, number>();
  private readonly byId = new Map<string, RuleRow>();
  private readonly countsResponses: boolean;
  /** Whether the limiter can read every characteristic from a context (else it gets plain values). */
  private readonly contextSuffices: boolean;
  private current: Record<string, unknown> = {};
  private clock = -Infinity;

  constructor(
    scheme: Scheme,
    file: RulesetFile,
    indexes: readonly number[],
    algorithm: RateLimitAlgorithm,
    private readonly time: TimeSource,
  ) {
    this.algorithm = algorithm;
    const inner = memoryStore({ maxKeys: MAX_COUNTERS });
    const store: RateLimitStore = {
      hit: async (key: string, hit: RateLimitHit): Promise<RateLimitCount> => {
        const result = await inner.hit(key, hit);
        this.observe(key, hit, result);
        return result;
      },
      reset: (key: string) => inner.reset(key),
    };
    this.limiter = requireRateLimiter(scheme, file, indexes, store);
    // The limiter's events and store keys name rules by id, else ref, else `#<index in the rules given>`;
    // keys are JSON arrays [rulesetId, ruleId, ...characteristic values].
    const source = file.source;
    const rulesetId = !Array.isArray(source) && typeof source.id === 'string' ? source.id : null;
    this.contextSuffices = scheme.fieldInfo('cf.colo.id') !== undefined && scheme.fieldInfo('cf.unique_visitor_id') !== undefined;
    let countsResponses = false;
    this.rows = indexes.map((fileIndex, position) => {
      const raw = (isObject(file.rules[fileIndex]) ? file.rules[fileIndex] : {}) as Record<string, unknown>;
      const rl = (isObject(raw.ratelimit) ? raw.ratelimit : {}) as Record<string, unknown>;
      const id = typeof raw.id === 'string' && raw.id !== '' ? raw.id : typeof raw.ref === 'string' && raw.ref !== '' ? raw.ref : `#${position}`;
      const enabled = raw.enabled !== false;
      const compile = (text: unknown): Filter | undefined => {
        if (typeof text !== 'string' || text === '') return undefined;
        try {
          return scheme.compile(text, { phase: RATE_LIMIT_PHASE, unknownLists: 'warning' });
        } catch {
          return undefined; // a disabled rule that does not compile (the limiter dropped it)
        }
      };
      const filter = enabled ? compile(raw.expression) : undefined;
      const counting = enabled ? compile(rl.counting_expression) : undefined;
      if (enabled && (rl.score_per_period !== undefined || (counting?.fields ?? []).some((f) => f.startsWith('http.response.')))) countsResponses = true;
      const row: RuleRow = {
        id,
        prefix: `${JSON.stringify([rulesetId, id]).slice(0, -1)},`,
        index: fileIndex,
        action: typeof raw.action === 'string' ? raw.action : '?',
        enabled,
        characteristics: Array.isArray(rl.characteristics) ? rl.characteristics.filter((c): c is string => typeof c === 'string') : [],
        period: typeof rl.period === 'number' ? rl.period : 0,
        limit: typeof rl.requests_per_period === 'number' ? rl.requests_per_period : typeof rl.score_per_period === 'number' ? rl.score_per_period : 0,
        mitigationTimeout: typeof rl.mitigation_timeout === 'number' ? rl.mitigation_timeout : 0,
        ...(filter !== undefined && { filter }),
        matched: 0,
        counted: 0,
        score: 0,
        actions: new Map(),
      };
      this.byId.set(id, row);
      return row;
    });
    this.countsResponses = countsResponses;
    this.display = `${file.display} (${plural(indexes.length, 'rule')})`;
  }

  /** The time of a request: its `now`, else `http.request.timestamp.sec` (+ `.msec`), else spaced by `--rate`. */
  timeOf(request: RequestInput, line: number | undefined): number {
    let time = request.now ?? timestampOf(request.values);
    if (time === undefined) {
      if (this.time.rate === undefined) {
        throw new CliError(
          `${line !== undefined ? `line ${line}: ` : ''}a request without a time: rate limiting needs each request's time ` +
            '("now": Unix seconds, or the field http.request.timestamp.sec), or --rate <requests/s> to space requests evenly',
        );
      }
      time = this.time.start + this.spaced / this.time.rate;
      this.spaced++;
    }
    return time;
  }

  /**
   * Runs the phase for one request after the custom rules decided `custom`, at `time` (Unix
   * seconds); resolves to the phase's decision, or undefined when the phase did not run.
   */
  async process(values: Record<string, unknown>, context: ExecutionContext, custom: Decision, time: number): Promise<Decision | undefined> {
    if (custom.action !== 'allow') {
      this.endedBefore++;
      return undefined;
    }
    if (custom.skipped.phases.includes(RATE_LIMIT_PHASE)) {
      this.skipped++;
      return undefined;
    }
    if (time < this.clock) this.outOfOrder++;
    else this.clock = time;
    const now = this.clock;
    this.firstTime ??= now;
    this.lastTime = now;
    this.reached++;
    this.current = values;
    const decision = await this.limiter.evaluate(this.contextSuffices ? context : values, { now });
    this.decisions.set(decision.action, (this.decisions.get(decision.action) ?? 0) + 1);
    // The limiter runs enabled rules in order and stops at the one that ended the phase.
    for (const row of this.rows) {
      if (row.filter !== undefined && row.filter.execute(context)) row.matched++;
      if (decision.ruleId !== null && row.id === decision.ruleId) break;
    }
    for (const event of decision.events) {
      const row = this.byId.get(event.ruleId);
      if (row === undefined) continue;
      row.actions.set(event.action, (row.actions.get(event.action) ?? 0) + 1);
      row.first ??= now;
      row.last = now;
    }
    // Counting after the response: requests that reached the origin.
    if (this.countsResponses && decision.action === 'allow') await this.limiter.count(this.contextSuffices ? context : values, { now });
    return decision;
  }

  /** Records what the store saw: counted requests and the peak rate of each rule's counters. */
  private observe(key: string, hit: RateLimitHit, result: RateLimitCount): void {
    const row = this.rows.find((r) => key.startsWith(r.prefix));
    if (row === undefined) return;
    if (hit.cost > 0) {
      row.counted++;
      row.score += hit.cost;
    }
    if (row.peak === undefined || result.count > row.peak.rate) {
      const counter: Record<string, unknown> = {};
      for (const c of row.characteristics) counter[c] = characteristicValue(this.current, c);
      row.peak = { rate: result.count, at: hit.now / 1000, counter };
    }
  }

  /** The summary as JSON. */
  json(): Record<string, unknown> {
    return {
      ruleset: this.display,
      phase: RATE_LIMIT_PHASE,
      algorithm: this.algorithm,
      requests: { reached: this.reached, skippedByCustomRules: this.skipped, endedByCustomRules: this.endedBefore, outOfOrder: this.outOfOrder, spacedByRate: this.spaced },
      ...(this.firstTime !== undefined && { from: this.firstTime, to: this.lastTime }),
      decisions: Object.fromEntries([...this.decisions].sort((a, b) => b[1] - a[1])),
      rules: this.rows.map((r) => ({
        id: r.id,
        index: r.index,
        action: r.action,
        enabled: r.enabled,
        period: r.period,
        limit: r.limit,
        mitigationTimeout: r.mitigationTimeout,
        matched: r.matched,
        counted: r.counted,
        ...(r.score !== r.counted && { score: r.score }),
        mitigated: sum(r.actions),
        actions: Object.fromEntries(r.actions),
        firstMitigation: r.first ?? null,
        lastMitigation: r.last ?? null,
        peak: r.peak === undefined ? null : { rate: round2(r.peak.rate), at: r.peak.at, counter: r.peak.counter },
      })),
    };
  }

  /** The summary as text lines. */
  text(c: Colors): string[] {
    const out: string[] = [];
    out.push('', `${c.bold('Rate limiting')} ${c.dim(`(${this.display}, ${this.algorithm}; after the custom rules, at each request's time)`)}`);
    const notes = [`${num(this.reached)} requests reached ${RATE_LIMIT_PHASE}`];
    if (this.endedBefore > 0) notes.push(`${num(this.endedBefore)} ended by custom rules`);
    if (this.skipped > 0) notes.push(`${num(this.skipped)} skipped by a custom skip rule`);
    out.push(`  ${notes.join(', ')}`);
    if (this.firstTime !== undefined) out.push(`  from ${iso(this.firstTime)} to ${iso(this.lastTime!)} (${seconds(this.lastTime! - this.firstTime)})`);
    if (this.outOfOrder > 0) out.push(c.yellow(`  ${plural(this.outOfOrder, 'request')} earlier than the one before: counted at the latest time seen`));
    if (this.spaced > 0) out.push(c.dim(`  ${plural(this.spaced, 'request')} without a time spaced by --rate ${this.time.rate}/s from ${iso(this.time.start)}`));
    const actions = [...this.decisions].sort((a, b) => b[1] - a[1]);
    out.push(`  decisions: ${actions.map(([a, n]) => `${a} ${num(n)}`).join(', ') || 'none'}`);
    const labelWidth = Math.min(30, Math.max(4, ...this.rows.map((r) => r.id.length)));
    out.push(c.dim(`  ${pad('#', 3, 'right')} ${pad('rule', labelWidth)} ${pad('action', 17)} ${pad('limit', 12)} ${pad('matched', 8, 'right')} ${pad('counted', 8, 'right')} ${pad('acted', 8, 'right')}  first – last action`));
    for (const r of this.rows) {
      const limit = `${r.limit}/${r.period}s${r.mitigationTimeout > 0 ? ` ⟶${r.mitigationTimeout}s` : ''}`;
      const acted = sum(r.actions);
      const when = !r.enabled ? c.dim('disabled') : r.first === undefined ? c.dim('never acted') : `${iso(r.first)} – ${iso(r.last!)}`;
      out.push(`  ${pad(String(r.index + 1), 3, 'right')} ${pad(truncate(r.id, labelWidth), labelWidth)} ${c.dim(pad(r.action, 17))} ${pad(limit, 12)} ${pad(num(r.matched), 8, 'right')} ${pad(num(r.counted), 8, 'right')} ${pad(num(acted), 8, 'right')}  ${when}`);
      const extra: string[] = [];
      const other = [...r.actions].filter(([a]) => a !== r.action && !(r.action === 'js_challenge' && a === 'jschallenge'));
      if (other.length > 0) extra.push(other.map(([a, n]) => `${a} ${num(n)}`).join(', '));
      if (r.peak !== undefined) {
        const counter = Object.entries(r.peak.counter)
          .filter(([name, value]) => !(name === 'cf.colo.id' && value === null))
          .map(([name, value]) => `${name}=${value === null ? 'missing' : truncate(typeof value === 'string' ? value : JSON.stringify(value), 48)}`)
          .join(' ');
        extra.push(`peak ${round2(r.peak.rate)} per ${r.period} s at ${iso(r.peak.at)}${counter ? ` (${counter})` : ''}`);
      }
      if (extra.length > 0) out.push(c.dim(`      ${extra.join('; ')}`));
    }
    return out;
  }
}

const sum = (row: Map<string, number>): number => [...row.values()].reduce((a, b) => a + b, 0);
const round2 = (x: number): number => Math.round(x * 100) / 100;
const num = (n: number): string => n.toLocaleString('en-US');
/** Unix seconds as ISO 8601 (milliseconds only when there are some). */
export const iso = (time: number): string => new Date(Math.round(time * 1000)).toISOString().replace('.000Z', 'Z');
const seconds = (s: number): string => (s < 120 ? `${round2(s)} s` : s < 7200 ? `${round2(s / 60)} min` : `${round2(s / 3600)} h`);

/** Checks `--rate`. */
export function parseRate(text: string): number {
  const rate = Number(text);
  if (!Number.isFinite(rate) || rate <= 0) throw new CliError(`--rate: expected requests per second (a positive number), got ${JSON.stringify(text)}`);
  return rate;
}
