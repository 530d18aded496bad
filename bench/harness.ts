/**
 * Measurement on top of mitata's `measure`: warm-up, batching, garbage collection before each
 * measurement, `do_not_optimize` on every result, per-operation statistics.
 *
 * Every timed function loops over all the requests of its case (a fixed mix of matching and
 * non-matching requests), so a sample is an average over that mix and results cannot be
 * constant-folded; times are reported per single evaluation (sample ÷ number of requests).
 *
 * @module
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import { do_not_optimize, measure } from 'mitata';

/** Statistics of one measurement, in nanoseconds per operation. */
export interface Stats {
  avg: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
  /** Number of samples mitata kept (each sample is one call, or the average of a batch). */
  samples: number;
  /** Total number of calls timed. */
  ticks: number;
}

/** Harness settings. */
export interface HarnessOptions {
  /** Tiny iteration counts: checks that everything runs, timings are meaningless. */
  quick: boolean;
}

/** A full garbage collection, via `--expose-gc` or, failing that, V8's runtime flag. */
export const gc: () => void = (() => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return () => g();
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as () => void;
    return () => fn();
  } catch {
    return () => {};
  }
})();

/**
 * mitata options. Normal runs: mitata's defaults (≥ 12 samples, ≥ 0.64 s CPU time per
 * measurement, batches of 4,096 calls for functions under 65 µs); `heavy` (functions taking
 * milliseconds): ≥ 6 samples and 1.5 s; `unbatched` (parse/compile, microseconds): one call per
 * sample. Quick runs: at most 2 samples of tiny batches.
 */
function mitataOptions(options: HarnessOptions, heavy: boolean, unbatched: boolean): Record<string, unknown> {
  if (options.quick) {
    return { gc: false, min_samples: 1, max_samples: 2, min_cpu_time: 0, warmup_samples: 0, batch_samples: 4, batch_unroll: 1 };
  }
  if (heavy) return { gc, min_samples: 6, min_cpu_time: 1_500 * 1e6 };
  // One call per sample: p50 is then the median call (e.g. the median rule of a rotating mix)
  // and avg the mean, whatever mitata's batching heuristic would have decided.
  if (unbatched) return { gc, batch_threshold: 0, min_samples: 100 };
  return { gc };
}

/**
 * Times `fn`. `perCall` is the number of operations one call of `fn` performs; the statistics
 * are divided by it.
 */
export async function time(fn: () => unknown, options: HarnessOptions, perCall = 1, heavy = false, unbatched = false): Promise<Stats> {
  if (options.quick && heavy) {
    // One run is all a quick check needs (mitata would add a warm-up run).
    const t0 = performance.now();
    do_not_optimize(fn());
    const ns = ((performance.now() - t0) * 1e6) / perCall;
    return { avg: ns, p50: ns, p99: ns, min: ns, max: ns, samples: 1, ticks: perCall };
  }
  const s = await measure(fn as () => void, mitataOptions(options, heavy, unbatched) as never);
  const k = perCall;
  return { avg: s.avg / k, p50: s.p50 / k, p99: s.p99 / k, min: s.min / k, max: s.max / k, samples: s.samples.length, ticks: s.ticks * k };
}

/**
 * A timed loop calling `exec` on every prepared input. Each loop is compiled on its own (like
 * mitata's own loop) so its call site sees only `exec` and can inline it: sharing one loop
 * function between implementations would make the call site megamorphic and penalise the
 * fastest ones.
 */
export function loopOver<T>(exec: (input: T) => unknown, inputs: readonly T[]): () => void {
  const make = new Function(
    'exec',
    'inputs',
    'keep',
    `'use strict';
     const n = inputs.length;
     return function loop() {
       for (let i = 0; i < n; i++) keep(exec(inputs[i]));
     };`,
  ) as (e: typeof exec, i: readonly T[], k: typeof do_not_optimize) => () => void;
  return make(exec, inputs, do_not_optimize);
}

/** Formats nanoseconds with an adaptive unit. */
export function formatNs(ns: number | undefined): string {
  if (ns === undefined || !Number.isFinite(ns)) return '—';
  if (ns < 1) return `${ns.toFixed(2)} ns`;
  if (ns < 100) return `${ns.toFixed(1)} ns`;
  if (ns < 1e4) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e5 ? 2 : 1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e8 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

/** Formats a ratio as `1.23×`. */
export function formatRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '—';
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

/** A fixed-width text table. */
export function table(header: string[], rows: string[][], alignRight: (column: number) => boolean = (c) => c > 0): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => (alignRight(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
