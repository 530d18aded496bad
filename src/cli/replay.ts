/**
 * `wirefilter replay`: a ruleset against traffic — our NDJSON (one request's field values per
 * line, or `{"values", "clearance"?, "now"?, "xhr"?, "category"?}`) or Cloudflare Logpush
 * `http_requests` records, from files (plain or gzip), directories, glob patterns or standard
 * input, or requests straight from the generator (`--generate`). Files are split between
 * worker threads (`--jobs`, see `replay-pool.ts`), whose counts merge into exactly what one
 * thread counts. Memory is bounded: nothing is kept per request, and the most frequent matched
 * values per rule are counted with a bounded top-K. Prints decisions by action, hits per rule,
 * the most frequent matched values per rule (the decisive values of the rule's trace),
 * malformed lines with their file and line number, and the throughput; with `--diff`, how the
 * decisions compare with what Cloudflare did; with `--score-histogram`, the bot scores of each
 * rule's matches; with rate limiting rules, the simulated `http_ratelimit` phase.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { type RateLimitAlgorithm } from '../index.js';
import { withCommon, withScheme, type CommonOptions, type CommandContext, type SchemeOptions } from './command.js';
import { generateRequests } from './generate.js';
import { CliError, EXIT_OK, pad, parseCount, plural, truncate, writeJson, type Colors, type Io } from './io.js';
import { MAX_LINE_BYTES, readLines } from './lines.js';
import { RATE_LIMIT_PHASE, rulesetShape } from './ratelimit-file.js';
import { parseRate, RateLimitReplay } from './ratelimit-replay.js';
import { detectFormat, prepareReplay, rateLimitFileProblem, ReplayEngine, replayNow, requireLogpush, type InputFormat, type Replayed, type ReplayConfig } from './replay-engine.js';
import { openTraffic, planTasks, resolveTraffic, type TrafficFile } from './replay-input.js';
import { runInWorkers } from './replay-pool.js';
import type { ReplayStats } from './replay-stats.js';
import { readRulesetFile, type RulesetFile } from './ruleset-file.js';

export { decisiveValues, valueKey, type MatchedValue } from './replay-stats.js';

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
  input: 'auto' | InputFormat;
  jobs?: string;
  diff?: boolean;
  scoreHistogram?: boolean;
  chunkBytes?: string;
}

/** Where requests come from. */
type Source = { kind: 'generate'; count: number; seed: number } | { kind: 'files'; files: TrafficFile[] } | { kind: 'stdin' };

/** Progress display on a terminal (cli-progress), or nothing. */
interface Progress {
  update(requests: number, position: number): void;
  stop(): void;
}

