/**
 * The benchmark suite: every case, every implementation side by side, result agreement, the
 * derived ratios and the targets of issues 7 and 22. `bench/run.ts` is the command line around it;
 * `test/bench/bench.test.ts` runs it in quick mode.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment } from '@marcbachmann/cel-js';
import { celEnv, parse as bufParse, plan as bufPlan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { cloudflareScheme, parseExpression, Ruleset, type ExecutionContext, type Filter } from '../src/index.js';
import type { LoadedRuleset } from '../src/ruleset/load.js';
import { RuleIndex, treeKeys } from '../src/ruleset/prefilter.js';
import { IpRangeSet } from '../src/values/ip-set.js';
import { parseIpLiteral, toIpAddress, type IpAddress, type IpSetItem } from '../src/values/ip.js';
import { interpret } from '../test/support/ast-interpreter.js';
import { predicateCases, type CelCase, type PredicateCase } from './cases.js';
import { formatNs, formatRatio, gc, loopOver, table, time, type HarnessOptions, type Stats } from './harness.js';
import { machineInfo, type MachineInfo } from './machine.js';
import type { MemoryResult } from './memory.js';
import { INDEX_MATCHING_REQUESTS, INDEX_NO_MATCH_REQUESTS, indexRules } from './index-rules.js';
import { CATASTROPHIC, CATASTROPHIC_SIZES, probeNative, type NativeProbe } from './regex.js';
import { EARLY_MATCH_INDEX, floorRequest, floorRuleset, generateRules, rulesetRequests, TEMPLATES } from './rules.js';
import { computeTargets, deriveRatios, type Ratio, type Target } from './targets.js';

/** The checkout (set by `bench/launch.mjs`, which runs a bundle from `bench/.build/`). */
export const REPO_ROOT = process.env['WIREFILTER_REPO_ROOT'] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Whether this module runs from the bundle `bench/launch.mjs` built (else through tsx). */
const BUNDLED = import.meta.url.endsWith('.mjs');

/** Implementation labels, as they appear in the table and the JSON. */
export const IMPL = {
  parse: 'parse',
  compile: 'compile',
  celJsCompile: 'cel-js compile',
  bufCompile: 'bufbuild compile',
  ctx: 'execute(context)',
  obj: 'execute(object)',
  floor: 'hand-written',
  interp: 'ast-interpreter',
  celJs: 'cel-js',
  buf: 'bufbuild',
  setBuild: 'IpRangeSet build',
  setHas: 'IpRangeSet.has',
  /** Rule indexing (issue 22): the same ruleset loaded with `index: true` and `index: false`. */
  indexOn: 'evaluate(context), index: true',
  indexOff: 'evaluate(context), index: false',
  indexBuild: 'RuleIndex.build',
} as const;

export interface SuiteOptions extends HarnessOptions {
  /** Only cases whose name contains this text (or matches it as a regular expression). */
  filter?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Run the memory measurement child process (default true). */
  memory?: boolean;
  /**
   * Measure every fast case this many times and keep the run with the lowest p50 (default 1):
   * on a shared machine, interference only ever adds time. Heavy cases are measured once.
   */
  repeat?: number;
}

/** One measured row. */
export interface Row {
  group: 'predicate' | 'ip-set' | 'ruleset' | 'compile' | 'context' | 'regex';
  case: string;
  impl: string;
  description?: string;
  stats: Stats;
  /** Extra numbers, e.g. ns/byte for the regex cases, rules/s for compile throughput. */
  extra?: Record<string, number>;
  /** With `--repeat`: the p50 of every repetition (the row keeps the lowest). */
  repeatP50s?: number[];
}

/** Result agreement across implementations for one case. */
export interface Agreement {
  case: string;
  /** Result per implementation, per request (for rulesets: the index of the deciding rule). */
  results: Record<string, (boolean | number)[]>;
  ok: boolean;
  /** The requests produce both outcomes (a case that is always true or always false proves little). */
  mixed: boolean;
  /** For rulesets and regexes: the result every implementation must give. */
  expected?: (boolean | number)[];
}

