/**
 * The package as a consumer gets it: `npm pack` of the built `dist/` (which `npm test` builds),
 * unpacked into a temporary project's `node_modules` with its runtime dependencies linked from
 * this repository's (no network). Every check runs in a real Node process (or Jest, or esbuild)
 * against the unpacked files, never against the sources.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run.js';
import BUNDLE_LIMITS from '../../bench/bundle-limits.json';

let app = '';
let packageDir = '';
let tarball = '';

interface PackFile {
  path: string;
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/index.cjs'))) throw new Error('dist/ is missing: npm test builds it (npm run build)');
  app = mkdtempSync(join(tmpdir(), 'wirefilter-consumer-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', app], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; files: PackFile[] }[];
  tarball = join(app, packed[0]!.filename);
  packageDir = join(app, 'node_modules/wirefilter-ts');
  mkdirSync(packageDir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
  // The runtime dependencies a user's npm would install, linked from this repository.
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    mkdirSync(join(app, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(app, 'node_modules', name), 'dir');
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
}, 120_000);

afterAll(() => {
  if (app !== '') rmSync(app, { recursive: true, force: true });
});

/** Runs Node in the consumer project; throws with its output when it fails. */
function node(args: string[], env: Record<string, string> = {}): string {
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, args, { cwd: app, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const SCRIPT_BODY = `
const scheme = new Scheme({ fields: { 'http.host': 'Bytes', 'ip.src': 'Ip' } });
const filter = scheme.compile('http.host eq "example.com" and ip.src in {192.0.2.0/24}');
const ruleset = new Ruleset(scheme, { result: { rules: [{ id: 'r1', expression: 'ip.src in {192.0.2.0/24}', action: 'block' }] }, success: true, errors: [] });
let code;
try { scheme.compile('http.hots eq "a"'); } catch (error) { code = error instanceof WirefilterError ? error.diagnostics[0].code : 'not a WirefilterError'; }
console.log(JSON.stringify({
  match: filter.execute({ 'http.host': 'example.com', 'ip.src': '192.0.2.7' }),
  decision: ruleset.evaluate({ 'ip.src': '192.0.2.7' }).action,
  code,
}));`;
const EXPECTED = { match: true, decision: 'block', code: 'unknown-identifier' };

describe('the packed package', () => {
  it('ships the built files, the grammar, the licence and the changelog, and no file that imports unshipped sources', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const expected of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/cli.js', 'dist/lsp.js', 'LICENSE', 'CHANGELOG.md', 'README.md', 'grammar/rules.ebnf']) {
      expect(files).toContain(expected);
    }
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.d.cts'))).toEqual([]);
    for (const file of files.filter((f) => /\.(c?js|d\.c?ts)$/.test(f))) {
      const text = readFileSync(join(packageDir, file), 'utf8');
      expect(text, file).not.toMatch(/from ["']\.\.?\/(src|\.\.)\//);
      expect(text, file).not.toMatch(/require\(["'](chevrotain|lodash-es|commander|picocolors|cli-progress|vscode-languageserver)/);
      expect(text, file).not.toMatch(/from ["'](chevrotain|lodash-es|commander|picocolors|cli-progress|vscode-languageserver)/);
    }
    expect(readFileSync(join(packageDir, 'dist/index.d.ts'), 'utf8')).not.toContain('@internal');
  });

  it('installs no runtime dependency: everything dist/ needs is in it', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
  });

  it('works with import (ESM)', () => {
    const out = node(['--input-type=module', '-e', `import { Scheme, Ruleset, WirefilterError } from 'wirefilter-ts';${SCRIPT_BODY}`]);
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });

  it('works with require (CommonJS) on a Node without require(esm)', () => {
    const out = node(['--no-experimental-require-module', '-e', `const { Scheme, Ruleset, WirefilterError } = require('wirefilter-ts');${SCRIPT_BODY}`]);
    expect(JSON.parse(out)).toEqual(EXPECTED);
  });

  it('holds one copy of the shared code per format: subpath entries share one chunk', () => {
    // The language service of ./service works on the main entry's schemes, in both formats.
    const cjs = node(['--no-experimental-require-module', '-e', `
      const main = require('wirefilter-ts'); const service = require('wirefilter-ts/service');
      const ls = new service.LanguageService(new main.Scheme({ fields: { ssl: 'Bool' } }));
      console.log(JSON.stringify([ls.validate('ssl and').map((d) => d.code), 'LanguageService' in main]));`]);
    expect(JSON.parse(cjs)).toEqual([['expected-token'], false]);
    const esm = node(['--input-type=module', '-e', `
      import * as main from 'wirefilter-ts'; import * as service from 'wirefilter-ts/service';
      const ls = new service.LanguageService(new main.Scheme({ fields: { ssl: 'Bool' } }));
      console.log(JSON.stringify([ls.validate('ssl and').map((d) => d.code), 'LanguageService' in main]));`]);
    expect(JSON.parse(esm)).toEqual([['expected-token'], false]);
    // The core's code is in exactly one file per format, which the entries share (the two
    // programs, cli.js and lsp.js, are self-contained bundles of their own).
    const dist = join(app, 'node_modules', 'wirefilter-ts', 'dist');
    const marker = 'A raw string opened with more than 255';
    for (const extension of ['.js', '.cjs']) {
      const library = readdirSync(dist).filter((f) => f.endsWith(extension) && f !== 'cli.js' && f !== 'lsp.js');
      const holders = library.filter((f) => readFileSync(join(dist, f), 'utf8').includes(marker));
      expect(holders, extension).toHaveLength(1);
    }
  });

  it('gives the right decision or a clear error when the ESM and CJS copies meet in one process', () => {
    const out = node(['--no-experimental-require-module', '--input-type=module', '-e', `
      import * as esm from 'wirefilter-ts';
      import { createRequire } from 'node:module';
      const cjs = createRequire(process.cwd() + '/')('wirefilter-ts');
      const attempt = (f) => { try { return { value: f() }; } catch (error) { return { code: error.code, esmError: error instanceof esm.WirefilterError, cjsError: error instanceof cjs.WirefilterError }; } };
      const fields = { 'ip.src': 'Ip' };
      const rules = [{ id: 'r1', expression: 'ip.src in {192.0.2.0/24}', action: 'block' }];
      const esmScheme = new esm.Scheme({ fields });
      const cjsScheme = new cjs.Scheme({ fields });
      const esmContext = esmScheme.context({ 'ip.src': '192.0.2.7' });
      const cjsRuleset = new cjs.Ruleset(cjsScheme, rules);
      const cjsFilter = cjsScheme.compile('ip.src in {192.0.2.0/24}');
      // A CJS Ruleset built on the ESM scheme works with that scheme's contexts.
      const mixedRuleset = new cjs.Ruleset(esmScheme, rules);
      let compileError;
      try { esmScheme.compile('ip.src in {'); } catch (error) { compileError = error; }
      let rulesetError;
      try { new esm.Ruleset(esmScheme, [{ expression: 'x', action: 'nope' }]); } catch (error) { rulesetError = error; }
      console.log(JSON.stringify({
        rulesetOnForeignContext: attempt(() => cjsRuleset.evaluate(esmContext).action),
        filterOnForeignContext: attempt(() => cjsFilter.execute(esmContext)),
        contextOfForeignContext: attempt(() => cjsScheme.context(esmContext)),
        mixedRuleset: attempt(() => mixedRuleset.evaluate(esmContext).action),
        mixedRulesetValues: attempt(() => mixedRuleset.evaluate({ 'ip.src': '192.0.2.7' }).action),
        errorAcrossCopies: [compileError instanceof cjs.WirefilterError, compileError instanceof esm.WirefilterError, compileError instanceof cjs.RulesetError],
        rulesetErrorAcrossCopies: [rulesetError instanceof cjs.RulesetError, rulesetError instanceof cjs.WirefilterError],
      }));`]);
    const mismatch = { code: 'context-scheme-mismatch', esmError: true, cjsError: true };
    expect(JSON.parse(out)).toEqual({
      rulesetOnForeignContext: mismatch,
      filterOnForeignContext: mismatch,
      contextOfForeignContext: mismatch,
      mixedRuleset: { value: 'block' },
      mixedRulesetValues: { value: 'block' },
      errorAcrossCopies: [true, true, false],
      rulesetErrorAcrossCopies: [true, true],
    });
  });

  it('runs under Jest with its default (CommonJS) configuration', () => {
    writeFileSync(
      join(app, 'firewall.test.js'),
      `const { Scheme, cloudflareScheme, Ruleset } = require('wirefilter-ts');
test('a filter and a ruleset', () => {
  const scheme = new Scheme({ fields: { 'http.host': 'Bytes' } });
  expect(scheme.compile('http.host eq "a"').execute({ 'http.host': 'a' })).toBe(true);
  const ruleset = new Ruleset(cloudflareScheme(), [{ id: 'r', expression: 'http.request.uri.path matches "^/admin"', action: 'block' }]);
  expect(ruleset.evaluate({ 'http.request.uri.path': '/admin/x' }).action).toBe('block');
});
`,
    );
    const jest = join(ROOT, 'node_modules/jest/bin/jest.js');
    const result = spawnSync(process.execPath, [jest, '--ci', '--rootDir', app, '--watchman=false', '--cacheDirectory', join(app, '.jest-cache')], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    expect(result.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
    expect(result.status).toBe(0);
  }, 150_000);

  it('bundles within the size limits (esbuild, minified, browser platform), and for the neutral platform', async () => {
    const bundle = async (code: string, platform: 'browser' | 'neutral' = 'browser') => {
      const entry = join(app, 'entry.mjs');
      writeFileSync(entry, code);
      const result = await build({ entryPoints: [entry], bundle: true, minify: true, platform, format: 'esm', write: false, logLevel: 'silent', absWorkingDir: app });
      return result.outputFiles[0]!;
    };
    for (const [name, { code, gzipLimit }] of Object.entries(BUNDLE_LIMITS)) {
      const gzipped = gzipSync((await bundle(code)).contents, { level: 9 }).length;
      expect(gzipped, `${name}: ${gzipped} bytes gzipped`).toBeLessThanOrEqual(gzipLimit);
    }
    expect((await bundle('export { Scheme, cloudflareScheme, Ruleset } from "wirefilter-ts";', 'neutral')).contents.length).toBeGreaterThan(0);
    // Tree-shaking leaves the editor's operator documentation and the Workers `request.cf`
    // mapping out of a Scheme bundle.
    const schemeOnly = (await bundle('export { Scheme } from "wirefilter-ts";')).text;
    expect(schemeOnly).not.toContain('True when the value equals the literal');
    expect(schemeOnly).not.toContain('ip.src.asnum');
  });

  it('is clean under publint --strict and Are the Types Wrong', () => {
    const publint = spawnSync(process.execPath, [join(ROOT, 'node_modules/publint/src/cli.js'), '--strict', packageDir], { encoding: 'utf8', timeout: 60_000 });
    expect(`${publint.stdout}${publint.stderr}`).not.toMatch(/error|warning|suggestion/i);
    expect(publint.status).toBe(0);
    const attw = spawnSync(process.execPath, [join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarball, '--format', 'ascii'], { encoding: 'utf8', timeout: 120_000 });
    expect(`${attw.stdout}${attw.stderr}`).toMatch(/No problems found/);
    expect(attw.status).toBe(0);
  }, 150_000);
});
