/**
 * Single-use ids: a solved challenge is good for one clearance, not for as many as its
 * token's lifetime allows.
 *
 * @module
 */
import { WirefilterError } from '../diagnostics/errors.js';

/** Ids a {@link ReplayCache} remembers by default: 100,000 (a few MB with 22-character ids). */
export const DEFAULT_REPLAY_CACHE_ENTRIES = 100_000;

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Bounded single-use cache: remembers used ids until they expire; at capacity evicts the entry
 * expiring soonest.
 *
 * A `Map` answers "seen?" and a binary min-heap ordered by expiry answers "which goes next?",
 * so every call is O(log n) amortised (each entry is pushed and popped once), with no scan.
 *
 * The bound is a trade: an attacker who spends one solved challenge per entry to fill the
 * cache can push out the id expiring soonest and replay it once before it expires. Size the
 * cache above the number of challenges solved within one token lifetime. One process only: run
 * several instances behind a load balancer and each has its own memory (keep clients on one
 * instance, or accept up to one use per instance).
 */
export class ReplayCache {
  readonly #maxEntries: number;
  /** id → expiry, for the entries in the heap (exactly those). */
  readonly #expiries = new Map<string, number>();
  /** The heap, as two parallel arrays: `#heapIds[i]` expires at `#heapExpiries[i]`. */
  readonly #heapIds: string[] = [];
  readonly #heapExpiries: number[] = [];

  /**
   * @param maxEntries the most ids remembered at once (default {@link DEFAULT_REPLAY_CACHE_ENTRIES}).
   * @throws WirefilterError code `invalid-option` unless `maxEntries` is a positive integer.
   */
  constructor(maxEntries: number = DEFAULT_REPLAY_CACHE_ENTRIES) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new WirefilterError('expected maxEntries: a positive integer', [], undefined, 'invalid-option');
    }
    this.#maxEntries = maxEntries;
  }

  /**
   * Marks `id` as used.
   *
   * @param expiresAt when the id stops mattering (its token's expiry); remembered until then.
   * @param now the current time, in the same unit as `expiresAt`.
   * @returns true the first time an unexpired id is used; false for a replay, for an id already
   *   expired (`expiresAt <= now`), and for arguments of the wrong type (a non-string id,
   *   times that are not finite numbers). Never throws.
   */
  use(id: string, expiresAt: number, now: number): boolean {
    if (typeof id !== 'string' || !isTime(expiresAt) || !isTime(now)) return false;
    while (this.#heapIds.length > 0 && this.#heapExpiries[0]! <= now) this.#popSoonest();
    if (expiresAt <= now || this.#expiries.has(id)) return false;
    if (this.#heapIds.length >= this.#maxEntries) this.#popSoonest();
    this.#expiries.set(id, expiresAt);
    this.#push(id, expiresAt);
    return true;
  }

  /** Number of ids remembered (expired ones leave at the next {@link use}). */
  get size(): number {
    return this.#expiries.size;
  }

  #push(id: string, expiresAt: number): void {
    const ids = this.#heapIds;
    const expiries = this.#heapExpiries;
    let i = ids.length;
    ids.push(id);
    expiries.push(expiresAt);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (expiries[parent]! <= expiresAt) break;
      ids[i] = ids[parent]!;
      expiries[i] = expiries[parent]!;
      i = parent;
    }
    ids[i] = id;
    expiries[i] = expiresAt;
  }

  /** Removes the entry expiring soonest, from the heap and the map. */
  #popSoonest(): void {
    const ids = this.#heapIds;
    const expiries = this.#heapExpiries;
    this.#expiries.delete(ids[0]!);
    const lastId = ids.pop()!;
    const lastExpiry = expiries.pop()!;
    const n = ids.length;
    if (n === 0) return;
    // Sift the last entry down from the root.
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && expiries[child + 1]! < expiries[child]!) child++;
      if (expiries[child]! >= lastExpiry) break;
      ids[i] = ids[child]!;
      expiries[i] = expiries[child]!;
      i = child;
    }
    ids[i] = lastId;
    expiries[i] = lastExpiry;
  }
}
