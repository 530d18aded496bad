/**
 * Runs the README's quick-start example and checks every `// prints:` comment in it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function quickStartCode(): string {
  const section = readme.split(/^## Quick start$/m)[1]!;
  return /```ts\n([\s\S]*?)```/.exec(section)![1]!;
}

describe('README quick start', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs and prints what its comments say', async () => {
    const code = quickStartCode();
    const expected = [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1]);
    expect(expected.length).toBeGreaterThan(3);
    const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const dir = new URL('./.generated/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL('./readme-quick-start.ts', dir);
    writeFileSync(file, code.replace(/from 'wirefilter-ts'/g, `from ${JSON.stringify(index)}`));
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(...args.map(String).join(' ').split('\n'));
    });
    await import(/* @vite-ignore */ fileURLToPath(file));
    expect(printed).toEqual(expected);
  });
});
