import { join } from 'node:path';
import { createKernel, type Kernel } from '@xport/core';
import type { Logger, MessageStore, StoredMessage } from '@xport/provider-sdk';
import { createE2eApp, FIXTURES, printFigures, until, type E2eApp } from '../support/harness.js';

export interface MisbehaviourOptions {
  readonly messages: number;
  readonly timeLimitMs: number;
}

export interface MisbehaviourFigures {
  readonly messages: number;
  readonly loopbackDelivered: number;
  readonly stuckStopDelivered: number;
  /** Recipients of each misbehaving transport that ended deferred (not lost, not delivered, not in flight). */
  readonly deferred: Record<string, number>;
  /** Recipients of each misbehaving transport waiting, no attempt made, while its destination is suspended for failing every send. */
  readonly held: Record<string, number>;
  readonly lastErrorCodes: Record<string, string[]>;
  readonly sendCalls: Record<string, number>;
  readonly deliverAllMs: number;
  readonly stopMs: number;
  readonly stopStates: Record<string, string | undefined>;
  readonly stopLogLines: string[];
  /** What the status table says about the provider whose stop() never settled. */
  readonly stuckStopLastError: string | undefined;
}

const MISBEHAVING = { hang: 'hang-send', throws: 'throw-send', garbage: 'garbage-send' } as const;

interface FaultCalls {
  [id: string]: { send: number; stop: number };
}

function collectLogger(lines: string[]): Logger {
  const make = (bindings: Record<string, unknown>): Logger => {
    const log = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
      if (level !== 'debug') lines.push(JSON.stringify({ level, message, ...bindings, ...fields }));
    };
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return make({});
}

/**
 * Scenario 5: transports that hang forever in `send` (ignoring the abort signal), throw
 * synchronously, answer garbage, or never finish `stop`, next to a healthy loopback transport.
 * Their recipients are deferred by the kernel's timeouts; loopback keeps delivering; `stop()` of
 * the kernel finishes in bounded time although one provider's `stop()` never does.
 */
