import type { FastifyInstance } from 'fastify';
import { parseRecipient, toMailboxKey, XportError, type InboxEntry, type MessageStore } from '@xport/provider-sdk';
import { fromCursor, readPage } from '../paging/cursor.js';
import { AUTH_ERRORS, errorResponses, inboxEntryParams, inboxPage, inboxPartParams, inboxQuery, mailboxParams, partContent } from '../schemas/route-schemas.js';
import { toInboxEntryView } from '../views/message-views.js';
import { findPart, sendPart } from './part-reply.js';
import { requireStore, type RouteContext } from './route-context.js';

/** The mailbox key of an address in text form (`loopback:alice`, `ada@example.org`); `XPORT_ADDRESS_INVALID` (422) otherwise. */
const toMailbox = (text: string): string => toMailboxKey(parseRecipient(text));

/** The entry `entryId` of `mailbox`; an entry of another mailbox is not found here either. */
async function findEntry(store: MessageStore, mailbox: string, entryId: string): Promise<InboxEntry> {
  const entry = await store.getInboxEntry(entryId);
  if (entry === undefined || entry.mailbox !== mailbox) {
    throw new XportError('XPORT_STORE_NOT_FOUND', `mailbox ${mailbox} has no entry ${JSON.stringify(entryId)}`, { details: { mailbox, entryId } });
  }
  return entry;
}

/** `GET /v1/inbox/{mailbox}` (newest first, cursor paging), one entry, and the bytes of its parts. */
export function registerInboxRoutes(app: FastifyInstance, { kernel }: RouteContext): void {
  app.get<{ Params: { mailbox: string }; Querystring: { limit: number; cursor?: string; unread: boolean } }>(
    '/v1/inbox/:mailbox',
    {
      schema: {
        summary: 'List the entries of a mailbox',
        description: 'Received messages and reports of one address, newest first.',
        tags: ['inbox'],
        params: mailboxParams,
        querystring: inboxQuery,
        response: { 200: { description: 'A page of entries; nextCursor reads the next one (null on the last page).', ...inboxPage }, ...errorResponses(400, 422, 503, ...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const mailbox = toMailbox(request.params.mailbox);
      const { limit, cursor, unread } = request.query;
      const store = requireStore(kernel);
      const page = await readPage(fromCursor(cursor), limit, (offset, count) => store.listInbox(mailbox, { offset, limit: count, unreadOnly: unread }));
      return { mailbox, entries: page.items.map(toInboxEntryView), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { mailbox: string; entryId: string } }>(
    '/v1/inbox/:mailbox/:entryId',
    {
      schema: {
        summary: 'Read an inbox entry',
        tags: ['inbox'],
        params: inboxEntryParams,
        response: { 200: { description: 'The entry.', $ref: 'InboxEntry#' }, ...errorResponses(404, 422, 503, ...AUTH_ERRORS) },
      },
    },
    async (request) => toInboxEntryView(await findEntry(requireStore(kernel), toMailbox(request.params.mailbox), request.params.entryId)),
  );

  app.get<{ Params: { mailbox: string; entryId: string; partId: string } }>(
    '/v1/inbox/:mailbox/:entryId/parts/:partId',
    {
      schema: {
        summary: 'Read a part of an inbox entry: its text, its HTML or an attachment',
        tags: ['inbox'],
        params: inboxPartParams,
        response: { 200: partContent, ...errorResponses(404, 422, 503, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const store = requireStore(kernel);
      const entry = await findEntry(store, toMailbox(request.params.mailbox), request.params.entryId);
      return sendPart(reply, store, findPart(entry.parts, request.params.partId, `inbox entry ${entry.id}`));
    },
  );
}
