import { fileURLToPath } from 'node:url';

/**
 * The folder of the console's built files (`index.html` and `assets/`), shipped in the package.
 * `@xport/http` serves it at `/`; any static file server can.
 */
export function consoleAssetsDir(): string {
  // dist/assets-dir.js → dist/app (vite writes there; see vite.config.ts).
  return fileURLToPath(new URL('app', import.meta.url));
}
