/**
 * Settings of the fuzz suite, from the environment:
 *
 * | variable | default (inside `npm test`) | meaning |
 * |---|---|---|
 * | `FUZZ_SEED` | `20250101` | global seed; `random` picks one (printed, for reproduction) |
 * | `FUZZ_RUNS` | per property (see each test) | runs of every property (overrides the defaults) |
 * | `FUZZ_SCALE` | `1` | multiplies every default run count (e.g. `FUZZ_SCALE=20`) |
 * | `FUZZ_TIME` | `0` (off) | time budget per property in seconds: keep generating until it is used up |
 * | `FUZZ_MAX_MS` | `250` | slowest acceptable single call (validate, compile or execute) |
 * | `FUZZ_PATH` | — | fast-check replay path, with `FUZZ_SEED` and a `-t` filter on one property |
 *
 * The suite is deterministic by default: a fixed seed and fixed run counts, bounded by a
 * wall-clock guard of {@link PROPERTY_GUARD_MS} per property (14 properties: under 60 s in all,
 * however slow the machine; ≈ 25 s of test time on an idle 2-core machine).
 *
 * @module
 */
import fc from 'fast-check';

const env = process.env;

function parseSeed(text: string | undefined): number {
  if (text === undefined || text === '') return 20250101;
  if (text === 'random') return (Math.random() * 0x7fffffff) | 0;
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED must be an integer or "random", got ${text}`);
  return n | 0;
}

/** The global seed of this run. */
export const SEED = parseSeed(env.FUZZ_SEED);
/** Absolute number of runs per property, when forced. */
const FORCED_RUNS = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) : undefined;
const SCALE = env.FUZZ_SCALE ? Number(env.FUZZ_SCALE) : 1;
/** Time budget per property (ms) in long campaigns; 0 = run counts decide. */
export const TIME_BUDGET_MS = env.FUZZ_TIME ? Number(env.FUZZ_TIME) * 1000 : 0;
/** True when running a long campaign (`npm run fuzz`). */
export const LONG = TIME_BUDGET_MS > 0 || FORCED_RUNS !== undefined || SCALE > 1;
/** Slowest acceptable single call, in milliseconds. */
export const MAX_CALL_MS = env.FUZZ_MAX_MS ? Number(env.FUZZ_MAX_MS) : 250;
/** Wall-clock guard per property inside `npm test`: generation stops (successfully) after it. */
export const PROPERTY_GUARD_MS = 4_000;

/** vitest timeout for one property test. */
export const TEST_TIMEOUT_MS = LONG ? Math.max(TIME_BUDGET_MS, 60_000) * 3 + 600_000 : 60_000;

let announced = false;

/** fast-check parameters for the property `name` with `runs` runs by default. */
export function fcParams<T>(name: string, runs: number): fc.Parameters<T> {
  if (!announced) {
    announced = true;
    if (LONG || env.FUZZ_SEED === 'random') {
      console.log(`[fuzz] FUZZ_SEED=${SEED} (reproduce with FUZZ_SEED=${SEED}${FORCED_RUNS ? ` FUZZ_RUNS=${FORCED_RUNS}` : ''}${SCALE > 1 ? ` FUZZ_SCALE=${SCALE}` : ''})`);
    }
  }
  const numRuns = TIME_BUDGET_MS > 0 ? 1_000_000_000 : (FORCED_RUNS ?? Math.ceil(runs * SCALE));
  const limit = TIME_BUDGET_MS > 0 ? TIME_BUDGET_MS : LONG ? 0 : PROPERTY_GUARD_MS;
  return {
    seed: propertySeed(name),
    numRuns,
    ...(env.FUZZ_PATH ? { path: env.FUZZ_PATH } : {}),
    ...(limit > 0 ? { plugins: [fc.interruptAfterTimeLimit(limit)] } : {}),
    verbose: 1,
    reporter: (details: fc.RunDetails<T>) => {
      RUNS.set(name, { runs: details.numRuns, interrupted: details.interrupted, seed: details.seed });
      if (details.failed) {
        const message = fc.defaultReportMessage(details) ?? 'property failed';
        const cause = details.errorInstance;
        const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
        throw new Error(`${message}\nError: ${why}\n[fuzz] global FUZZ_SEED=${SEED}; property "${name}" seed ${details.seed}, path ${details.counterexamplePath}`, { cause });
      }
    },
  } as fc.Parameters<T>;
}

/** How many runs each property made (the time guard may stop it early). */
export const RUNS = new Map<string, { runs: number; interrupted: boolean; seed: number }>();

/** A one-line summary of {@link RUNS}. */
export function runsSummary(): string {
  return [...RUNS].map(([name, r]) => `${name}=${r.runs}${r.interrupted ? ' (time-limited)' : ''}`).join(', ');
}

/** The seed of one property: the global seed mixed with the property name. */
export function propertySeed(name: string): number {
  let h = SEED ^ 0x9e3779b9;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h | 0;
}
