import type { DependencyContainer } from 'tsyringe';
import { XportError, type Logger, type MessageStore } from '@xport/provider-sdk';
import type { ProviderRecord, ReportedError } from '../discovery/provider-record.js';
import type { CredentialService } from '../credentials/credential-service.js';
import { createCredentialView } from '../credentials/credential-view.js';
import { findMissingCredential } from '../credentials/required-credentials.js';
import type { SecretRedactor } from '../logging/secret-redactor.js';
import { createProviderScope } from '../di/provider-container.js';
import { loadProvider, type ProviderInstance } from './load-provider.js';
import { logonRetryDelay, type BackoffPolicy } from './backoff.js';
import type { Scheduler } from './scheduler.js';
import { toInitialState, type ProviderState, type ProviderStateChange } from './provider-state.js';

export interface RunnerServices {
  readonly appRoot: string;
  readonly root: DependencyContainer;
  readonly credentials: CredentialService;
  readonly logger: Logger;
  readonly redactor: SecretRedactor;
  readonly scheduler: Scheduler;
  readonly backoff: BackoffPolicy;
  readonly store: () => MessageStore | undefined;
  readonly onStateChange: (change: ProviderStateChange) => void;
  /** Called once, the first time the provider's start() succeeds: the kernel keeps the start order. */
  readonly onStarted: (runner: ProviderRunner) => void;
  /** How long the provider's stop() may take before the kernel stops waiting for it. Default 10 s. */
  readonly stopTimeoutMs?: number;
}

const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/**
 * Drives one provider through load → logon → start → online, retries logon with backoff when it
 * fails or the provider is unavailable, and stops it. Steps for one provider never overlap.
 */
export class ProviderRunner {
  state: ProviderState;
  lastError: ReportedError | undefined;
  instance: ProviderInstance | undefined;
  private started = false;
  // logon() ran at least once: stop() is owed even when start() never came (see ProviderLifecycle).
  private loggedOn = false;
  private opened = false;
  private closing = false;
  private retryAttempt = 0;
  private cancelRetry: (() => void) | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly logger: Logger;

  constructor(
    readonly record: ProviderRecord,
    private readonly services: RunnerServices,
  ) {
    this.state = toInitialState(record);
    this.lastError = record.errors[0];
    this.logger = services.logger.child({ provider: record.id });
  }

  get id(): string {
    return this.record.id;
  }

  private move(to: ProviderState, error?: ReportedError): void {
    const from = this.state;
    if (error !== undefined) this.lastError = error;
    this.state = to;
    this.services.onStateChange(error === undefined ? { id: this.id, from, to } : { id: this.id, from, to, error });
  }

  private toReported(error: unknown, fallback: ReportedError['code'], what: string): ReportedError {
    const message = error instanceof Error ? error.message : String(error);
    const reported = XportError.is(error) ? { code: error.code, message } : { code: fallback, message: `provider "${this.id}": ${what}: ${message}` };
    return { code: reported.code, message: this.services.redactor.redact(reported.message) };
  }

