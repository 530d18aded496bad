/**
 * What `wirefilter replay` counts, kept so that counts of parts of the traffic (worker
 * threads, chunks of files) merge into exactly what one pass over the whole traffic counts:
 * sums for decisions, hits and events; the first malformed lines in traffic order; top values
 * merged by the mergeable Space-Saving rule (exact while no summary evicted a value).
 *
 * @module
 */
import { type Decision, type ExecutionContext, type ExplanationNode, type Filter, type Scheme, WAF_CUSTOM_RULES_PHASE } from '../index.js';
import { oneLine } from './eval.js';
import { truncate } from './io.js';
import type { RuleSummary } from './ruleset-file.js';
import { TopK, type TopKData } from './topk.js';

/** Malformed lines whose details are kept (the rest are only counted). */
export const MALFORMED_DETAILS = 50;
/** Distinct categories counted (the rest are `other`). */
const MAX_CATEGORIES = 32;
/** Longest value shown for a matched value. */
const MAX_VALUE_LENGTH = 96;

/** Per-rule counters. */
export interface RuleStats {
  rule: RuleSummary;
  hits: number;
  events: Map<string, number>;
  top: TopK;
  /** The rule's filter, compiled to explain its matches (with --explain). */
  explained?: Filter;
}

/** A decisive leaf value of an explanation; `negated` when it sits under a `not`. */
export interface MatchedValue {
  expression: string;
  value: unknown;
  negated: boolean;
}

/** The decisive leaf values of an explanation: what made the rule match. */
export function decisiveValues(node: ExplanationNode, out: MatchedValue[] = [], negated = false): MatchedValue[] {
  const children = node.children;
  if (children.length === 0) {
    if (node.value !== undefined) out.push({ expression: node.value.expression, value: node.value.value, negated });
    return out;
  }
  // A single child whose result is the opposite of its parent's: the parent is a `not`.
  let flips = false;
  if (children.length === 1) {
    const only = children[0]!;
    flips = typeof only.result === 'boolean' && typeof node.result === 'boolean' && only.result !== node.result;
  }
  let anyDecisive = false;
  for (const child of children) {
    if (child.decisive === true) {
      anyDecisive = true;
      decisiveValues(child, out, negated !== flips);
    }
  }
  if (!anyDecisive) for (const child of children) if (child.evaluated) decisiveValues(child, out, negated !== flips);
  return out;
}

/**
 * A short key for the values that made a rule match. Values read by negated conditions
 * (`not ip.src in $vpn`) and booleans (`not cf.client.bot`) say little about why it matched,
 * so they are left out unless nothing else is left.
 */
export function valueKey(values: readonly MatchedValue[]): string {
  const positive = values.filter((v) => !v.negated && typeof v.value !== 'boolean');
  const shown = positive.length > 0 ? positive : values.filter((v) => typeof v.value !== 'boolean').length > 0 ? values.filter((v) => typeof v.value !== 'boolean') : values;
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const v of shown) {
    const part = `${oneLine(v.expression)} = ${truncate(JSON.stringify(v.value) ?? 'missing', MAX_VALUE_LENGTH)}`;
    if (!seen.has(part)) {
      seen.add(part);
      parts.push(part);
    }
  }
  return parts.join(' · ');
}

/** A line that could not be used. */
export interface MalformedLine {
  line: number;
  error: string;
  /** The input it is in, when the traffic has several. */
  file?: string;
}

/** {@link ReplayStats} as plain data. */
export interface ReplayStatsData {
  requests: number;
  malformed: number;
  malformedLines: MalformedLine[];
  decisions: [string, number][];
  categories: [string, [string, number][]][];
  rules: { hits: number; events: [string, number][]; top: TopKData }[];
}

/** Everything the replay counts. */
export class ReplayStats {
  requests = 0;
  malformed = 0;
  readonly malformedLines: MalformedLine[] = [];
  readonly decisions = new Map<string, number>();
  readonly categories = new Map<string, Map<string, number>>();
  readonly rules: RuleStats[];
  private readonly byId: Map<string, RuleStats>;

