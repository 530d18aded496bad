/**
 * Debounced, cancellable, time-sliced background jobs, one per key (a document URI).
 *
 * Validating a large Rulesets JSON document takes long enough that doing it synchronously
 * on every change queues keystrokes behind each other and delays every request behind them.
 * Here a change only (re)starts a short timer; when the document has been quiet for the delay,
 * its job runs in slices of a few milliseconds, yielding to the event loop between slices so
 * requests (hover, completion) are answered in between; a newer change for the same key
 * cancels the running job before its next slice, so only the latest version is finished and
 * published.
 *
 * @module
 */

/** How long a document must be quiet before it is validated (milliseconds). */
export const VALIDATION_DELAY_MS = 200;

/**
 * How long a job runs before it yields to the event loop (milliseconds). Short, because a
 * request crosses several `setImmediate` hops inside vscode-jsonrpc (reading, dispatching,
 * writing the answer), and each hop waits for one slice: with 5 ms slices a hover during a
 * long validation is answered in a few tens of milliseconds.
 */
export const VALIDATION_SLICE_MS = 5;

/**
 * A job: a generator that does its work in small steps, `yield`ing between them. The scheduler
 * decides at each `yield` whether to continue or to give the event loop a turn; a cancelled
 * job is never resumed (its `finally` blocks run).
 */
export type Job = () => Generator<void, void, void>;

/** Options of {@link JobScheduler}. */
export interface JobSchedulerOptions {
  /** Quiet time before a job starts (default {@link VALIDATION_DELAY_MS}). */
  delayMs?: number;
  /** Work time between yields to the event loop (default {@link VALIDATION_SLICE_MS}). */
  sliceMs?: number;
  /** Receives an exception thrown by a job (jobs run from timers: nothing else would catch it). */
  onError: (key: string, error: unknown) => void;
}

interface Entry {
  timer?: ReturnType<typeof setTimeout>;
  immediate?: ReturnType<typeof setImmediate>;
  running?: Generator<void, void, void>;
}

/** Runs at most one job per key, debounced and time-sliced (see the module documentation). */
export class JobScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly delayMs: number;
  private readonly sliceMs: number;
  private readonly onError: (key: string, error: unknown) => void;

  /** A scheduler with no jobs; `options.onError` receives what a job throws. */
  constructor(options: JobSchedulerOptions) {
    this.delayMs = options.delayMs ?? VALIDATION_DELAY_MS;
    this.sliceMs = options.sliceMs ?? VALIDATION_SLICE_MS;
    this.onError = options.onError;
  }

  /** Schedules `job` for `key` after the quiet delay, cancelling its pending or running job. */
  schedule(key: string, job: Job): void {
    this.cancel(key);
    const entry: Entry = {};
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      try {
        entry.running = job();
      } catch (error) {
        this.finish(key, entry);
        this.onError(key, error);
        return;
      }
      this.step(key, entry);
    }, this.delayMs);
    this.entries.set(key, entry);
  }

  /** Cancels the pending or running job of `key`, if any. */
  cancel(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    if (entry.immediate !== undefined) clearImmediate(entry.immediate);
    const running = entry.running;
    entry.running = undefined;
    try {
      running?.return();
    } catch (error) {
      this.onError(key, error);
    }
  }

  /** Cancels every job. */
  cancelAll(): void {
    for (const key of [...this.entries.keys()]) this.cancel(key);
  }

  /** True while `key` has a job waiting or running. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Runs one slice of the job of `key`, then schedules the next one. */
  private step(key: string, entry: Entry): void {
    entry.immediate = undefined;
    const job = entry.running;
    if (job === undefined || this.entries.get(key) !== entry) return;
    const start = performance.now();
    try {
      for (;;) {
        if (job.next().done === true) {
          this.finish(key, entry);
          return;
        }
        if (performance.now() - start >= this.sliceMs) break;
      }
    } catch (error) {
      this.finish(key, entry);
      this.onError(key, error);
      return;
    }
    // The next slice waits for the next turn of the event loop: input that arrived meanwhile
    // is read first, and the JSON-RPC connection's own setImmediate steps run in between.
    entry.immediate = setImmediate(() => this.step(key, entry));
  }

  private finish(key: string, entry: Entry): void {
    entry.running = undefined;
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }
}
