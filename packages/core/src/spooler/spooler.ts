import type { InboundPort, MessageInput } from '@xport/provider-sdk';
import { endReceiveSpan, endSubmitSpan, startReceiveSpan, startSubmitSpan, traced } from '../tracing/messaging-spans.js';
import { createSpoolerEmitter, type SpoolerEventName, type SpoolerListener } from './events.js';
import type { SpoolerHost } from './host.js';
import type { DestinationStatus } from './destination-limiter.js';
import { createHookGate } from './hook-gate.js';
import { startSuppressionPurge } from './suppression-purge.js';
import { createInboundPort } from './inbound-port.js';
import { createSpoolLoop, type SpoolLoopOptions } from './spool-loop.js';
import { submitMessage, type SubmitReceipt } from './submit-message.js';
import { operateQueue, type QueueOperationInput, type QueueOperationReport } from './queue-operation.js';

/** Recipients not yet final, for one provider. */
export interface QueueDepth {
  readonly queued: number;
  readonly inFlight: number;
  readonly deferred: number;
  readonly held: number;
}

export interface Spooler {
  /** Starts the loop; idempotent. */
  start(): void;
  /** Claims nothing new, lets in-flight sends end (then aborts them after `stopTimeoutMs`), releases what is still claimed. */
  stop(): Promise<void>;
  /** Validates, runs outbound hooks, routes and queues a message. Rejects when it was not accepted. */
  submit(input: MessageInput): Promise<SubmitReceipt>;
  /** Makes deferred work (of one provider, or all) due now and resolves once it has been attempted. */
  flush(providerId?: string): Promise<void>;
  /** Cancels a queued message (no NDR). `XPORT_STORE_IN_FLIGHT` while a recipient is being sent. */
  abort(messageId: string): Promise<void>;
  /**
   * Retries, holds, releases or deletes the recipients a filter selects, in bounded batches, skipping
   * (and counting) those in flight; `dryRun` only counts. `XPORT_QUEUE_FILTER_UNBOUNDED` for a filter
   * that selects everything without `all: true`; `XPORT_QUEUE_OPERATIONS_UNSUPPORTED` when the store has none.
   */
  operate(input: QueueOperationInput): Promise<QueueOperationReport>;
  /** Non-final recipients per transport. */
  queueDepth(): Promise<Record<string, QueueDepth>>;
  /** When the oldest message with a recipient not yet final was submitted (epoch ms); null when there is none. */
  oldestQueuedAt(): Promise<number | null>;
  /** Every destination sent to since start: in flight, limits as feedback left them, suspension. */
  destinations(): DestinationStatus[];
  /** The inbound path a transport's receive side hands messages to. */
  readonly inbound: InboundPort;
  on<E extends SpoolerEventName>(name: E, listener: SpoolerListener<E>): () => void;
  readonly running: boolean;
}

export type CreateSpoolerOptions = SpoolLoopOptions;

/**
 * Creates the spooler over the kernel's host interface.
 *
 * @example
 * const spooler = createSpooler(host);
 * spooler.on('delivered', (e) => log.info('delivered', { id: e.messageId, to: e.recipient.address }));
 * spooler.start();
 * const { messageId } = await spooler.submit({ from: 'loopback:me', to: ['loopback:you'], text: 'hi' });
 */
export function createSpooler(host: SpoolerHost, options: CreateSpoolerOptions = {}): Spooler {
  const events = createSpoolerEmitter(host.logger);
  const loop = createSpoolLoop(host, events, options);
  const hookGate = createHookGate(host.logger);
  const port = createInboundPort(host, events, hookGate);
  const inbound: InboundPort = {
    deliver: (message) => traced(startReceiveSpan(message?.receivedBy), () => port.deliver(message), (span, receipt) => endReceiveSpan(span, receipt.entries, receipt.rejected.length)),
  };
  const settleUnroutable = (messageId: string) => loop.settleStranded(messageId);
  // Expired suppression entries are purged while the spooler runs (at start, then hourly).
  let purge: { readonly stop: () => void } | undefined;
  return {
    start: () => {
      loop.start();
      purge ??= startSuppressionPurge(host);
    },
    stop: () => {
      purge?.stop();
      purge = undefined;
      return loop.stop();
    },
    submit: (input) =>
      traced(startSubmitSpan(), () => submitMessage(host, events, input, settleUnroutable, hookGate), (span, receipt) => endSubmitSpan(span, receipt.messageId, receipt.recipients.length)),
    flush: (providerId) => loop.flush(providerId),
    abort: (messageId) => host.store.abort(messageId, host.clock.now()),
    operate: (input) =>
      operateQueue({ store: host.store, clock: host.clock, logger: host.logger, events, host }, input, input.batchSize ?? host.options.batchSize, () => void loop.wake()),
    async queueDepth() {
      const { byProvider } = await host.store.counts();
      const depth: Record<string, QueueDepth> = {};
      for (const id of host.transportIds()) depth[id] = { queued: 0, inFlight: 0, deferred: 0, held: 0 };
      for (const [id, counts] of Object.entries(byProvider)) {
        // `held` is optional for a store built against the contract before it (its counts have none).
        if (id !== '') depth[id] = { queued: counts.queued, inFlight: counts.inFlight, deferred: counts.deferred, held: counts.held ?? 0 };
      }
      return depth;
    },
    async oldestQueuedAt() {
      // The queue lists messages in submit order: the first is the oldest.
      const [oldest] = await host.store.listQueue({ limit: 1 });
      return oldest?.submittedAt ?? null;
    },
    destinations: () => loop.destinations.status(host.clock.now()),
    inbound,
    on: (name, listener) => events.on(name, listener),
    get running() {
      return loop.running;
    },
  };
}
