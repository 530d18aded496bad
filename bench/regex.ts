/**
 * Catastrophic-backtracking patterns: our `matches` must stay linear in the input size, where
 * a backtracking engine (JavaScript's `RegExp`) blows up. Native runs only ever see tiny
 * inputs, grown two characters at a time and stopped as soon as one run takes 10 ms, so the
 * benchmark cannot hang.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';

/** One pathological pattern and its adversarial input of a given size. */
export interface CatastrophicPattern {
  name: string;
  /** Rust/RE2 syntax (for `matches r"…"`). */
  pattern: string;
  /** The same pattern for JavaScript's `RegExp`. */
  native: RegExp;
  /** An input of `n` bytes on which a backtracking engine explodes (none of them match). */
  input(n: number): string;
}

export const CATASTROPHIC: readonly CatastrophicPattern[] = [
  { name: '(a+)+$', pattern: '(a+)+$', native: /(a+)+$/, input: (n) => `${'a'.repeat(n - 1)}!` },
  { name: '(a|a)*b', pattern: '(a|a)*b', native: /(a|a)*b/, input: (n) => 'a'.repeat(n) },
  { name: '(x+x+)+y', pattern: '(x+x+)+y', native: /(x+x+)+y/, input: (n) => 'x'.repeat(n) },
  { name: '(.*a){20}', pattern: '(.*a){20}', native: /(.*a){20}/, input: (n) => 'a'.repeat(Math.min(19, n)) + 'x'.repeat(Math.max(0, n - 19)) },
  { name: '^(\\w+\\s?)*$', pattern: '^(\\w+\\s?)*$', native: /^(\w+\s?)*$/, input: (n) => `${'a'.repeat(n - 1)}!` },
];

/** Sizes our engine is measured on. */
export const CATASTROPHIC_SIZES = [1_000, 10_000, 100_000] as const;

/** One native `RegExp` run per size, growing until a run takes `budgetMs`. */
export interface NativeProbe {
  /** [input length, milliseconds] of every run. */
  runs: [number, number][];
  /** True when growth stopped because a run exceeded the budget. */
  stopped: boolean;
}

export function probeNative(p: CatastrophicPattern, budgetMs = 10, maxLength = 64): NativeProbe {
  const runs: [number, number][] = [];
  for (let n = 4; n <= maxLength; n += 2) {
    const input = p.input(n);
    const t0 = performance.now();
    p.native.test(input);
    const ms = performance.now() - t0;
    runs.push([n, Math.round(ms * 1000) / 1000]);
    if (ms > budgetMs) return { runs, stopped: true };
  }
  return { runs, stopped: false };
}
