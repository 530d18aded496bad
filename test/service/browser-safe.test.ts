/**
 * The language service must run in browsers and under a strict CSP: nothing it imports,
 * directly or not, may use Node modules, `eval`, `new Function` or WebAssembly. The LSP
 * server (`src/service/lsp/`) is Node-only and is not imported by the service.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Every module reachable from `entry` through relative imports, with its package imports. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const source = readFileSync(file, 'utf8');
    const specifiers = [...source.matchAll(/(?:import|export)[^'"]*?from\s*'([^']+)'|import\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]!);
    seen.set(file, specifiers.filter((s) => !s.startsWith('.')));
    for (const s of specifiers.filter((s) => s.startsWith('.'))) {
      if (s.endsWith('.json')) continue;
      visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
    }
  };
  visit(entry);
  return seen;
}

describe('the language service is browser-safe', () => {
  const modules = reachable(resolve(root, 'service/index.ts'));

  it('imports no Node module and not the LSP server', () => {
    expect(modules.size).toBeGreaterThan(10);
    for (const [file, packages] of modules) {
      expect(file, 'LSP modules are Node-only').not.toContain('/service/lsp/');
      for (const name of packages) {
        expect(name.startsWith('node:') || name.startsWith('vscode-'), `${file} imports ${name}`).toBe(false);
      }
    }
  });

  it('uses no eval, new Function or WebAssembly', () => {
    for (const file of modules.keys()) {
      const source = readFileSync(file, 'utf8').replace(/\/\*[^]*?\*\/|\/\/.*$/gm, '');
      expect(/\beval\s*\(|new\s+Function\b|WebAssembly\./.test(source), file).toBe(false);
    }
  });
});
