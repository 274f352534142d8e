// The API's routes the console reads, with their parameters encoded.

const seg = encodeURIComponent;

export const apiPaths = {
  providers: '/v1/providers',
  queue: (cursor: string | undefined, limit: number): string => `/v1/queue?limit=${limit}${cursor === undefined ? '' : `&cursor=${seg(cursor)}`}`,
  message: (id: string): string => `/v1/messages/${seg(id)}`,
  inbox: (mailbox: string, cursor: string | undefined, limit: number): string => `/v1/inbox/${seg(mailbox)}?limit=${limit}${cursor === undefined ? '' : `&cursor=${seg(cursor)}`}`,
  inboxEntry: (mailbox: string, entryId: string): string => `/v1/inbox/${seg(mailbox)}/${seg(entryId)}`,
};

/** The console's own URLs (see CONSOLE_PAGES). */
export const pageUrls = {
  message: (id: string): string => `/messages/${seg(id)}`,
  inbox: (mailbox: string): string => `/inbox/${seg(mailbox)}`,
  inboxEntry: (mailbox: string, entryId: string): string => `/inbox/${seg(mailbox)}/${seg(entryId)}`,
};
