/**
 * The plan of the source tree, checked: the floors of README's "Where things are" (each
 * imports only from the floors above it), and the programs and the playground use the
 * library only through its public entry points.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './cli/run.js';

/** The floors, lowest first (README "Where things are"). */
const FLOORS = ['diagnostics', 'values', 'scheme', 'syntax', 'functions', 'check', 'compile', 'engine', 'cloudflare', 'ruleset', 'ratelimit', 'bots', 'middleware', 'json', 'node', 'service', 'index', 'cli'];

/** Entry points a program or the playground may import (src-relative, without extension). */
const PUBLIC_ENTRIES = ['index', 'service/index', 'service/codemirror/index', 'cloudflare/logpush/index', 'bots/index'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of a file, resolved to repository paths without extension. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => normalize(join(dirname(file), m[1]!)).replace(/\.(js|ts)$/, ''));
}

const floorOf = (path: string): string => {
  const inSrc = relative('src', path);
  return inSrc.split('/')[0]!.replace(/\.(js|ts)$/, '');
};

describe('the plan of src/', () => {
  it('has no import from a lower floor to a higher one', () => {
    const upward: string[] = [];
    for (const file of sourceFiles('src')) {
      const from = floorOf(file);
      for (const target of importsOf(file)) {
        if (!target.startsWith('src/')) continue;
        const to = floorOf(target);
        if (to === from || !FLOORS.includes(to) || !FLOORS.includes(from)) continue;
        if (FLOORS.indexOf(to) > FLOORS.indexOf(from)) upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('knows every folder of src/', () => {
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    for (const folder of folders) expect(FLOORS, folder).toContain(folder);
  });

  it('lets the CLI reach the library only through its public entries (plus the shared Node and JSON helpers)', () => {
    const reached: string[] = [];
    for (const file of sourceFiles('src/cli')) {
      for (const target of importsOf(file)) {
        const inSrc = relative('src', target);
        if (inSrc.startsWith('cli/') || inSrc.startsWith('..') || inSrc.startsWith('node/') || inSrc.startsWith('json/')) continue;
        if (!PUBLIC_ENTRIES.includes(inSrc)) reached.push(`${file} → ${target}`);
      }
    }
    expect(reached).toEqual([]);
  });

  it('lets the playground reach the library only through its public entries', () => {
    const reached: string[] = [];
    for (const file of sourceFiles('playground')) {
      for (const target of importsOf(file)) {
        if (!target.startsWith('src/')) continue;
        if (!PUBLIC_ENTRIES.includes(relative('src', target))) reached.push(`${file} → ${target}`);
      }
    }
    expect(reached).toEqual([]);
  });
});
