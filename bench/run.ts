/**
 * Runs the benchmark suite, prints the report and writes the JSON results.
 *
 *   npm run bench -- [--filter <name>] [--quick] [--repeat <n>] [--no-write] [--no-memory] [--json <file>]
 *
 * --filter   only cases whose name contains the text (or matches it as a regex), e.g.
 *            `ip-cidr`, `ruleset-1000`, `compile`, `regex-catastrophic`, `memory`
 * --quick    tiny iteration counts: checks that everything runs; timings are meaningless
 * --repeat   measure each fast case n times and keep the lowest p50 (for a noisy machine)
 * --no-write do not write bench/results/<date>-<commit>.json
 * --json     write the results to this file instead
 * --report   re-print the report of a saved results file (no measuring)
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatReport, REPO_ROOT, runSuite, type SuiteResult } from './suite.js';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: npm run bench -- [--filter <name>] [--quick] [--repeat <n>] [--no-write] [--no-memory] [--json <file>] | --report <results.json>\n');
    return;
  }
  const saved = argValue(args, '--report');
  if (saved !== undefined) {
    // Re-print the report of a saved run.
    process.stdout.write(`${formatReport(JSON.parse(readFileSync(saved, 'utf8')) as SuiteResult)}\n`);
    return;
  }
  const quick = args.includes('--quick');
  const t0 = performance.now();
  const filter = argValue(args, '--filter');
  const result = await runSuite({
    quick,
    filter,
    memory: !args.includes('--no-memory'),
    repeat: Number(argValue(args, '--repeat') ?? 1),
    log: (line) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`),
  });
  process.stdout.write(`${formatReport(result)}\n`);
  if (!args.includes('--no-write')) {
    const stamp = result.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
    const commit = result.machine.gitCommit === null ? 'local' : `${result.machine.gitCommit}${result.machine.gitDirty ? '-local' : ''}`;
    const file = argValue(args, '--json') ?? path.join(REPO_ROOT, 'bench', 'results', `${stamp}-${commit}${quick ? '-quick' : ''}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 1)}\n`);
    process.stdout.write(`\nresults written to ${path.relative(process.cwd(), file)}\n`);
  }
  if (result.agreements.some((a) => !a.ok)) process.exitCode = 1;
}

await main();
