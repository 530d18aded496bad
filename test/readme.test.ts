/**
 * Runs every README example that says what it prints, and checks each `// prints:` line.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Every ```ts block of the README that states what it prints. */
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => code.includes('// prints:'));

describe('README examples', () => {
  afterEach(() => vi.restoreAllMocks());

  it('include the quick start and the ruleset walk-through', () => expect(examples.length).toBeGreaterThanOrEqual(2));

  it.each(examples.map((code, i) => [i, code]))('example %i runs and prints what its comments say', async (i, code) => {
    const expected = [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1]);
    expect(expected.length).toBeGreaterThan(3);
    const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const dir = new URL('./.generated/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL(`./readme-example-${i}.ts`, dir);
    writeFileSync(file, code.replace(/from 'wirefilter-ts'/g, `from ${JSON.stringify(index)}`));
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(...args.map(String).join(' ').split('\n'));
    });
    await import(/* @vite-ignore */ fileURLToPath(file));
    expect(printed).toEqual(expected);
  });
});
