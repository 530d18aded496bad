#!/usr/bin/env node
/**
 * Runs a benchmark script on bundled JavaScript, the way users run the library (tsup builds
 * `dist/` with esbuild; this bundles `bench/<script>.ts` and the sources it imports the same
 * way) — not through a TypeScript loader, whose module hooks and source-map handling made
 * parsing ≈ 3× and execution ≈ 2–3× slower in our measurements.
 *
 *   node bench/launch.mjs run [args…]       # = npm run bench -- [args…]
 *   node bench/launch.mjs memory [count]    # the memory child (the suite starts it itself)
 *
 * The bundle goes to `bench/.build/` (git-ignored) with a source map beside it; dependencies
 * (chevrotain, mitata, the CEL engines…) stay external and load from node_modules.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, '.build');
const [script = 'run', ...args] = process.argv.slice(2);
const entries = ['run', 'memory'];
if (!entries.includes(script)) {
  process.stderr.write(`usage: node bench/launch.mjs <${entries.join('|')}> [args…]\n`);
  process.exit(2);
}

await build({
  entryPoints: entries.map((name) => path.join(here, `${name}.ts`)),
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

const child = spawnSync(process.execPath, [...(script === 'memory' ? ['--expose-gc'] : []), path.join(outdir, `${script}.mjs`), ...args], {
  stdio: 'inherit',
  env: { ...process.env, WIREFILTER_REPO_ROOT: path.resolve(here, '..') },
});
process.exit(child.status ?? 1);
