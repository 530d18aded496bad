/**
 * Time bounds for single calls: every `validate`, `compile` and `execute` of the fuzz suite
 * runs through {@link timed}, which fails the property when one call takes longer than
 * `FUZZ_MAX_MS` (default 250 ms) and remembers the slowest inputs for the summary.
 *
 * A slow first measurement is repeated twice and the fastest of the three counts, so a garbage
 * collection pause or a JIT deoptimisation on a busy 2-core machine does not fail the suite;
 * an input that is really slow stays slow every time.
 *
 * @module
 */
import { MAX_CALL_MS } from './config.js';

/** One of the slowest calls seen. */
export interface SlowCall {
  what: string;
  ms: number;
  input: string;
}

const KEEP = 5;
const slowest = new Map<string, SlowCall[]>();

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

function measure<T>(fn: () => T): { ms: number; outcome: Outcome<T> } {
  const start = performance.now();
  let outcome: Outcome<T>;
  try {
    outcome = { ok: true, value: fn() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  return { ms: performance.now() - start, outcome };
}

/** Shortened, printable form of an input for reports. */
export function describeInput(input: unknown, max = 160): string {
  let text: string;
  if (typeof input === 'string') text = JSON.stringify(input);
  else {
    try {
      text = JSON.stringify(input, (_k, v: unknown) =>
        typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `Uint8Array(${v.length})` : v instanceof Map ? Object.fromEntries(v) : v,
      );
    } catch {
      text = String(input);
    }
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

function record(what: string, ms: number, input: unknown): void {
  const list = slowest.get(what) ?? [];
  if (list.length < KEEP || ms > list[list.length - 1]!.ms) {
    list.push({ what, ms, input: describeInput(input) });
    list.sort((a, b) => b.ms - a.ms);
    list.length = Math.min(list.length, KEEP);
    slowest.set(what, list);
  }
}

/**
 * Runs `fn` (a call on `input`), fails if it is consistently slower than the limit, and
 * returns its result — or rethrows what it threw, so callers check exceptions themselves.
 */
export function timed<T>(what: string, input: unknown, fn: () => T, limitMs = MAX_CALL_MS): T {
  const first = measure(fn);
  let best = first.ms;
  if (best > limitMs) {
    for (let i = 0; i < 2 && best > limitMs; i++) best = Math.min(best, measure(fn).ms);
  }
  record(what, best, input);
  if (best > limitMs) {
    throw new Error(`${what} took ${best.toFixed(1)} ms (limit ${limitMs} ms) on ${describeInput(input, 400)}`);
  }
  if (!first.outcome.ok) throw first.outcome.error;
  return first.outcome.value;
}

/** The slowest calls recorded so far, per kind of call. */
export function slowestCalls(): SlowCall[] {
  return [...slowest.values()].flat().sort((a, b) => b.ms - a.ms);
}

/** A printable summary of the slowest calls (for `afterAll`). */
export function slowestSummary(title: string): string {
  const lines = [...slowest.entries()].map(([what, list]) => {
    const top = list[0]!;
    return `  ${what.padEnd(28)} ${top.ms.toFixed(1).padStart(8)} ms  ${top.input}`;
  });
  return `[fuzz] slowest calls — ${title}\n${lines.join('\n')}`;
}