export interface RegexResult {
  pattern: string;
  /** Our `matches`: [bytes, ns per evaluation, ns per byte]. */
  ours: [number, number, number][];
  /** ns/byte at the largest size ÷ ns/byte at the smallest (≈ 1 when linear). */
  growth: number;
  native: NativeProbe;
}

export interface SuiteResult {
  schema: 1;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  options: { quick: boolean; filter: string | null; repeat: number };
  machine: MachineInfo;
  notes: string[];
  rows: Row[];
  agreements: Agreement[];
  regex: RegexResult[];
  memory: MemoryResult | null;
  ratios: Ratio[];
  targets: Target[];
}

type CelProgram = (activation: Record<string, unknown>) => unknown;

const bufEnv = celEnv({ funcs: strings });

function celJsEnvironment(cel: CelCase): Environment {
  let env = new Environment();
  for (const [name, type] of Object.entries(cel.variables)) env = env.registerVariable(name, type);
  return env;
}

const celJsCompile = (env: Environment, expression: string): CelProgram => env.parse(expression) as unknown as CelProgram;
const bufCompile = (expression: string): CelProgram => bufPlan(bufEnv, bufParse(expression)) as unknown as CelProgram;

/** The interpreter bound to one checked tree (a function of its own per case, like the others). */
function interpreterOf(tree: Filter['checked']): (slots: unknown[]) => boolean {
  return (slots) => interpret(tree, slots);
}

function matcher(filter: string | undefined): (name: string) => boolean {
  if (filter === undefined || filter === '') return () => true;
  let re: RegExp | undefined;
  try {
    re = new RegExp(filter);
  } catch {
    re = undefined;
  }
  return (name) => name.includes(filter) || (re !== undefined && re.test(name));
}

