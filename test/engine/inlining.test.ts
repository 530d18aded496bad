/**
 * A performance property V8 decides, checked on the built package: `Filter.execute` stays
 * small enough to be inlined into a caller's loop because its plain-values path is one
 * function V8 never inlines (above 460 bytes of bytecode, V8's limit for one function), so
 * `execute(context)` keeps its speed when the same process also evaluates plain objects.
 * See `Filter.execute` in src/engine/filter.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
/** V8's `--max-inlined-bytecode-size` default (node --v8-options). */
const V8_MAX_INLINED_BYTECODE_SIZE = 460;

describe('Filter.execute inlining', () => {
  it('keeps the plain-values path above the size V8 inlines', () => {
    const dist = join(ROOT, 'dist/index.js');
    if (!existsSync(dist)) throw new Error('dist/ is missing: npm test builds it (npm run build)');
    const script = `
      const { cloudflareScheme } = await import(${JSON.stringify(dist)});
      const filter = cloudflareScheme().compile('http.host eq "a"');
      for (let i = 0; i < 10; i++) filter.execute({ 'http.host': 'a' });`;
    const run = spawnSync(process.execPath, ['--print-bytecode', '--print-bytecode-filter=executeValues', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const length = Number(/Bytecode length: (\d+)/.exec(run.stdout)?.[1]);
    expect(length).toBeGreaterThan(V8_MAX_INLINED_BYTECODE_SIZE);
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    expect(options).toContain(`--max-inlined-bytecode-size=${V8_MAX_INLINED_BYTECODE_SIZE}`);
  });
});
