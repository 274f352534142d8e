import { XportError, XportTokens, type HookProvider, type MessageInput, type MessageStore, type TransportProvider } from '@xport/provider-sdk';
import { discoverProviders } from './discovery/discover-providers.js';
import { toDiscoveryReport, type DiscoveryReport } from './discovery/discovery-report.js';
import type { ProviderRecord, ReportedError } from './discovery/provider-record.js';
import { TypedEmitter } from './events/typed-emitter.js';
import { ProviderRunner } from './lifecycle/provider-runner.js';
import { toInitialState, type KernelEvents, type ProviderState } from './lifecycle/provider-state.js';
import { toStartOrder } from './lifecycle/start-order.js';
import { createRoutingTable, type RoutingTable } from './routing/routing-table.js';
import { toStatusTable } from './status/status-table.js';
import type { ProviderStatus } from './status/status-row.js';
import { createKernelServices, type KernelServices } from './kernel-services.js';
import type { Kernel, KernelOptions } from './kernel-types.js';
import { KERNEL_API_VERSION } from './version.js';
import { createKernelSpooler } from './kernel-spooler.js';
import type { Spooler } from './spooler/spooler.js';
import type { HookEntry } from './spooler/host.js';
import type { SubmitReceipt } from './spooler/submit-message.js';
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
  private spoolerProblem: XportError | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  // Built once per discovery (records and transportOrder fix them); the spooler asks per message.
  private routingTable: { records: readonly ProviderRecord[]; table: RoutingTable } | undefined;
  private hookRunners: { runners: readonly ProviderRunner[]; ordered: readonly ProviderRunner[] } | undefined;

  constructor(private readonly options: KernelOptions) {
    this.root = options.root;
    this.services = createKernelServices(options);
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
    if (this.running) return Promise.resolve();
    this.starting ??= (async () => {
      if (this.stopping) await this.stopping;
      await this.startProviders(options.spool ?? true);
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
      stopTimeoutMs: services.config.spooler.stopTimeoutMs,
      store: () => this.store(),
      onStateChange: (change) => this.events.emit('provider-state', change),
      onStarted: (runner) => {
        this.startOrder.push(runner);
        if (runner === this.storeRunner) services.container.register(XportTokens.Store, { useValue: runner.instance as unknown as MessageStore });
      },
    });
  }

  private async startProviders(spool: boolean): Promise<void> {
    if (this.services.configError) throw this.services.configError;
    const { problems } = await this.scan();
    for (const problem of problems) this.services.logger.warn(problem.message, { code: problem.code });
    // Read the credential sources before any provider is created; each logon reads them again.
    const fileProblem = await this.services.credentials.refresh();
    if (fileProblem) this.services.logger.error(fileProblem.message, { code: fileProblem.code });
    this.runners = this.records.map((record) => this.createRunner(record));
    this.startOrder = [];
    const { store } = this.options;
    if (store !== undefined) {
      await store.open();
      this.services.container.register(XportTokens.Store, { useValue: store });
    } else {
      const storeId = this.services.config.store.provider;
      this.storeRunner = this.runners.find((r) => r.id === storeId && r.record.kind === 'store' && r.record.status === 'ok' && r.record.enabled);
      if (this.storeRunner && (await this.storeRunner.load())) await this.storeRunner.bringOnline();
    }
    this.spoolerInstance = this.createSpooler();
    // Submit-only (xport send): hooks run at submit, but transports stay unloaded — the daemon sends.
    const ordered = toStartOrder(this.records, this.services.config.transportOrder)
      .map((record) => this.runners.find((r) => r.record === record) as ProviderRunner)
      .filter((runner) => spool || runner.record.kind === 'hook');
    const loaded = await Promise.all(ordered.map((runner) => runner.load()));
    for (const [index, runner] of ordered.entries()) if (loaded[index]) await runner.bringOnline();
    this.running = true;
    if (spool) this.spoolerInstance?.start();
  }

  private createSpooler(): Spooler | undefined {
    const store = this.store();
    this.spoolerProblem = undefined;
    if (store === undefined) return undefined;
    const built = createKernelSpooler({
      store,
      clock: this.services.clock,
      logger: this.services.logger,
      config: this.services.config,
      routing: () => this.routing(),
      runners: () => this.runners,
      hooks: () => this.hookEntries(),
      onProviderState: (listener) => this.events.on('provider-state', listener),
      redact: (text) => this.services.redactor.redact(text),
    });
    if ('problem' in built) {
      this.spoolerProblem = built.problem;
      this.services.logger.error(built.problem.message, { code: built.problem.code });
      return undefined;
    }
    if (this.options.inbound === undefined) this.services.container.register(XportTokens.Inbound, { useValue: built.spooler.inbound });
    return built.spooler;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.starting) await this.starting.catch(() => undefined);
      if (!this.running) return;
      // The spooler first: it claims nothing new and releases what it holds while the store is open.
      await this.spoolerInstance?.stop();
      const last = this.storeRunner;
      for (const runner of [...this.startOrder].reverse()) if (runner !== last) await runner.stop();
      for (const runner of this.runners) if (runner !== last && !this.startOrder.includes(runner)) await runner.stop();
      if (last) await last.stop();
      if (this.options.store) await this.options.store.close();
      this.running = false;
    })().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  status(): ProviderStatus[] {
    const rows = this.runners.length > 0 ? this.runners : this.records.map((record) => ({ record, state: toInitialState(record), lastError: record.errors[0] }));
    return toStatusTable(rows, this.services.redactor);
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

  hooks(): HookProvider[] {
    return this.hookEntries().map((entry) => entry.hook);
  }

  private hookEntries(): readonly HookEntry[] {
    if (this.hookRunners?.runners !== this.runners) {
      const ordered = toStartOrder(this.records, this.services.config.transportOrder)
        .map((record) => this.runners.find((r) => r.record === record))
        .filter((r): r is ProviderRunner => r !== undefined && r.record.kind === 'hook');
      this.hookRunners = { runners: this.runners, ordered };
    }
    // Without hook providers (the usual case) there is nothing to read: no array per message.
    if (this.hookRunners.ordered.length === 0) return NO_HOOKS;
    // Which hooks are online changes at run time: read on every call.
    const entries: HookEntry[] = [];
    for (const r of this.hookRunners.ordered) if (r.state === 'online') entries.push({ id: r.id, hook: r.instance as unknown as HookProvider });
    return entries;
  }

  spooler(): Spooler {
    if (this.spoolerProblem) throw this.spoolerProblem;
    if (this.spoolerInstance === undefined) {
      const why = this.running ? 'no message store is configured or online' : 'the kernel is not started';
      throw new XportError(this.running ? 'XPORT_STORE_NOT_CONFIGURED' : 'XPORT_KERNEL_STOPPED', `the spooler is not available: ${why}`);
    }
    return this.spoolerInstance;
  }

  submit(input: MessageInput): Promise<SubmitReceipt> {
    return this.spooler().submit(input);
  }

  providerState(id: string): ProviderState | undefined {
    return this.runners.find((r) => r.id === id)?.state;
  }

  on<K extends keyof KernelEvents>(event: K, listener: (payload: KernelEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  async revalidate(id: string): Promise<ProviderState> {
    const runner = this.runners.find((r) => r.id === id);
    if (runner === undefined) throw new XportError('XPORT_PROVIDER_NOT_FOUND', `revalidate: no provider with id "${id}" was discovered`, { details: { provider: id } });
    if (!this.running) throw new XportError('XPORT_KERNEL_STOPPED', `revalidate("${id}"): the kernel is not running`, { details: { provider: id } });
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
