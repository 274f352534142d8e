import type { DependencyContainer } from 'tsyringe';
import { XportError, type Clock, type Logger, type MessageStore } from '@xport/provider-sdk';
import type { ProviderRecord, ReportedError } from '../discovery/provider-record.js';
import type { CredentialService } from '../credentials/credential-service.js';
import { createCredentialView } from '../credentials/credential-view.js';
import { findMissingCredential } from '../credentials/required-credentials.js';
import type { SecretRedactor } from '../logging/secret-redactor.js';
import { ProviderErrors, type DatedError } from '../status/error-history.js';
import { createProviderScope } from '../di/provider-container.js';
import { createProviderInstance, importProviderModule, type ProviderInstance } from './load-provider.js';
import { logonRetryDelay, type BackoffPolicy } from './logon-retry.js';
import type { Scheduler } from './scheduler.js';
import { toInitialState, type ProviderFault, type ProviderState, type ProviderStateChange } from './provider-state.js';
import { registerFaultOwner, runAsProvider, toAttributedInstance, type FaultOrigin, type FaultOwner } from './fault-attribution.js';
import { runStep, type LateSettlement, type StepOutcome } from './step-deadline.js';
import { toFaultReport, toTimeoutReport, type LifecycleDeadlines, type LifecycleStep } from './lifecycle-deadlines.js';

export interface RunnerServices {
  readonly appRoot: string;
  readonly root: DependencyContainer;
  readonly credentials: CredentialService;
  readonly logger: Logger;
  readonly redactor: SecretRedactor;
  readonly scheduler: Scheduler;
  readonly backoff: BackoffPolicy;
  /** Dates the errors the status table shows. */
  readonly clock: Clock;
  /** How long each step may take before the kernel stops waiting for it. */
  readonly deadlines: LifecycleDeadlines;
  readonly store: () => MessageStore | undefined;
  /** Whether the kernel has a store configured (open or not): a provider asking for one while there is none is told which. */
  readonly storeConfigured: boolean;
  readonly onStateChange: (change: ProviderStateChange) => void;
  readonly onFault: (fault: ProviderFault) => void;
  /** Called once, the first time the provider's start() succeeds: the kernel keeps the start order. */
  readonly onStarted: (runner: ProviderRunner) => void;
}

/**
 * Drives one provider through import → create → logon → start → online, retries logon (and a start
 * that missed its deadline) with backoff, and stops it. Every step runs under its deadline
 * (`lifecycle.*TimeoutMs`) and as the provider's code (so what it leaves unhandled is blamed on it);
 * steps for one provider never overlap, and none waits on another provider.
 */
export class ProviderRunner implements FaultOwner {
  state: ProviderState;
  // The error behind the current state (cleared when the provider comes online) and the last few as history.
  private readonly errors = new ProviderErrors();
  /** The instance as the kernel calls it: transports and hooks through a proxy that runs each call as theirs. */
  instance: ProviderInstance | undefined;
  private started = false;
  // logon() ran at least once: stop() is owed even when start() never came (see ProviderLifecycle).
  private loggedOn = false;
  // A start() the kernel stopped waiting for is still running: stop() must not overlap it (adoptLate stops it once it ends).
  private startPending = false;
  private opened = false;
  private closing = false;
  private retryAttempt = 0;
  private cancelRetry: (() => void) | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  // Aborted by stop(): a step still pending is no longer waited for.
  private readonly interrupt = new AbortController();
  private forget: (() => void) | undefined;
  private readonly logger: Logger;

  constructor(
    readonly record: ProviderRecord,
    private readonly services: RunnerServices,
  ) {
    this.state = toInitialState(record);
    if (record.errors[0] !== undefined) this.errors.note(record.errors[0], services.clock.now());
    this.logger = services.logger.child({ provider: record.id });
  }

  /** The error behind the provider's current state; undefined while it is online and nothing went wrong since it came online. */
  get lastError(): ReportedError | undefined {
    const current = this.errors.current;
    return current === undefined ? undefined : { code: current.code as ReportedError['code'], message: current.message };
  }

  /** When {@link lastError} happened (epoch ms). */
  get lastErrorAt(): number | undefined {
    return this.errors.current?.at;
  }

  /** The last errors, newest first, kept after the provider recovered. */
  get errorHistory(): readonly DatedError[] {
    return this.errors.history;
  }

  get id(): string {
    return this.record.id;
  }

  get directory(): string {
    return this.record.directory;
  }

