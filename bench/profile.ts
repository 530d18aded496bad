/**
 * CPU profile of one hot scenario, summarised as the top self-time functions with their
 * source file:line (mapped back from the bundle through its source map).
 *
 *   npx tsx bench/profile.ts <scenario> [--seconds 5] [--top 25] [--keep] [--no-inline]
 *   npx tsx bench/profile.ts --list
 *
 * The scenarios (bench/profile-scenarios.ts) are bundled with esbuild into a temporary
 * directory (plain JavaScript with a source map, so the profile measures the same code a
 * built package runs, without a TypeScript loader in the way) and run in a child process that
 * profiles only the hot loop (after set-up and a 1 s warm-up) with V8's sampling profiler
 * (100 µs interval, the same profiler as `node --cpu-prof`). `--keep` leaves the .cpuprofile
 * for Chrome DevTools / speedscope. Self time of a function TurboFan inlined is charged to its
 * caller; `--no-inline` (V8's `--no-turbo-inlining`) keeps functions apart at some cost in
 * speed, which helps attribute tiny hot functions.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { table } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface HotFunction {
  name: string;
  /** `src/…/file.ts:line` of the function (or the bundle position when unmapped). */
  location: string;
  selfMs: number;
  selfPercent: number;
  /** The hottest source lines inside the function: `line (percent of the function)`. */
  hotLines: string;
  /** The callers its self time came from: `name location (percent)`. */
  callers: string;
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Bundles the scenarios and profiles one; returns the summary. */
export async function profileScenario(scenario: string, seconds: number, top: number, keep: boolean, noInline = false): Promise<{ hot: HotFunction[]; byFile: [string, number][]; run: string; profile?: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wirefilter-profile-'));
  const bundle = path.join(dir, 'scenarios.mjs');
  await build({
    entryPoints: [path.join(ROOT, 'bench', 'profile-scenarios.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'external',
    outfile: bundle,
    logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const profilePath = path.join(dir, `${scenario.replace(/[^a-z0-9-]+/gi, '_')}.cpuprofile`);
  const flags = noInline ? ['--no-turbo-inlining'] : [];
  const child = spawnSync(process.execPath, [...flags, bundle, scenario, String(seconds), profilePath], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, WIREFILTER_PROFILE_CHILD: '1' },
  });
  if (child.status !== 0) throw new Error(`profiling ${scenario} failed: ${child.stderr}`);
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
  const summary = summarise(profile, map, bundle, top);
  if (!keep) rmSync(dir, { recursive: true, force: true });
  return { ...summary, run: child.stdout.trim(), profile: keep ? profilePath : undefined };
}

function summarise(profile: CpuProfile, map: SourceMap, bundle: string, top: number): { hot: HotFunction[]; byFile: [string, number][] } {
  const totalSamples = profile.samples.length;
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, totalSamples);
  const bundleUrl = `file://${bundle}`;
  const original = (line: number, column: number): { file: string; line: number } | undefined => {
    const entry = map.findEntry(line, column) as { originalSource?: string; originalLine?: number };
    if (entry?.originalSource === undefined || entry.originalLine === undefined) return undefined;
    const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(bundle), entry.originalSource);
    return { file: path.relative(ROOT, source), line: entry.originalLine + 1 };
  };
  interface Acc {
    name: string;
    location: string;
    hits: number;
    lines: Map<string, number>;
  }
  const byFunction = new Map<string, Acc>();
  const byFile = new Map<string, number>();
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const keyOf = new Map<number, string>();
  const describe = (node: ProfileNode): { name: string; location: string; file: string } => {
    const f = node.callFrame;
    const name = f.functionName || '(anonymous)';
    if (f.url === bundleUrl) {
      const o = original(f.lineNumber, f.columnNumber);
      return { name, location: o !== undefined ? `${o.file}:${o.line}` : `bundle:${f.lineNumber + 1}`, file: o?.file ?? 'bundle' };
    }
    return { name, location: f.url === '' ? '' : `${f.url}:${f.lineNumber + 1}`, file: f.url === '' ? `(${f.functionName || 'native'})` : f.url };
  };
  for (const node of profile.nodes) {
    const d = describe(node);
    keyOf.set(node.id, `${d.name}@${d.location}`);
  }
  const callerHits = new Map<string, Map<string, number>>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const f = node.callFrame;
    let location: string;
    let file: string;
    const lines = new Map<string, number>();
    if (f.url === bundleUrl) {
      const o = original(f.lineNumber, f.columnNumber);
      file = o?.file ?? 'bundle';
      location = o !== undefined ? `${o.file}:${o.line}` : `bundle:${f.lineNumber + 1}`;
      for (const t of node.positionTicks ?? []) {
        const ol = original(t.line - 1, 0);
        const key = ol === undefined ? `bundle:${t.line}` : ol.file === file ? String(ol.line) : `${path.basename(ol.file)}:${ol.line}`;
        lines.set(key, (lines.get(key) ?? 0) + t.ticks);
      }
    } else {
      file = f.url === '' ? `(${f.functionName || 'native'})` : f.url.replace(/^node:/, 'node:');
      location = f.url === '' ? '' : `${f.url}:${f.lineNumber + 1}`;
    }
    const name = f.functionName || '(anonymous)';
    const key = `${name}@${location}`;
    const up = parent.get(node.id);
    if (up !== undefined) {
      const callers = callerHits.get(key) ?? new Map<string, number>();
      const callerKey = keyOf.get(up.id)!;
      callers.set(callerKey, (callers.get(callerKey) ?? 0) + hits);
      callerHits.set(key, callers);
    }
    const acc = byFunction.get(key) ?? { name, location, hits: 0, lines: new Map() };
    acc.hits += hits;
    for (const [l, t] of lines) acc.lines.set(l, (acc.lines.get(l) ?? 0) + t);
    byFunction.set(key, acc);
    byFile.set(file, (byFile.get(file) ?? 0) + hits);
  }
  const hot = [...byFunction.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, top)
    .map((a) => {
      const lineTotal = [...a.lines.values()].reduce((x, y) => x + y, 0);
      const hotLines = [...a.lines.entries()]
        .sort((x, y) => y[1] - x[1])
        .slice(0, 3)
        .map(([l, t]) => `${l} (${Math.round((100 * t) / Math.max(1, lineTotal))}%)`)
        .join(', ');
      const callers = [...(callerHits.get(`${a.name}@${a.location}`) ?? new Map<string, number>()).entries()]
        .sort((x, y) => y[1] - x[1])
        .slice(0, 2)
        .map(([k, h]) => `${k.replace('@', ' ')} (${Math.round((100 * h) / Math.max(1, a.hits))}%)`)
        .join(', ');
      return { name: a.name, location: a.location, selfMs: Math.round(a.hits * msPerSample), selfPercent: Math.round((1000 * a.hits) / totalSamples) / 10, hotLines, callers };
    });
  const files = [...byFile.entries()].sort((a, b) => b[1] - a[1]).map(([f, h]) => [f, Math.round((1000 * h) / totalSamples) / 10] as [string, number]);
  return { hot, byFile: files };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--list') || args.length === 0) {
    const { SCENARIOS } = await import('./profile-scenarios.js');
    process.stdout.write(`scenarios:\n${Object.keys(SCENARIOS).map((s) => `  ${s}`).join('\n')}\n`);
    return;
  }
  const scenario = args[0]!;
  const seconds = Number(argValue(args, '--seconds') ?? 5);
  const top = Number(argValue(args, '--top') ?? 25);
  const result = await profileScenario(scenario, seconds, top, args.includes('--keep'), args.includes('--no-inline'));
  process.stdout.write(`${result.run}\n\n`);
  process.stdout.write(
    `${table(
      ['self %', 'self ms', 'function', 'location', 'hottest lines'],
      result.hot.map((h) => [h.selfPercent.toFixed(1), String(h.selfMs), h.name, h.location, h.hotLines]),
      (c) => c < 2,
    )}\n\ncalled from (top 12):\n${result.hot
      .slice(0, 12)
      .filter((h) => h.callers !== '')
      .map((h) => `  ${h.name} ${h.location}  ←  ${h.callers}`)
      .join('\n')}\n\nby file (self %):\n${result.byFile
      .slice(0, 15)
      .map(([f, p]) => `  ${p.toFixed(1).padStart(5)}  ${f}`)
      .join('\n')}\n`,
  );
  if (result.profile !== undefined) process.stdout.write(`\nprofile kept at ${result.profile}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
