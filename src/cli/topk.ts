/**
 * Bounded "most frequent values" counting (the Space-Saving algorithm): at most `capacity`
 * keys are tracked whatever the number of distinct values, and every key that occurs more than
 * `total / capacity` times is guaranteed to be among them. Counts of keys that replaced an
 * evicted one may be overestimated by at most `error`.
 *
 * @module
 */

/** One counted key. */
export interface TopEntry {
  value: string;
  count: number;
  /** Upper bound of the overestimate (0 = exact). */
  error: number;
}

/** A {@link TopK}'s counts as plain data (what a worker thread sends back). */
export interface TopKData {
  total: number;
  /** `[value, count, error]` per tracked key. */
  entries: [string, number, number][];
}

/** A bounded counter of the most frequent values (see the module comment). */
export class TopK {
  private readonly counts = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  /** Number of values added. */
  total = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  /** Counts one occurrence of `value`. */
  add(value: string): void {
    this.total++;
    const count = this.counts.get(value);
    if (count !== undefined) {
      this.counts.set(value, count + 1);
      return;
    }
    if (this.counts.size < this.capacity) {
      this.counts.set(value, 1);
      return;
    }
    let minKey = '';
    let min = Infinity;
    for (const [key, c] of this.counts) {
      if (c < min) {
        min = c;
        minKey = key;
        if (c === 1) break;
      }
    }
    this.counts.delete(minKey);
    this.errors.delete(minKey);
    this.counts.set(value, min + 1);
    this.errors.set(value, min);
  }

  /** Number of keys tracked. */
  get size(): number {
    return this.counts.size;
  }

  /** Everything tracked, for merging into another `TopK` (another worker's counts). */
  data(): TopKData {
    return { total: this.total, entries: [...this.counts].map(([value, count]) => [value, count, this.errors.get(value) ?? 0]) };
  }

  /**
   * Adds another summary's counts (of other values of the same stream), as if its values had
   * been added here: exact when neither summary evicted anything and the union fits the
   * capacity (then the result is what counting every value in one summary gives); otherwise
   * the mergeable Space-Saving rule — a key missing from a full summary may have had up to
   * that summary's smallest count there, which is added to its count and its error bound —
   * and the largest `capacity` keys are kept.
   */
  merge(other: TopKData): void {
    const full = (size: number, entries: readonly (readonly [string, number, number])[]): number =>
      size >= this.capacity ? Math.min(...entries.map((e) => e[1])) : 0;
    const mine = this.data().entries;
    const floorMine = full(mine.length, mine);
    const floorOther = full(other.entries.length, other.entries);
    const merged = new Map<string, [number, number]>();
    for (const [value, count, error] of mine) merged.set(value, [count + floorOther, error + floorOther]);
    const otherKeys = new Set<string>();
    for (const [value, count, error] of other.entries) {
      otherKeys.add(value);
      const existing = merged.get(value);
      if (existing === undefined) merged.set(value, [count + floorMine, error + floorMine]);
      else merged.set(value, [existing[0] - floorOther + count, existing[1] - floorOther + error]);
    }
    const kept = [...merged].sort((a, b) => b[1][0] - a[1][0] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, this.capacity);
    this.counts.clear();
    this.errors.clear();
    for (const [value, [count, error]] of kept) {
      this.counts.set(value, count);
      if (error > 0) this.errors.set(value, error);
    }
    this.total += other.total;
  }

  /** The `k` most frequent values, most frequent first (ties by value). */
  top(k: number): TopEntry[] {
    return [...this.counts]
      .map(([value, count]) => ({ value, count, error: this.errors.get(value) ?? 0 }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, k);
  }
}
