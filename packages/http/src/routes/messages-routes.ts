import type { FastifyInstance } from 'fastify';
import { XportError } from '@xport/provider-sdk';
import { toMessageView, messagePath, toRecipientView } from '../views/message-views.js';
import { AUTH_ERRORS, errorResponses, messageParams, messagePartParams, partContent } from '../schemas/route-schemas.js';
import { submitBody, submitHeaders, submitReceipt } from '../schemas/submit-schemas.js';
import { toMessageInput, type SubmitBody } from '../submit/to-message-input.js';
import { findPart, sendPart } from './part-reply.js';
import { requireStore, type RouteContext } from './route-context.js';

/** `POST /v1/messages`, `GET /v1/messages/{id}` and the bytes of its parts. */
export function registerMessageRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { kernel } = ctx;

  app.post<{ Body: SubmitBody; Headers: { 'idempotency-key'?: string } }>(
    '/v1/messages',
    {
      bodyLimit: ctx.maxBodyBytes,
      schema: {
        summary: 'Submit a message',
        description: 'Validates, runs outbound hooks, routes and queues a message, like kernel.submit. Once answered 202 the message is the daemon\'s responsibility.',
        tags: ['messages'],
        headers: submitHeaders,
        body: submitBody,
        response: { 202: { description: 'Accepted: the message is queued (with duplicate: true, it already was).', ...submitReceipt }, ...errorResponses(400, 409, 413, 415, 422, 503, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const receipt = await kernel.submit(toMessageInput(request.body, request.headers['idempotency-key']));
      const href = messagePath(receipt.messageId);
      reply.code(202).header('location', href);
      return {
        messageId: receipt.messageId,
        duplicate: receipt.duplicate,
        recipients: receipt.recipients.map((r) => ({ recipient: toRecipientView(r.recipient), provider: r.provider, state: r.state })),
        href,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/messages/:id',
    {
      schema: {
        summary: 'Read a message',
        description:
          "The stored message (queued or sent) and each recipient as the store has it now: queued, in flight, deferred (with the last error), or final, with its timeline of delivery events when the store keeps an event log.",
        tags: ['messages'],
        params: messageParams,
        response: { 200: { description: 'The message.', $ref: 'Message#' }, ...errorResponses(404, 503, ...AUTH_ERRORS) },
      },
    },
    async (request) => {
      requireStore(kernel);
      const history = await kernel.messageHistory(request.params.id);
      if (history === undefined) throw new XportError('XPORT_STORE_NOT_FOUND', `no message ${JSON.stringify(request.params.id)}`, { details: { messageId: request.params.id } });
      return toMessageView(history.message, history);
    },
  );

  app.get<{ Params: { id: string; partId: string } }>(
    '/v1/messages/:id/parts/:partId',
    {
      schema: {
        summary: "Read a part of a message: its text, its HTML or an attachment",
        tags: ['messages'],
        params: messagePartParams,
        response: { 200: partContent, ...errorResponses(404, 503, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const store = requireStore(kernel);
      const message = await store.getMessage(request.params.id);
      if (message === undefined) throw new XportError('XPORT_STORE_NOT_FOUND', `no message ${JSON.stringify(request.params.id)}`, { details: { messageId: request.params.id } });
      return sendPart(reply, store, findPart(message.parts, request.params.partId, `message ${message.id}`));
    },
  );
}
