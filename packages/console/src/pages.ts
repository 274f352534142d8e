/**
 * The console's pages, as route patterns (`:name` is one path segment). The console's router and
 * the HTTP server read this one list: the server answers each of these paths with the console's
 * `index.html`, and none of them lies under `/v1`, `/metrics`, `/livez` or `/readyz`.
 */
export const CONSOLE_PAGES = {
  overview: '/',
  queue: '/queue',
  message: '/messages/:id',
  inboxes: '/inbox',
  inbox: '/inbox/:mailbox',
  inboxEntry: '/inbox/:mailbox/:entryId',
  events: '/events',
} as const;

export type ConsolePage = keyof typeof CONSOLE_PAGES;

/**
 * Where the server says, without a token, whether the API needs one: `{ "tokenRequired": boolean }`.
 * The console reads it first, so a tab that has no token yet shows the sign-in form without a
 * request that would count as a failed authentication.
 */
export const CONSOLE_SETTINGS_PATH = '/console.json';

export interface ConsoleSettings {
  readonly tokenRequired: boolean;
}
