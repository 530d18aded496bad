/**
 * Helpers for the hostile-input tests: time bounds that tolerate a busy machine, deep
 * freezing with snapshots (to prove the caller's objects are never modified), and the
 * prototype check.
 *
 * @module
 */
import { expect } from 'vitest';
import { Scheme, WirefilterError, type SchemeOptions } from '../../src/index.js';
import { fuzzSchemeDefinition } from '../fuzz/schemes.js';

/** The conformance scheme (plus library fields), with options. */
export function hostileScheme(options: SchemeOptions = {}): Scheme {
  return new Scheme(fuzzSchemeDefinition(options));
}

/**
 * Runs `fn` and fails if it takes longer than `limitMs`. A slow first run is retried once
 * (garbage collection, JIT), and the faster run counts. Returns the result of the first run.
 */
export function within<T>(limitMs: number, fn: () => T, label = 'call'): T {
  let start = performance.now();
  const result = fn();
  let ms = performance.now() - start;
  if (ms > limitMs) {
    start = performance.now();
    fn();
    ms = Math.min(ms, performance.now() - start);
  }
  expect(ms, `${label} took ${ms.toFixed(0)} ms (limit ${limitMs} ms)`).toBeLessThanOrEqual(limitMs);
  return result;
}

/** The diagnostic codes of `scheme.validate(expression)`; asserts it did not throw. */
export function codes(scheme: Scheme, expression: string, options: SchemeOptions = {}): string[] {
  return scheme.validate(expression, options).map((d) => d.code);
}

/** Asserts `scheme.compile` fails with a `WirefilterError` reporting `code`. */
export function expectCompileError(scheme: Scheme, expression: string, code: string, options: SchemeOptions = {}): WirefilterError {
  let thrown: unknown;
  try {
    scheme.compile(expression, options);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(WirefilterError);
  const error = thrown as WirefilterError;
  expect(error.diagnostics.map((d) => d.code)).toContain(code);
  return error;
}

/** Freezes an object graph (arrays, plain objects, Maps' entries) in place and returns it. Iterative: any depth. */
export function deepFreeze<T>(value: T): T {
  const seen = new Set<unknown>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || typeof item !== 'object' || seen.has(item) || ArrayBuffer.isView(item)) continue;
    seen.add(item);
    if (item instanceof Map) for (const [k, v] of item) stack.push(k, v);
    for (const key of Reflect.ownKeys(item)) {
      const d = Object.getOwnPropertyDescriptor(item, key);
      if (d && 'value' in d) stack.push(d.value);
    }
    Object.freeze(item);
  }
  return value;
}

/** Own keys of the built-in prototypes, to detect pollution. */
export function prototypeKeys(): string {
  return [Object.prototype, Array.prototype, Function.prototype, Map.prototype, String.prototype]
    .map((p) => Reflect.ownKeys(p).map(String).sort().join(','))
    .join('|');
}

/** Asserts nothing was added to `Object.prototype` (and friends). */
export function expectNoPollution(before: string): void {
  expect(prototypeKeys()).toBe(before);
  const probe = {} as Record<string, unknown>;
  for (const key of ['polluted', 'isAdmin', 'x', 'ruleset', 'status_code', 'v', '0']) expect(probe[key]).toBeUndefined();
}

/** CPU time this process has used, in milliseconds (microsecond resolution). */
function cpuMilliseconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Asserts that `run(input(n))` grows about linearly: for each doubling of `n` in `sizes`, the
 * best of `repeats` runs at 2n takes less than `maxRatio` times the best at n (a quadratic
 * cost gives 4). Sizes should make each run take a few milliseconds or more, so that timer
 * noise does not decide. Time is this process's CPU time (user + system), not wall-clock time:
 * other processes on a busy machine (vitest runs test files side by side, CI shares its cores)
 * then cannot stretch one size's runs. Returns the best times (ms) by size, for messages.
 */
export function expectLinearGrowth<T>(sizes: readonly number[], input: (n: number) => T, run: (value: T) => unknown, { maxRatio = 3, repeats = 5, label = 'run' } = {}): number[] {
  const measure = (): number[] =>
    sizes.map((n) => {
      const value = input(n);
      run(value); // warm up (JIT, caches)
      let min = Infinity;
      for (let i = 0; i < repeats; i++) {
        const start = cpuMilliseconds();
        run(value);
        min = Math.min(min, cpuMilliseconds() - start);
      }
      return min;
    });
  const holds = (times: number[]): boolean =>
    times.every((t, i) => i === 0 || t / Math.max(times[i - 1]!, 0.05) < maxRatio * (sizes[i]! / sizes[i - 1]! / 2));
  let best = measure();
  // A garbage collection can land in one size's runs: measure up to three more times, keeping each size's best, before judging.
  for (let attempt = 0; attempt < 3 && !holds(best); attempt++) {
    const again = measure();
    best = best.map((t, i) => Math.min(t, again[i]!));
  }
  for (let i = 1; i < sizes.length; i++) {
    const ratio = best[i]! / Math.max(best[i - 1]!, 0.05);
    const growth = sizes[i]! / sizes[i - 1]!;
    expect(ratio, `${label}: ${sizes[i - 1]} → ${sizes[i]} took ${best[i - 1]!.toFixed(2)} → ${best[i]!.toFixed(2)} ms`).toBeLessThan(maxRatio * (growth / 2));
  }
  return best;
}