  private move(to: ProviderState, error?: ReportedError): void {
    const from = this.state;
    if (error !== undefined) this.errors.note(error, this.services.clock.now());
    else if (to === 'online') this.errors.recovered();
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

  /** Runs one step of the provider's code under its deadline; `interruptible` steps end when stop() is called. */
  private attempt<T>(step: LifecycleStep, run: () => T | Promise<T>, onLate?: (late: LateSettlement<T>) => void, interruptible = true): Promise<StepOutcome<T>> {
    return runStep(() => runAsProvider(this, run), {
      limitMs: this.services.deadlines[step],
      ...(interruptible ? { interrupt: this.interrupt.signal } : {}),
      onLate: (late) => {
        this.logger.warn('provider step settled after the kernel stopped waiting for it', { step, outcome: late.kind === 'done' ? 'resolved' : 'rejected', afterMs: late.afterMs });
        onLate?.(late);
      },
    });
  }

  /** Imports the entry and creates the instance. False (state `failed`) when that throws or misses its deadline. */
  load(): Promise<boolean> {
    return this.exclusive(async () => {
      const { record, services } = this;
      const { manifest, entryPath } = record;
      if (manifest === undefined || entryPath === undefined || this.closing) return false;
      this.forget ??= registerFaultOwner(this);
      this.move('loading');
      const imported = await this.attempt('import', () => importProviderModule(entryPath, record.packageName));
      if (imported.kind !== 'done') return this.loadFailed('import', imported);
      const scope = createProviderScope(services.root, {
        info: { id: record.id, packageName: record.packageName, version: record.version, directory: record.directory, manifest, appRoot: services.appRoot },
        config: record.config,
        credentials: createCredentialView(services.credentials, record.id, manifest.credentials),
        logger: this.logger,
        store: services.store,
        storeConfigured: services.storeConfigured,
      });
      // An instance created after the deadline is never used: the kernel has already given up on it.
      const created = await this.attempt('create', () => createProviderInstance(imported.value, entryPath, manifest.kind, record.packageName, scope));
      if (created.kind !== 'done') return this.loadFailed('create', created);
      // The store is the kernel's hot path and its own service: its calls are not proxied (its steps still run as its code).
      this.instance = manifest.kind === 'store' ? created.value : toAttributedInstance(created.value, this);
      return true;
    });
  }

  private loadFailed(step: LifecycleStep, outcome: Exclude<StepOutcome<unknown>, { kind: 'done' }>): false {
    // Interrupted: stop() is running and settles the state.
    if (outcome.kind === 'interrupted') return false;
    const timedOut = outcome.kind === 'timeout';
    this.move('failed', timedOut ? toTimeoutReport(this.id, step, outcome.limitMs) : this.toReported(outcome.error, 'XPORT_PROVIDER_IMPORT_FAILED', 'creating the provider threw'));
    this.logger.error(timedOut ? 'provider missed its load deadline; the kernel gave up on it' : 'provider failed to load', { error: this.lastError });
    return false;
  }

  /** Runs logon (and start, once) now. Never throws: failures become states. */
  bringOnline(): Promise<ProviderState> {
    return this.exclusive(() => this.logonAndStart());
  }

  /** The kernel's check of required credentials, then the provider's own logon. */
  private async logon(instance: ProviderInstance): Promise<void> {
    const fileProblem = await this.services.credentials.refresh();
    if (fileProblem && this.record.manifest?.credentials !== undefined) this.logger.warn(fileProblem.message, { code: fileProblem.code });
    // Required credentials are the kernel's to check, whether or not the provider asks for them.
    const missing = findMissingCredential(this.services.credentials, this.id, this.record.manifest?.credentials);
    if (missing) throw missing;
    this.loggedOn = true;
    await instance.logon?.();
  }

  private async logonAndStart(): Promise<ProviderState> {
    const instance = this.instance;
    if (instance === undefined || this.closing) return this.state;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    this.move('logging-on');
    const logon = await this.attempt('logon', () => this.logon(instance));
    if (logon.kind === 'interrupted') return this.state;
    if (logon.kind !== 'done') {
      // No answer is treated like an unreachable server: offline, and logged on again with backoff.
      const offline = logon.kind === 'timeout' || XportError.is(logon.error, 'XPORT_PROVIDER_UNAVAILABLE');
      this.move(offline ? 'offline' : 'logon-failed', logon.kind === 'timeout' ? toTimeoutReport(this.id, 'logon', logon.limitMs) : this.toReported(logon.error, 'XPORT_LOGON_FAILED', 'logon threw'));
      this.scheduleRetry();
      return this.state;
    }
    this.retryAttempt = 0;
    if (this.started) {
      this.move('online');
      return this.state;
    }
    this.move('starting');
    if (this.record.kind === 'store' && !this.opened) {
      const store = instance as unknown as MessageStore;
      const open = await this.attempt('open', () => store.open(), (late) => this.adoptLate(late, 'open'));
      if (open.kind !== 'done') return this.startFailed('open', open);
      this.opened = true;
    }
    const start = await this.attempt('start', () => instance.start?.(), (late) => {
      this.startPending = false;
      this.adoptLate(late, 'start');
    });
    if (start.kind !== 'done') return this.startFailed('start', start);
    this.markStarted();
    this.move('online');
    this.logger.info('provider online');
    return this.state;
  }

  private startFailed(step: 'open' | 'start', outcome: Exclude<StepOutcome<unknown>, { kind: 'done' }>): ProviderState {
    if (outcome.kind === 'interrupted') return this.state;
    if (outcome.kind === 'timeout') {
      if (step === 'start') this.startPending = true;
      // It may only be slow: log on and start again later (a start that finishes meanwhile is kept, see adoptLate).
      this.move('offline', toTimeoutReport(this.id, step, outcome.limitMs));
      this.logger.error('provider missed its start deadline; retrying with backoff', { error: this.lastError });
      this.scheduleRetry();
      return this.state;
    }
    this.move('failed', this.toReported(outcome.error, 'XPORT_PROVIDER_START_FAILED', 'start threw'));
    this.logger.error('provider failed to start', { error: this.lastError });
    return this.state;
  }

  /**
   * An open() or start() the kernel stopped waiting for finished after all. While the kernel runs,
   * that is a fact to keep (the next logon brings the provider online without starting it twice);
   * once it is stopping, what the late step opened is closed again, so nothing outlives the kernel.
   */
  private adoptLate(late: LateSettlement<unknown>, step: 'open' | 'start'): void {
    if (late.kind !== 'done') return;
    if (!this.closing) {
      if (step === 'open') this.opened = true;
      else this.markStarted();
      return;
    }
    const instance = this.instance;
    if (instance === undefined) return;
    void this.stopStep(step === 'open' ? 'close' : 'stop', () => (step === 'open' ? (instance as unknown as MessageStore).close() : instance.stop?.()));
  }

  private markStarted(): void {
    if (this.started) return;
    this.started = true;
    this.services.onStarted(this);
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
  takeOffline(): void {
    if (this.state !== 'online' || this.closing) return;
    this.move('offline', { code: 'XPORT_PROVIDER_UNAVAILABLE', message: `provider "${this.id}" reported itself unavailable; logging on again` });
    this.logger.warn('transport reported itself unavailable; offline until a logon succeeds');
    this.scheduleRetry();
  }

  /** An error this provider's code left unhandled reached the process: log it and show it in the status row. */
  noteFault(origin: FaultOrigin, error: unknown): void {
    const reported = toFaultReport(this.id, origin, error, this.services.redactor);
    this.errors.note(reported, this.services.clock.now());
    this.logger.error('provider left an error unhandled; the kernel contained it', { origin, error: reported });
    this.services.onFault({ id: this.id, origin, error: reported });
  }

  /** MAPI ValidateState: logon again now, cancelling any pending retry. */
  revalidate(): Promise<ProviderState> {
    return this.bringOnline();
  }

  /** The kernel is stopping: no more retries, and a step still pending is no longer waited for. */
  interruptSteps(): void {
    this.closing = true;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    this.interrupt.abort();
  }

  /**
   * Cancels retries and stops the provider if it started or its logon ran (a transport may open a
   * listener in logon that must close even though logon failed); the store is closed after its
   * stop(). Each under the stop deadline.
   */
  stop(): Promise<void> {
    this.interruptSteps();
    return this.exclusive(async () => {
      const instance = this.instance;
      if (instance === undefined) {
        // Stopped while its import or create was pending: it never ran, and never will.
        if (this.state === 'loading') this.move('stopped');
        this.forget?.();
        return;
      }
      this.move('stopping');
      let abandoned: ReportedError | undefined;
      if (this.started || (this.loggedOn && !this.startPending)) abandoned = await this.stopStep('stop', () => instance.stop?.());
      if (this.opened) abandoned = (await this.stopStep('close', () => (instance as unknown as MessageStore).close())) ?? abandoned;
      this.started = false;
      this.loggedOn = false;
      this.opened = false;
      this.move('stopped', abandoned);
      this.forget?.();
    });
  }

  /**
   * Runs the provider's stop() (or a store's close()) for at most the stop deadline. One that never
   * settles must not keep the kernel (and the store, stopped after it) from stopping: the kernel
   * stops waiting, says so, and never calls the provider again. Returns the error to record when it
   * gave up. A provider that throws while stopping is still stopped.
   */
  private async stopStep(step: 'stop' | 'close', run: () => unknown): Promise<ReportedError | undefined> {
    const outcome = await this.attempt(step, run, undefined, false);
    if (outcome.kind === 'threw') {
      this.logger.error('provider threw while stopping', { message: this.services.redactor.redact(String((outcome.error as Error)?.message ?? outcome.error)) });
    }
    if (outcome.kind !== 'timeout') return undefined;
    this.logger.error('provider did not stop in time; abandoned', { step, timeoutMs: outcome.limitMs });
    return toTimeoutReport(this.id, step, outcome.limitMs);
  }
}
