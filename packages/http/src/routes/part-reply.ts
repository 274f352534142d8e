import { create as contentDisposition } from 'content-disposition';
import type { FastifyReply } from 'fastify';
import type { MessageStore, PartInfo } from '@xport/provider-sdk';
import { XportError } from '@xport/provider-sdk';

/** The part named `partId` among `parts`, or `XPORT_STORE_NOT_FOUND` naming where it was looked for. */
export function findPart(parts: readonly PartInfo[], partId: string, owner: string): PartInfo {
  const part = parts.find((p) => p.partId === partId);
  if (part === undefined) throw new XportError('XPORT_STORE_NOT_FOUND', `${owner} has no part ${JSON.stringify(partId)}`, { details: { partId } });
  return part;
}

/**
 * Streams a stored part in its own content type. What a sender wrote is served to whoever reads it,
 * so a browser must neither guess another type nor run it: `nosniff`, and a sandboxing policy that
 * lets an HTML part load nothing and run no script.
 */
export function sendPart(reply: FastifyReply, store: MessageStore, part: PartInfo): FastifyReply {
  reply
    .header('content-type', part.contentType)
    .header('content-length', String(part.size))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox");
  if (part.kind === 'attachment') reply.header('content-disposition', contentDisposition(part.filename ?? 'attachment', { type: 'attachment' }));
  return reply.send(store.openPart(part.partId));
}
