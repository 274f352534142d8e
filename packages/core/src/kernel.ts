import {
  XportError,
  XportTokens,
  type CredentialDeclaration,
  type CredentialView,
  type DeliveryEvent,
  type EventReadRequest,
  type HookProvider,
  type MessageInput,
  type MessageStore,
  type TransportProvider,
} from '@xport/provider-sdk';
import { followEvents, type FollowEventsOptions } from './history/event-follower.js';
import { requireEventLog } from './history/event-log-access.js';
import { readMessageHistory, type MessageHistory } from './history/message-history.js';
import { toWriteSignal } from './history/write-signal.js';
import { createCredentialView } from './credentials/credential-view.js';
import { discoverProviders } from './discovery/discover-providers.js';
import { toDiscoveryReport, type DiscoveryReport } from './discovery/discovery-report.js';
import type { ProviderRecord, ReportedError } from './discovery/provider-record.js';
import { TypedEmitter } from './events/typed-emitter.js';
import { ProviderRunner } from './lifecycle/provider-runner.js';
import { toInitialState, type KernelEvents, type ProviderState } from './lifecycle/provider-state.js';
import { toStartOrder } from './lifecycle/start-order.js';
import { toLifecycleDeadlines, type LifecycleDeadlines } from './lifecycle/lifecycle-deadlines.js';
import { closeGivenStore, openGivenStore, toStoreNotConfigured, toStoreOpenFailure } from './lifecycle/open-store.js';
import { createRoutingTable, type RoutingTable } from './routing/routing-table.js';
import { toStatusTable } from './status/status-table.js';
import type { ProviderStatus } from './status/status-row.js';
import { createKernelServices, type KernelServices } from './kernel-services.js';
import { toHookEntry, toJudgingHookRunners } from './hooks/hook-entries.js';
import type { Kernel, KernelOptions } from './kernel-types.js';
import { KERNEL_API_VERSION } from './version.js';
import { createKernelSpooler } from './kernel-spooler.js';
import { REPORTS_CREDENTIAL_OWNER } from './spooler/verp-token.js';
import { toNoSpoolerError, toNotRunningError, type KernelPhase } from './kernel-readiness.js';
import type { DestinationStatus } from './spooler/destination-limiter.js';
import type { Spooler } from './spooler/spooler.js';
import type { HookEntry } from './spooler/host.js';
import type { SubmitReceipt } from './spooler/submit-message.js';
import type { QueueOperationInput, QueueOperationReport } from './spooler/queue-operation.js';
import type { StartOptions } from './kernel-types.js';

const NO_HOOKS: readonly HookEntry[] = Object.freeze([]);

class XportKernel implements Kernel {
  readonly root: string;
  private readonly services: KernelServices;
  private readonly events: TypedEmitter<KernelEvents>;
  private records: ProviderRecord[] = [];
  private runners: ProviderRunner[] = [];
  private startOrder: ProviderRunner[] = [];
  private storeRunner: ProviderRunner | undefined;
  private running = false;
  private spoolerInstance: Spooler | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  // Set by a stop() that arrives while start() runs; aborting `interrupt` ends the steps start waits on.
  private stopRequested = false;
  // Whether start() was ever called: work refused while not running says "not started" before, "stopped" after.
  private everStarted = false;
  private interrupt = new AbortController();
  private givenStoreOpen = false;
  private readonly deadlines: LifecycleDeadlines;
  // Built once per discovery (records and transportOrder fix them); the spooler asks per message.
  private routingTable: { records: readonly ProviderRecord[]; table: RoutingTable } | undefined;
  private hookRunners: { runners: readonly ProviderRunner[]; ordered: readonly ProviderRunner[] } | undefined;

  constructor(private readonly options: KernelOptions) {
    this.root = options.root;
    this.services = createKernelServices(options);
    this.deadlines = toLifecycleDeadlines(this.services.config);
    this.events = new TypedEmitter((event, error) => this.services.logger.error('event listener threw', { event, message: String((error as Error)?.message ?? error) }));
  }

  get config() {
    return this.services.config;
  }

