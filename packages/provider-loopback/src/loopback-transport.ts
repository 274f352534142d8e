import {
  outcome,
  toMailboxKey,
  type AssignedRecipient,
  type AttachmentInput,
  type InboundPort,
  type Logger,
  type OutboundMessage,
  type RecipientOutcome,
  type TransportProvider,
} from '@xport/provider-sdk';
import type { LoopbackConfig } from './config.js';
import { loopbackControl } from './control.js';

export interface LoopbackOptions {
  readonly providerId: string;
  readonly config: LoopbackConfig;
  readonly inbound: InboundPort;
  readonly logger: Logger;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// Listens for data and end rather than iterating with for-await: a body is read whole anyway, and the
// async iterator's promise per chunk was a visible share of a loopback hand-over.
function readText(message: OutboundMessage, partId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const stream = message.openPart(partId);
    stream.on('data', (chunk: Buffer | Uint8Array) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
    stream.once('end', () => resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')));
    stream.once('error', reject);
  });
}

/** The content of an outbound message as an inbound one: bodies as text, attachments streamed. */
async function toInboundContent(message: OutboundMessage): Promise<{ text?: string; html?: string; attachments: AttachmentInput[] }> {
  const content: { text?: string; html?: string; attachments: AttachmentInput[] } = { attachments: [] };
  for (const part of message.parts) {
    if (part.kind === 'text') content.text = await readText(message, part.partId);
    else if (part.kind === 'html') content.html = await readText(message, part.partId);
    else {
      content.attachments.push({
        filename: part.filename ?? 'attachment',
        contentType: part.contentType,
        ...(part.contentId !== undefined ? { contentId: part.contentId } : {}),
        content: message.openPart(part.partId) as AsyncIterable<Uint8Array>,
      });
    }
  }
  return content;
}

/**
 * The loopback transport: "sends" by handing the message to the kernel's inbound path, so each
 * recipient finds it in its mailbox (`loopback:<address>`). Faults can be injected by configuration
 * (`offline`, `deferEvery`, `failAddresses`, `latencyMs`) and `offline` switched at run time with
 * {@link loopbackControl}.
 */
export function createLoopbackTransport(options: LoopbackOptions): TransportProvider {
  const { providerId, config, inbound, logger } = options;
  const control = loopbackControl(providerId);
  const failAddresses = new Set(config.failAddresses ?? []);
  const deferEvery = config.deferEvery ?? 0;

  return {
    availability: () => ((control.offlineOverride ?? config.offline === true) ? 'unavailable' : 'available'),
    async send(message, recipients: readonly AssignedRecipient[], { signal }) {
      if ((config.latencyMs ?? 0) > 0) await sleep(config.latencyMs ?? 0, signal);
      const first = control.countHandOver(recipients.length);
      const outcomes: RecipientOutcome[] = [];
      const accepted: number[] = [];
      recipients.forEach((r, i) => {
        if (failAddresses.has(r.recipient.address)) {
          outcomes[i] = outcome.failed('5.1.1', `loopback: mailbox ${toMailboxKey(r.recipient)} does not exist (failAddresses)`);
        } else if (deferEvery > 0 && (first + i) % deferEvery === 0) {
          outcomes[i] = outcome.deferred({ code: '4.3.0', diagnostic: `loopback: injected deferral (every ${deferEvery}th hand-over)` });
        } else accepted.push(i);
      });
      if (accepted.length === 0) return outcomes;

      signal.throwIfAborted();
      const { envelope } = message;
      const receipt = await inbound.deliver({
        ...(envelope.from ? { from: envelope.from } : {}),
        recipients: accepted.map((i) => recipients[i]!.recipient),
        ...(envelope.subject !== undefined ? { subject: envelope.subject } : {}),
        headers: envelope.headers,
        ...(envelope.messageId !== undefined ? { messageId: envelope.messageId } : {}),
        ...(await toInboundContent(message)),
        kind: envelope.kind,
        ...(envelope.reportFor !== undefined ? { reportFor: envelope.reportFor } : {}),
        receivedBy: providerId,
        // A retry after a lost acknowledgement lands on the same entries.
        idempotencyKey: `loopback:${message.id}:${accepted.map((i) => recipients[i]!.index).join(',')}`,
      });
      const rejected = new Map(receipt.rejected.map((r) => [r.mailbox, r.reason]));
      for (const i of accepted) {
        const mailbox = toMailboxKey(recipients[i]!.recipient);
        const reason = rejected.get(mailbox);
        outcomes[i] = reason === undefined ? outcome.delivered(`loopback: delivered to mailbox ${mailbox}`) : outcome.failed('5.7.1', reason);
      }
      logger.debug('loopback hand-over', { messageId: message.id, delivered: accepted.length - rejected.size, of: recipients.length });
      return outcomes;
    },
  };
}
