/**
 * The work of `wirefilter replay` on one request, shared by the main thread and the worker
 * threads so that both count exactly alike: a line of traffic (our field-value NDJSON, or a
 * Cloudflare Logpush `http_requests` record) is parsed, converted — only the fields the rules
 * read — evaluated against the custom rules, and counted.
 *
 * @module
 */
import { logpushRequest, logpushSecurity, looksLikeLogpush } from '../cloudflare/logpush/index.js';
import { type Decision, type EvaluateOptions, type ExecutionContext, Ruleset, type Scheme } from '../index.js';
import { CliError, parseTime } from './io.js';
import { RATE_LIMIT_PHASE, requireCustomRules, rulesetShape, type RulesetShape } from './ratelimit-file.js';
import { DiffStats, ScoreHistogram, type DiffData, type ScoreData } from './replay-analysis.js';
import { ReplayStats, type ReplayStatsData } from './replay-stats.js';
import { readRulesetFile, requireRuleset, ruleSummaries, type RulesetFile, type RuleSummary } from './ruleset-file.js';
import { loadScheme } from './setup.js';
import { readRequest, requestProblems, type RequestInput } from './values.js';

/** The format of a traffic input. */
export type InputFormat = 'fields' | 'logpush';

/** Everything a replay needs to set itself up: plain data, sent as is to worker threads. */
export interface ReplayConfig {
  cwd: string;
  ruleset: string;
  scheme?: string;
  lists?: string;
  /** Rate limiting rules given apart (`--ratelimit`). */
  ratelimit?: string;
  /** Top values shown per rule (0: none computed). */
  top: number;
  strict: boolean;
  maxLineBytes: number;
  /** Unix seconds for requests without a time of their own. */
  now: number;
  /** Compare with Cloudflare's logged decisions (Logpush input). */
  diff: boolean;
  /** Bot score distribution of each rule's matches. */
  scoreHistogram: boolean;
}

/** The loaded scheme and rules of a replay. */
export interface ReplayPlan {
  scheme: Scheme;
  file: RulesetFile;
  shape: RulesetShape;
  /** The custom rules (empty when the file holds only rate limiting rules). */
  ruleset: Ruleset;
  summaries: RuleSummary[];
  /**
   * Fields to convert: what the custom rules read (both names of aliased fields), plus what the
   * analyses need; `undefined` converts every field (rate limiting reads fields of its own).
   */
  fields: ReadonlySet<string> | undefined;
}

/** Most distinct unknown Logpush fields remembered (they are reported once, not per line). */
const MAX_UNMAPPED = 256;
const SCORE_FIELD = 'cf.bot_management.score';
/** Logpush records whose unknown fields are listed (a job's records all have the same fields). */
const UNMAPPED_SAMPLE = 1000;
const TIMESTAMP_FIELD = 'http.request.timestamp.sec';

/** Loads the scheme and the custom rules the way every thread of one replay does. */
export function prepareReplay(config: ReplayConfig): ReplayPlan {
  const setup = loadScheme({ ...(config.scheme !== undefined && { scheme: config.scheme }), ...(config.lists !== undefined && { lists: config.lists }) }, config.cwd);
  const file = readRulesetFile(config.ruleset, config.cwd);
  const shape = rulesetShape(file);
  const ruleset =
    shape.kind === 'custom' ? requireRuleset(setup.scheme, file) : shape.kind === 'mixed' ? requireCustomRules(setup.scheme, file, shape.custom) : new Ruleset(setup.scheme, []);
  const summaries = shape.kind === 'custom' ? ruleSummaries(file) : ruleSummaries(file).filter((r) => shape.custom.includes(r.index));
  const fields = new Set<string>();
  const aliases = new Map<string, string[]>();
  for (const field of setup.scheme.fields()) if (field.aliasOf !== undefined) aliases.set(field.aliasOf, [...(aliases.get(field.aliasOf) ?? []), field.name]);
  const want = (name: string): void => {
    const canonical = setup.scheme.fieldInfo(name)?.aliasOf ?? name;
    fields.add(canonical);
    for (const alias of aliases.get(canonical) ?? []) fields.add(alias);
  };
  for (const name of ruleset.fields) want(name);
  if (config.scoreHistogram) want(SCORE_FIELD);
  want(TIMESTAMP_FIELD);
  return { scheme: setup.scheme, file, shape, ruleset, summaries, fields };
}

