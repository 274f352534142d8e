import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel } from '@xport/core';
import type { MessageStore } from '@xport/provider-sdk';
import { createSqliteStore } from '@xport/store-sqlite';
import { createE2eApp, PACKAGES, type E2eApp } from './test-app.js';

// The crash test: the daemon is killed (SIGKILL, no chance to release anything) while the
// SQLite queue is half sent, then restarted. Every message must reach its recipient's inbox; a
// message may be handed over twice only if its send was in flight when the daemon died.
const BIN = join(PACKAGES, 'cli', 'dist', 'bin.js');
const MESSAGES = 400;
const HAND_OVER = /loopback hand-over .*messageId=([0-9a-f-]{36})/g;

interface Daemon {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  log(): string;
}

function startDaemon(root: string): Daemon {
  const child = spawn(process.execPath, [BIN, '--root', root, 'start', '--log-level', 'debug'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => void (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (log += chunk.toString()));
  // 'close', not 'exit': it comes after the last log line was read (the test counts hand-overs in the logs).
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { child, exited, log: () => log };
}

/** Polls until `predicate` holds; fails (naming what it waited for) instead of hanging. */
async function until(what: string, predicate: () => Promise<boolean>, limitMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('crash and restart of the daemon on the SQLite store', () => {
  let app: E2eApp | undefined;
  let observer: MessageStore | undefined;
  const daemons: Daemon[] = [];

  afterEach(async () => {
    for (const d of daemons.splice(0)) {
      if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill('SIGKILL');
      await d.exited;
    }
    await observer?.close();
    await app?.cleanup();
  });

  it('delivers every message once the killed daemon is restarted; only in-flight sends are repeated', async () => {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      transportOrder: ['loopback'],
      // Slow, narrow hand-overs so the queue takes a few seconds and the kill lands in the middle.
      providers: { loopback: { config: { latencyMs: 20 }, limits: { concurrency: 4 } } },
      // Claims of the killed daemon come back after two seconds.
      spooler: { leaseMs: 2000, pollMs: 100 },
    });
    const root = app.root;

    // Queue every message without sending (what `xport send` does), then let the daemon send.
    const submitter = createKernel({ root });
    await submitter.start({ spool: false });
    const ids: string[] = [];
    for (let n = 0; n < MESSAGES; n++) {
      ids.push((await submitter.submit({ from: 'loopback:sender', to: [`loopback:r${n}`], subject: `m${n}`, text: `message ${n}` })).messageId);
    }
    await submitter.stop();

    observer = createSqliteStore({ path: join(root, '.xport', 'store.db') });
    await observer.open();
    const store = observer;
    const delivered = async () => (await store.counts()).byState.delivered;

    const first = startDaemon(root);
    daemons.push(first);
    await until('some deliveries by the first daemon', async () => (await delivered()) >= 40);
    first.child.kill('SIGKILL');
    await first.exited;

    const afterKill = await store.counts();
    expect(afterKill.byState.delivered).toBeLessThan(MESSAGES);
    const queue = await store.listQueue();
    const inFlightAtKill = new Set(queue.filter((m) => m.recipients.some((r) => r.state === 'in-flight')).map((m) => m.id));

    const second = startDaemon(root);
    daemons.push(second);
    await until('the queue to empty', async () => (await delivered()) === MESSAGES);
    second.child.kill('SIGTERM');
    await second.exited;

    // Every message is in its recipient's mailbox exactly once (inbox writes are idempotent per message and recipients).
    const counts = await store.counts();
    expect(counts.byState).toMatchObject({ delivered: MESSAGES, queued: 0, 'in-flight': 0, deferred: 0, failed: 0, expired: 0 });
    for (let n = 0; n < MESSAGES; n++) {
      const inbox = await store.listInbox(`loopback:r${n}`);
      expect(inbox.map((e) => e.envelope.subject), `mailbox loopback:r${n}`).toEqual([`m${n}`]);
    }
    expect((await store.listSent({ limit: MESSAGES + 1 })).map((m) => m.id).sort()).toEqual([...ids].sort());

    // Hand-overs, from both daemons' logs: each message at least once; twice only if it was in flight at the kill.
    const handedOver = new Map<string, number>();
    for (const log of [first.log(), second.log()]) {
      for (const match of log.matchAll(HAND_OVER)) handedOver.set(match[1]!, (handedOver.get(match[1]!) ?? 0) + 1);
    }
    expect([...handedOver.keys()].sort()).toEqual([...ids].sort());
    const repeated = [...handedOver].filter(([, times]) => times > 1).map(([id]) => id);
    expect(repeated.every((id) => inFlightAtKill.has(id)), `repeated ${repeated.join(', ')}; in flight at the kill: ${[...inFlightAtKill].join(', ')}`).toBe(true);
    expect(Math.max(...handedOver.values())).toBeLessThanOrEqual(2);
  }, 120_000);
});
