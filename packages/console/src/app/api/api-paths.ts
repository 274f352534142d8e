// The API's routes the console reads, with their parameters encoded.

import { toQueryString, type QueueFilter } from './queue-filter.js';
import type { QueueOperation } from './api-types.js';

const seg = encodeURIComponent;

export const apiPaths = {
  providers: '/v1/providers',
  queue: (filter: QueueFilter, cursor: string | undefined, limit: number): string => `/v1/queue?${toQueryString(filter, { limit: String(limit), cursor })}`,
  queueOperation: (operation: QueueOperation): string => `/v1/queue/${operation}`,
  /** The live event stream, only events of `types` when there are any. */
  events: (types: readonly string[]): string => `/v1/events${types.length === 0 ? '' : `?${types.map((t) => `type=${seg(t)}`).join('&')}`}`,
  /** One JSON page of the event log: the events of `types` after `after`, at most `limit`. */
  eventPage: (types: readonly string[], after: number, limit: number): string =>
    `/v1/events?follow=false&after=${after}&limit=${limit}${types.map((t) => `&type=${seg(t)}`).join('')}`,
  message: (id: string): string => `/v1/messages/${seg(id)}`,
  inbox: (mailbox: string, cursor: string | undefined, limit: number): string => `/v1/inbox/${seg(mailbox)}?limit=${limit}${cursor === undefined ? '' : `&cursor=${seg(cursor)}`}`,
  inboxEntry: (mailbox: string, entryId: string): string => `/v1/inbox/${seg(mailbox)}/${seg(entryId)}`,
};

/** The console's own URLs (see CONSOLE_PAGES). */
export const pageUrls = {
  queue: (filter: QueueFilter): string => {
    const query = toQueryString(filter);
    return query === '' ? '/queue' : `/queue?${query}`;
  },
  message: (id: string): string => `/messages/${seg(id)}`,
  inbox: (mailbox: string): string => `/inbox/${seg(mailbox)}`,
  inboxEntry: (mailbox: string, entryId: string): string => `/inbox/${seg(mailbox)}/${seg(entryId)}`,
};