/** The description of `--ratelimit`'s file problems, shared with the command. */
export function rateLimitFileProblem(display: string): string {
  return `--ratelimit: ${display} is not a rate limiting ruleset (phase ${RATE_LIMIT_PHASE}, or rules with \`ratelimit\` blocks)`;
}

/** One evaluated request. */
export interface Replayed {
  request: RequestInput;
  context: ExecutionContext;
  decision: Decision;
}

/** {@link ReplayEngine}'s counts as plain data. */
export interface ReplayEngineData {
  stats: ReplayStatsData;
  /** Lines read (blank and malformed ones included): turns a chunk's line numbers into the file's. */
  lines: number;
  unmapped: string[];
  diff?: DiffData;
  scores?: ScoreData;
}

/** Evaluates and counts requests. One per thread (or per chunk of traffic). */
export class ReplayEngine {
  readonly stats: ReplayStats;
  readonly diff: DiffStats | undefined;
  readonly scores: ScoreHistogram | undefined;
  /** Logpush fields the mapping does not know, each once. */
  readonly unmapped = new Set<string>();
  /** Lines read. */
  lines = 0;
  private logpushRecords = 0;
  private readonly evaluate: EvaluateOptions = {};

  constructor(
    private readonly plan: ReplayPlan,
    private readonly config: ReplayConfig,
  ) {
    this.stats = new ReplayStats(plan.scheme, plan.summaries, Math.max(config.top * 20, 512), config.top > 0);
    this.diff = config.diff ? new DiffStats() : undefined;
    this.scores = config.scoreHistogram ? new ScoreHistogram(plan.summaries.map((r) => r.id)) : undefined;
  }