function createProgress(io: Io, source: Source, enabled: boolean): Progress {
  if (!enabled || io.stderr.isTTY !== true) return { update() {}, stop() {} };
  const total = source.kind === 'generate' ? source.count : source.kind === 'files' ? source.files.reduce((n, f) => n + f.size, 0) : 0;
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
  bar.start(Math.max(total, 1), 0, { requests: 0, rate: 0 });
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

/** The first non-blank line of a file (for format detection), or undefined. */
async function firstLine(file: TrafficFile, maxLineBytes: number): Promise<string | undefined> {
  const stream = openTraffic(file);
  try {
    for await (const { text } of readLines(stream, maxLineBytes)) {
      if (text === undefined) return undefined;
      if (text.trim() !== '') return text;
    }
    return undefined;
  } finally {
    stream.destroy();
  }
}

/** The summary as JSON. */
function summaryJson(stats: ReplayStats, meta: ReplayMeta, top: number): Record<string, unknown> {
  return {
    source: meta.source,
    ruleset: meta.ruleset,
    requests: stats.requests,
    malformed: { count: stats.malformed, lines: stats.malformedLines },
    ...(meta.format !== undefined && { format: meta.format }),
    ...(meta.jobs !== undefined && { jobs: meta.jobs }),
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
  /** Input format(s) of files. */
  format?: string;
  /** Threads that evaluated (1: this one). */
  jobs?: number;
  process?: { peakRssBytes: number; heapUsedBytes: number; cpuUserSeconds: number; cpuSystemSeconds: number };
}

/** The summary as text. */
function summaryText(stats: ReplayStats, meta: ReplayMeta, top: number, c: Colors, extra: readonly string[] = []): string {
  const out: string[] = [];
  const rate = Math.round(stats.requests / Math.max(meta.seconds, 1e-9));
  out.push(
    `${c.bold(`Replayed ${num(stats.requests)} requests`)} from ${meta.source}${meta.format === 'logpush' ? ' (Cloudflare Logpush)' : ''} against ${meta.ruleset} in ${meta.seconds.toFixed(2)} s ${c.dim('—')} ${c.bold(`${num(rate)} requests/s`)}${meta.jobs !== undefined && meta.jobs > 1 ? c.dim(` (${meta.jobs} worker threads)`) : ''}`,
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

/** Inputs smaller than this run in one thread unless `--jobs` asks for workers (starting workers costs more). */
const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

async function runReplay(rulesetPath: string, traffic: readonly string[], options: ReplayOptions, io: Io): Promise<number> {
  const top = parseCount(options.top, '--top', 0);
  const maxLineBytes = parseCount(options.maxLineBytes, '--max-line-bytes', 1);
  const config: ReplayConfig = {
    cwd: io.cwd,
    ruleset: rulesetPath,
    ...(options.scheme !== undefined && { scheme: options.scheme }),
    ...(options.lists !== undefined && { lists: options.lists }),
    top,
    strict: options.strict === true,
    maxLineBytes,
    now: replayNow(options.now),
    diff: options.diff === true,
    scoreHistogram: options.scoreHistogram === true,
  };
  let plan = prepareReplay(config);
  const { file, shape, scheme } = { file: plan.file, shape: plan.shape, scheme: plan.scheme };
  // The file's custom rules; its rate limiting rules (a http_ratelimit file, or the `ratelimit`
  // rules of a mixed file) or those of --ratelimit run after them.
  let limits: { file: RulesetFile; indexes: number[] } | undefined = shape.rateLimit.length > 0 ? { file, indexes: shape.rateLimit } : undefined;
  if (options.ratelimit !== undefined) {
    if (limits !== undefined) throw new CliError(`${file.display} already holds rate limiting rules; give them either there or with --ratelimit`);
    const other = readRulesetFile(options.ratelimit, io.cwd);
    const otherShape = rulesetShape(other);
    if (otherShape.kind !== 'ratelimit') throw new CliError(rateLimitFileProblem(other.display));
    limits = { file: other, indexes: otherShape.rateLimit };
  }
  if (options.rate !== undefined && limits === undefined) throw new CliError('--rate only applies with rate limiting rules (--ratelimit)');
  // Rate limiting reads fields of its own: convert every field.
  if (limits !== undefined) plan = { ...plan, fields: undefined };

  let source: Source;
  if (options.generate !== undefined) {
    if (traffic.length > 0) throw new CliError('give either traffic files or --generate, not both');
    source = { kind: 'generate', count: parseCount(options.generate, '--generate'), seed: parseCount(options.seed, '--seed') };
  } else if (traffic.length === 0 || (traffic.length === 1 && traffic[0] === '-')) {
    if (io.stdin.isTTY === true) throw new CliError('expected traffic: NDJSON or Logpush files (plain or gzip), directories, glob patterns, - for standard input, or --generate <count>');
    source = { kind: 'stdin' };
  } else {
    if (traffic.includes('-')) throw new CliError('- (standard input) cannot be combined with files');
    source = { kind: 'files', files: await resolveTraffic(traffic, io.cwd) };
  }

  // The format of each input: given, or detected from its first line.
  const given = options.input === 'auto' ? undefined : (options.input as InputFormat);
  const formats: InputFormat[] = source.kind === 'files' ? await Promise.all(source.files.map(async (f) => given ?? detectFormat(await firstLine(f, maxLineBytes)))) : [];
  if (config.diff) {
    if (source.kind === 'generate') throw new CliError('--diff compares with Cloudflare Logpush logs; it needs Logpush input, not --generate');
    if (given !== undefined) requireLogpush(given, '--diff');
    if (source.kind === 'files') formats.forEach((format) => requireLogpush(format, '--diff'));
  }

  const cores = availableParallelism();
  const jobs = options.jobs !== undefined ? parseCount(options.jobs, '--jobs', 1) : cores;
  const totalBytes = source.kind === 'files' ? source.files.reduce((n, f) => n + f.size, 0) : 0;
  const parallel = source.kind === 'files' && limits === undefined && jobs > 1 && (options.jobs !== undefined || totalBytes >= PARALLEL_MIN_BYTES);
  if (options.jobs !== undefined && jobs > 1 && !parallel) {
    io.err(io.c.dim(`note: --jobs ${jobs} ignored: ${limits !== undefined ? 'rate limiting replays requests in order, in one thread' : 'only files are split between workers (not standard input or --generate)'}\n`));
  }

  const engine = new ReplayEngine(plan, config);
  const rate = options.rate !== undefined ? parseRate(options.rate) : undefined;
  const limiting = limits === undefined ? undefined : new RateLimitReplay(scheme, limits.file, limits.indexes, options.algorithm, { ...(rate !== undefined && { rate }), start: config.now });
  const progress = createProgress(io, source, options.progress);
  const started = performance.now();
  let workers = 1;
  try {
    if (parallel && source.kind === 'files') {
      const tasks = planTasks(source.files, jobs, options.chunkBytes !== undefined ? parseCount(options.chunkBytes, '--chunk-bytes', 1) : undefined);
      workers = Math.min(jobs, tasks.length);
      await runInWorkers(config, source.files, formats, tasks, jobs, engine, ({ requests, bytes }) => progress.update(requests, bytes));
    } else {
      let next = 2000;
      const step = async (replayed: Replayed | undefined, line: number | undefined, position: number): Promise<void> => {
        if (replayed !== undefined && limiting !== undefined) {
          const time = limiting.timeOf(replayed.request, line);
          await limiting.process(replayed.request.values, replayed.context, replayed.decision, time);
        }
        if (engine.stats.requests >= next) {
          next += 2000;
          progress.update(engine.stats.requests, position);
        }
      };
      if (source.kind === 'generate') {
        let position = 0;
        for (const request of generateRequests({ count: source.count, seed: source.seed })) {
          // With rate limiting, generated requests carry their time (http.request.timestamp.*).
          const time = limiting?.timeOf(request, undefined);
          const replayed = engine.request(request, time);
          if (limiting !== undefined) await limiting.process(request.values, replayed.context, replayed.decision, time!);
          await step(undefined, undefined, ++position);
        }
      } else {
        const inputs: { stream: AsyncIterable<unknown>; format: InputFormat | undefined; name: string | undefined; offset: number }[] =
          source.kind === 'stdin'
            ? [{ stream: io.stdin, format: given, name: undefined, offset: 0 }]
            : source.files.map((f, i) => ({ stream: openTraffic(f), format: formats[i], name: source.files.length > 1 ? f.display : undefined, offset: 0 }));
        let before = 0;
        for (const [i, input] of inputs.entries()) {
          let format = input.format;
          let end = 0;
          let last = 0;
          try {
            for await (const { number, text, bytes, end: consumed } of readLines(input.stream, maxLineBytes)) {
              end = consumed;
              last = number;
              // Standard input: the format of its first non-blank line.
              if (format === undefined && text !== undefined && text.trim() !== '') format = detectFormat(text);
              if (config.diff && format !== undefined) requireLogpush(format, '--diff');
              const replayed = engine.line(text, number, bytes, format ?? 'fields', number === 1, input.name);
              await step(replayed, number, before + consumed);
            }
          } catch (error) {
            if (error instanceof CliError) throw error;
            // A truncated gzip file or a read error: reported after the last line read; the next input goes on.
            engine.stats.malformedLine(last + 1, `could not be read further: ${error instanceof Error ? error.message : String(error)}`, input.name ?? (source.kind === 'files' ? source.files[i]!.display : 'standard input'));
          }
          before += source.kind === 'files' ? source.files[i]!.size : end;
        }
      }
    }
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = engine.stats;
  const meta: ReplayMeta = {
    source:
      source.kind === 'generate'
        ? `generated traffic (seed ${source.seed})`
        : source.kind === 'stdin'
          ? 'standard input'
          : source.files.length === 1
            ? source.files[0]!.display
            : `${plural(source.files.length, 'file')}`,
    ruleset: shape.kind === 'ratelimit' ? 'no custom rules' : `${file.display} (${plural(plan.summaries.length, 'rule')})`,
    seconds,
    ...(source.kind === 'files' && { format: [...new Set(formats)].join(' + '), jobs: workers }),
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
  const unmapped = [...engine.unmapped];
  if (options.format === 'json') {
    writeJson(io, {
      ...summaryJson(stats, meta, top),
      ...(unmapped.length > 0 && { unmappedLogpushFields: unmapped }),
      ...(engine.diff !== undefined && { diff: engine.diff.json() }),
      ...(engine.scores !== undefined && { scoreHistogram: engine.scores.json() }),
      ...(limiting !== undefined && { ratelimit: limiting.json() }),
    });
  } else {
    const extra = [
      ...(engine.diff?.text(io.c) ?? []),
      ...(engine.scores?.text(io.c) ?? []),
      ...(limiting?.text(io.c) ?? []),
      ...(unmapped.length > 0 ? ['', io.c.dim(`Logpush fields the mapping does not know (ignored): ${unmapped.join(', ')}`)] : []),
    ];
    io.out(summaryText(stats, meta, top, io.c, extra));
  }
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
    .argument('[traffic...]', 'traffic: NDJSON or Logpush files (plain or gzip), directories, glob patterns (quoted), or - for standard input')
    .option('-g, --generate <count>', 'replay <count> generated requests instead of a file')
    .option('-s, --seed <n>', 'seed of the generated requests', '1')
    .option('--top <k>', 'most frequent matched values shown per rule (0: do not compute them)', '5')
    .option('--now <time>', 'time for lines without "now" (Unix seconds or ISO 8601; default: the clock)')
    .option('--strict', 'treat lines with unknown fields or values of the wrong type as malformed')
    .option('--max-line-bytes <n>', 'longest line read; longer lines are skipped as malformed without being held in memory', String(MAX_LINE_BYTES))
    .option('--ratelimit <file>', `rate limiting rules (${RATE_LIMIT_PHASE} ruleset) to run after the custom rules`)
    .option('--rate <requests/s>', 'with rate limiting: space requests without a time of their own this many per second, from --now')
    .addOption(new Option('--algorithm <name>', 'rate limiting counter algorithm').choices(['sliding-window', 'sliding-log']).default('sliding-window'))
    .addOption(new Option('--input <format>', 'traffic format: our field-value NDJSON, Cloudflare Logpush http_requests records, or detected from each input\'s first line').choices(['auto', 'fields', 'logpush']).default('auto'))
    .option('-j, --jobs <n>', `worker threads evaluating files (default: the number of cores, ${availableParallelism()} here; inputs under 16 MB use one thread unless --jobs is given)`)
    .option('--chunk-bytes <n>', 'with worker threads: bytes of a plain file per task (default: the file size / (4 × jobs), 4–64 MiB)')
    .option('--diff', 'Logpush input: compare each decision with what Cloudflare\'s custom rules did (SecurityActions), per rule, with sample ray ids')
    .option('--score-histogram', 'the bot scores (cf.bot_management.score) of the requests each rule matched, and where a threshold would cut')
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
  $ wirefilter replay examples/ruleset.json examples/ratelimit-traffic.ndjson --lists examples/lists.json --ratelimit examples/ratelimit.json
  $ wirefilter replay rules.json 'logs/**/*.log.gz' --lists lists.json --diff --score-histogram`,
  );
  return command.action(async (ruleset: string, traffic: string[], options: ReplayOptions) => cli.done(await runReplay(ruleset, traffic, options, cli.io(options))));
}
