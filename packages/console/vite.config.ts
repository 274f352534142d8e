import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { firstLoadSize } from './build/first-load-size.js';

// The console is built ahead of time into dist/app (consoleAssetsDir()), which ships in the
// package; the daemon only serves those files. No source maps: the files are small and the
// package ships the sources under src/app.
export default defineConfig({
  root: fileURLToPath(new URL('src/app', import.meta.url)),
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('dist/app', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
  logLevel: 'info',
  plugins: [firstLoadSize()],
});