/** Runs the suite. */
export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const started = new Date();
  const log = options.log ?? (() => {});
  const wanted = matcher(options.filter);
  const machine = machineInfo(REPO_ROOT);
  const rows: Row[] = [];
  const agreements: Agreement[] = [];
  const regex: RegexResult[] = [];
  const scheme = cloudflareScheme();
  const h: HarnessOptions = { quick: options.quick };

  const repeat = Math.max(1, Math.floor(options.repeat ?? 1));
  const record = async (row: Omit<Row, 'stats'>, fn: () => unknown, perCall = 1, heavy = false, unbatched = false): Promise<Stats> => {
    log(`  ${row.case} · ${row.impl}`);
    let stats = await time(fn, h, perCall, heavy, unbatched);
    const p50s = [stats.p50];
    for (let i = 1; i < repeat && !(options.quick || heavy); i++) {
      const again = await time(fn, h, perCall, heavy, unbatched);
      p50s.push(again.p50);
      if (again.p50 < stats.p50) stats = again;
    }
    rows.push({ ...row, stats, ...(p50s.length > 1 && { repeatP50s: p50s }) });
    return stats;
  };

  // --- predicate cases ----------------------------------------------------------------------
  const cases = predicateCases().filter((c) => wanted(c.name));
  interface Prepared {
    c: PredicateCase;
    filter: Filter;
    contexts: ExecutionContext[];
    execs: Record<string, { exec: (x: any) => unknown; inputs: unknown[] }>;
  }
  const prepared: Prepared[] = [];
  for (const c of cases) {
    log(`prepare ${c.name}`);
    const filter = scheme.compile(c.expression, c.options);
    const contexts = c.inputs.map((v) => scheme.context(v));
    // Every implementation's function is timed as itself, never through a wrapper written
    // once here: such a wrapper is one function literal for all cases ("many closures" to
    // V8), which V8 will not inline, so it would add a call to every implementation but the
    // hand-written one (a literal of its own per case).
    const execs: Prepared['execs'] = {
      [IMPL.ctx]: { exec: filter.execute, inputs: contexts },
      [IMPL.obj]: { exec: filter.execute, inputs: c.inputs },
      [IMPL.floor]: { exec: c.floor.exec, inputs: c.inputs.map((v) => (c.floor.prepare ? c.floor.prepare(v) : v)) },
    };
    // The interpreter scans set literals: on an execute-only variant it would take seconds.
    if (c.executeOnly !== true) execs[IMPL.interp] = { exec: interpreterOf(filter.checked), inputs: contexts.map((x) => x.slots) };
    if (c.cel !== undefined) {
      const activations = c.inputs.map((v) => c.cel!.activation(v));
      const celJs = celJsCompile(celJsEnvironment(c.cel), c.cel.celJsExpression ?? c.cel.expression);
      const buf = bufCompile(c.cel.expression);
      execs[IMPL.celJs] = { exec: celJs, inputs: activations };
      execs[IMPL.buf] = { exec: buf, inputs: activations };
    }
    // Agreement: every implementation, every request, the same boolean.
    const results: Record<string, boolean[]> = {};
    for (const [impl, { exec, inputs }] of Object.entries(execs)) results[impl] = inputs.map((x) => exec(x) === true);
    const reference = results[IMPL.ctx]!;
    const ok = Object.values(results).every((r) => r.every((x, i) => x === reference[i]));
    agreements.push({ case: c.name, results, ok, mixed: reference.includes(true) && reference.includes(false) });
    if (!ok) log(`  !! ${c.name}: implementations disagree: ${JSON.stringify(results)}`);
    prepared.push({ c, filter, contexts, execs });
  }
  // Warm the shared call sites (Filter.execute → this.run) with every case before timing any,
  // so no case benefits from running first while the site is still monomorphic.
  for (let round = 0; round < (options.quick ? 2 : 200); round++) {
    for (const p of prepared) for (const impl of [IMPL.ctx, IMPL.obj]) for (const x of p.execs[impl]!.inputs) p.execs[impl]!.exec(x);
  }

  for (const { c, execs } of prepared) {
    log(`measure ${c.name}`);
    const group: Row['group'] = c.cidrs !== undefined || c.name.startsWith('ip-cidr-') ? 'ip-set' : 'predicate';
    const base = { group, case: c.name, description: c.description };
    const popts = { maxExpressionLength: c.options?.maxExpressionLength };
    if (c.executeOnly !== true) {
      await record({ ...base, impl: IMPL.parse }, () => parseExpression(c.expression, popts), 1, c.heavy, true);
      await record({ ...base, impl: IMPL.compile }, () => scheme.compile(c.expression, c.options), 1, c.heavy, true);
    }
    if (c.cel !== undefined) {
      const env = celJsEnvironment(c.cel);
      const celJsExpr = c.cel.celJsExpression ?? c.cel.expression;
      await record({ ...base, impl: IMPL.celJsCompile }, () => celJsCompile(env, celJsExpr), 1, false, true);
      await record({ ...base, impl: IMPL.bufCompile }, () => bufCompile(c.cel!.expression), 1, false, true);
    }
    if (c.cidrs !== undefined) {
      const items: IpSetItem[] = c.cidrs.map((cidr) => {
        const parsed = parseIpLiteral(cidr.text, 'set');
        if (!parsed.ok) throw new Error(`bad CIDR ${cidr.text}`);
        return parsed.item;
      });
      await record({ ...base, impl: IMPL.setBuild }, () => IpRangeSet.fromItems(items), 1, true);
      const set = IpRangeSet.fromItems(items);
      const addresses = c.inputs.map((v) => toIpAddress(v['ip.src'])!);
      await record({ ...base, impl: IMPL.setHas }, loopOver((a: IpAddress) => set.has(a), addresses), addresses.length);
    }
    for (const [impl, { exec, inputs }] of Object.entries(execs)) {
      await record({ ...base, impl }, loopOver(exec, inputs), inputs.length);
    }
  }

  // Release the predicate cases (the 100k-CIDR filters and their data are large): a big live
  // heap makes every later major GC slower and would inflate the allocation-heavy cases below.
  prepared.length = 0;
  cases.length = 0;
  gc();

  // --- request context ------------------------------------------------------------------------
  if (wanted('context')) {
    const values = rulesetRequests().noMatch;
    await record({ group: 'context', case: 'context', impl: 'scheme.context(values)', description: `convert a ${Object.keys(values).length}-field request` }, loopOver((v: Record<string, unknown>) => scheme.context(v), [values]), 1);
  }

  // --- rulesets ----------------------------------------------------------------------------------
  const requests = rulesetRequests();
  for (const size of [100, 1_000, 10_000]) {
    const name = `ruleset-${size}`;
    if (!wanted(name) && !wanted(`${name}/no-match`) && !wanted(`${name}/early-match`)) continue;
    log(`prepare ${name}`);
    const generated = generateRules(size);
    const inputs = generated.map((g) => g.rule);
    let built: Ruleset | undefined;
    await record({ group: 'ruleset', case: name, impl: 'new Ruleset', description: `load ${size} rules (parse, check, compile, lint)` }, () => (built = new Ruleset(scheme, inputs)), 1, true);
    const ruleset = built!;
    const filters = inputs.map((r) => scheme.compile(r.expression));
    const checked = filters.map((f) => f.checked);
    const terminating = generated.map((g) => g.terminating);
    const floor = floorRuleset(generated);
    const indexOfId = (id: string | null): number => (id === null ? -1 : Number(id.slice(1)));
    for (const [scenario, values] of [
      ['no-match', requests.noMatch],
      ['early-match', requests.earlyMatch],
    ] as const) {
      const caseName = `${name}/${scenario}`;
      const context = scheme.context(values);
      const fq = floorRequest(values);
      const execs: Record<string, { exec: (x: any) => number; input: unknown }> = {
        'evaluate(values)': { exec: (v: Record<string, unknown>) => indexOfId(ruleset.evaluate(v).ruleId), input: values },
        'evaluate(context)': { exec: (x: ExecutionContext) => indexOfId(ruleset.evaluate(x).ruleId), input: context },
        'filters(context)': {
          exec: (x: ExecutionContext) => {
            for (let i = 0; i < filters.length; i++) if (filters[i]!.execute(x) && terminating[i]) return i;
            return -1;
          },
          input: context,
        },
        [IMPL.floor]: { exec: floor, input: fq },
        [IMPL.interp]: {
          exec: (slots: unknown[]) => {
            for (let i = 0; i < checked.length; i++) if (interpret(checked[i]!, slots) && terminating[i]) return i;
            return -1;
          },
          input: context.slots,
        },
      };
      const expected = scenario === 'no-match' ? -1 : EARLY_MATCH_INDEX;
      const results: Record<string, number[]> = {};
      for (const [impl, { exec, input }] of Object.entries(execs)) results[impl] = [exec(input)];
      const ok = Object.values(results).every((r) => r[0] === expected);
      agreements.push({ case: caseName, results, ok, mixed: true, expected: [expected] });
      if (!ok) log(`  !! ${caseName}: ${JSON.stringify(results)} (expected ${expected})`);
      log(`measure ${caseName}`);
      for (const [impl, { exec, input }] of Object.entries(execs)) {
        await record({ group: 'ruleset', case: caseName, impl, description: `${size} rules, ${scenario}` }, loopOver(exec, [input]), 1, size >= 10_000);
      }
    }
  }

  // --- rule indexing (issue 22) -----------------------------------------------------------------
  // The workload of `npm run bench:index` (bench/ruleset-index.mjs), from the module both share
  // (bench/index-rules.ts): index-friendly rule shapes, requests that match no rule. Rows: the
  // load without an index (`new Ruleset`, index: false) and the index build alone, whose ratio
  // is the build target: as the Ruleset constructor does it, reading each rule's literal tests
  // from the syntax tree its compile produced (`treeKeys`; the trees are parsed untimed here,
  // the load has them for free) and building `RuleIndex` from those; per request,
  // evaluate(context) with and without the index and the bare loop over the same compiled
  // filters.
  for (const size of [1_000, 10_000]) {
    const name = `ruleset-index-${size}`;
    const caseName = `${name}/no-match`;
    if (!wanted(name) && !wanted(caseName)) continue;
    log(`prepare ${name}`);
    const heavy = size >= 10_000;
    const rules = indexRules(size);
    const description = `${size} index-friendly rules (hosts, IP ranges, path prefixes; 5 % without a literal test)`;
    gc();
    let built: Ruleset | undefined;
    await record({ group: 'ruleset', case: name, impl: 'new Ruleset', description: `${description}: load with index: false` }, () => (built = new Ruleset(scheme, rules, { index: false })), 1, true);
    const plain = built!;
    // The zone's loaded rules (a private field: the index is built from them, not from the source).
    const zoneOf = (r: Ruleset): LoadedRuleset => (r as unknown as { zone: LoadedRuleset }).zone;
    const loaded = zoneOf(plain).rules;
    gc();
    const trees = loaded.map((r) => parseExpression(r.expression).ast!);
    const buildIndex = (): RuleIndex => RuleIndex.build(scheme, loaded, loaded.map((r, i) => treeKeys(scheme, r.expression, trees[i]!)));
    await record({ group: 'ruleset', case: name, impl: IMPL.indexBuild, description: `${description}: the index alone (literal tests read from the syntax trees, then the index)` }, buildIndex, 1, true);
    const indexed = new Ruleset(scheme, rules, { index: true });
    const filters = loaded.map((r) => r.filter!);
    const indexOfId = (id: string | null): number => (id === null ? -1 : Number(id.slice(1)));
    const execs: Record<string, (x: ExecutionContext) => number> = {
      [IMPL.indexOn]: (x) => indexOfId(indexed.evaluate(x).ruleId),
      [IMPL.indexOff]: (x) => indexOfId(plain.evaluate(x).ruleId),
      'filters(context)': (x) => {
        // Every rule terminates (block, managed_challenge): the first match decides.
        for (let i = 0; i < filters.length; i++) if (filters[i]!.execute(x)) return i;
        return -1;
      },
    };
    // Agreement on the timed requests and, untimed, on one request per rule shape that a rule
    // matches; the whole decision (events included) must be the same with and without the index.
    const contexts = INDEX_NO_MATCH_REQUESTS.map((v) => scheme.context(v));
    const checked = [...contexts, ...INDEX_MATCHING_REQUESTS.map((m) => scheme.context(m.values))];
    const expected = [...contexts.map(() => -1), ...INDEX_MATCHING_REQUESTS.map((m) => m.rule)];
    const results: Record<string, number[]> = {};
    for (const [impl, exec] of Object.entries(execs)) results[impl] = checked.map((x) => exec(x));
    const alike = checked.every((x) => JSON.stringify(indexed.evaluate(x)) === JSON.stringify(plain.evaluate(x)));
    const hasIndex = zoneOf(indexed).index !== undefined && zoneOf(plain).index === undefined;
    const ok = alike && hasIndex && Object.values(results).every((r) => r.every((x, i) => x === expected[i]));
    agreements.push({ case: caseName, results, ok, mixed: expected.includes(-1) && expected.some((x) => x >= 0), expected });
    if (!ok) log(`  !! ${caseName}: ${JSON.stringify(results)} (expected ${JSON.stringify(expected)}; decisions alike: ${alike}; index built only when asked: ${hasIndex})`);
    log(`measure ${caseName}`);
    for (const [impl, exec] of Object.entries(execs)) {
      await record({ group: 'ruleset', case: caseName, impl, description: `${size} index-friendly rules, no match` }, loopOver(exec, contexts), contexts.length, heavy);
    }
  }

  // --- compile throughput ------------------------------------------------------------------------
  const perTemplate = 20;
  const mix = generateRules(TEMPLATES.length * perTemplate).map((g) => g.rule.expression);
  const rotate = (list: readonly string[], fn: (e: string) => unknown): (() => unknown) => {
    let k = 0;
    return () => fn(list[k++ % list.length]!);
  };
  if (wanted('compile-mix')) {
    log('measure compile-mix');
    const description = `typical rule mix: ${mix.length} distinct rules from ${TEMPLATES.length} templates`;
    await record({ group: 'compile', case: 'compile-mix', impl: IMPL.parse, description }, rotate(mix, (e) => parseExpression(e)), 1, false, true);
    await record({ group: 'compile', case: 'compile-mix', impl: IMPL.compile, description }, rotate(mix, (e) => scheme.compile(e)), 1, false, true);
  }
  for (const [t, template] of TEMPLATES.entries()) {
    const name = `compile-template/${template.name}`;
    if (!wanted(name)) continue;
    const mine = mix.filter((_, i) => i % TEMPLATES.length === t);
    const description = mine[0]!;
    await record({ group: 'compile', case: name, impl: IMPL.parse, description }, rotate(mine, (e) => parseExpression(e)), 1, false, true);
    await record({ group: 'compile', case: name, impl: IMPL.compile, description }, rotate(mine, (e) => scheme.compile(e)), 1, false, true);
  }

  // --- catastrophic regexes ----------------------------------------------------------------------
  for (const p of CATASTROPHIC) {
    const name = `regex-catastrophic/${p.name}`;
    if (!wanted(name) && !wanted('regex-catastrophic')) continue;
    log(`measure ${name}`);
    const filter = scheme.compile(`http.user_agent matches r"${p.pattern}"`);
    // Agreement on small inputs with the native engine (which is still fast there).
    const smallResults = [8, 12, 16].map((n) => filter.execute({ 'http.user_agent': p.input(n) }));
    const nativeSmall = [8, 12, 16].map((n) => p.native.test(p.input(n)));
    const ours: [number, number, number][] = [];
    const sizes = CATASTROPHIC_SIZES;
    const bigResults: boolean[] = [];
    for (const size of sizes) {
      const context = scheme.context({ 'http.user_agent': p.input(size) });
      bigResults.push(filter.execute(context));
      const stats = await record({ group: 'regex', case: name, impl: `matches ${size / 1000} KB` }, loopOver((x: ExecutionContext) => filter.execute(x), [context]), 1, size >= 100_000);
      ours.push([size, stats.p50, stats.p50 / size]);
      rows[rows.length - 1]!.extra = { bytes: size, nsPerByte: stats.p50 / size };
    }
    const expected = [...nativeSmall, ...sizes.map(() => false)];
    const mine = [...smallResults, ...bigResults];
    agreements.push({ case: name, results: { [IMPL.ctx]: mine, 'native RegExp (small) / expected': expected }, ok: mine.every((x, i) => x === expected[i]), mixed: true, expected });
    gc();
    const native = probeNative(p);
    regex.push({ pattern: p.name, ours, growth: ours[ours.length - 1]![2] / ours[0]![2], native });
  }

  // --- memory ------------------------------------------------------------------------------------
  let memory: MemoryResult | null = null;
  if (options.memory !== false && wanted('memory')) {
    log('measure memory (child process)');
    memory = measureMemoryInChild(options.quick ? 500 : 10_000, !options.quick);
  }

  const ratios = deriveRatios(rows, memory);
  const targets = computeTargets(rows, memory, regex);
  machine.loadAverageEnd = (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100);
  const finished = new Date();
  return {
    schema: 1,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: Math.round((finished.getTime() - started.getTime()) / 100) / 10,
    options: { quick: options.quick, filter: options.filter ?? null, repeat },
    machine,
    notes: [
      'Times are nanoseconds per evaluation (per compile for parse/compile rows): mitata samples of batched calls; every timed loop runs over all the requests of its case (a mix of matching and non-matching requests) and the time is divided by their number.',
      'p99 is the 99th percentile of samples; for fast functions a sample is the mean of a batch of 4,096 calls, not a single call. Parse and compile rows are timed one call per sample: p50 is the median call (for compile-mix: the median rule), avg the mean.',
      'execute(context) reuses one scheme.context(values) per request (converted once, outside the timed loop); execute(object) converts the fields the filter reads on every call.',
      'hand-written: idiomatic JavaScript for the same predicate; its inputs are prepared once per request outside the timed loop (IP addresses pre-parsed), like the context.',
      'cel-js: @marcbachmann/cel-js Environment with typed variables (its fastest mode); bufbuild: @bufbuild/cel plan() with the strings extension. Both get flat variable names (no member access), ints as bigint.',
      'ast-interpreter: test/support/ast-interpreter.ts, a recursive evaluator over the same checked tree (no closures; set literals scanned linearly).',
      'Ratios are computed on p50.',
    ],
    rows,
    agreements,
    regex,
    memory,
    ratios,
    targets,
  };
}