  private exclusive<T>(step: () => Promise<T>): Promise<T> {
    const run = this.chain.then(step);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Imports the entry and creates the instance. False (state `failed`) when that throws. */
  load(): Promise<boolean> {
    return this.exclusive(async () => {
      const { record, services } = this;
      const manifest = record.manifest;
      if (manifest === undefined || record.entryPath === undefined) return false;
      this.move('loading');
      const scope = createProviderScope(services.root, {
        info: { id: record.id, packageName: record.packageName, version: record.version, directory: record.directory, manifest, appRoot: services.appRoot },
        config: record.config,
        credentials: createCredentialView(services.credentials, record.id, manifest.credentials),
        logger: this.logger,
        store: services.store,
      });
      try {
        this.instance = await loadProvider(record.entryPath, manifest.kind, record.packageName, scope);
        return true;
      } catch (error) {
        this.move('failed', this.toReported(error, 'XPORT_PROVIDER_IMPORT_FAILED', 'creating the provider threw'));
        this.logger.error('provider failed to load', { error: this.lastError });
        return false;
      }
    });
  }

  /** Runs logon (and start, once) now. Never throws: failures become states. */
  bringOnline(): Promise<ProviderState> {
    return this.exclusive(() => this.logonAndStart());
  }

  private async logonAndStart(): Promise<ProviderState> {
    const instance = this.instance;
    if (instance === undefined || this.closing) return this.state;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    this.move('logging-on');
    try {
      const fileProblem = await this.services.credentials.refresh();
      if (fileProblem && this.record.manifest?.credentials !== undefined) this.logger.warn(fileProblem.message, { code: fileProblem.code });
      // Required credentials are the kernel's to check, whether or not the provider asks for them.
      const missing = findMissingCredential(this.services.credentials, this.id, this.record.manifest?.credentials);
      if (missing) throw missing;
      this.loggedOn = true;
      await instance.logon?.();
    } catch (error) {
      const unavailable = XportError.is(error, 'XPORT_PROVIDER_UNAVAILABLE');
      this.move(unavailable ? 'offline' : 'logon-failed', this.toReported(error, 'XPORT_LOGON_FAILED', 'logon threw'));
      this.scheduleRetry();
      return this.state;
    }
    this.retryAttempt = 0;
    if (this.started) {
      this.move('online');
      return this.state;
    }
    this.move('starting');
    try {
      if (this.record.kind === 'store' && !this.opened) {
        await (instance as unknown as MessageStore).open();
        this.opened = true;
      }
      await instance.start?.();
    } catch (error) {
      this.move('failed', this.toReported(error, 'XPORT_PROVIDER_START_FAILED', 'start threw'));
      this.logger.error('provider failed to start', { error: this.lastError });
      return this.state;
    }
    this.started = true;
    this.services.onStarted(this);
    this.move('online');
    this.logger.info('provider online');
    return this.state;
  }

  private scheduleRetry(): void {
    if (this.closing) return;
    const delayMs = logonRetryDelay(this.retryAttempt, this.services.backoff, this.services.scheduler.random);
    this.retryAttempt += 1;
    this.logger.warn('logon did not succeed; retrying later', { state: this.state, code: this.lastError?.code, retryInMs: delayMs });
    this.cancelRetry = this.services.scheduler.schedule(() => {
      this.cancelRetry = undefined;
      void this.bringOnline();
    }, delayMs);
  }

  /**
   * A transport that is online told the kernel (through `availability()`) that it lost its
   * connection. It goes `offline` and logs on again with backoff; a logon that succeeds brings it
   * back `online`, which makes its queued recipients due at once (store and forward). Without this a
   * transport the spooler no longer calls would have no way back.
   */
  noteUnavailable(): void {
    if (this.state !== 'online' || this.closing) return;
    this.move('offline', { code: 'XPORT_PROVIDER_UNAVAILABLE', message: `provider "${this.id}" reported itself unavailable; logging on again` });
    this.logger.warn('transport reported itself unavailable; offline until a logon succeeds');
    this.scheduleRetry();
  }

  /** MAPI ValidateState: logon again now, cancelling any pending retry. */
  revalidate(): Promise<ProviderState> {
    return this.bringOnline();
  }

  /**
   * Cancels retries and stops the provider if it started or its logon ran (a transport may open a
   * listener in logon that must close even though logon failed); the store is closed after its stop().
   */
  stop(): Promise<void> {
    this.closing = true;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    return this.exclusive(async () => {
      if (this.instance === undefined) return;
      this.move('stopping');
      let abandoned: ReportedError | undefined;
      try {
        if (this.started || this.loggedOn) abandoned = await this.stopWithin(this.instance);
        if (this.opened) await (this.instance as unknown as MessageStore).close();
      } catch (error) {
        // A provider that throws while stopping is still stopped: the kernel will not call it again.
        this.logger.error('provider threw while stopping', { message: this.services.redactor.redact(String((error as Error)?.message ?? error)) });
      }
      this.started = false;
      this.loggedOn = false;
      this.opened = false;
      this.move('stopped', abandoned);
    });
  }

  /**
   * Runs the provider's stop() for at most `stopTimeoutMs`. One that never settles must not keep
   * the kernel (and the store, stopped after it) from stopping: the kernel stops waiting, says so,
   * and never calls the provider again. Returns the error to record when it gave up.
   */
  private async stopWithin(instance: ProviderInstance): Promise<ReportedError | undefined> {
    const limitMs = this.services.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    const stopping = Promise.resolve().then(() => instance.stop?.());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), limitMs)));
    try {
      if ((await Promise.race([stopping, late])) !== 'late') return undefined;
    } finally {
      clearTimeout(timer);
    }
    stopping.catch(() => undefined);
    const message = `provider "${this.id}": stop() did not finish within ${limitMs} ms; the kernel stopped waiting for it and will not call it again`;
    this.logger.error('provider did not stop in time; abandoned', { timeoutMs: limitMs });
    return { code: 'XPORT_PROVIDER_UNAVAILABLE', message };
  }
}
