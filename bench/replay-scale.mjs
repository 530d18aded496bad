// `wirefilter replay` on Cloudflare Logpush logs at scale, on this machine (a benchmark, not a test):
//   1. generates N Logpush http_requests records (~2.5 KB each) into a temporary file with
//      `dist/cli.js generate --format logpush`;
//   2. measures on that file, one run after the other (never two at once):
//      (a) the floor: a child process that only reads the lines (readline) and JSON.parse()s each;
//      (b) `replay … --input logpush --jobs 1 --format json --stats`;
//      (c) the same with `--jobs 2`;
//   3. with --rss-lines M, generates M records and replays them with --jobs 2 for the peak RSS
//      at that scale (memory must stay bounded: it must not grow with the file).
// Throughput is requests per second over the time each process reports for its own work (from
// opening the file to the last line; process start-up and ruleset loading excluded), the same
// measure for the floor and the replays. Wall-clock times (start-up included) are in the JSON.
// Targets: one worker ≥ 0.6 × the floor; two workers ≥ 1.7 × one (2 cores); peak RSS < 300 MB.
// Results: bench/results/replay-scale.json.
// Run: npm run bench:replay   (builds first; uses dist/)
//      npm run bench:replay -- --lines 50000 --rss-lines 1000000 [--keep]
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const RESULTS = join(ROOT, 'bench/results/replay-scale.json');
const TARGETS = { oneWorkerOverFloor: 0.6, twoWorkersOverOne: 1.7, peakRssMB: 300 };

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} needs a positive integer`);
  return value;
}
const LINES = option('--lines', 200_000);
const RSS_LINES = option('--rss-lines', undefined);
const SEED = option('--seed', 1);
const KEEP = process.argv.includes('--keep');

/** Runs a child process to completion; resolves with its output, exit code and wall time. */
function run(args, { quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
      if (!quiet) process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, wallSeconds: (performance.now() - started) / 1000 }));
  });
}

const MB = (bytes) => bytes / 1048576;
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function generate(lines, file) {
  const result = await run([CLI, 'generate', '--format', 'logpush', '--count', String(lines), '--seed', String(SEED), '-o', file]);
  if (result.code !== 0) throw new Error(`generate failed (exit ${result.code}): ${result.stderr.trim()}`);
  const bytes = statSync(file).size;
  console.log(`generated ${fmt(lines)} Logpush records, ${fmt(MB(bytes), 1)} MB (${fmt(bytes / lines)} bytes a record) in ${fmt(result.wallSeconds, 1)} s`);
  return { lines, bytes, averageRecordBytes: Math.round(bytes / lines), generateSeconds: result.wallSeconds };
}

// The floor: reading and parsing every line, nothing else, measured the way the replay measures itself.
const FLOOR = `
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
const started = performance.now();
let requests = 0;
let keys = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[1]), crlfDelay: Infinity })) {
  if (line === '') continue;
  const record = JSON.parse(line);
  keys += record.ClientIP !== undefined ? 1 : 0;
  requests++;
}
const elapsedSeconds = (performance.now() - started) / 1000;
if (keys !== requests) throw new Error('not Logpush records');
process.stdout.write(JSON.stringify({ requests, elapsedSeconds, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
`;

async function floor(file, lines) {
  const result = await run(['--input-type=module', '-e', FLOOR, file]);
  if (result.code !== 0) return { error: `exit ${result.code}: ${result.stderr.trim()}` };
  const data = JSON.parse(result.stdout);
  if (data.requests !== lines) return { error: `read ${data.requests} lines, expected ${lines}` };
  return { requests: data.requests, elapsedSeconds: data.elapsedSeconds, requestsPerSecond: data.requests / data.elapsedSeconds, peakRssBytes: data.peakRssBytes, wallSeconds: result.wallSeconds };
}

async function replay(file, lines, jobs) {
  const args = [CLI, 'replay', 'examples/ruleset.json', file, '--lists', 'examples/lists.json', '--input', 'logpush', '--jobs', String(jobs), '--format', 'json', '--stats', '--no-progress'];
  const result = await run(args, { quiet: true });
  const command = `node dist/cli.js ${args.slice(1).join(' ')}`;
  let data;
  try {
    data = JSON.parse(result.stdout);
  } catch {
    return { command, error: `exit ${result.code}, no JSON summary: ${result.stderr.trim() || result.stdout.slice(0, 500)}` };
  }
  if (result.code !== 0) return { command, error: `exit ${result.code}: ${result.stderr.trim()}` };
  if (data.requests !== lines) return { command, error: `replayed ${data.requests} requests, expected ${lines} (malformed: ${data.malformed?.count})` };
  if (data.format !== undefined && data.format !== 'logpush') return { command, error: `read the input as ${data.format}, not logpush` };
  const peak = data.process?.peakRssBytes;
  return {
    command,
    jobs: data.jobs ?? jobs,
    requests: data.requests,
    elapsedSeconds: data.elapsedSeconds,
    requestsPerSecond: data.requests / data.elapsedSeconds,
    peakRssBytes: peak ?? null,
    cpuSeconds: data.process !== undefined ? data.process.cpuUserSeconds + data.process.cpuSystemSeconds : null,
    wallSeconds: result.wallSeconds,
    decisions: data.decisions,
    ...(result.stderr.trim() !== '' && { stderr: result.stderr.trim() }),
  };
}

function show(name, r) {
  if (r.error !== undefined) {
    console.log(`${name.padEnd(34)} ERROR ${r.error}`);
    return;
  }
  const rss = r.peakRssBytes != null ? `, peak RSS ${fmt(MB(r.peakRssBytes), 1)} MB` : '';
  console.log(`${name.padEnd(34)} ${fmt(r.requestsPerSecond).padStart(9)} requests/s  (${fmt(r.elapsedSeconds, 2)} s; wall ${fmt(r.wallSeconds, 2)} s${rss})`);
}

const verdicts = [];
function verdict(name, value, target, pass, unit = '') {
  const status = value === undefined ? 'ERROR' : pass ? 'PASS' : 'MISS';
  verdicts.push({ name, value: value ?? null, target, status });
  const shown = value === undefined ? 'n/a' : `${fmt(value, unit === ' MB' ? 1 : 2)}${unit}`;
  console.log(`${status.padEnd(5)} ${name.padEnd(40)} ${shown} (target ${target})`);
}

const dir = mkdtempSync(join(tmpdir(), 'wirefilter-replay-scale-'));
const results = {
  date: new Date().toISOString(),
  commit: (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  })(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverageStart: loadavg() },
  targets: TARGETS,
};
try {
  console.log(`replay-scale: ${fmt(LINES)} Logpush records, examples/ruleset.json (${availableParallelism()} cores, load ${loadavg().map((x) => x.toFixed(2)).join(' ')})\n`);
  const file = join(dir, 'http_requests.log');
  results.input = await generate(LINES, file);
  console.log('');
  const floorRun = await floor(file, LINES);
  show('(a) floor: readline + JSON.parse', floorRun);
  const one = await replay(file, LINES, 1);
  show('(b) replay --jobs 1', one);
  const two = await replay(file, LINES, 2);
  show('(c) replay --jobs 2', two);
  results.runs = { floor: floorRun, jobs1: one, jobs2: two };
  if (!KEEP) rmSync(file, { force: true });

  if (RSS_LINES !== undefined) {
    console.log('');
    const big = join(dir, 'http_requests-large.log');
    results.rssInput = await generate(RSS_LINES, big);
    const large = await replay(big, RSS_LINES, 2);
    show(`(d) replay --jobs 2, ${fmt(RSS_LINES)} lines`, large);
    results.runs.rss = large;
    if (!KEEP) rmSync(big, { force: true });
  }

  console.log('');
  const ok = (r) => r.error === undefined;
  const oneOverFloor = ok(floorRun) && ok(one) ? one.requestsPerSecond / floorRun.requestsPerSecond : undefined;
  const twoOverOne = ok(one) && ok(two) ? two.requestsPerSecond / one.requestsPerSecond : undefined;
  verdict('one worker / floor', oneOverFloor, `≥ ${TARGETS.oneWorkerOverFloor}`, oneOverFloor >= TARGETS.oneWorkerOverFloor);
  verdict('two workers / one worker', twoOverOne, `≥ ${TARGETS.twoWorkersOverOne}`, twoOverOne >= TARGETS.twoWorkersOverOne);
  const rssRuns = [
    [`peak RSS, --jobs 1, ${fmt(LINES)} lines`, one],
    [`peak RSS, --jobs 2, ${fmt(LINES)} lines`, two],
    ...(results.runs.rss !== undefined ? [[`peak RSS, --jobs 2, ${fmt(RSS_LINES)} lines`, results.runs.rss]] : []),
  ];
  for (const [name, r] of rssRuns) {
    const mb = ok(r) && r.peakRssBytes != null ? MB(r.peakRssBytes) : undefined;
    verdict(name, mb, `< ${TARGETS.peakRssMB} MB`, mb < TARGETS.peakRssMB, ' MB');
  }
  if (results.runs.rss !== undefined && ok(results.runs.rss) && ok(two) && two.peakRssBytes && results.runs.rss.peakRssBytes) {
    const growth = results.runs.rss.peakRssBytes / two.peakRssBytes;
    console.log(`      peak RSS at ${fmt(RSS_LINES)} lines is ${fmt(growth, 2)}× that at ${fmt(LINES)} (${fmt(RSS_LINES / LINES, 1)}× the lines): ${growth < 1.5 ? 'bounded' : 'grows with the input'}`);
    results.rssGrowth = growth;
  }
  results.ratios = { oneWorkerOverFloor: oneOverFloor ?? null, twoWorkersOverOne: twoOverOne ?? null };
  results.verdicts = verdicts;
  results.machine.loadAverageEnd = loadavg();
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${RESULTS.slice(ROOT.length)}`);
  if (verdicts.some((v) => v.status === 'ERROR')) process.exitCode = 1;
} finally {
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
