#!/usr/bin/env node
// Adds lock entries for optional platform packages that npm could not resolve.
//
// The npm registry reachable on our build machines does not carry every platform build of
// some packages (rollup's Android, BSD and Windows binaries, for example). `npm install` then
// leaves them out of package-lock.json, and `npm ci` — here and on any full registry —
// rejects the lock as out of sync. Those packages are never installed on Linux x64, so an
// entry naming version, os and cpu is all npm needs to skip them. Run after `npm install`
// changes the lock: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
const LIBC = { gnu: 'glibc', gnueabihf: 'glibc', musl: 'musl', musleabihf: 'musl' };
const added = [];

for (const [key, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${name}`;
    const match = /^@rollup\/rollup-([a-z0-9]+)-([a-z0-9]+)(?:-([a-z]+))?$/.exec(name);
    if (packages[target] !== undefined || match === null) continue;
    const [, os, cpu, abi] = match;
    packages[target] = {
      version,
      cpu: [cpu],
      ...(entry.dev && { dev: true }),
      license: 'MIT',
      optional: true,
      os: [os],
      ...(LIBC[abi] && { libc: [LIBC[abi]] }),
    };
    added.push(`${name}@${version} (for ${key})`);
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added ${added.length} lock entries:\n  ${added.join('\n  ')}` : 'package-lock.json is complete');
