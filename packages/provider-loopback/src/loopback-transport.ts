import {
  outcome,
  toMailboxKey,
  type AssignedRecipient,
  type InboundMessage,
  type InboundPort,
  type Logger,
  type Recipient,
  type RecipientOutcome,
  type TransportProvider,
} from '@xport/provider-sdk';
import type { LoopbackConfig } from './config.js';
import { attachLoopbackControl, createLoopbackControl } from './control.js';
import { addInboundContent } from './inbound-content.js';

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

/** A retry after a lost acknowledgement lands on the same entries: the key names the message and its recipients. */
function toIdempotencyKey(messageId: string, recipients: readonly AssignedRecipient[], accepted: readonly number[]): string {
  let key = `loopback:${messageId}:${recipients[accepted[0]!]!.index}`;
  for (let i = 1; i < accepted.length; i += 1) key += `,${recipients[accepted[i]!]!.index}`;
  return key;
}

/**
 * The loopback transport: "sends" by handing the message to the kernel's inbound path, so each
 * recipient finds it in its mailbox (`loopback:<address>`). Faults can be injected by configuration
 * (`offline`, `deferEvery`, `failAddresses`, `deferAddresses`, `notMeAddresses`, `latencyMs`), and `offline`
 * switched at run time through this instance's own control (`loopbackControl(transport)`).
 */
export function createLoopbackTransport(options: LoopbackOptions): TransportProvider {
  const { providerId, config, inbound, logger } = options;
  const control = createLoopbackControl();
  const failAddresses = new Set(config.failAddresses ?? []);
  const deferAddresses = new Set(config.deferAddresses ?? []);
  const notMeAddresses = new Set(config.notMeAddresses ?? []);
  const deferEvery = config.deferEvery ?? 0;
  const latencyMs = config.latencyMs ?? 0;

  return attachLoopbackControl<TransportProvider>({
    availability: () => ((control.offlineOverride ?? config.offline === true) ? 'unavailable' : 'available'),
    async send(message, recipients: readonly AssignedRecipient[], { signal }) {
      if (latencyMs > 0) await sleep(latencyMs, signal);
      const first = control.countHandOver(recipients.length);
      const outcomes: RecipientOutcome[] = new Array<RecipientOutcome>(recipients.length);
      const accepted: number[] = [];
      const to: Recipient[] = [];
      for (let i = 0; i < recipients.length; i += 1) {
        const recipient = recipients[i]!.recipient;
        if (failAddresses.size > 0 && failAddresses.has(recipient.address)) {
          outcomes[i] = outcome.failed('5.1.1', `loopback: mailbox ${toMailboxKey(recipient)} does not exist (failAddresses)`);
        } else if (deferAddresses.size > 0 && deferAddresses.has(recipient.address)) {
          outcomes[i] = outcome.deferred({ code: '4.2.1', diagnostic: `loopback: mailbox ${toMailboxKey(recipient)} is busy, try again later (deferAddresses)` });
        } else if (notMeAddresses.size > 0 && notMeAddresses.has(recipient.address)) {
          outcomes[i] = outcome.notMe();
        } else if (deferEvery > 0 && (first + i) % deferEvery === 0) {
          outcomes[i] = outcome.deferred({ code: '4.3.0', diagnostic: `loopback: injected deferral (every ${deferEvery}th hand-over)` });
        } else {
          accepted.push(i);
          to.push(recipient);
        }
      }
      if (accepted.length === 0) return outcomes;

      signal.throwIfAborted();
      const { envelope } = message;
      // Built by assignment: optional fields are left out rather than spread in from temporary objects.
      const handOver: { -readonly [K in keyof InboundMessage]: InboundMessage[K] } = { recipients: to, headers: envelope.headers, kind: envelope.kind };
      if (envelope.from) handOver.from = envelope.from;
      if (envelope.subject !== undefined) handOver.subject = envelope.subject;
      if (envelope.messageId !== undefined) handOver.messageId = envelope.messageId;
      if (envelope.reportFor !== undefined) handOver.reportFor = envelope.reportFor;
      await addInboundContent(message, handOver);
      handOver.receivedBy = providerId;
      handOver.idempotencyKey = toIdempotencyKey(message.id, recipients, accepted);
      const receipt = await inbound.deliver(handOver);

      const rejected = receipt.rejected.length === 0 ? undefined : new Map(receipt.rejected.map((r) => [r.mailbox, r.reason]));
      for (const i of accepted) {
        const mailbox = toMailboxKey(recipients[i]!.recipient);
        const reason = rejected?.get(mailbox);
        outcomes[i] = reason === undefined ? outcome.delivered(`loopback: delivered to mailbox ${mailbox}`) : outcome.failed('5.7.1', reason);
      }
      // One debug record per hand-over: tests and operators count hand-overs by it (test/e2e/crash-restart).
      logger.debug('loopback hand-over', { messageId: message.id, delivered: accepted.length - (rejected?.size ?? 0), of: recipients.length });
      return outcomes;
    },
  }, control);
}
