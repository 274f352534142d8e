import type { DependencyContainer } from 'tsyringe';
import type {
  Clock,
  CredentialDeclaration,
  CredentialView,
  DeliveryEvent,
  EventReadRequest,
  HookProvider,
  InboundPort,
  Logger,
  MessageInput,
  MessageStore,
  TransportProvider,
} from '@xport/provider-sdk';
import type { FollowEventsOptions } from './history/event-follower.js';
import type { MessageHistory } from './history/message-history.js';
import type { XportConfig, XportConfigInput } from './config/config-schema.js';
import type { DiscoveryReport } from './discovery/discovery-report.js';
import type { KernelEvents, ProviderState } from './lifecycle/provider-state.js';
import type { Scheduler } from './lifecycle/scheduler.js';
import type { RoutingTable } from './routing/routing-table.js';
import type { ProviderStatus } from './status/status-row.js';
import type { DestinationStatus } from './spooler/destination-limiter.js';
import type { Spooler } from './spooler/spooler.js';
import type { SubmitReceipt } from './spooler/submit-message.js';
import type { QueueOperationInput, QueueOperationReport } from './spooler/queue-operation.js';

export interface StartOptions {
  /**
   * true (default): start every provider and the spool loop — a daemon.
   * false: open the store and hooks only, so `submit` queues messages for a daemon to send (`xport send`).
   */
  readonly spool?: boolean;
}

export interface KernelOptions {
  /** The application root: where xport.config.json and node_modules are. */
  readonly root: string;
  /** Configuration to use instead of reading root/xport.config.json (validated the same way). */
  readonly config?: XportConfigInput;
  /** A message store the application built; the kernel opens it at start and closes it at stop. */
  readonly store?: MessageStore;
  /** The inbound path (normally registered by the spooler); transports reach it through their context. */
  readonly inbound?: InboundPort;
  /** Credentials by provider id, then name. Searched before the environment and the credentials file. */
  readonly credentials?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * Where logs go; pino JSON lines to standard error when omitted, at `logLevel` (or `XPORT_LOG_LEVEL`
   * from the process environment, which overrides it). Known secrets are masked either way.
   */
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Environment for `XPORT_<ID>__<NAME>` credentials (`toEnvCredentialName`); `process.env` when omitted. */
  readonly env?: NodeJS.ProcessEnv;
  /** Timers for logon retries; real, unref'ed timers when omitted. Tests pass a manual one. */
  readonly scheduler?: Scheduler;
}

