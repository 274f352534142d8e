import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { XportError } from '../errors.js';
import type { MessageInput } from '../message.js';
import type { MessageStore, RecipientError, StoredMessage } from '../store.js';
import type { Recipient } from '../address.js';
import type { InboundPort, Logger } from '../services.js';
import type { HookProvider } from '../hook.js';
import type { TransportProvider } from '../transport.js';

// The SDK must not depend on @xport/core at build time (imports run SDK ← core), so the test kernel
// loads the kernel and the memory store at run time, from the author's project, and sees them
// through these structural types: the few members the harness uses.

/** One row of the kernel's status table, as the harness reads it. */
export interface TestStatusRow {
  readonly id: string;
  readonly kind: string;
  readonly state: string;
  readonly addressTypes: readonly string[];
  readonly lastError?: { readonly code: string; readonly message: string };
}

/** One provider of a discovery report, as the harness reads it. */
export interface TestDiscoveredProvider {
  readonly id: string;
  readonly packageName: string;
  readonly status: string;
  readonly errors: ReadonlyArray<{ readonly code: string; readonly message: string }>;
}

export interface TestSubmitReceipt {
  readonly messageId: string;
  readonly duplicate: boolean;
  readonly recipients: ReadonlyArray<{ readonly recipient: Recipient; readonly provider: string | null; readonly state: string }>;
}

/** A spooler event about one recipient (delivered, deferred, failed, expired). */
export interface TestSpoolerEvent {
  readonly messageId: string;
  readonly recipientIndex: number;
  readonly recipient: Recipient;
  readonly provider: string | null;
  readonly diagnostic?: string;
  readonly error?: RecipientError;
  readonly nextAttemptAt?: number;
}

/** The part of `@xport/core`'s `Kernel` the harness uses. */
export interface TestKernelHandle {
  start(options?: { readonly spool?: boolean }): Promise<void>;
  stop(): Promise<void>;
  discover(): Promise<{ readonly providers: readonly TestDiscoveredProvider[]; readonly problems: ReadonlyArray<{ code: string; message: string }> }>;
  status(): TestStatusRow[];
  submit(input: MessageInput): Promise<TestSubmitReceipt>;
  store(): MessageStore | undefined;
  transport(id: string): TransportProvider | undefined;
  hook(id: string): HookProvider | undefined;
  providerState(id: string): string | undefined;
  spooler(): {
    on(name: 'delivered' | 'deferred' | 'failed' | 'expired', listener: (event: TestSpoolerEvent) => void): () => void;
    flush(providerId?: string): Promise<void>;
    readonly inbound: InboundPort;
  };
  on(event: 'provider-state', listener: (change: { id: string; from: string; to: string; error?: { code: string; message: string } }) => void): () => void;
}

export interface CoreModule {
  createKernel(options: {
    root: string;
    config?: Record<string, unknown>;
    store?: MessageStore;
    credentials?: Readonly<Record<string, Readonly<Record<string, string>>>>;
    logger?: Logger;
    env?: NodeJS.ProcessEnv;
  }): TestKernelHandle;
  isKernelCompatible(range: string): boolean;
  /** The kernel's own manifest check: the same schema, formats and messages as discovery. */
  validateManifest(packageName: string, manifest: unknown): { readonly ok: true; readonly manifest: unknown } | { readonly ok: false; readonly problems: readonly string[] };
  readonly KERNEL_API_VERSION: string;
}

export interface StoreMemoryModule {
  createMemoryStore(options?: { name?: string }): MessageStore;
}

export interface KernelModules {
  readonly core: CoreModule;
  readonly storeMemory: StoreMemoryModule;
}

function resolveFrom(spec: string, directories: readonly string[]): string | undefined {
  for (const directory of directories) {
    try {
      return createRequire(join(directory, 'package.json')).resolve(spec);
    } catch {
      // not installed there; try the next directory
    }
  }
  return undefined;
}

/**
 * Imports packages as the author's project installed them, searching `directories` in order. Missing
 * ones are one `XPORT_TEST_DEPENDENCY_MISSING` error naming them all and what `needer` needs them for.
 */
async function importFromProject(specs: readonly string[], directories: readonly string[], needer: string): Promise<unknown[]> {
  const resolved = specs.map((spec) => ({ spec, path: resolveFrom(spec, directories) }));
  const missing = resolved.filter((r) => r.path === undefined).map((r) => r.spec);
  if (missing.length > 0) {
    throw new XportError(
      'XPORT_TEST_DEPENDENCY_MISSING',
      `@xport/provider-sdk/testing: ${needer} needs ${specs.join(' and ')} in your project; ` +
        `could not resolve ${missing.map((m) => `"${m}"`).join(', ')} from ${directories.join(', ')}. ` +
        `Install them as devDependencies: npm install --save-dev ${missing.join(' ')}`,
      { details: { missing, searched: directories } },
    );
  }
  return Promise.all(resolved.map((r) => import(pathToFileURL(r.path as string).href)));
}

/** Imports `@xport/core` and `@xport/store-memory` from the author's project, searching `directories` in order. */
export async function loadKernelModules(directories: readonly string[]): Promise<KernelModules> {
  const [core, storeMemory] = await importFromProject(['@xport/core', '@xport/store-memory'], directories, 'the test kernel');
  return { core: core as CoreModule, storeMemory: storeMemory as StoreMemoryModule };
}

/** Imports `@xport/core` alone from the author's project: the manifest check is the kernel's own. */
export async function loadCoreModule(directories: readonly string[]): Promise<CoreModule> {
  const [core] = await importFromProject(['@xport/core'], directories, 'the manifest check');
  return core as CoreModule;
}

/** Re-exported for the harness: a stored message, as waited for. */
export type { StoredMessage };