/** Runs bench/memory.ts in a child process with --expose-gc and returns its measurement. */
export function measureMemoryInChild(count: number, perTemplate: boolean): MemoryResult {
  // The bundled memory script sits beside the bundled suite; under tsx, run the source.
  const script = BUNDLED ? fileURLToPath(new URL('./memory.mjs', import.meta.url)) : path.join(REPO_ROOT, 'bench', 'memory.ts');
  const loader = BUNDLED ? [] : ['--import', 'tsx'];
  const child = spawnSync(process.execPath, ['--expose-gc', ...loader, script, String(count), perTemplate ? 'templates' : 'no-templates'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`memory measurement failed (${child.status}): ${child.stderr}`);
  const line = child.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as MemoryResult;
}

// --- printing ---------------------------------------------------------------------------------

/** The human-readable report: measurements, derived ratios, regex linearity, memory, targets. */
export function formatReport(result: SuiteResult): string {
  const out: string[] = [];
  const m = result.machine;
  out.push(
    `wirefilter-ts benchmarks — ${result.startedAt} — ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os} ${m.arch}, Node ${m.node} (V8 ${m.v8}), commit ${m.gitCommit ?? 'local'}${m.gitDirty ? ' (+ local changes)' : ''}, load average ${m.loadAverageStart.join('/')} at start, ${m.loadAverageEnd?.join('/') ?? '?'} at end${result.options.repeat > 1 ? `, best p50 of ${result.options.repeat} repetitions` : ''}${result.options.quick ? ' — QUICK MODE: timings are meaningless' : ''}`,
  );
  const byCase = new Map<string, Row[]>();
  for (const row of result.rows) byCase.set(row.case, [...(byCase.get(row.case) ?? []), row]);
  const floorOf = (c: string): number | undefined => byCase.get(c)?.find((r) => r.impl === IMPL.floor)?.stats.p50;
  const body: string[][] = [];
  for (const [c, list] of byCase) {
    const floor = floorOf(c);
    list.forEach((r, i) => {
      const isExec = ![IMPL.parse, IMPL.compile, IMPL.celJsCompile, IMPL.bufCompile, IMPL.setBuild, IMPL.indexBuild, 'new Ruleset'].includes(r.impl as never) && r.group !== 'regex' && r.group !== 'compile';
      const vsFloor = isExec && floor !== undefined ? formatRatio(r.stats.p50 / floor) : '';
      const extra = r.extra?.nsPerByte !== undefined ? `${r.extra.nsPerByte.toFixed(2)} ns/B` : r.group === 'compile' && r.impl === IMPL.compile ? `${Math.round(1e9 / r.stats.avg).toLocaleString('en-US')} rules/s (mean)` : '';
      body.push([i === 0 ? c : '', r.impl, formatNs(r.stats.avg), formatNs(r.stats.p50), formatNs(r.stats.p99), String(r.stats.samples), vsFloor, extra]);
    });
  }
  out.push('', 'Measurements (per evaluation; ×floor = p50 ÷ hand-written p50)', table(['case', 'implementation', 'avg', 'p50', 'p99', 'samples', '×floor', ''], body, (c) => c >= 2 && c <= 6));

  if (result.ratios.length > 0) {
    out.push('', 'Derived ratios (p50)', table(['ratio', 'case', 'value', 'meaning'], result.ratios.map((r) => [r.name, r.case, r.unit === '×' ? formatRatio(r.value) : `${r.value.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${r.unit}`, r.meaning]), (c) => c === 2));
  }
  if (result.regex.length > 0) {
    out.push(
      '',
      'Catastrophic patterns: our `matches` (p50 per evaluation, ns/byte) vs native RegExp on tiny inputs',
      table(
        ['pattern', ...CATASTROPHIC_SIZES.map((s) => `${s / 1000} KB`), 'growth', 'native RegExp (largest tiny input tried)'],
        result.regex.map((r) => {
          const last = r.native.runs.at(-1)!;
          const first = r.native.runs.find(([, ms]) => ms >= 0.05);
          return [
            r.pattern,
            ...r.ours.map(([, ns, perByte]) => `${formatNs(ns)} (${perByte.toFixed(2)} ns/B)`),
            formatRatio(r.growth),
            `${last[0]} chars: ${last[1]} ms${r.native.stopped ? ' — stopped (budget)' : ''}${first !== undefined && first !== last ? `; ${first[0]} chars: ${first[1]} ms` : ''}`,
          ];
        }),
        (c) => c >= 1 && c <= 4,
      ),
    );
  }
  if (result.memory !== null) {
    const mem = result.memory;
    out.push(
      '',
      `Memory per compiled rule (${mem.count.toLocaleString('en-US')} typical rules, child process, after full GC)`,
      table(
        ['what', 'bytes/rule'],
        [
          ['Filter (all it retains)', String(mem.filterBytesPerRule)],
          ['  of which JS heap', String(mem.filterHeapBytesPerRule)],
          ['  of which array buffers', String(mem.filterArrayBufferBytesPerRule)],
          ['filter.checked alone (checked tree)', String(mem.checkedTreeBytesPerRule)],
          ['Ruleset (rules + filters + metadata)', String(mem.rulesetBytesPerRule)],
          ...Object.entries(mem.byTemplate).map(([t, b]) => [`  template ${t}`, String(b)]),
        ],
      ),
    );
  }
  for (const [title, targets] of [
    ['Targets (issue 7)', result.targets.filter((t) => t.issue === undefined)],
    ['Targets (issue 22: vs hand-written, rotating clients, compile latency, memory, rule index)', result.targets.filter((t) => t.issue === 22)],
  ] as const) {
    if (targets.length === 0) continue;
    out.push('', title, table(['target', 'case', 'measured', 'limit', 'status'], targets.map((t) => [t.target, t.case, t.measured, t.limit, t.status]), () => false));
  }
  const bad = result.agreements.filter((a) => !a.ok);
  out.push('', bad.length === 0 ? `Result agreement: all ${result.agreements.length} cases agree across implementations.` : `RESULT DISAGREEMENT in: ${bad.map((a) => a.case).join(', ')}`);
  return out.join('\n');
}
