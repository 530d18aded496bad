/**
 * No dynamic code: the published build must run under a strict Content-Security-Policy
 * (no `unsafe-eval`, no `wasm-unsafe-eval`). Builds the package with the repository's tsup
 * configuration into a temporary directory and scans the output for `eval(…)`, the `Function`
 * constructor and `WebAssembly`. A second, fully bundled build (dependencies included, as a
 * browser bundler would ship it) is scanned too, with the one known-harmless occurrence
 * allowed: lodash's `Function('return this')()`, evaluated only when neither `globalThis`-like
 * `global` nor `self` exists (never in browsers, Workers or Node).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, type Options } from 'tsup';
import config from '../../tsup.config.js';

/** Direct `eval(`, the `Function` constructor (called or with `new`), and WebAssembly. */
const DYNAMIC_CODE = /(?<![\w$.])eval\s*\(|(?<![\w$.])Function\s*\(|\bnew\s+Function\b|\bWebAssembly\b|\bsetTimeout\s*\(\s*['"`]|\bsetInterval\s*\(\s*['"`]/g;

/** Occurrences that are not dynamic code, with why. */
const ALLOWED: { pattern: RegExp; why: string }[] = [
  { pattern: /freeSelf\s*\|\|\s*Function\(\s*['"]return this['"]\s*\)\(\)/, why: "lodash's global-object fallback, unreachable where `global` or `self` exists" },
];

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** The library's build options from tsup.config.ts (the entry that builds `src/index.ts`). */
function baseOptions(): Options {
  const all = (Array.isArray(config) ? config : [config]) as Options[];
  const library = all.find((o) => JSON.stringify(o.entry ?? '').includes('src/index.ts'));
  if (library === undefined) throw new Error('tsup.config.ts has no entry for src/index.ts');
  return { ...library, dts: false, sourcemap: false, silent: true, config: false };
}

async function buildInto(options: Options): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'wirefilter-build-'));
  tempDirs.push(outDir);
  await build({ ...options, outDir, clean: true });
  return outDir;
}

function scan(dir: string): { file: string; snippet: string; allowed?: string }[] {
  const hits: { file: string; snippet: string; allowed?: string }[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.(c|m)?js$/.test(f))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const match of text.matchAll(DYNAMIC_CODE)) {
      const snippet = text.slice(Math.max(0, match.index - 60), match.index + 60).replace(/\s+/g, ' ');
      const lineStart = text.lastIndexOf('\n', match.index) + 1;
      const context = text.slice(lineStart, match.index + 60);
      const rule = ALLOWED.find((a) => a.pattern.test(context) || a.pattern.test(snippet));
      hits.push({ file, snippet, ...(rule && { allowed: rule.why }) });
    }
  }
  return hits;
}

describe('no dynamic code in the build', () => {
  it('the package build (tsup.config.ts, ESM + CJS) has no eval, Function constructor or WebAssembly', { timeout: 120_000 }, async () => {
    const dir = await buildInto(baseOptions());
    const files = readdirSync(dir);
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    expect(files.some((f) => f.endsWith('.cjs'))).toBe(true);
    expect(scan(dir)).toEqual([]);
  });

  it('a full browser bundle with every runtime dependency has none either (known-harmless fallback aside)', { timeout: 120_000 }, async () => {
    const dir = await buildInto({ ...baseOptions(), format: ['esm'], platform: 'browser', noExternal: [/.*/], treeshake: true, splitting: false });
    const hits = scan(dir);
    expect(hits.filter((h) => h.allowed === undefined)).toEqual([]);
    // The scan must actually see the bundled dependencies.
    const bundle = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(bundle).toMatch(/chevrotain|CstParser|EmbeddedActionsParser/);
    expect(bundle.length).toBeGreaterThan(200_000);
  });

  it('the scanner itself recognises dynamic code', () => {
    const samples = ['eval("1")', 'x = new Function("a", "return a")', 'Function("return 1")()', 'WebAssembly.instantiate(b)', 'setTimeout("alert(1)", 1)'];
    for (const sample of samples) expect(sample.match(DYNAMIC_CODE), sample).not.toBeNull();
    for (const benign of ['obj.eval(x)', 'isFunction(x)', 'typeof Function', 'retrieval(x)']) expect(benign.match(DYNAMIC_CODE), benign).toBeNull();
  });
});