  /**
   * Reads, evaluates and counts one line. `text` is undefined for a line over
   * `maxLineBytes` (`bytes` long); `first` marks line 1 of a file (which may start with a
   * byte order mark). Returns the evaluated request, or undefined for blank and malformed lines.
   */
  line(text: string | undefined, number: number, bytes: number, format: InputFormat, first: boolean, file?: string): Replayed | undefined {
    this.lines++;
    if (text === undefined) {
      this.stats.malformedLine(number, `longer than ${this.config.maxLineBytes.toLocaleString('en-US')} bytes (${bytes.toLocaleString('en-US')}; see --max-line-bytes)`, file);
      return undefined;
    }
    const line = first && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (line.trim() === '') return undefined;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      this.stats.malformedLine(number, (error as Error).message, file);
      return undefined;
    }
    if (format === 'logpush') return this.logpush(record, number, file);
    let request: RequestInput;
    try {
      request = readRequest(record);
    } catch (error) {
      this.stats.malformedLine(number, (error as Error).message, file);
      return undefined;
    }
    if (this.config.strict) {
      const problems = requestProblems(this.plan.scheme, request.values);
      if (problems.length > 0) {
        this.stats.malformedLine(number, problems.join('; '), file);
        return undefined;
      }
    }
    return this.request(request);
  }

  private logpush(record: unknown, number: number, file: string | undefined): Replayed | undefined {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      this.stats.malformedLine(number, 'expected a Logpush record (a JSON object)', file);
      return undefined;
    }
    // Unknown fields are listed from the first records (every record of a Logpush job has the same fields).
    const converted = logpushRequest(record, { ...(this.plan.fields !== undefined && { fields: this.plan.fields }), unmapped: this.logpushRecords++ < UNMAPPED_SAMPLE });
    if (this.config.strict && converted.problems.length > 0) {
      this.stats.malformedLine(number, converted.problems.join('; '), file);
      return undefined;
    }
    for (const key of converted.unmapped) if (this.unmapped.size < MAX_UNMAPPED) this.unmapped.add(key);
    const values = converted.values as Record<string, unknown>;
    const seconds = values[TIMESTAMP_FIELD];
    // Converted already restricted to the fields the rules read: no second copy.
    const replayed = this.request({ values, ...(typeof seconds === 'number' && { now: seconds }) }, undefined, true);
    this.diff?.record(replayed.decision, logpushSecurity(record));
    return replayed;
  }

  /** Evaluates and counts one request (a parsed line, or a generated request). */
  request(request: RequestInput, now?: number, restricted = false): Replayed {
    const evaluate = this.evaluate;
    evaluate.clearance = request.clearance;
    evaluate.now = now ?? request.now ?? this.config.now;
    evaluate.xhr = request.xhr === true;
    const context = this.plan.scheme.context(restricted ? request.values : this.used(request.values));
    const decision = this.plan.ruleset.evaluate(context, evaluate);
    this.stats.record(decision, context, request.category);
    this.scores?.record(decision, request.values[SCORE_FIELD]);
    return { request, context, decision };
  }

  /** Only the values some rule (or analysis) reads: converting the others would be wasted work. */
  private used(values: Record<string, unknown>): Record<string, unknown> {
    if (this.plan.fields === undefined) return values;
    const used: Record<string, unknown> = {};
    for (const name of this.plan.fields) {
      const value = values[name];
      if (value !== undefined) used[name] = value;
    }
    return used;
  }

  data(): ReplayEngineData {
    return {
      stats: this.stats.data(),
      lines: this.lines,
      unmapped: [...this.unmapped],
      ...(this.diff !== undefined && { diff: this.diff.data() }),
      ...(this.scores !== undefined && { scores: this.scores.data() }),
    };
  }

  /**
   * Records that an input could not be read to its end (a truncated gzip file, a read error)
   * after `lines` lines: a malformed line after the last one read, and the rest is skipped.
   */
  unreadable(error: unknown, file: string | undefined): void {
    this.stats.malformedLine(this.lines + 1, `could not be read further: ${error instanceof Error ? error.message : String(error)}`, file);
    this.lines++;
  }

  /** Adds the counts of the traffic that follows; `lineOffset` turns its line numbers into the file's. */
  merge(other: ReplayEngineData, lineOffset = 0): void {
    this.stats.merge(other.stats, lineOffset);
    this.lines += other.lines;
    for (const key of other.unmapped) if (this.unmapped.size < MAX_UNMAPPED) this.unmapped.add(key);
    if (other.diff !== undefined) this.diff?.merge(other.diff);
    if (other.scores !== undefined) this.scores?.merge(other.scores);
  }
}

/**
 * The format of an input from its first line: Logpush when the record looks like one
 * (`looksLikeLogpush`), else our field-value NDJSON. A first line that is not JSON reads as
 * field values (its lines are then reported as malformed).
 */
export function detectFormat(firstLine: string | undefined): InputFormat {
  if (firstLine === undefined) return 'fields';
  try {
    return looksLikeLogpush(JSON.parse(firstLine.charCodeAt(0) === 0xfeff ? firstLine.slice(1) : firstLine)) ? 'logpush' : 'fields';
  } catch {
    return 'fields';
  }
}

/** `--now`, or the clock. */
export function replayNow(now: string | undefined): number {
  return now !== undefined ? parseTime(now, '--now') : Date.now() / 1000;
}

/** Refuses options that need Logpush input on other input. */
export function requireLogpush(format: InputFormat, option: string): void {
  if (format !== 'logpush') throw new CliError(`${option} needs Cloudflare Logpush input (--input logpush, or records that look like Logpush)`);
}
