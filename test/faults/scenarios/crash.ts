import { createKernel } from '@xport/core';
import type { MessageStore } from '@xport/provider-sdk';
import { createE2eApp, finalCount, killDaemon, openObserver, printFigures, sleep, startDaemon, submitMany, until, type Daemon, type E2eApp } from '../support/harness.js';
import { startRecordingSink, type RecordingSink } from '../support/smtp-sink.js';

export interface CrashOptions {
  readonly messages: number;
  readonly kills: number;
  /** Bound for the whole run, kills and restarts included. */
  readonly timeLimitMs: number;
}

export interface CrashFigures {
  readonly messages: number;
  readonly recipients: number;
  readonly kills: number;
  readonly killsAfter250: number;
  readonly smtpDuplicates: number;
  readonly loopbackDuplicates: number;
  readonly missing: number;
  readonly maxInFlightAtKill: number;
  readonly inFlightAtKills: number;
  /** Duplicates not explained by a send in flight at a kill (must be 0). */
  readonly unexplainedDuplicates: number;
  readonly seconds: number;
}

const smtpKey = (n: number): string => `${n} r${n}@example.net`;

/**
 * Scenario 1: a daemon spooling to an SMTP sink and the loopback inbox is SIGKILLed again and again
 * — at random moments and right after the sink replied 250 to DATA (before the daemon could record
 * it) — and restarted each time. Every recipient must end delivered at least once; a repeat is
 * allowed only for a recipient that was in flight when the daemon died.
 */
