#!/usr/bin/env node
/**
 * Package-level measurements of the built `dist/` (run `npm run build` first):
 *
 * - start-up: bare `node -e ''`, cold `import('wirefilter-ts')`, cold `require` (CJS without
 *   require(esm)), `wirefilter check '…'` and `wirefilter --version`, each run as a fresh
 *   process, interleaved round by round so that machine load hits every command alike;
 *   the median and best of `--runs` rounds (default 15);
 * - bundle sizes: what esbuild (minified, browser platform) makes of `import { Scheme }` and
 *   `import { cloudflareScheme, Ruleset }`, raw and gzipped (the limits `test/package/` asserts);
 * - install size: the packed tarball's files plus the runtime dependencies a user installs.
 *
 *   node bench/package.mjs [--runs N] [--json]      # = npm run bench:package -- …
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 15;
const asJson = args.includes('--json');

/** The bundles whose gzipped size is limited (bytes), as `test/package/` asserts them. */
const BUNDLE_LIMITS = JSON.parse(readFileSync(path.join(root, 'bench/bundle-limits.json'), 'utf8'));

function startup() {
  const esm = path.join(root, 'dist/index.js');
  const cjs = path.join(root, 'dist/index.cjs');
  const cli = path.join(root, 'dist/cli.js');
  const commands = {
    'node (bare)': ['-e', ''],
    "import('wirefilter-ts')": ['-e', `import(${JSON.stringify(esm)})`],
    "require('wirefilter-ts') (no require(esm))": ['--no-experimental-require-module', '-e', `require(${JSON.stringify(cjs)})`],
    "wirefilter check 'http.host eq \"a\"'": [cli, 'check', 'http.host eq "a"'],
    'wirefilter --version': [cli, '--version'],
  };
  const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let round = 0; round < runs; round++) {
    for (const [name, argv] of Object.entries(commands)) {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, argv, { stdio: 'ignore' });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.status !== 0) throw new Error(`${name} exited with ${result.status}`);
      times[name].push(ms);
    }
  }
  const rows = {};
  for (const [name, list] of Object.entries(times)) {
    const sorted = [...list].sort((a, b) => a - b);
    rows[name] = { medianMs: +sorted[Math.floor(sorted.length / 2)].toFixed(1), bestMs: +sorted[0].toFixed(1) };
  }
  const bare = rows['node (bare)'].medianMs;
  for (const row of Object.values(rows)) row.vsBare = +(row.medianMs / bare).toFixed(2);
  return rows;
}

async function bundles() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wirefilter-bundle-'));
  try {
    const rows = {};
    for (const [name, { code, gzipLimit }] of Object.entries(BUNDLE_LIMITS)) {
      const entry = path.join(dir, 'entry.mjs');
      writeFileSync(entry, code);
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        minify: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        logLevel: 'silent',
        alias: { 'wirefilter-ts': path.join(root, 'dist/index.js') },
        nodePaths: [path.join(root, 'node_modules')],
      });
      const bytes = result.outputFiles[0].contents;
      rows[name] = { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length, gzipLimit };
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function duBytes(target) {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const name of readdirSync(target)) total += duBytes(path.join(target, name));
  return total;
}

function installSize() {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }))[0];
  // Runtime dependencies and theirs, as npm would install them (from this node_modules).
  const seen = new Set();
  const queue = Object.keys(pkg.dependencies ?? {});
  let dependencyBytes = 0;
  while (queue.length > 0) {
    const name = queue.shift();
    if (seen.has(name)) continue;
    seen.add(name);
    const dir = path.join(root, 'node_modules', name);
    dependencyBytes += duBytes(dir);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    queue.push(...Object.keys(manifest.dependencies ?? {}));
  }
  return {
    tarballBytes: packed.size,
    unpackedBytes: packed.unpackedSize,
    files: packed.entryCount,
    dependencies: [...seen],
    dependencyBytes,
    totalInstallBytes: packed.unpackedSize + dependencyBytes,
  };
}

const report = { node: process.version, runs, startup: startup(), bundles: await bundles(), install: installSize() };
if (asJson) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  console.log(`Node ${report.node}, ${runs} interleaved rounds (median / best, ms)`);
  for (const [name, row] of Object.entries(report.startup)) console.log(`  ${name.padEnd(44)} ${String(row.medianMs).padStart(7)} ${String(row.bestMs).padStart(7)}  ${row.vsBare}× bare`);
  console.log('Bundles (esbuild, minified, browser)');
  for (const [name, row] of Object.entries(report.bundles)) {
    console.log(`  ${name.padEnd(44)} ${(row.bytes / 1024).toFixed(1)} KB, ${(row.gzipBytes / 1024).toFixed(1)} KB gzipped (limit ${(row.gzipLimit / 1024).toFixed(0)} KB)`);
  }
  const i = report.install;
  console.log(`Install: package ${(i.unpackedBytes / 1024).toFixed(0)} KB in ${i.files} files (tarball ${(i.tarballBytes / 1024).toFixed(0)} KB) + dependencies ${i.dependencies.join(', ')} ${(i.dependencyBytes / 1024).toFixed(0)} KB = ${(i.totalInstallBytes / 1024 / 1024).toFixed(2)} MB`);
}
