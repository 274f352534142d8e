// @xport/console — the xport web console: a single-page application built ahead of time into
// static files, which @xport/http serves at `/` of the HTTP API.

// The built files
export { consoleAssetsDir } from './assets-dir.js';

// The pages (paths a server answers with index.html)
export { CONSOLE_PAGES, CONSOLE_SETTINGS_PATH } from './pages.js';
export type { ConsolePage, ConsoleSettings } from './pages.js';
