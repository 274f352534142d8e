// Test harness: a real memory store, a manual clock and a host whose transports are real objects.
import {
  outcome,
  sameAddressType,
  type AssignedRecipient,
  type Clock,
  type HookProvider,
  type Logger,
  type OutboundMessage,
  type RecipientOutcome,
  type TransportProvider,
} from '@xport/provider-sdk';
import { createMemoryStore } from '../../../store-memory/src/index.js';
import { createSpooler, toSpoolerOptions, type HookEntry, type ProviderLimits, type Spooler, type SpoolerHost, type SpoolerOptionsInput } from '../../src/spooler/index.js';
import type { ReportOptions } from '../../src/spooler/report-options.js';

export const T0 = Date.UTC(2025, 0, 1);

export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = T0): ManualClock {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (message: string, fields?: Readonly<Record<string, unknown>>): void =>
      void lines.push({ level, message, ...(fields ? { fields } : {}) });
  const logger = { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

export interface HarnessOptions {
  readonly options?: SpoolerOptionsInput;
  readonly limits?: Record<string, ProviderLimits>;
  /** Report routing and names (`toReportOptions`); the kernel's defaults when left out. */
  readonly reports?: ReportOptions;
}

export async function createHarness(opts: HarnessOptions = {}) {
  const store = createMemoryStore({ name: 'spooler-test' });
  await store.open();
  const clock = manualClock();
  const logger = recordingLogger();
  const transports = new Map<string, { types: string[]; provider: TransportProvider }>();
  const offline = new Set<string>();
  const stateListeners = new Set<(e: { id: string; to: string }) => void>();
  // Hooks as the kernel lists them; one pushed as just { id, hook } is online and not advisory.
  const hooks: Array<{ id: string; hook: HookProvider | undefined } & Partial<Omit<HookEntry, 'id' | 'hook'>>> = [];
  const host: SpoolerHost = {
    store,
    clock,
    logger,
    options: toSpoolerOptions({ pollMs: 60_000, ...opts.options }),
    ...(opts.reports ? { reports: opts.reports } : {}),
    routing: () => ({
      providersFor: (type) => [...transports].filter(([, t]) => t.types.some((x) => sameAddressType(x, type))).map(([id]) => id),
    }),
    transportIds: () => [...transports.keys()],
    transport: (id) => transports.get(id)?.provider,
    isAvailable: (id) => transports.has(id) && !offline.has(id) && transports.get(id)?.provider.availability?.() !== 'unavailable',
    onProviderState: (listener) => {
      stateListeners.add(listener);
      return () => void stateListeners.delete(listener);
    },
    hooks: () => hooks.map((entry) => ({ state: 'online', advisory: false, ...entry })),
    limits: (id) => opts.limits?.[id] ?? { concurrency: 0, ratePerSecond: 0 },
  };
  const spooler: Spooler = createSpooler(host, { random: () => 0.5 });
  return {
    store,
    clock,
    logger,
    host,
    spooler,
    hooks,
    addTransport(id: string, types: string[], provider: TransportProvider) {
      transports.set(id, { types, provider });
    },
    /** Takes a provider offline or brings it back, firing the state event the kernel would. */
    setOnline(id: string, online: boolean) {
      if (online) offline.delete(id);
      else offline.add(id);
      for (const listener of stateListeners) listener({ id, to: online ? 'online' : 'offline' });
    },
    async inbox(mailbox: string) {
      return store.listInbox(mailbox);
    },
    async reportText(mailbox: string): Promise<string[]> {
      const entries = await store.listInbox(mailbox);
      return Promise.all(entries.map((e) => readAll(store.openPart(e.parts[0]!.partId))));
    },
  };
}

export async function readAll(stream: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

export interface SendCall {
  readonly messageId: string;
  readonly recipients: readonly string[];
  readonly indexes: readonly number[];
  readonly signal: AbortSignal;
  readonly message: OutboundMessage;
}

/** A real transport whose answer is decided per call by the test; it records every call. */
export function recordingTransport(
  answer: (recipients: readonly AssignedRecipient[], call: SendCall) => unknown = (r) => r.map(() => outcome.delivered()),
): TransportProvider & { calls: SendCall[] } {
  const calls: SendCall[] = [];
  return {
    calls,
    async send(message, recipients, { signal }) {
      const call: SendCall = {
        messageId: message.id,
        recipients: recipients.map((r) => r.recipient.address),
        indexes: recipients.map((r) => r.index),
        signal,
        message,
      };
      calls.push(call);
      return (await answer(recipients, call)) as RecipientOutcome[];
    },
  };
}

/** Resolves once `predicate` holds (polls every few ms); rejects after `limitMs` so a broken test fails instead of hanging. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, limitMs = 5000): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > limitMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
