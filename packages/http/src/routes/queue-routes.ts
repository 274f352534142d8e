import type { FastifyInstance } from 'fastify';
import { fromCursor, readPage } from '../paging/cursor.js';
import { isFinalRecipientState, queueOperationsOf, toRecipientFilter, type MessageStore, type QueueEntry, type QueueOperation, type RecipientFilter, type RecipientState } from '@xport/provider-sdk';
import { AUTH_ERRORS, errorResponses } from '../schemas/route-schemas.js';
import { operationBody, operationParams, operationResult, queuePage, queueQuery } from '../schemas/queue-schemas.js';
import { messagePath, toRecipientView, toTime } from '../views/message-views.js';
import { requireStore, type RouteContext } from './route-context.js';

interface QueueQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly state?: RecipientState[];
  readonly provider?: string[];
  readonly type?: string[];
  readonly domain?: string[];
  readonly olderThan?: number;
  readonly message?: string[];
}

interface FilterBody {
  readonly states?: RecipientState[];
  readonly providers?: string[];
  readonly addressTypes?: string[];
  readonly domains?: string[];
  readonly olderThan?: number;
  readonly submittedBefore?: string;
  readonly messageIds?: string[];
  readonly all?: boolean;
}

interface OperationBody {
  readonly filter?: FilterBody;
  readonly ids?: string[];
  readonly dryRun?: boolean;
  readonly expire?: boolean;
}

/** The earlier of "older than (seconds)" and "submitted before", as the filter's one time bound. */
function toSubmittedBefore(olderThanS: number | undefined, before: string | undefined, now: number): number | undefined {
  const bounds = [olderThanS === undefined ? undefined : now - olderThanS * 1000, before === undefined ? undefined : Date.parse(before)].filter((b): b is number => b !== undefined);
  return bounds.length === 0 ? undefined : Math.min(...bounds);
}

function toFilter(fields: FilterBody, now: number): RecipientFilter {
  const filter: { -readonly [K in keyof RecipientFilter]: RecipientFilter[K] } = {};
  if (fields.states) filter.states = fields.states;
  if (fields.providers) filter.providers = fields.providers;
  if (fields.addressTypes) filter.addressTypes = fields.addressTypes;
  if (fields.domains) filter.domains = fields.domains;
  const before = toSubmittedBefore(fields.olderThan, fields.submittedBefore, now);
  if (before !== undefined) filter.submittedBefore = before;
  if (fields.messageIds) filter.messageIds = fields.messageIds;
  if (fields.all === true) filter.all = true;
  return filter;
}

function toQueueRecipientView(e: QueueEntry): Record<string, unknown> {
  const view: Record<string, unknown> = {
    messageId: e.messageId,
    index: e.index,
    recipient: toRecipientView(e.recipient),
    role: e.role,
    provider: e.provider,
    state: e.state,
    attempts: e.attempts,
    nextAttemptAt: e.nextAttemptAt === null ? null : toTime(e.nextAttemptAt),
    updatedAt: toTime(e.updatedAt),
    submittedAt: toTime(e.submittedAt),
    expiresAt: toTime(e.expiresAt),
    href: messagePath(e.messageId),
  };
  if (e.lastError) view.lastError = { code: e.lastError.code, diagnostic: e.lastError.diagnostic };
  if (e.expiresWhileHeld === true) view.expiresWhileHeld = true;
  if (e.subject !== undefined) view.subject = e.subject;
  if (e.from !== undefined) view.from = toRecipientView(e.from);
  return view;
}

/**
 * The unfiltered queue of a store without queue operations (they are optional): its messages in
 * submit order, `limit` at a time, each message's recipients not yet final as rows.
 */
async function readUnfiltered(store: MessageStore, limit: number, cursor: string | undefined): Promise<{ recipients: Array<Record<string, unknown>>; nextCursor: string | null }> {
  const page = await readPage(fromCursor(cursor), limit, (offset, count) => store.listQueue({ offset, limit: count }));
  const recipients = page.items.flatMap((m) =>
    m.recipients
      .filter((r) => !isFinalRecipientState(r.state))
      .map((r) =>
        toQueueRecipientView({
          ...r,
          messageId: m.id,
          submittedAt: m.submittedAt,
          expiresAt: m.expiresAt,
          ...(m.envelope.subject === undefined ? {} : { subject: m.envelope.subject }),
          ...(m.envelope.from === undefined ? {} : { from: m.envelope.from }),
        }),
      ),
  );
  return { recipients, nextCursor: page.nextCursor };
}

/** `GET /v1/queue` (recipients by filter, cursor paging) and `POST /v1/queue/{retry|hold|release|delete}`. */
export function registerQueueRoutes(app: FastifyInstance, { kernel }: RouteContext): void {
  app.get<{ Querystring: QueueQuery }>(
    '/v1/queue',
    {
      schema: {
        summary: 'List the queue by filter',
        description:
          'Recipients not yet final (queued, in flight, deferred, held), in submit order then recipient index, optionally filtered by state, provider, address type, destination domain, age and message. Repeat a parameter to list several values.',
        tags: ['queue'],
        querystring: queueQuery,
        response: { 200: { description: 'A page of recipients; nextCursor reads the next one (null on the last page).', ...queuePage }, ...errorResponses(400, 501, 503, ...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const q = request.query;
      const filter = toFilter({ states: q.state, providers: q.provider, addressTypes: q.type, domains: q.domain, olderThan: q.olderThan, messageIds: q.message } as FilterBody, Date.now());
      const store = requireStore(kernel);
      if (store.operations === undefined && Object.keys(filter).length === 0) return readUnfiltered(store, q.limit, q.cursor);
      const page = await queueOperationsOf(store).listRecipients({ filter: toRecipientFilter(filter), limit: q.limit, ...(q.cursor === undefined ? {} : { cursor: q.cursor }) });
      return { recipients: page.entries.map(toQueueRecipientView), nextCursor: page.nextCursor };
    },
  );

  app.post<{ Params: { operation: QueueOperation }; Body: OperationBody }>(
    '/v1/queue/:operation',
    {
      schema: {
        summary: 'Retry, hold, release or delete recipients by filter',
        description:
          "retry: queued (not yet due) and deferred recipients become due now; hold: queued and deferred ones are set aside, never sent until released, and never expired while held unless expire: true (then they expire when their message's lifetime passes, with a non-delivery report); release: held ones are queued, due now; delete: queued, deferred and held ones are aborted, with one non-delivery report per message to its sender (none for a report, nor when the message asked for none). Recipients in flight are skipped and counted. Works in bounded batches while the daemon sends.",
        tags: ['queue'],
        params: operationParams,
        body: operationBody,
        response: { 200: { description: 'What changed (a dry run: what would).', ...operationResult }, ...errorResponses(400, 415, 501, 503, ...AUTH_ERRORS) },
      },
    },
    async (request) => {
      const { filter: fields = {}, ids, dryRun, expire } = request.body;
      const filter = toFilter(ids ? { ...fields, messageIds: [...(fields.messageIds ?? []), ...ids] } : fields, Date.now());
      return kernel.operateQueue({ operation: request.params.operation, filter, dryRun: dryRun === true, ...(expire === undefined ? {} : { expire }) });
    },
  );
}
