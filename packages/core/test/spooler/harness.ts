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
    /** Fires a state event the kernel would fire, without changing whether the spooler sees the provider online. */
    emitState(id: string, to: string) {
      for (const listener of stateListeners) listener({ id, to });
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

/**
 * Resolves once `predicate` holds, looking again every few milliseconds. The limit is a safety net,
 * not a bound on how fast the spooler must be: every wait here is for a state the spooler reaches by
 * itself, the limit only turns a broken spooler into a failure instead of a hang, and it stays well
 * under the 30 s test timeout and well over anything a loaded machine needs.
 */
export async function waitFor(predicate: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > limitMs) throw new Error(`condition not met within the ${limitMs} ms safety net: ${predicate.toString()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * One turn of the event loop. The memory store answers within the call and the spooler's look at the
 * queue is a chain of promise reactions, so whatever a look started has run by the next turn: tests
 * wait for turns, never for milliseconds.
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A transport whose every send waits until the test releases it (by call index): the test decides when a send ends, not a timer. */
export function gatedTransport(): ReturnType<typeof recordingTransport> & { release(call: number): void } {
  const gates: Array<() => void> = [];
  const transport = recordingTransport(async (recipients) => {
    await new Promise<void>((open) => gates.push(open));
    return recipients.map(() => outcome.delivered());
  });
  return Object.assign(transport, {
    release(call: number) {
      const open = gates[call];
      if (open === undefined) throw new Error(`send #${call} has not been handed over (only ${gates.length})`);
      open();
    },
  });
}

/** Counts the spooler's looks at the queue: each one asks the host for its transports first. */
export function countLooks(host: SpoolerHost): { readonly count: number } {
  const looks = { count: 0 };
  const transportIds = host.transportIds.bind(host);
  (host as { transportIds: SpoolerHost['transportIds'] }).transportIds = () => {
    looks.count += 1;
    return transportIds();
  };
  return looks;
}

/** Resolves `reached(n)` once the spooler has emitted `n` delivered events (an event to wait for, with no timer). */
export function countDelivered(spooler: Spooler): { readonly count: number; reached(n: number): Promise<void> } {
  let count = 0;
  const waiting: Array<{ n: number; resolve: () => void }> = [];
  spooler.on('delivered', () => {
    count += 1;
    for (const w of waiting.filter((w) => count >= w.n)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  return {
    get count() {
      return count;
    },
    reached: (n) => (count >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve }))),
  };
}