/** The xport kernel: discovery, validation, DI, credentials, lifecycle, status and routing. */
export interface Kernel {
  readonly root: string;
  /** Validated configuration, defaults applied (the defaults when the file is invalid; start() then rejects). */
  readonly config: XportConfig;
  /** Root DI container (kernel services: Clock, Logger, Store, Inbound). */
  readonly container: DependencyContainer;
  /** Finds and validates providers without loading their code. */
  discover(): Promise<DiscoveryReport>;
  /**
   * Discovers, opens the store, starts the spooler, then loads, logs on and starts every other valid,
   * enabled provider at once, each under its `lifecycle` deadlines; resolves once each has settled
   * (online, or failed/offline with a reason). Rejects — with nothing left running — when the config
   * is invalid or a configured store cannot be opened (`XPORT_STORE_NOT_CONFIGURED`,
   * `XPORT_STORE_UNAVAILABLE`, …), or with `XPORT_KERNEL_STOPPED` when `stop()` cut it short. Idempotent.
   */
  start(options?: StartOptions): Promise<void>;
  /** Stops the spooler, then the providers (each within its stop deadline), the store last; cancels retries and cuts a running start() short. Idempotent. */
  stop(): Promise<void>;
  status(): ProviderStatus[];
  /**
   * One row per destination the spooler has sent to since it started (transports name them with
   * `destinationOf`): sends in flight, concurrency as throttling left it and as configured, rate,
   * suspension. Empty while no spooler runs.
   */
  destinations(): DestinationStatus[];
  /** Routing table from the last discovery (empty before the first). */
  routing(): RoutingTable;
  store(): MessageStore | undefined;
  /** The loaded transport instance, whatever its state: check providerState(id) before sending. */
  transport(id: string): TransportProvider | undefined;
  /** The loaded hook instance, whatever its state: check providerState(id) before judging with it. */
  hook(id: string): HookProvider | undefined;
  /** Online hook providers, in judging order (`hookOrder`, then discovery order). */
  hooks(): HookProvider[];
  providerState(id: string): ProviderState | undefined;
  on<K extends keyof KernelEvents>(event: K, listener: (payload: KernelEvents[K]) => void): () => void;
  /**
   * The spooler (submit, flush, abort, queue depth, events). Throws `XPORT_KERNEL_NOT_STARTED` before
   * `start()`, `XPORT_KERNEL_STOPPED` after a failed start, `XPORT_STORE_UNAVAILABLE` while the
   * configured store is still opening, and `XPORT_STORE_NOT_CONFIGURED` when no store is configured.
   */
  spooler(): Spooler;
  /**
   * Retries, holds, releases or deletes the queued recipients a filter selects (the spooler's
   * `operate`): bounded batches, in-flight recipients skipped and counted, `dryRun` to count first.
   * A hold with `expire: true` lets the held recipients expire when their message's lifetime passes.
   *
   * @example
   * await kernel.operateQueue({ operation: 'hold', filter: { domains: ['example.org'] } });
   * await kernel.operateQueue({ operation: 'hold', filter: { domains: ['example.org'] }, expire: true });
   * await kernel.operateQueue({ operation: 'release', filter: { states: ['held'], domains: ['example.org'] } });
   */
  operateQueue(input: QueueOperationInput): Promise<QueueOperationReport>;
  /** Validates, routes and queues a message; once it resolves the message is the kernel's responsibility. */
  submit(input: MessageInput): Promise<SubmitReceipt>;
  /**
   * Delivery events after a cursor, oldest first (the store's event log). Rejects with
   * `XPORT_STORE_NO_EVENTS` when the store keeps none, `XPORT_STORE_NOT_CONFIGURED` without an open store.
   *
   * @example
   * const page = await kernel.readEvents({ after: 0, limit: 100, types: ['failed'] });
   */
  readEvents(request: EventReadRequest): Promise<DeliveryEvent[]>;
  /** The id of the newest event (0 for an empty log): follow after it for new events only. Same errors as `readEvents`. */
  lastEventId(): Promise<number>;
  /**
   * Follows the event log: the events after `options.after` (or, without it, only new ones), then
   * each new one as it is written, until `options.signal` aborts. Writes of this kernel wake it at
   * once; those of another process on the same store are seen within `pollMs`.
   *
   * @example
   * for await (const event of kernel.followEvents({ signal })) console.log(event.id, event.type, event.messageId);
   */
  followEvents(options?: FollowEventsOptions): AsyncIterable<DeliveryEvent>;
  /**
   * A message, queued or sent, with each recipient's timeline of events; undefined when the store
   * does not have it (unknown, or purged with the history after the retention period).
   *
   * @example
   * const history = await kernel.messageHistory(receipt.messageId);
   */
  messageHistory(messageId: string): Promise<MessageHistory | undefined>;
  /** Re-runs logon for a provider now (MAPI ValidateState) and resolves with its new state. */
  revalidate(id: string): Promise<ProviderState>;
  /**
   * Credentials of a part of the application that is not a provider (the HTTP API reads its tokens
   * here): the names `declarations` lists, under `owner`, from the same sources a provider's come
   * from (`XPORT_<OWNER>__<NAME>`, the credentials file, `createKernel({ credentials })`), masked in
   * every log line like them. The credentials file is read again first. `owner` must be an id no
   * provider uses.
   *
   * @example
   * const view = await kernel.credentials('http', { token: { required: false, description: 'API bearer token' } });
   * const token = view.get('token')?.reveal();
   */
  credentials(owner: string, declarations: Readonly<Record<string, CredentialDeclaration>>): Promise<CredentialView>;
}