  get container() {
    return this.services.container;
  }

  private async scan(): Promise<{ problems: ReportedError[] }> {
    const found = await discoverProviders(this.root, this.services.config);
    this.records = found.records;
    const storeId = this.services.config.store.provider;
    if (storeId !== undefined && this.options.store === undefined) {
      const store = found.records.find((r) => r.id === storeId && r.kind === 'store');
      if (store === undefined) found.problems.push({ code: 'XPORT_STORE_NOT_CONFIGURED', message: `store.provider "${storeId}" in xport.config.json is not a discovered store provider` });
    }
    return found;
  }

  async discover(): Promise<DiscoveryReport> {
    const { problems } = await this.scan();
    const configError = this.services.configError;
    return toDiscoveryReport({
      root: this.root,
      kernelApiVersion: KERNEL_API_VERSION,
      records: this.records,
      problems,
      configErrors: configError ? [{ code: configError.code, message: configError.message }] : [],
      credentials: this.services.credentials,
    });
  }

  start(options: StartOptions = {}): Promise<void> {
    if (this.starting) return this.starting;
    if (this.running) return Promise.resolve();
    this.everStarted = true;
    this.starting = (async () => {
      if (this.stopping) await this.stopping;
      this.stopRequested = false;
      this.interrupt = new AbortController();
      try {
        await this.startProviders(options.spool ?? true);
      } catch (error) {
        // Nothing stays half started: what did start is stopped again before start() rejects.
        await this.teardown();
        throw error;
      }
    })().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private createRunner(record: ProviderRecord): ProviderRunner {
    const { services } = this;
    return new ProviderRunner(record, {
      appRoot: this.root,
      root: services.container,
      credentials: services.credentials,
      logger: services.logger,
      redactor: services.redactor,
      scheduler: services.scheduler,
      backoff: services.config.logonRetry,
      clock: services.clock,
      deadlines: this.deadlines,
      store: () => this.store(),
      storeConfigured: this.storeConfigured(),
      onStateChange: (change) => this.events.emit('provider-state', change),
      onFault: (fault) => this.events.emit('provider-fault', fault),
      onStarted: (runner) => {
        this.startOrder.push(runner);
        if (runner === this.storeRunner) services.container.register(XportTokens.Store, { useValue: runner.instance as unknown as MessageStore });
      },
    });
  }

  private throwIfStopRequested(): void {
    if (this.stopRequested) throw new XportError('XPORT_KERNEL_STOPPED', 'start() was interrupted: stop() was called before every provider had settled');
  }

  /**
   * Store first (the kernel does not start without a configured store), then the spooler, then
   * every other provider at once: each comes online, fails or misses a deadline on its own, so one
   * that hangs holds up none of the others, and the spooler delivers through those online meanwhile.
   * Resolves once every provider has settled.
   */
  private async startProviders(spool: boolean): Promise<void> {
    if (this.services.configError) throw this.services.configError;
    const { problems } = await this.scan();
    for (const problem of problems) this.services.logger.warn(problem.message, { code: problem.code });
    // Read the credential sources before any provider is created; each logon reads them again.
    const fileProblem = await this.services.credentials.refresh();
    if (fileProblem) this.services.logger.error(fileProblem.message, { code: fileProblem.code });
    this.throwIfStopRequested();
    this.runners = this.records.map((record) => this.createRunner(record));
    this.startOrder = [];
    this.storeRunner = undefined;
    // A spooler left from an earlier run is not this run's: spooler() says stopped until a new one exists.
    this.spoolerInstance = undefined;
    this.running = true;
    await this.openStore();
    this.throwIfStopRequested();
    this.spoolerInstance = this.createSpooler();
    if (this.spoolerInstance) this.events.emit('spooler-ready', this.spoolerInstance);
    if (spool) this.spoolerInstance?.start();
    // Submit-only (xport send): hooks run at submit, but transports stay unloaded — the daemon sends.
    const others = toStartOrder(this.records, this.services.config.transportOrder)
      .map((record) => this.runners.find((r) => r.record === record) as ProviderRunner)
      .filter((runner) => spool || runner.record.kind === 'hook');
    await Promise.all(others.map(async (runner) => (await runner.load()) && (await runner.bringOnline())));
    this.throwIfStopRequested();
  }

  /** Opens the configured store, or rejects saying why it cannot. No store configured at all is allowed (no spooler then). */
  private async openStore(): Promise<void> {
    const { store } = this.options;
    if (store !== undefined) {
      await openGivenStore(store, this.deadlines, this.interrupt.signal, this.services.logger);
      this.givenStoreOpen = true;
      this.services.container.register(XportTokens.Store, { useValue: store });
      return;
    }
    const storeId = this.services.config.store.provider;
    if (storeId === undefined) return;
    const runner = this.runners.find((r) => r.id === storeId && r.record.kind === 'store' && r.record.status === 'ok' && r.record.enabled);
    if (runner === undefined) throw toStoreNotConfigured(storeId, this.records);
    this.storeRunner = runner;
    const state = (await runner.load()) ? await runner.bringOnline() : runner.state;
    this.throwIfStopRequested();
    if (state !== 'online') throw toStoreOpenFailure(storeId, state, runner.lastError);
  }

  private createSpooler(): Spooler | undefined {
    const store = this.store();
    if (store === undefined) return undefined;
    const spooler = createKernelSpooler({
      store,
      clock: this.services.clock,
      logger: this.services.logger,
      config: this.services.config,
      routing: () => this.routing(),
      runners: () => this.runners,
      hooks: () => this.hookEntries(),
      onProviderState: (listener) => this.events.on('provider-state', listener),
      redact: (text) => this.services.redactor.redact(text),
      verpKey: () => this.services.credentials.lookup(REPORTS_CREDENTIAL_OWNER, 'verpKey').value,
    });
    if (this.options.inbound === undefined) this.services.container.register(XportTokens.Inbound, { useValue: spooler.inbound });
    return spooler;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.starting) {
        // A start still bringing providers up is cut short: stopping never waits for a hung provider.
        this.stopRequested = true;
        this.interrupt.abort();
        for (const runner of this.runners) runner.interruptSteps();
        await this.starting.catch(() => undefined);
      }
      await this.teardown();
    })().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  /**
   * Spooler first (it claims nothing new and releases what it holds while the store is open), then
   * every other provider at once — each bounded by the stop deadline, so hung stops do not add up —
   * and the store last.
   */
  private async teardown(): Promise<void> {
    if (!this.running) return;
    await this.spoolerInstance?.stop();
    const last = this.storeRunner;
    const others = [...[...this.startOrder].reverse(), ...this.runners.filter((r) => !this.startOrder.includes(r))].filter((r) => r !== last);
    await Promise.all(others.map((runner) => runner.stop()));
    if (last) await last.stop();
    if (this.options.store && this.givenStoreOpen) {
      this.givenStoreOpen = false;
      await closeGivenStore(this.options.store, this.deadlines, this.services.logger);
    }
    this.running = false;
  }

  status(): ProviderStatus[] {
    const rows = this.runners.length > 0 ? this.runners : this.records.map((record) => ({ record, state: toInitialState(record), lastError: record.errors[0] }));
    return toStatusTable(rows, this.services.redactor);
  }

  destinations(): DestinationStatus[] {
    return this.spoolerInstance?.destinations() ?? [];
  }

  routing(): RoutingTable {
    if (this.routingTable?.records !== this.records) {
      const transports = this.records.filter((r) => r.status === 'ok' && r.enabled && r.kind === 'transport');
      this.routingTable = { records: this.records, table: createRoutingTable(transports, this.services.config.transportOrder) };
    }
    return this.routingTable.table;
  }

  store(): MessageStore | undefined {
    if (this.options.store) return this.options.store;
    const runner = this.storeRunner;
    return runner?.state === 'online' || runner?.state === 'stopping' ? (runner.instance as unknown as MessageStore) : undefined;
  }

  transport(id: string): TransportProvider | undefined {
    const runner = this.runners.find((r) => r.id === id && r.record.kind === 'transport');
    return runner?.instance as unknown as TransportProvider | undefined;
  }

  hook(id: string): HookProvider | undefined {
    const runner = this.runners.find((r) => r.id === id && r.record.kind === 'hook');
    return runner?.instance as unknown as HookProvider | undefined;
  }

  hooks(): HookProvider[] {
    const online: HookProvider[] = [];
    for (const entry of this.hookEntries()) if (entry.state === 'online' && entry.hook !== undefined) online.push(entry.hook);
    return online;
  }

  private hookEntries(): readonly HookEntry[] {
    if (this.hookRunners?.runners !== this.runners) {
      this.hookRunners = { runners: this.runners, ordered: toJudgingHookRunners(this.runners, this.services.config) };
    }
    // Without hook providers (the usual case) there is nothing to read: no array per message.
    if (this.hookRunners.ordered.length === 0) return NO_HOOKS;
    // States change at run time: read on every call. Hooks that are not online are listed too, so
    // the spooler can refuse what they would judge (policy fails closed).
    return this.hookRunners.ordered.map(toHookEntry);
  }

  spooler(): Spooler {
    if (this.spoolerInstance === undefined) throw toNoSpoolerError(this.phase(), this.storeConfigured());
    return this.spoolerInstance;
  }

  /** A store passed to createKernel, or one named by store.provider: start() does not succeed without it open. */
  private storeConfigured(): boolean {
    return this.options.store !== undefined || this.services.config.store.provider !== undefined;
  }

  private phase(): KernelPhase {
    if (this.running) return 'running';
    return this.everStarted ? 'stopped' : 'never-started';
  }

  submit(input: MessageInput): Promise<SubmitReceipt> {
    return this.spooler().submit(input);
  }

  operateQueue(input: QueueOperationInput): Promise<QueueOperationReport> {
    return this.spooler().operate(input);
  }

  readEvents(request: EventReadRequest): Promise<DeliveryEvent[]> {
    return requireEventLog(this.store(), 'read delivery events').readEvents(request);
  }

  lastEventId(): Promise<number> {
    return requireEventLog(this.store(), 'read the last event id').lastEventId();
  }

  followEvents(options: FollowEventsOptions = {}): AsyncIterable<DeliveryEvent> {
    const store = this.store();
    const log = requireEventLog(store, 'follow delivery events');
    return followEvents(log, options, toWriteSignal(store!, this.spoolerInstance));
  }

  async messageHistory(messageId: string): Promise<MessageHistory | undefined> {
    const store = this.store();
    if (store === undefined) throw new XportError('XPORT_STORE_NOT_CONFIGURED', `read the history of message ${messageId}: no message store is open (start the kernel with a store first)`);
    return readMessageHistory(store, messageId);
  }

  providerState(id: string): ProviderState | undefined {
    return this.runners.find((r) => r.id === id)?.state;
  }

  on<K extends keyof KernelEvents>(event: K, listener: (payload: KernelEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  async credentials(owner: string, declarations: Readonly<Record<string, CredentialDeclaration>>): Promise<CredentialView> {
    const fileProblem = await this.services.credentials.refresh();
    if (fileProblem) this.services.logger.error(fileProblem.message, { code: fileProblem.code });
    return createCredentialView(this.services.credentials, owner, declarations);
  }

  async revalidate(id: string): Promise<ProviderState> {
    const runner = this.runners.find((r) => r.id === id);
    if (runner === undefined) throw new XportError('XPORT_PROVIDER_NOT_FOUND', `revalidate: no provider with id "${id}" was discovered`, { details: { provider: id } });
    const phase = this.phase();
    if (phase !== 'running') throw toNotRunningError(phase, `revalidate("${id}")`, { provider: id });
    return runner.revalidate();
  }
}

/**
 * Creates a kernel for an application root. Nothing is scanned or loaded until `discover()` or
 * `start()`.
 *
 * @example
 * const kernel = createKernel({ root: process.cwd() });
 * await kernel.start();
 * console.table(kernel.status());
 * await kernel.stop();
 */
export function createKernel(options: KernelOptions): Kernel {
  return new XportKernel(options);
}
