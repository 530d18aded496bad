import { defineConfig } from 'tsup';

// Chevrotain is ESM-only, so a CommonJS build that `require`s it fails on Node without
// require(esm) and under Jest. It is bundled into dist/ instead, with its lodash-es calls
// served by es-toolkit's lodash-compatible build (a fraction of lodash's size, one module).
const bundled = ['chevrotain', /^@chevrotain\//, 'lodash-es', /^es-toolkit/];
const alias = { 'lodash-es': 'es-toolkit/compat' };

export default defineConfig([
  // The library: browser-safe, ESM + CJS + declarations. Shared code is split into chunks, so
  // each format holds one copy of every module whatever entries a program loads.
  {
    entry: { index: 'src/index.ts', service: 'src/service/index.ts', codemirror: 'src/service/codemirror/index.ts', middleware: 'src/middleware/index.ts', bots: 'src/bots/index.ts', logpush: 'src/cloudflare/logpush/index.ts' },
    // The CodeMirror extension uses the host page's CodeMirror (peer dependencies).
    external: [/^@codemirror\//, /^@lezer\//],
    noExternal: bundled,
    format: ['esm', 'cjs'],
    splitting: true,
    // `@internal` members stay out of the published declarations.
    dts: { compilerOptions: { stripInternal: true } },
    sourcemap: false,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    treeshake: true,
    esbuildOptions(options) {
      options.alias = alias;
    },
  },
  // Node programs, each one self-contained file with every dependency bundled (so a library
  // user installs none of them). ESM with a `require` for the CommonJS dependencies.
  {
    entry: { cli: 'src/cli/bin.ts', lsp: 'src/service/lsp/main.ts' },
    format: ['esm'],
    noExternal: [/.*/],
    dts: false,
    sourcemap: false,
    clean: false,
    splitting: false,
    target: 'node20',
    platform: 'node',
    minify: true,
    keepNames: false,
    banner: { js: "import { createRequire as __wirefilterCreateRequire } from 'node:module';\nconst require = __wirefilterCreateRequire(import.meta.url);" },
    esbuildOptions(options) {
      options.alias = alias;
    },
  },
]);
