/**
 * `wirefilter replay`: a ruleset against traffic — NDJSON (one request's field values per
 * line, or `{"values", "clearance"?, "now"?, "xhr"?, "category"?}`) streamed line by line from
 * a file or standard input, or requests straight from the generator (`--generate`). Memory is
 * bounded: nothing is kept per request, and the most frequent matched values per rule are
 * counted with a bounded top-K. Prints decisions by action, hits per rule, the most frequent
 * matched values per rule (the decisive values of the rule's trace), malformed lines with
 * their line numbers, and the throughput. Lines longer than `--max-line-bytes` are malformed
 * lines too, and are never held whole (see `lines.ts`).
 *
 * @module
 */
import { createReadStream, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import {
  type Decision,
  type EvaluateOptions,
  type ExecutionContext,
  type ExplanationNode,
  type Filter,
  type RateLimitAlgorithm,
  Ruleset,
  type Scheme,
  WAF_CUSTOM_RULES_PHASE,
} from '../index.js';
import { withCommon, withScheme, type CommonOptions, type CommandContext, type SchemeOptions } from './command.js';
import { oneLine } from './eval.js';
import { generateRequests } from './generate.js';
import { CliError, displayPath, resolvePath, EXIT_OK, pad, parseCount, parseTime, plural, statRegularFile, truncate, writeJson, type Colors, type Io } from './io.js';
import { MAX_LINE_BYTES, readLines } from './lines.js';
import { RATE_LIMIT_PHASE, requireCustomRules, rulesetShape } from './ratelimit-file.js';
import { parseRate, RateLimitReplay } from './ratelimit-replay.js';
import { readRulesetFile, requireRuleset, ruleSummaries, type RulesetFile, type RuleSummary } from './ruleset-file.js';
import { loadScheme } from './setup.js';
import { TopK } from './topk.js';
import { readRequest, requestProblems, type RequestInput } from './values.js';

interface ReplayOptions extends CommonOptions, SchemeOptions {
  generate?: string;
  seed: string;
  top: string;
  now?: string;
  progress: boolean;
  stats?: boolean;
  strict?: boolean;
  maxLineBytes: string;
  ratelimit?: string;
  rate?: string;
  algorithm: RateLimitAlgorithm;
}

/** Malformed lines whose details are kept (the rest are only counted). */
const MALFORMED_DETAILS = 50;
/** Distinct categories counted (the rest are `other`). */
const MAX_CATEGORIES = 32;
/** Longest value shown for a matched value. */
const MAX_VALUE_LENGTH = 96;

/** Per-rule counters. */
interface RuleStats {
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

/** Everything the replay counts. */
export class ReplayStats {
  requests = 0;
  malformed = 0;
  readonly malformedLines: { line: number; error: string }[] = [];
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

  /** Records a line that could not be used. */
  malformedLine(line: number, error: string): void {
    this.malformed++;
    if (this.malformedLines.length < MALFORMED_DETAILS) this.malformedLines.push({ line, error });
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

/** Where requests come from. */
type Source = { kind: 'generate'; count: number; seed: number } | { kind: 'file'; file: string } | { kind: 'stdin' };

/** Progress display on a terminal (cli-progress), or nothing. */
interface Progress {
  update(requests: number, position: number): void;
  stop(): void;
}

function createProgress(io: Io, source: Source, enabled: boolean): Progress {
  if (!enabled || io.stderr.isTTY !== true) return { update() {}, stop() {} };
  const total = source.kind === 'generate' ? source.count : source.kind === 'file' ? statSync(source.file).size : 0;
  const unit = source.kind === 'file' ? 'bytes' : 'requests';
  const bar = new cliProgress.SingleBar(
    {
      // Only on a terminal (checked above), so a real Node stream.
      stream: io.stderr as NodeJS.WritableStream,
      format:
        total > 0
          ? ` {bar} {percentage}% | {requests} requests | {rate} req/s | ETA {eta_formatted}`
          : ` {requests} requests | {rate} req/s`,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(Math.max(total, 1), 0, { requests: 0, rate: 0, unit });
  return {
    update(requests, position) {
      const seconds = (performance.now() - started) / 1000;
      bar.update(total > 0 ? Math.min(position, total) : 0, { requests: requests.toLocaleString('en-US'), rate: seconds > 0 ? Math.round(requests / seconds).toLocaleString('en-US') : 0 });
    },
    stop() {
      bar.stop();
    },
  };
}

/** Yields the requests of a source, reporting malformed lines (and lines over `maxLineBytes`) to `stats`. */
async function* requests(
  source: Source,
  io: Io,
  stats: ReplayStats,
  strict: Scheme | undefined,
  position: { bytes: number },
  maxLineBytes: number,
): AsyncGenerator<RequestInput & { line?: number }> {
  if (source.kind === 'generate') {
    for (const request of generateRequests({ count: source.count, seed: source.seed })) {
      position.bytes++;
      yield request;
    }
    return;
  }
  const input = source.kind === 'file' ? createReadStream(source.file) : io.stdin;
  for await (const { number, text, bytes, end } of readLines(input, maxLineBytes)) {
    position.bytes = end;
    if (text === undefined) {
      stats.malformedLine(number, `longer than ${maxLineBytes.toLocaleString('en-US')} bytes (${bytes.toLocaleString('en-US')}; see --max-line-bytes)`);
      continue;
    }
    const line = number === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (line.trim() === '') continue;
    let request: RequestInput;
    try {
      request = readRequest(JSON.parse(line));
    } catch (error) {
      stats.malformedLine(number, (error as Error).message);
      continue;
    }
    if (strict !== undefined) {
      const problems = requestProblems(strict, request.values);
      if (problems.length > 0) {
        stats.malformedLine(number, problems.join('; '));
        continue;
      }
    }
    yield { ...request, line: number };
  }
}

/** The summary as JSON. */
function summaryJson(stats: ReplayStats, meta: ReplayMeta, top: number): Record<string, unknown> {
  return {
    source: meta.source,
    ruleset: meta.ruleset,
    requests: stats.requests,
    malformed: { count: stats.malformed, lines: stats.malformedLines },
    elapsedSeconds: round(meta.seconds, 3),
    requestsPerSecond: Math.round(stats.requests / Math.max(meta.seconds, 1e-9)),
    decisions: Object.fromEntries([...stats.decisions].sort((a, b) => b[1] - a[1])),
    ...(stats.categories.size > 0 && {
      categories: Object.fromEntries([...stats.categories].map(([category, row]) => [category, Object.fromEntries(row)])),
    }),
    rules: stats.rules.map((r) => ({
      id: r.rule.id,
      label: r.rule.label,
      action: r.rule.action,
      enabled: r.rule.enabled,
      ...(!r.rule.logged && { logging: false }),
      ...(r.rule.description !== undefined && { description: r.rule.description }),
      hits: r.hits,
      events: Object.fromEntries(r.events),
      topValues: r.top.top(top).map((e) => ({ value: e.value, count: e.count, ...(e.error > 0 && { maxOvercount: e.error }) })),
    })),
    ...(meta.process !== undefined && { process: meta.process }),
  };
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
const num = (n: number): string => n.toLocaleString('en-US');
const percent = (n: number, total: number): string => `${total > 0 ? ((100 * n) / total).toFixed(1) : '0.0'}%`;

function actionColor(action: string, c: Colors): (text: string) => string {
  if (action === 'block') return c.red;
  if (action === 'allow') return c.green;
  if (action.includes('challenge')) return c.yellow;
  return (text) => text;
}

interface ReplayMeta {
  source: string;
  ruleset: string;
  seconds: number;
  process?: { peakRssBytes: number; heapUsedBytes: number; cpuUserSeconds: number; cpuSystemSeconds: number };
}

/** The summary as text. */
function summaryText(stats: ReplayStats, meta: ReplayMeta, top: number, c: Colors, extra: readonly string[] = []): string {
  const out: string[] = [];
  const rate = Math.round(stats.requests / Math.max(meta.seconds, 1e-9));
  out.push(
    `${c.bold(`Replayed ${num(stats.requests)} requests`)} from ${meta.source} against ${meta.ruleset} in ${meta.seconds.toFixed(2)} s ${c.dim('—')} ${c.bold(`${num(rate)} requests/s`)}`,
  );
  if (stats.malformed > 0) out.push(c.yellow(`${plural(stats.malformed, 'malformed line')} skipped (see below)`));

  out.push('', c.bold('Decisions'));
  const actions = [...stats.decisions].sort((a, b) => b[1] - a[1]);
  const widest = Math.max(8, ...actions.map(([a]) => a.length));
  for (const [action, count] of actions) {
    const share = stats.requests > 0 ? count / stats.requests : 0;
    const bar = '█'.repeat(Math.max(share > 0 ? 1 : 0, Math.round(share * 40)));
    out.push(`  ${pad(actionColor(action, c)(action), widest)}  ${pad(num(count), 9, 'right')}  ${pad(percent(count, stats.requests), 6, 'right')}  ${c.dim(bar)}`);
  }

  if (stats.categories.size > 0) {
    const columns = actions.map(([a]) => a);
    const rows = [...stats.categories].sort((a, b) => sum(b[1]) - sum(a[1]));
    // Lines without a category, when some have one.
    const none = new Map(columns.map((a) => [a, (stats.decisions.get(a) ?? 0) - rows.reduce((n, [, row]) => n + (row.get(a) ?? 0), 0)]));
    if (sum(none) > 0) rows.push(['(none)', none]);
    const widths = columns.map((a) => Math.max(a.length, ...rows.map(([, row]) => num(row.get(a) ?? 0).length)) + 2);
    const first = Math.min(20, Math.max(8, ...rows.map(([category]) => category.length))) + 2;
    out.push('', c.bold('Decisions by category'));
    out.push(`  ${pad('', first)}${columns.map((a, i) => pad(a, widths[i]!, 'right')).join('')}`);
    for (const [category, row] of rows) {
      out.push(`  ${pad(truncate(category, first - 2), first)}${columns.map((a, i) => pad(num(row.get(a) ?? 0), widths[i]!, 'right')).join('')}`);
    }
  }

  if (stats.rules.length > 0) out.push('', `${c.bold('Rules')} ${c.dim('(hits = requests the rule matched and acted on; in evaluation order)')}`);
  const labelWidth = Math.min(34, Math.max(...stats.rules.map((r) => r.rule.label.length), 4));
  if (stats.rules.length > 0) out.push(c.dim(`  ${pad('#', 3, 'right')} ${pad('rule', labelWidth)} ${pad('action', 17)} ${pad('hits', 8, 'right')} ${pad('share', 6, 'right')}  other events`));
  for (const r of stats.rules) {
    const index = pad(String(r.rule.index + 1), 3, 'right');
    const label = pad(truncate(r.rule.label, labelWidth), labelWidth);
    const action = pad(r.rule.action, 17);
    const hits = pad(num(r.hits), 8, 'right');
    const share = pad(percent(r.hits, stats.requests), 6, 'right');
    const events = [...r.events].filter(([e]) => e !== r.rule.action && !(r.rule.action === 'js_challenge' && e === 'jschallenge')).map(([e, n]) => `${e} ${num(n)}`);
    const note = !r.rule.enabled ? c.dim('disabled') : !r.rule.logged ? c.dim('logging disabled: matches are not recorded') : r.hits === 0 ? c.dim('never matched') : events.length > 0 ? c.dim(events.join(', ')) : '';
    out.push(`  ${index} ${r.hits > 0 ? label : c.dim(label)} ${c.dim(action)} ${hits} ${share}  ${note}`);
  }

  const withValues = stats.rules.filter((r) => r.hits > 0 && r.top.size > 0);
  if (withValues.length > 0) {
    out.push('', `${c.bold('Most frequent matched values')} ${c.dim(`(top ${top} per rule, from the decisive parts of each match)`)}`);
    for (const r of withValues) {
      out.push(`  ${c.bold(r.rule.label)} ${c.dim(`(${r.hits === 1 ? '1 hit' : `${num(r.hits)} hits`})`)}`);
      for (const entry of r.top.top(top)) out.push(`    ${pad(num(entry.count), 8, 'right')}${entry.error > 0 ? c.dim('≈') : ' '} ${entry.value}`);
    }
  }

  out.push(...extra);

  if (stats.malformed > 0) {
    out.push('', c.yellow(c.bold(`Malformed lines (${num(stats.malformed)}, skipped)`)));
    for (const { line, error } of stats.malformedLines) out.push(`  line ${line}: ${error}`);
    if (stats.malformed > stats.malformedLines.length) out.push(c.dim(`  … and ${num(stats.malformed - stats.malformedLines.length)} more`));
  }

  if (meta.process !== undefined) {
    const p = meta.process;
    out.push('', c.bold('Process'));
    out.push(`  peak RSS ${(p.peakRssBytes / 1048576).toFixed(1)} MB, heap used ${(p.heapUsedBytes / 1048576).toFixed(1)} MB, CPU ${p.cpuUserSeconds.toFixed(2)} s user + ${p.cpuSystemSeconds.toFixed(2)} s system`);
  }
  return `${out.join('\n')}\n`;
}

const sum = (row: Map<string, number>): number => [...row.values()].reduce((a, b) => a + b, 0);

async function runReplay(rulesetPath: string, traffic: string | undefined, options: ReplayOptions, io: Io): Promise<number> {
  const setup = loadScheme(options, io.cwd);
  const file = readRulesetFile(rulesetPath, io.cwd);
  // The file's custom rules; its rate limiting rules (a http_ratelimit file, or the `ratelimit`
  // rules of a mixed file) or those of --ratelimit run after them.
  const shape = rulesetShape(file);
  const ruleset: Ruleset =
    shape.kind === 'custom' ? requireRuleset(setup.scheme, file) : shape.kind === 'mixed' ? requireCustomRules(setup.scheme, file, shape.custom) : new Ruleset(setup.scheme, []);
  let limits: { file: RulesetFile; indexes: number[] } | undefined = shape.rateLimit.length > 0 ? { file, indexes: shape.rateLimit } : undefined;
  if (options.ratelimit !== undefined) {
    if (limits !== undefined) throw new CliError(`${file.display} already holds rate limiting rules; give them either there or with --ratelimit`);
    const other = readRulesetFile(options.ratelimit, io.cwd);
    const otherShape = rulesetShape(other);
    if (otherShape.kind !== 'ratelimit') throw new CliError(`--ratelimit: ${other.display} is not a rate limiting ruleset (phase ${RATE_LIMIT_PHASE}, or rules with \`ratelimit\` blocks)`);
    limits = { file: other, indexes: otherShape.rateLimit };
  }
  if (options.rate !== undefined && limits === undefined) throw new CliError('--rate only applies with rate limiting rules (--ratelimit)');
  const top = parseCount(options.top, '--top', 0);
  const maxLineBytes = parseCount(options.maxLineBytes, '--max-line-bytes', 1);
  let source: Source;
  if (options.generate !== undefined) {
    if (traffic !== undefined) throw new CliError('give either a traffic file or --generate, not both');
    source = { kind: 'generate', count: parseCount(options.generate, '--generate'), seed: parseCount(options.seed, '--seed') };
  } else if (traffic === undefined || traffic === '-') {
    if (io.stdin.isTTY === true) throw new CliError('expected NDJSON traffic: a file, - for standard input, or --generate <count>');
    source = { kind: 'stdin' };
  } else {
    // Streamed, so no size limit; but only a regular file (use `-` for a pipe).
    statRegularFile(traffic, io.cwd);
    source = { kind: 'file', file: resolvePath(traffic, io.cwd) };
  }
  const defaultNow = options.now !== undefined ? parseTime(options.now, '--now') : Date.now() / 1000;
  const summaries = shape.kind === 'custom' ? ruleSummaries(file) : ruleSummaries(file).filter((r) => shape.custom.includes(r.index));
  const stats = new ReplayStats(setup.scheme, summaries, Math.max(top * 20, 512), top > 0);
  const rate = options.rate !== undefined ? parseRate(options.rate) : undefined;
  const limiting = limits === undefined ? undefined : new RateLimitReplay(setup.scheme, limits.file, limits.indexes, options.algorithm, { ...(rate !== undefined && { rate }), start: defaultNow });
  const progress = createProgress(io, source, options.progress);
  const position = { bytes: 0 };
  const evaluate: EvaluateOptions = {};
  const started = performance.now();
  let next = 2000;
  try {
    for await (const request of requests(source, io, stats, options.strict === true ? setup.scheme : undefined, position, maxLineBytes)) {
      evaluate.clearance = request.clearance;
      const time = limiting?.timeOf(request, request.line);
      evaluate.now = time ?? request.now ?? defaultNow;
      evaluate.xhr = request.xhr === true;
      const context = setup.scheme.context(request.values);
      const decision = ruleset.evaluate(context, evaluate);
      stats.record(decision, context, request.category);
      if (limiting !== undefined) await limiting.process(request.values, context, decision, time!);
      if (stats.requests >= next) {
        next += 2000;
        progress.update(stats.requests, position.bytes);
      }
    }
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const meta: ReplayMeta = {
    source: source.kind === 'generate' ? `generated traffic (seed ${source.seed})` : source.kind === 'file' ? displayPath(source.file, io.cwd) : 'standard input',
    ruleset: shape.kind === 'ratelimit' ? 'no custom rules' : `${file.display} (${plural(summaries.length, 'rule')})`,
    seconds,
  };
  if (options.stats === true) {
    const usage = process.resourceUsage();
    meta.process = {
      peakRssBytes: usage.maxRSS * 1024,
      heapUsedBytes: process.memoryUsage().heapUsed,
      cpuUserSeconds: usage.userCPUTime / 1e6,
      cpuSystemSeconds: usage.systemCPUTime / 1e6,
    };
  }
  if (options.format === 'json') writeJson(io, { ...summaryJson(stats, meta, top), ...(limiting !== undefined && { ratelimit: limiting.json() }) });
  else io.out(summaryText(stats, meta, top, io.c, limiting?.text(io.c)));
  return EXIT_OK;
}

/** Defines the `replay` command. */
export function replayCommand(cli: CommandContext): Command {
  const command = new Command('replay')
    .summary('replay NDJSON traffic (or generated traffic) against a ruleset and summarise')
    .description(
      'Evaluate a ruleset against every request of an NDJSON file (one request per line: field values, or ' +
        '{"values": {...}, "clearance"?: {...}, "now"?: <Unix seconds>, "xhr"?: bool, "category"?: "label"}), read as a stream with bounded memory, ' +
        'or against requests from the built-in generator (--generate). Prints decisions by action (and by category when lines have one), ' +
        'hits per rule, the most frequent matched values per rule, malformed lines with their line numbers, and the throughput.\n' +
        `With rate limiting rules (--ratelimit <file>, phase ${RATE_LIMIT_PHASE}; or the rate limiting rules of the ruleset file itself), ` +
        'they run after the custom rules on the requests those let through (and did not skip the phase for), in traffic order at each request\'s time: ' +
        '"now", else the field http.request.timestamp.sec (+ .msec); requests without one are an error unless --rate spaces them evenly from --now. ' +
        'Prints per rate limiting rule the requests matched, counted and acted on (by action), the first and last action, and the peak rate of one counter.',
    )
    .argument('<ruleset>', 'ruleset file (Rulesets API JSON)')
    .argument('[traffic]', 'NDJSON file, or - for standard input')
    .option('-g, --generate <count>', 'replay <count> generated requests instead of a file')
    .option('-s, --seed <n>', 'seed of the generated requests', '1')
    .option('--top <k>', 'most frequent matched values shown per rule (0: do not compute them)', '5')
    .option('--now <time>', 'time for lines without "now" (Unix seconds or ISO 8601; default: the clock)')
    .option('--strict', 'treat lines with unknown fields or values of the wrong type as malformed')
    .option('--max-line-bytes <n>', 'longest line read; longer lines are skipped as malformed without being held in memory', String(MAX_LINE_BYTES))
    .option('--ratelimit <file>', `rate limiting rules (${RATE_LIMIT_PHASE} ruleset) to run after the custom rules`)
    .option('--rate <requests/s>', 'with rate limiting: space requests without a time of their own this many per second, from --now')
    .addOption(new Option('--algorithm <name>', 'rate limiting counter algorithm').choices(['sliding-window', 'sliding-log']).default('sliding-window'))
    .option('--no-progress', 'no progress bar (it is only shown when standard error is a terminal)')
    .option('--stats', 'report peak memory (RSS), heap and CPU time');
  withScheme(withCommon(command));
  command.addHelpText(
    'after',
    `
Examples:
  $ wirefilter replay examples/ruleset.json --lists examples/lists.json --generate 100000 --seed 1
  $ wirefilter generate --count 100000 --seed 1 > traffic.ndjson
  $ wirefilter replay examples/ruleset.json traffic.ndjson --lists examples/lists.json --stats
  $ cat traffic.ndjson | wirefilter replay examples/ruleset.json - --lists examples/lists.json --format json
  $ wirefilter replay examples/ruleset.json examples/ratelimit-traffic.ndjson --lists examples/lists.json --ratelimit examples/ratelimit.json`,
  );
  return command.action(async (ruleset: string, traffic: string | undefined, options: ReplayOptions) => cli.done(await runReplay(ruleset, traffic, options, cli.io(options))));
}
