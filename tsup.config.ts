import { defineConfig } from 'tsup';

export default defineConfig([
  // The library: browser-safe, ESM + CJS + declarations.
  {
    entry: { index: 'src/index.ts', service: 'src/service/index.ts', codemirror: 'src/service/codemirror/index.ts' },
    // The CodeMirror extension uses the host page's CodeMirror (peer dependencies).
    external: [/^@codemirror\//, /^@lezer\//],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    treeshake: true,
  },
  // Node programs (ESM: they use import.meta.url); the shebang in each entry is kept.
  {
    entry: { cli: 'src/cli/bin.ts', lsp: 'src/service/lsp/main.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    platform: 'node',
  },
]);