  constructor(
    scheme: Scheme,
    rules: readonly RuleSummary[],
    topCapacity: number,
    private readonly explain: boolean,
  ) {
    this.rules = rules.map((rule) => {
      const stats: RuleStats = { rule, hits: 0, events: new Map(), top: new TopK(topCapacity) };
      if (explain && rule.enabled && rule.expression !== '') {
        try {
          stats.explained = scheme.compile(rule.expression, { phase: WAF_CUSTOM_RULES_PHASE, unknownLists: 'warning' });
        } catch {
          // A rule that does not compile never matches; nothing to explain.
        }
      }
      return stats;
    });
    this.byId = new Map(this.rules.map((r) => [r.rule.id, r]));
  }

  /** Records a line that could not be used (`file` when the traffic has several inputs). */
  malformedLine(line: number, error: string, file?: string): void {
    this.malformed++;
    if (this.malformedLines.length < MALFORMED_DETAILS) this.malformedLines.push({ line, error, ...(file !== undefined && { file }) });
  }

  /** The counts as plain data (structured-cloneable: what a worker thread sends back). */
  data(): ReplayStatsData {
    return {
      requests: this.requests,
      malformed: this.malformed,
      malformedLines: this.malformedLines,
      decisions: [...this.decisions],
      categories: [...this.categories].map(([category, row]) => [category, [...row]]),
      rules: this.rules.map((r) => ({ hits: r.hits, events: [...r.events], top: r.top.data() })),
    };
  }

  /**
   * Adds the counts of the traffic that follows (another chunk's `data()`, merged in traffic
   * order). `lineOffset` turns the chunk's line numbers into the input's; `file` names the
   * input of its malformed lines.
   */
  merge(other: ReplayStatsData, lineOffset = 0): void {
    this.requests += other.requests;
    this.malformed += other.malformed;
    for (const line of other.malformedLines) {
      if (this.malformedLines.length >= MALFORMED_DETAILS) break;
      this.malformedLines.push({ ...line, line: line.line + lineOffset });
    }
    for (const [action, count] of other.decisions) this.decisions.set(action, (this.decisions.get(action) ?? 0) + count);
    for (const [category, row] of other.categories) {
      const key = this.categories.has(category) || this.categories.size < MAX_CATEGORIES ? category : 'other';
      let mine = this.categories.get(key);
      if (mine === undefined) this.categories.set(key, (mine = new Map()));
      for (const [action, count] of row) mine.set(action, (mine.get(action) ?? 0) + count);
    }
    other.rules.forEach((rule, i) => {
      const mine = this.rules[i]!;
      mine.hits += rule.hits;
      for (const [event, count] of rule.events) mine.events.set(event, (mine.events.get(event) ?? 0) + count);
      mine.top.merge(rule.top);
    });
  }

  /** Records one decision. */
  record(decision: Decision, context: ExecutionContext, category: string | undefined): void {
    this.requests++;
    this.decisions.set(decision.action, (this.decisions.get(decision.action) ?? 0) + 1);
    if (category !== undefined) {
      const key = this.categories.has(category) || this.categories.size < MAX_CATEGORIES ? category : 'other';
      let row = this.categories.get(key);
      if (row === undefined) this.categories.set(key, (row = new Map()));
      row.set(decision.action, (row.get(decision.action) ?? 0) + 1);
    }
    let previous: string | undefined;
    for (const event of decision.events) {
      const stats = this.byId.get(event.ruleId);
      if (stats === undefined) continue;
      stats.events.set(event.action, (stats.events.get(event.action) ?? 0) + 1);
      // One hit per rule and request (a rule produces at most one event per evaluation).
      if (event.ruleId === previous) continue;
      previous = event.ruleId;
      stats.hits++;
      if (stats.explained !== undefined) stats.top.add(valueKey(decisiveValues(stats.explained.explain(context))));
    }
  }
}
