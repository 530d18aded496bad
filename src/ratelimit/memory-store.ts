/**
 * `memoryStore`: rate limiting counters in this process. Exact under concurrency in one
 * process (every hit runs to completion synchronously before its promise settles), bounded
 * in memory (counters not used recently are evicted first) and swept as counters expire,
 * with amortised O(1) work per request and no scans.
 *
 * @module
 */
import { WirefilterError } from '../diagnostics/errors.js';
import type { RateLimitAlgorithm, RateLimitCount, RateLimitHit, RateLimitStore } from './types.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** Most counters kept at once (default 100,000); counters not used recently are evicted first. */
  maxKeys?: number;
}

/** A {@link RateLimitStore} in this process's memory. */
export interface MemoryStore extends RateLimitStore {
  /** Number of counters held now. */
  readonly size: number;
}

/** Default bound of {@link MemoryStoreOptions.maxKeys}: about 20 MB of sliding-window counters. */
export const DEFAULT_MAX_KEYS = 100_000;

/** Counters the sweep looks at per hit: enough to keep up with one new counter per hit, never a scan. */
const SWEEP_PER_HIT = 4;
/** First size of a sliding log's ring; it doubles as needed up to `limit + 1`. */
const INITIAL_LOG_CAPACITY = 16;

interface Counter {
  algorithm: RateLimitAlgorithm;
  periodMs: number;
  /** sliding-window: start of the current fixed window, and the counts of it and the one before. */
  windowStart: number;
  current: number;
  previous: number;
  /** sliding-log: a ring of the newest `limit + 1` hit times (all a decision needs). */
  log: Float64Array | undefined;
  /** The limit the log was kept for: another limit starts the log again (as the Redis store does). */
  logLimit: number;
  logStart: number;
  logSize: number;
  mitigatedUntil: number;
  /** When the counter holds nothing that still matters (then it may be dropped). */
  expiresAt: number;
  /** Used since the eviction hand last passed it (second chance). */
  used: boolean;
}

/**
 * A counter store in memory. Counters live in one `Map`; a hit updates its counter in place.
 * One persistent cursor goes round the map, a few entries per hit: it drops counters that
 * have expired, and when the map is over `maxKeys` it evicts the first counter not used since
 * the cursor last passed it (the CLOCK approximation of least-recently-used). A persistent
 * cursor matters: moving counters to the end on every hit and restarting iteration from the
 * front each time walks over the deleted slots that V8 leaves at the front of a map until it
 * rehashes, which made every hit cost O(counters).
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  if (typeof maxKeys !== 'number' || !Number.isSafeInteger(maxKeys) || maxKeys < 1) {
    throw new WirefilterError(`\`maxKeys\` must be a positive integer, got ${String(maxKeys)}`, [], undefined, 'invalid-option');
  }
  const counters = new Map<string, Counter>();
  let cursor = counters.entries();

  /** The next entry round the map (starting over at the end), or undefined when it is empty. */
  const advance = (): [string, Counter] | undefined => {
    let next = cursor.next();
    if (next.done === true) {
      cursor = counters.entries();
      next = cursor.next();
    }
    return next.done === true ? undefined : next.value;
  };

  const sweep = (now: number): void => {
    for (let i = 0; i < SWEEP_PER_HIT && i < counters.size; i++) {
      const entry = advance();
      if (entry === undefined) return;
      if (entry[1].expiresAt <= now) counters.delete(entry[0]);
    }
  };

  /** Evicts until within `maxKeys`: the first counter round the cursor not used since it last passed. */
  const evict = (keep: string): void => {
    while (counters.size > maxKeys) {
      const entry = advance();
      if (entry === undefined) return;
      const [key, counter] = entry;
      if (key === keep) continue;
      if (counter.used) counter.used = false;
      else counters.delete(key);
    }
  };

  const hit = (key: string, h: RateLimitHit): RateLimitCount => {
    const { now, periodMs, limit, mitigationMs, cost, algorithm } = h;
    sweep(now);
    let counter = counters.get(key);
    if (counter === undefined || counter.algorithm !== algorithm || counter.periodMs !== periodMs || counter.expiresAt <= now) {
      const fresh: Counter = { algorithm, periodMs, windowStart: Math.floor(now / periodMs) * periodMs, current: 0, previous: 0, log: undefined, logLimit: 0, logStart: 0, logSize: 0, mitigatedUntil: 0, expiresAt: 0, used: false };
      if (counter === undefined) counters.set(key, fresh);
      else Object.assign(counter, fresh);
      counter ??= fresh;
    } else {
      counter.used = true;
    }
    const count = algorithm === 'sliding-window' ? slidingWindow(counter, now, cost) : slidingLog(counter, now, cost, limit);
    if (counter.mitigatedUntil <= now && count > limit && mitigationMs > 0) counter.mitigatedUntil = now + mitigationMs;
    const lifetime = algorithm === 'sliding-window' ? counter.windowStart + 2 * periodMs : now + periodMs;
    counter.expiresAt = Math.max(lifetime, counter.mitigatedUntil);
    if (counters.size > maxKeys) evict(key);
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
  // The ring grows as hits arrive (up to `limit + 1` times): a limit of millions costs memory
  // only for counters that see that many hits.
  if (counter.log === undefined || counter.logLimit !== limit) {
    counter.logLimit = limit;
    counter.log = new Float64Array(Math.min(capacity, INITIAL_LOG_CAPACITY));
    counter.logStart = 0;
    counter.logSize = 0;
  }
  const oldest = now - counter.periodMs;
  while (counter.logSize > 0 && counter.log[counter.logStart]! <= oldest) {
    counter.logStart = (counter.logStart + 1) % counter.log.length;
    counter.logSize--;
  }
  for (let i = 0; i < Math.min(cost, capacity); i++) {
    let log: Float64Array = counter.log;
    if (counter.logSize === log.length && log.length < capacity) {
      const grown = new Float64Array(Math.min(capacity, log.length * 2));
      for (let j = 0; j < counter.logSize; j++) grown[j] = log[(counter.logStart + j) % log.length]!;
      counter.log = log = grown;
      counter.logStart = 0;
    }
    if (counter.logSize === log.length) {
      counter.logStart = (counter.logStart + 1) % log.length;
      counter.logSize--;
    }
    log[(counter.logStart + counter.logSize) % log.length] = now;
    counter.logSize++;
  }
  return counter.logSize;
}
