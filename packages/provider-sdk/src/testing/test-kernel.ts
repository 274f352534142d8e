import { toMailboxKey, parseRecipient } from '../address.js';
import type { InboundMessage, MessageInput } from '../message.js';
import type { InboundReceipt } from '../services.js';
import type { HookProvider } from '../hook.js';
import type { InboxEntry, MessageStore, RecipientState, StoredMessage } from '../store.js';
import type { TransportProvider } from '../transport.js';
import { createTestApp, readProviderPackage, type FixturePackage, type ProviderPackageInfo } from './test-kernel-app.js';
import { createLogCollector, type LogCollector } from './test-kernel-logs.js';
import {
  loadKernelModules,
  type KernelModules,
  type TestKernelHandle,
  type TestSpoolerEvent,
  type TestStatusRow,
  type TestSubmitReceipt,
} from './test-kernel-modules.js';
import { waitUntil } from './test-kernel-wait.js';

export interface TestKernelOptions {
  /** Provider package directories (each with a package.json holding an `"xport"` manifest and its built entry). */
  readonly providers: readonly string[];
  /** `xport.config.json` content, merged over the harness defaults (fast polling, slow logon retries, no env credentials). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Credentials by provider id, then name. */
  readonly credentials?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** More provider packages to write into the app (fixtures). */
  readonly fixtures?: readonly FixturePackage[];
  /** Where `@xport/core` and `@xport/store-memory` are resolved from; default: the current directory, then each provider directory. */
  readonly resolveFrom?: string;
  /** Start the kernel before resolving (default true). */
  readonly start?: boolean;
  /**
   * Run the spooler (default true). `false` starts the store and the hooks only: `submit` judges,
   * routes and queues, and nothing is sent (as `xport send` without a daemon).
   */
  readonly spool?: boolean;
}

/** One recipient event the spooler emitted, with its name. */
export type RecordedOutcome = TestSpoolerEvent & { readonly event: 'delivered' | 'deferred' | 'failed' | 'expired' };

/** A real kernel on a temporary application, with the in-memory store and collectors. */
export interface TestKernel {
  /** The temporary application root. */
  readonly root: string;
  readonly kernel: TestKernelHandle;
  readonly store: MessageStore;
  readonly logs: LogCollector;
  /** Every recipient event since start, in order. */
  readonly outcomes: readonly RecordedOutcome[];
  /** Every provider state change since creation, in order. */
  readonly stateChanges: ReadonlyArray<{ id: string; from: string; to: string; error?: { code: string; message: string } }>;
  /** The loaded `@xport/core` and `@xport/store-memory` modules. */
  readonly modules: KernelModules;
  /** The provider packages under test, with their manifests. */
  readonly packages: readonly ProviderPackageInfo[];
  start(): Promise<void>;
  status(): TestStatusRow[];
  /** The status row of one provider; throws when there is none. */
  row(id: string): TestStatusRow;
  /** The loaded transport instance, whatever its state. */
  transport(id: string): TransportProvider | undefined;
  /** The loaded hook instance, whatever its state (for calling `outbound`/`inbound` directly). */
  hook(id: string): HookProvider | undefined;
  submit(input: MessageInput): Promise<TestSubmitReceipt>;
  /**
   * Makes every waiting recipient — deferred, or queued for later — of one transport (or of all) due
   * now, and resolves once the spooler has tried them and recorded what the transport answered: the
   * way to test a retry without waiting out the backoff. Recipients of a transport that is not
   * online stay where they are.
   */
  makeDue(providerId?: string): Promise<void>;
  /**
   * Hands a message to the kernel's inbound path, as a transport's receive side does: inbound hooks
   * judge it, then it is written to each recipient's inbox. For testing inbound hooks.
   */
  receive(message: InboundMessage): Promise<InboundReceipt>;
  /**
   * Waits until no recipient of the message is `queued` or `in-flight` (each is delivered, failed,
   * expired, aborted or deferred), or until `until` holds; resolves with the stored message.
   */
  waitForOutcomes(messageId: string, options?: { readonly until?: (message: StoredMessage) => boolean; readonly timeoutMs?: number }): Promise<StoredMessage>;
  /** The inbox of a mailbox (text form accepted: `loopback:ada`, `ada@example.org`). */
  inbox(mailbox: string): Promise<InboxEntry[]>;
  /** Waits until the mailbox has at least `count` entries (default 1). */
  waitForInbox(mailbox: string, count?: number, timeoutMs?: number): Promise<InboxEntry[]>;
  /** Stops the kernel (idempotent) and removes the temporary application. */
  close(): Promise<void>;
}

const SETTLED: readonly RecipientState[] = ['delivered', 'failed', 'expired', 'aborted', 'deferred'];

