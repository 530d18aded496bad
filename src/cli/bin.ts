#!/usr/bin/env node
import { main } from './main.js';
import { isReplayWorker, runReplayWorker } from './replay-pool.js';

/** Runs the command line: arguments in, exit code out. */
function startCommandLine(): void {
  // `wirefilter … | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }

  // Set the exit code and let Node drain stdout/stderr (no process.exit, which could cut output).
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`internal error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 70;
    },
  );
}

// `replay --jobs` runs this bundle in worker threads too: there it replays, it is not the command line.
if (isReplayWorker()) void runReplayWorker();
else startCommandLine();
