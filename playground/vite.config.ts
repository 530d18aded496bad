/**
 * Vite configuration of the playground (`npm run playground`, `npm run playground:build`).
 * The root is this folder; the library is imported from `../src` as TypeScript, so the
 * repository folder must be readable by the dev server.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repository = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  // Relative asset URLs: the built page works from any folder or static host.
  base: './',
  server: { host: '127.0.0.1', fs: { allow: [repository] } },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One page with the whole Cloudflare field catalogue: a single chunk of ~0.5 MB is expected.
    chunkSizeWarningLimit: 1500,
  },
});
