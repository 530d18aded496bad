/**
 * Worker threads for `wirefilter replay --jobs N`: each worker sets itself up from the same
 * {@link ReplayConfig} (so it loads the same scheme and rules), takes tasks — byte ranges of
 * plain files, whole gzip files — one at a time, and sends back the counts of each task. The
 * main thread merges the counts in task order, which is traffic order, so the report is what
 * one thread reading everything in order would print.
 *
 * The workers run the CLI's own bundle (`dist/cli.js`), which starts a worker instead of the
 * command line when `workerData` says so (see `bin.ts`).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { CliError } from './io.js';
import { readLines } from './lines.js';
import { openTraffic, type TrafficFile, type TrafficTask } from './replay-input.js';
import { prepareReplay, ReplayEngine, type InputFormat, type ReplayConfig, type ReplayEngineData } from './replay-engine.js';

const WORKER_KIND = 'wirefilter-replay-worker';

/** What a worker is started with. */
interface WorkerSetup {
  kind: typeof WORKER_KIND;
  config: ReplayConfig;
  files: Pick<TrafficFile, 'path' | 'display' | 'gzip'>[];
  formats: InputFormat[];
}

/** A task as sent to a worker. */
type Assignment = { id: number; task: TrafficTask };

/** A worker's answer. */
type Answer = { id: number; data: ReplayEngineData } | { id: number; error: string };

/** True in a thread started by {@link runInWorkers}. */
export function isReplayWorker(): boolean {
  return !isMainThread && (workerData as { kind?: unknown } | null)?.kind === WORKER_KIND;
}

/**
 * The script workers run: this bundle when running from `dist/cli.js`; from the sources
 * (tests run the command in process), the package's built `dist/cli.js`.
 */
export function workerScript(): string | undefined {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.js') || self.endsWith('.mjs')) return self;
  const built = resolve(dirname(self), '../../dist/cli.js');
  return existsSync(built) ? built : undefined;
}

/** The worker's side: set up once, then answer tasks until the main thread closes the port. */
export async function runReplayWorker(): Promise<void> {
  const setup = workerData as WorkerSetup;
  const port = parentPort!;
  let plan: ReturnType<typeof prepareReplay>;
  try {
    plan = prepareReplay(setup.config);
  } catch (error) {
    port.postMessage({ id: -1, error: error instanceof Error ? error.message : String(error) } satisfies Answer);
    return;
  }
  // One task at a time: the main thread sends the next one when this one is answered.
  port.on('message', (assignment: Assignment) => {
    runTask(plan, setup, assignment.task).then(
      (data) => port.postMessage({ id: assignment.id, data } satisfies Answer),
      (error: unknown) => port.postMessage({ id: assignment.id, error: error instanceof Error ? error.message : String(error) } satisfies Answer),
    );
  });
}

/** Counts one task's lines with a fresh engine (line numbers relative to the task's first line). */
async function runTask(plan: ReturnType<typeof prepareReplay>, setup: WorkerSetup, task: TrafficTask): Promise<ReplayEngineData> {
  const engine = new ReplayEngine(plan, setup.config);
  const file = setup.files[task.file]!;
  const format = setup.formats[task.file]!;
  const name = setup.files.length > 1 ? file.display : undefined;
  const first = task.kind === 'file' || task.first;
  const stream = task.kind === 'range' ? openTraffic(file, { start: task.start, end: task.end }) : openTraffic(file);
  try {
    for await (const { number, text, bytes } of readLines(stream, setup.config.maxLineBytes)) {
      engine.line(text, number, bytes, format, first && number === 1, name);
    }
  } catch (error) {
    engine.unreadable(error, name ?? file.display);
  }
  return engine.data();
}

/** Progress of a parallel run: tasks done, bytes of the inputs covered. */
export type PoolProgress = (done: { requests: number; bytes: number }) => void;

/**
 * Runs `tasks` on `jobs` workers and merges their counts into `into` in task order. Line
 * numbers of a file's later ranges are offset by the lines of its earlier ones. Rejects with a
 * {@link CliError} when a worker fails (the others are stopped).
 */
export async function runInWorkers(
  config: ReplayConfig,
  files: readonly TrafficFile[],
  formats: readonly InputFormat[],
  tasks: readonly TrafficTask[],
  jobs: number,
  into: ReplayEngine,
  progress: PoolProgress = () => {},
): Promise<void> {
  const script = workerScript();
  if (script === undefined) throw new CliError('--jobs needs the built command (dist/cli.js); run `npm run build`');
  const setup: WorkerSetup = { kind: WORKER_KIND, config, files: files.map(({ path, display, gzip }) => ({ path, display, gzip })), formats: [...formats] };
  const workers = Array.from({ length: Math.min(jobs, tasks.length) }, () => new Worker(script, { workerData: setup }));
  const results = new Map<number, ReplayEngineData>();
  const linesBefore = new Map<number, number>();
  let nextTask = 0;
  let nextMerge = 0;
  let bytesDone = 0;
  try {
    await new Promise<void>((done, fail) => {
      let finished = false;
      const stop = (error: Error): void => {
        if (finished) return;
        finished = true;
        fail(error);
      };
      const assign = (worker: Worker): void => {
        if (nextTask >= tasks.length) return;
        const id = nextTask++;
        worker.postMessage({ id, task: tasks[id]! } satisfies Assignment);
      };
      const mergeReady = (): void => {
        while (results.has(nextMerge)) {
          const data = results.get(nextMerge)!;
          results.delete(nextMerge);
          const task = tasks[nextMerge]!;
          const offset = linesBefore.get(task.file) ?? 0;
          into.merge(data, offset);
          linesBefore.set(task.file, offset + data.lines);
          bytesDone += task.kind === 'range' ? task.end - task.start : files[task.file]!.size;
          progress({ requests: into.stats.requests, bytes: bytesDone });
          nextMerge++;
        }
        if (nextMerge === tasks.length && !finished) {
          finished = true;
          done();
        }
      };
      for (const worker of workers) {
        worker.on('message', (answer: Answer) => {
          if ('error' in answer) {
            stop(new CliError(answer.id < 0 ? answer.error : `${files[tasks[answer.id]!.file]!.display}: ${answer.error}`));
            return;
          }
          results.set(answer.id, answer.data);
          assign(worker);
          mergeReady();
        });
        worker.on('error', (error) => stop(new CliError(`a replay worker failed: ${error.message}`)));
        worker.on('exit', (code) => {
          if (code !== 0) stop(new CliError(`a replay worker exited with code ${code}`));
        });
        assign(worker);
      }
      if (tasks.length === 0) mergeReady();
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
