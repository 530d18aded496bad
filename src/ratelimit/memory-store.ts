/**
 * `memoryStore`: rate limiting counters in this process. Exact under concurrency in one
 * process (every hit runs to completion synchronously before its promise settles), bounded
 * in memory (least recently used counters are evicted first) and swept as counters expire,
 * with O(1) work per request and no scans.
 *
 * @module
 */
import { WirefilterError } from '../diagnostics/errors.js';
import type { RateLimitAlgorithm, RateLimitCount, RateLimitHit, RateLimitStore } from './types.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Most counters kept at once (default 100,000); the least recently used are evicted first. */
  maxKeys?: number;
}

/** A {@link RateLimitStore} in this process's memory. */
export interface MemoryStore extends RateLimitStore {
  /** Number of counters held now. */
  readonly size: number;
}

/** Default bound of {@link MemoryStoreOptions.maxKeys}: about 20 MB of sliding-window counters. */
export const DEFAULT_MAX_KEYS = 100_000;

/** Expired counters removed per hit: enough to keep up with one new counter per hit, never a scan. */
const SWEEP_PER_HIT = 4;

interface Counter {
  algorithm: RateLimitAlgorithm;
  periodMs: number;
  /** sliding-window: start of the current fixed window, and the counts of it and the one before. */
  windowStart: number;
  current: number;
  previous: number;
  /** sliding-log: a ring of the newest `limit + 1` hit times (all a decision needs). */
  log: Float64Array | undefined;
  logStart: number;
  logSize: number;
  mitigatedUntil: number;
  /** When the counter holds nothing that still matters (then it may be dropped). */
  expiresAt: number;
}

/**
 * A counter store in memory. Counters live in one `Map` kept in recency order (each hit moves
 * its counter to the end), so eviction of the least recently used counter and sweeping of
 * expired ones both take from the front in O(1). A counter behind one with a longer lifetime
 * (a long mitigation) waits to be swept until that one goes, or is evicted first when full.
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  if (typeof maxKeys !== 'number' || !Number.isSafeInteger(maxKeys) || maxKeys < 1) {
    throw new WirefilterError(`\`maxKeys\` must be a positive integer, got ${String(maxKeys)}`, [], undefined, 'invalid-option');
  }
  const counters = new Map<string, Counter>();

  const sweep = (now: number): void => {
    let budget = SWEEP_PER_HIT;
    for (const [key, counter] of counters) {
      if (budget-- === 0 || counter.expiresAt > now) break;
      counters.delete(key);
    }
  };

  const hit = (key: string, h: RateLimitHit): RateLimitCount => {
    const { now, periodMs, limit, mitigationMs, cost, algorithm } = h;
    sweep(now);
    let counter = counters.get(key);
    if (counter !== undefined) counters.delete(key); // re-inserted below: most recent last
    if (counter === undefined || counter.algorithm !== algorithm || counter.periodMs !== periodMs || counter.expiresAt <= now) {
      counter = { algorithm, periodMs, windowStart: Math.floor(now / periodMs) * periodMs, current: 0, previous: 0, log: undefined, logStart: 0, logSize: 0, mitigatedUntil: 0, expiresAt: 0 };
    }
    const count = algorithm === 'sliding-window' ? slidingWindow(counter, now, cost) : slidingLog(counter, now, cost, limit);
    if (counter.mitigatedUntil <= now && count > limit && mitigationMs > 0) counter.mitigatedUntil = now + mitigationMs;
    const lifetime = algorithm === 'sliding-window' ? counter.windowStart + 2 * periodMs : now + periodMs;
    counter.expiresAt = Math.max(lifetime, counter.mitigatedUntil);
    counters.set(key, counter);
    while (counters.size > maxKeys) counters.delete(counters.keys().next().value!);
    return counter.mitigatedUntil > now ? { count, mitigatedUntil: counter.mitigatedUntil } : { count };
  };

  return {
    get size() {
      return counters.size;
    },
    hit: async (key, h) => hit(key, h),
    reset: async (key) => {
      counters.delete(key);
    },
  };
}

/**
 * The rate over the period ending at `now`, approximated from two fixed windows: the previous
 * window's count weighted by the share of it still inside the period, plus the current one's.
 */
function slidingWindow(counter: Counter, now: number, cost: number): number {
  const { periodMs } = counter;
  const start = Math.floor(now / periodMs) * periodMs;
  if (start > counter.windowStart) {
    counter.previous = start - counter.windowStart === periodMs ? counter.current : 0;
    counter.current = 0;
    counter.windowStart = start;
  }
  counter.current += cost;
  const elapsed = Math.max(0, now - counter.windowStart);
  return counter.previous * ((periodMs - elapsed) / periodMs) + counter.current;
}

/**
 * The exact number of hits in the period (now − period, now], capped at `limit + 1`: keeping
 * the newest `limit + 1` hit times is enough, since whenever more than `limit` hits are in the
 * period, the newest `limit + 1` all are.
 */
function slidingLog(counter: Counter, now: number, cost: number, limit: number): number {
  const capacity = limit + 1;
  if (counter.log === undefined || counter.log.length !== capacity) {
    counter.log = new Float64Array(capacity);
    counter.logStart = 0;
    counter.logSize = 0;
  }
  const log = counter.log;
  const oldest = now - counter.periodMs;
  while (counter.logSize > 0 && log[counter.logStart]! <= oldest) {
    counter.logStart = (counter.logStart + 1) % capacity;
    counter.logSize--;
  }
  for (let i = 0; i < Math.min(cost, capacity); i++) {
    if (counter.logSize === capacity) {
      counter.logStart = (counter.logStart + 1) % capacity;
      counter.logSize--;
    }
    log[(counter.logStart + counter.logSize) % capacity] = now;
    counter.logSize++;
  }
  return counter.logSize;
}
