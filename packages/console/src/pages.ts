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
} as const;

export type ConsolePage = keyof typeof CONSOLE_PAGES;
