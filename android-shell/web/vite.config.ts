/**
 * Build of the thin client: `npm run build:device` → android-shell/web/dist/ (index.html plus
 * content-hashed assets), served by the gateway at /device/.
 */
import { defineConfig } from 'vite';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/device/',
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome80',
    sourcemap: true,
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
});