export async function runCrashScenario(options: CrashOptions): Promise<CrashFigures> {
  const started = Date.now();
  let app: E2eApp | undefined;
  let sink: RecordingSink | undefined;
  let observer: MessageStore | undefined;
  let daemon: Daemon | undefined;
  try {
    // Kill points: fractions of the work done, spread over the run. Every other kill, the first
    // included, is armed in the sink instead: it SIGKILLs the daemon right after its 250 to DATA for
    // the SMTP message that brings the sink to its point of the SMTP messages. The first kill comes
    // before any SMTP message was accepted, so its message is certainly still to come: no waiting
    // window, no fallback to a random moment.
    const points = Array.from({ length: options.kills }, () => 0.03 + Math.random() * 0.9).sort((a, b) => a - b);
    let armedAt: number | undefined;
    let killsAfter250 = 0;
    sink = await startRecordingSink({
      afterAccept: () => {
        if (armedAt === undefined || daemon === undefined || !daemon.alive || sink!.accepted.size < armedAt) return;
        armedAt = undefined;
        killsAfter250 += 1;
        daemon.child.kill('SIGKILL');
      },
    });
    app = await createE2eApp(['provider-smtp', 'provider-loopback', 'store-sqlite'], {
      store: { provider: 'store-sqlite' },
      transportOrder: ['smtp', 'loopback'],
      providers: {
        smtp: {
          config: { relay: { host: '127.0.0.1', port: sink.port, pool: { maxConnections: 4 }, connectionTimeoutMs: 5000, greetingTimeoutMs: 5000, socketTimeoutMs: 10_000 } },
          limits: { concurrency: 8 },
        },
        loopback: { limits: { concurrency: 8 } },
      },
      logonRetry: { minDelayMs: 200, maxDelayMs: 1000 },
      // A killed daemon's claims come back after leaseMs; a send never outlives its lease.
      spooler: { leaseMs: 6000, pollMs: 200, sendTimeoutMs: 5000, stopTimeoutMs: 3000, retry: { minDelayMs: 1000, maxDelayMs: 4000 } },
    });
    const root = app.root;

    // Queue everything first, the way `xport send` does; the daemons do the sending.
    const submitter = createKernel({ root, env: {} });
    await submitter.start({ spool: false });
    const seqOf = new Map<string, number>();
    await submitMany(options.messages, 16, async (n) => {
      const receipt = await submitter.submit({
        from: 'sender@example.org',
        to: [`r${n}@example.net`, `loopback:r${n}`],
        subject: `m${n}`,
        headers: { 'X-Fault-Seq': String(n) },
        text: `message ${n}`,
      });
      seqOf.set(receipt.messageId, n);
    });
    await submitter.stop();
    const recipients = options.messages * 2;

    observer = await openObserver(root);
    const store = observer;
    const deadline = started + options.timeLimitMs;
    const remaining = () => Math.max(1000, deadline - Date.now());

    // Which recipients were in flight (claimed, result not recorded) at each kill.
    const inFlightAt: Array<Set<string>> = [];
    const recordInFlight = async (): Promise<void> => {
      const queue = await store.listQueue();
      const set = new Set<string>();
      for (const m of queue) {
        for (const r of m.recipients) if (r.state === 'in-flight') set.add(`${seqOf.get(m.id)} ${r.recipient.type === 'smtp' ? r.recipient.address : `loopback:${r.recipient.address}`}`);
      }
      inFlightAt.push(set);
    };

    let kills = 0;
    for (const point of points) {
      daemon = startDaemon(root);
      const d = daemon;
      const state = async () => ({ counts: (await store.counts()).byState, smtpAccepted: sink!.accepted.size, log: d.tail(10) });
      // Armed while SMTP messages are still to come: the one that takes the sink to `target` will.
      const target = Math.max(Math.ceil(point * options.messages), sink.accepted.size + 1);
      if (kills % 2 === 0 && target <= options.messages) {
        armedAt = target;
        await until(`the sink to kill the daemon right after the 250 for SMTP message ${target}`, () => !d.alive, remaining(), state);
        armedAt = undefined;
      } else {
        const final = Math.ceil(point * recipients);
        await until(`${final} final recipients before kill ${kills + 1}`, async () => !d.alive || finalCount(await store.counts()) >= final, remaining(), state);
        // A random moment: the kill may land anywhere in what the daemon is doing.
        if (d.alive) await sleep(Math.random() * 300);
      }
      if (d.alive || d.child.signalCode === 'SIGKILL') {
        await killDaemon(d);
        kills += 1;
        await recordInFlight();
      } else {
        throw new Error(`the daemon exited by itself (${JSON.stringify(await d.exited)}):\n${d.tail()}`);
      }
    }

    daemon = startDaemon(root);
    await until('every recipient final after the last restart', async () => finalCount(await store.counts()) >= recipients, remaining(), async () => ({
      counts: (await store.counts()).byState,
      log: daemon!.tail(10),
    }));
    await killDaemon(daemon, 'SIGTERM');

    const counts = await store.counts();
    let missing = 0;
    let smtpDuplicates = 0;
    let loopbackDuplicates = 0;
    let unexplained = 0;
    const wasInFlight = (key: string) => inFlightAt.filter((set) => set.has(key)).length;
    for (let n = 0; n < options.messages; n++) {
      const times = sink.accepted.get(smtpKey(n)) ?? 0;
      if (times === 0) missing += 1;
      if (times > 1) {
        smtpDuplicates += times - 1;
        if (times - 1 > wasInFlight(smtpKey(n))) unexplained += times - 1 - wasInFlight(smtpKey(n));
      }
      const inbox = await store.listInbox(`loopback:r${n}`);
      const mine = inbox.filter((e) => e.envelope.subject === `m${n}`).length;
      if (mine === 0) missing += 1;
      if (mine > 1) {
        loopbackDuplicates += mine - 1;
        const key = `${n} loopback:r${n}`;
        if (mine - 1 > wasInFlight(key)) unexplained += mine - 1 - wasInFlight(key);
      }
    }
    const figures: CrashFigures = {
      messages: options.messages,
      recipients,
      kills,
      killsAfter250,
      smtpDuplicates,
      loopbackDuplicates,
      missing,
      maxInFlightAtKill: Math.max(0, ...inFlightAt.map((s) => s.size)),
      inFlightAtKills: inFlightAt.reduce((sum, s) => sum + s.size, 0),
      unexplainedDuplicates: unexplained,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    printFigures('crash', { ...figures, delivered: counts.byState.delivered, failed: counts.byState.failed, expired: counts.byState.expired });
    return figures;
  } finally {
    if (daemon?.alive) await killDaemon(daemon);
    await observer?.close();
    await sink?.close();
    await app?.cleanup();
  }
}
