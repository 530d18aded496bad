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

  /** The `k` most frequent values, most frequent first (ties by value). */
  top(k: number): TopEntry[] {
    return [...this.counts]
      .map(([value, count]) => ({ value, count, error: this.errors.get(value) ?? 0 }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, k);
  }
}
