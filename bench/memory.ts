/**
 * Memory per compiled rule. Runs in a child process of its own (fresh heap, `--expose-gc`):
 *
 *   node bench/launch.mjs memory [count]   (or: node --expose-gc --import tsx bench/memory.ts [count])
 *
 * prints one JSON object on stdout. Each measurement compiles `count` distinct typical rules
 * (the generated rule mix) and keeps them alive; the heap (plus array buffers) after a full
 * GC, minus the baseline before compiling, divided by `count`, is the memory per rule. The
 * expression strings exist before the baseline is taken, so they are not counted.
 *
 * @module
 */
import { cloudflareScheme, Ruleset, type Filter } from '../src/index.js';
import { generateRules, TEMPLATES } from './rules.js';

export interface MemoryResult {
  count: number;
  /** `Filter`s kept alive: everything a compiled rule retains. */
  filterBytesPerRule: number;
  /** Of which on the JS heap / in array buffers (IP range sets). */
  filterHeapBytesPerRule: number;
  filterArrayBufferBytesPerRule: number;
  /** Only `filter.checked` kept (closures dropped): the share of the checked tree. */
  checkedTreeBytesPerRule: number;
  /** A `Ruleset` of `count` rules (rules, filters, load metadata). */
  rulesetBytesPerRule: number;
  /** Per template (`count / templates` rules each). */
  byTemplate: Record<string, number>;
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) gc();
}

function usage(): { heap: number; buffers: number } {
  collect();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}

/** Memory retained by what `build` returns, measured in a later macrotask (after start-up, as a server sees it). */
async function measure<T>(count: number, build: () => T): Promise<{ total: number; heap: number; buffers: number; keep: T }> {
  const before = usage();
  const keep = build();
  await new Promise((resolve) => setImmediate(resolve));
  const after = usage();
  const heap = (after.heap - before.heap) / count;
  const buffers = (after.buffers - before.buffers) / count;
  return { total: heap + buffers, heap, buffers, keep };
}

export async function measureMemory(count: number, perTemplate: boolean): Promise<MemoryResult> {
  const scheme = cloudflareScheme();
  const generated = generateRules(count);
  const expressions = generated.map((g) => g.rule.expression);
  const rules = generated.map((g) => g.rule);
  // Warm up: module-level tables and lazily built caches are not per-rule memory.
  for (const g of generateRules(2 * TEMPLATES.length)) scheme.compile(g.rule.expression);

  const filters = await measure(count, () => expressions.map((e) => scheme.compile(e)));
  let sink: unknown = filters.keep.length;
  filters.keep = [] as Filter[];

  const checked = await measure(count, () => expressions.map((e) => scheme.compile(e).checked));
  sink = checked.keep.length;
  checked.keep = [];

  const ruleset = await measure(count, () => new Ruleset(scheme, rules));
  sink = ruleset.keep.size;
  (ruleset as { keep: unknown }).keep = undefined;

  const byTemplate: Record<string, number> = {};
  if (perTemplate) {
    for (const [t, template] of TEMPLATES.entries()) {
      const mine = expressions.filter((_, i) => i % TEMPLATES.length === t);
      const m = await measure(mine.length, () => mine.map((e) => scheme.compile(e)));
      sink = m.keep.length;
      byTemplate[template.name] = Math.round(m.total);
    }
  }
  void sink;
  return {
    count,
    filterBytesPerRule: Math.round(filters.total),
    filterHeapBytesPerRule: Math.round(filters.heap),
    filterArrayBufferBytesPerRule: Math.round(filters.buffers),
    checkedTreeBytesPerRule: Math.round(checked.total),
    rulesetBytesPerRule: Math.round(ruleset.total),
    byTemplate,
  };
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/memory.ts')) {
  const count = Number(process.argv[2] ?? 10_000);
  const perTemplate = process.argv[3] !== 'no-templates';
  process.stdout.write(`${JSON.stringify(await measureMemory(count, perTemplate))}\n`);
}