const HARNESS_DEFAULTS: Readonly<Record<string, unknown>> = {
  spooler: { pollMs: 20, stopTimeoutMs: 2000 },
  // One logon attempt per test: a logon-failed provider stays logon-failed while the test looks at it.
  logonRetry: { minDelayMs: 600_000, maxDelayMs: 600_000 },
  credentials: { env: false },
  logLevel: 'debug',
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeConfig(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeConfig(current, value) : value;
  }
  return merged;
}

/**
 * Starts a real xport kernel for provider tests: a temporary application whose `node_modules` links
 * your provider package(s), loaded through the kernel's real discovery path, with the in-memory store,
 * a log collector and helpers to submit and wait. `@xport/core` and `@xport/store-memory` must be
 * installed in your project (devDependencies). Always `close()` it.
 *
 * @example
 * const t = await createTestKernel({ providers: [packageDir], config: { providers: { fax: { config: { gateway } } } }, credentials: { fax: { apiKey: 'k' } } });
 * const { messageId } = await t.submit({ from: 'fax:+1', to: ['fax:+33123'], text: 'hi' });
 * expect((await t.waitForOutcomes(messageId)).recipients[0]?.state).toBe('delivered');
 * await t.close();
 */
export async function createTestKernel(options: TestKernelOptions): Promise<TestKernel> {
  const packages = await Promise.all(options.providers.map((directory) => readProviderPackage(directory)));
  const searched = options.resolveFrom !== undefined ? [options.resolveFrom] : [process.cwd(), ...packages.map((p) => p.directory)];
  const modules = await loadKernelModules(searched);
  const app = await createTestApp(packages, options.fixtures ?? []);
  const logs = createLogCollector();
  const store = modules.storeMemory.createMemoryStore({ name: 'test-kernel' });
  const kernel = modules.core.createKernel({
    root: app.root,
    config: mergeConfig(HARNESS_DEFAULTS, options.config ?? {}),
    store,
    credentials: options.credentials ?? {},
    logger: logs.logger,
    env: {},
  });
  const outcomes: RecordedOutcome[] = [];
  const stateChanges: Array<{ id: string; from: string; to: string; error?: { code: string; message: string } }> = [];
  kernel.on('provider-state', (change) => stateChanges.push(change));
  let listening = false;
  let closed = false;

  const describeMessage = async (messageId: string): Promise<string> => {
    const message = await store.getMessage(messageId);
    return JSON.stringify(message?.recipients.map((r) => ({ to: `${r.recipient.type}:${r.recipient.address}`, state: r.state, provider: r.provider, lastError: r.lastError })));
  };

  const harness: TestKernel = {
    root: app.root,
    kernel,
    store,
    logs,
    outcomes,
    stateChanges,
    modules,
    packages,
    async start() {
      await kernel.start(options.spool === false ? { spool: false } : undefined);
      if (listening) return;
      listening = true;
      const spooler = kernel.spooler();
      for (const event of ['delivered', 'deferred', 'failed', 'expired'] as const) spooler.on(event, (e) => outcomes.push({ ...e, event }));
    },
    status: () => kernel.status(),
    row(id) {
      const row = kernel.status().find((r) => r.id === id);
      if (row === undefined) throw new Error(`test kernel: no status row for provider "${id}" (rows: ${kernel.status().map((r) => r.id).join(', ') || 'none'})`);
      return row;
    },
    transport: (id) => kernel.transport(id),
    hook: (id) => kernel.hook(id),
    submit: (input) => kernel.submit(input),
    // The spooler's flush: make due, then claim and send until nothing more is claimed.
    makeDue: (providerId) => kernel.spooler().flush(providerId),
    receive: (message) => kernel.spooler().inbound.deliver(message),
    waitForOutcomes(messageId, waitOptions = {}) {
      const until = waitOptions.until ?? ((m: StoredMessage) => m.recipients.every((r) => SETTLED.includes(r.state)));
      return waitUntil(
        async () => {
          const message = await store.getMessage(messageId);
          return message !== undefined && until(message) ? message : undefined;
        },
        { what: `the outcomes of message ${messageId}`, ...(waitOptions.timeoutMs === undefined ? {} : { timeoutMs: waitOptions.timeoutMs }), describe: () => describeMessage(messageId) },
      );
    },
    inbox: (mailbox) => store.listInbox(toMailboxKey(parseRecipient(mailbox))),
    waitForInbox(mailbox, count = 1, timeoutMs) {
      const key = toMailboxKey(parseRecipient(mailbox));
      return waitUntil(
        async () => {
          const entries = await store.listInbox(key);
          return entries.length >= count ? entries : undefined;
        },
        { what: `${count} entr${count === 1 ? 'y' : 'ies'} in mailbox ${key}`, ...(timeoutMs === undefined ? {} : { timeoutMs }), describe: async () => `${(await store.listInbox(key)).length} entries` },
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await kernel.stop();
      } finally {
        await app.cleanup();
      }
    },
  };
  if (options.start ?? true) {
    try {
      await harness.start();
    } catch (error) {
      await harness.close();
      throw error;
    }
  }
  return harness;
}