export async function runMisbehaviourScenario(options: MisbehaviourOptions): Promise<MisbehaviourFigures> {
  const started = Date.now();
  const calls = ((globalThis as { __xportFaultCalls?: FaultCalls }).__xportFaultCalls ??= {});
  for (const id of Object.keys(calls)) calls[id] = { send: 0, stop: 0 };
  let app: E2eApp | undefined;
  let kernel: Kernel | undefined;
  const lines: string[] = [];
  const sendTimeoutMs = 400;
  const stopTimeoutMs = 1000;
  try {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      discovery: {
        paths: ['xport-fault-hang-send', 'xport-fault-throw-send', 'xport-fault-garbage-send', 'xport-fault-stuck-stop'].map((name) => join(FIXTURES, name)),
      },
      transportOrder: ['loopback', 'hang-send', 'throw-send', 'garbage-send', 'stuck-stop'],
      providers: { loopback: { config: { latencyMs: 2 }, limits: { concurrency: 4 } } },
      spooler: { pollMs: 50, leaseMs: 10_000, sendTimeoutMs, stopTimeoutMs, retry: { minDelayMs: 60_000, maxDelayMs: 120_000 } },
    });
    kernel = createKernel({ root: app.root, env: {}, logger: collectLogger(lines) });
    await kernel.start();
    for (const id of ['loopback', 'hang-send', 'throw-send', 'garbage-send', 'stuck-stop']) {
      if (kernel.providerState(id) !== 'online') throw new Error(`provider ${id} is ${kernel.providerState(id)}, not online: ${JSON.stringify(kernel.status())}`);
    }
    const ids: string[] = [];
    for (let n = 0; n < options.messages; n++) {
      const receipt = await kernel.submit({
        from: 'loopback:sender',
        to: [`hang:a${n}`, `throws:b${n}`, `garbage:c${n}`, `stuck:d${n}`, `loopback:e${n}`],
        subject: `m${n}`,
        text: `message ${n}`,
      });
      ids.push(receipt.messageId);
    }
    const store = kernel.store() as MessageStore;
    const all = async (): Promise<StoredMessage[]> => (await Promise.all(ids.map((id) => store.getMessage(id)))).filter((m): m is StoredMessage => m !== undefined);
    // A broken transport's destination is suspended once its sends have failed `suspendAfterFailures`
    // times in a row: its other recipients then wait without an attempt — left queued by the claims
    // while it is suspended (its destination is its address type), or put back for a later time.
    const k = kernel;
    const suspended = (): Set<string> => new Set(k.destinations().filter((d) => d.suspendedUntil !== null).map((d) => `${d.provider} ${d.destination}`));
    const held = (r: StoredMessage['recipients'][number], now: Set<string>): boolean =>
      r.state === 'queued' && r.attempts === 0 && ((r.nextAttemptAt !== null && r.nextAttemptAt > Date.now()) || now.has(`${r.provider} ${r.recipient.type}`));
    const settled = (m: StoredMessage, now: Set<string>): boolean =>
      m.recipients.every((r) => (r.recipient.type in MISBEHAVING ? r.state === 'deferred' || held(r, now) : r.state === 'delivered'));
    await until(
      'healthy recipients delivered and misbehaving ones deferred',
      async () => {
        const now = suspended();
        return (await all()).every((m) => settled(m, now));
      },
      options.timeLimitMs,
      async () => (await store.counts()).byState,
    );
    const suspendedAtEnd = suspended();
    const deliverAllMs = Date.now() - started;

    const messages = await all();
    const deferred: Record<string, number> = {};
    const heldBehind: Record<string, number> = {};
    const codes: Record<string, Set<string>> = {};
    let loopbackDelivered = 0;
    let stuckStopDelivered = 0;
    for (const m of messages) {
      for (const r of m.recipients) {
        if (r.recipient.type === 'loopback' && r.state === 'delivered') loopbackDelivered += 1;
        if (r.recipient.type === 'stuck' && r.state === 'delivered') stuckStopDelivered += 1;
        if (r.recipient.type in MISBEHAVING && held(r, suspendedAtEnd)) heldBehind[r.recipient.type] = (heldBehind[r.recipient.type] ?? 0) + 1;
        if (r.recipient.type in MISBEHAVING && r.state === 'deferred') {
          deferred[r.recipient.type] = (deferred[r.recipient.type] ?? 0) + 1;
          (codes[r.recipient.type] ??= new Set()).add(r.lastError?.code ?? 'none');
        }
      }
    }

    const stopStarted = Date.now();
    const stopping = kernel.stop();
    // A safety net against a kernel that waits for the unstoppable provider forever, far above what a
    // loaded machine needs. That the kernel's own deadline ended the wait shows in the checks (the
    // abandoned stop in its log and status row), not in how long it took.
    const safetyNet = 60_000;
    const outcome = await Promise.race([stopping.then(() => 'stopped'), new Promise<string>((resolve) => setTimeout(() => resolve('hung'), safetyNet).unref())]);
    const stopMs = Date.now() - stopStarted;
    if (outcome === 'hung') throw new Error(`kernel.stop() did not finish within ${safetyNet} ms (a provider's stop() never settles and the kernel waits for it forever)`);
    const stopStates = Object.fromEntries(['loopback', 'hang-send', 'throw-send', 'garbage-send', 'stuck-stop'].map((id) => [id, kernel!.providerState(id)]));
    const stuckStopLastError = kernel.status().find((row) => row.id === 'stuck-stop')?.lastError?.message;
    kernel = undefined;

    const figures: MisbehaviourFigures = {
      messages: options.messages,
      loopbackDelivered,
      stuckStopDelivered,
      deferred,
      held: heldBehind,
      lastErrorCodes: Object.fromEntries(Object.entries(codes).map(([k, v]) => [k, [...v].sort()])),
      sendCalls: Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, v.send])),
      deliverAllMs,
      stopMs,
      stopStates,
      stopLogLines: lines.filter((l) => l.includes('stuck-stop') && /stop/i.test(l) && !l.includes('"to"')),
      stuckStopLastError,
    };
    printFigures('misbehaviour', { ...figures, stopLogLines: figures.stopLogLines.length });
    return figures;
  } finally {
    // Not awaited when it may never settle: the scenario already failed in that case.
    void kernel?.stop();
    await app?.cleanup();
  }
}
