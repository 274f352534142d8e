import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKernel } from '@xport/core';
import type { MessageStore } from '@xport/provider-sdk';
import { recordOutput } from '../../support/output-recorder.js';
import { BIN, createE2eApp, daemonSays, FIXTURES, killDaemon, openObserver, printFigures, startDaemon, submitMany, until, type Daemon, type E2eApp } from '../support/harness.js';

export interface HungProviderOptions {
  /** Messages queued before the daemon starts, each to loopback and to one of the hung transports. */
  readonly messages: number;
  /** lifecycle import/create/logon/start deadline. */
  readonly deadlineMs: number;
  /** Timed-out logons of the hung-logon transport to wait for (each retry hangs for another deadline). */
  readonly logonTimeouts: number;
  readonly timeLimitMs: number;
}

export interface HungProviderFigures {
  readonly messages: number;
  readonly deadlineMs: number;
  /** Milliseconds from the daemon's spawn until `.xport/daemon.json` first showed each hung provider with XPORT_PROVIDER_TIMEOUT. */
  readonly markedMs: Record<string, number>;
  /**
   * From the daemon's log: milliseconds from each hung provider's first state change (loading) to
   * the line that gave up on its hung step — the deadline, plus the steps before it.
   */
  readonly containedMs: Record<string, number>;
  /** The state each hung provider had when it was first seen timed out (logon and start may already be retrying). */
  readonly markedStates: Record<string, string>;
  /** From spawn until the daemon first published daemon.json (before any provider came online). */
  readonly publishedMs: number;
  /** Whether a separate `xport status --json`, run while the providers hung, reported this daemon. */
  readonly statusSawTheDaemon: boolean;
  readonly statusStates: Record<string, string>;
  readonly firstDeliveryMs: number;
  /** Loopback messages delivered before the first hung provider was given up on: the others did not wait for it. */
  readonly deliveredBeforeFirstTimeout: number;
  readonly allDeliveredMs: number;
  readonly loopbackDelivered: number;
  /** States hang-logon had been in by the time every loopback message was delivered (never `online`: every logon hangs). */
  readonly hangLogonStatesSeen: string[];
  /** Recipients of the hung transports, all still waiting in the queue (none lost or failed). */
  readonly hungRecipients: number;
  readonly hungRecipientsKept: number;
  readonly logonTimeouts: number;
  readonly exitCode: number | null;
  readonly exitMs: number;
  readonly stoppedLogged: boolean;
  /** A second daemon, sent SIGHUP and then SIGTERM while a provider's import hangs with no deadline in sight. */
  readonly sigtermDuringImport: { exitCode: number | null; signal: string | null; exitMs: number; stateAtSigterm: string | undefined; stoppedLogged: boolean };
  readonly seconds: number;
}

const HUNG = ['hang-import', 'hang-create', 'hang-logon', 'hang-start'] as const;

interface PublishedRow {
  readonly id: string;
  readonly state: string;
  readonly lastError?: { readonly code: string };
}

function publishedRows(root: string): PublishedRow[] | undefined {
  try {
    return (JSON.parse(readFileSync(join(root, '.xport', 'daemon.json'), 'utf8')) as { providers: PublishedRow[] }).providers;
  } catch {
    return undefined;
  }
}

function config(deadlineMs: number, importTimeoutMs = deadlineMs) {
  return {
    store: { provider: 'store-sqlite' },
    discovery: { paths: HUNG.map((id) => join(FIXTURES, `xport-fault-${id}`)) },
    transportOrder: ['loopback', ...HUNG],
    providers: { loopback: { config: { latencyMs: 1 }, limits: { concurrency: 8 } } },
    lifecycle: { importTimeoutMs, createTimeoutMs: deadlineMs, logonTimeoutMs: deadlineMs, startTimeoutMs: deadlineMs, stopTimeoutMs: 2000 },
    logonRetry: { minDelayMs: 500, maxDelayMs: 1000 },
    spooler: { pollMs: 100, leaseMs: 30_000, stopTimeoutMs: 2000 },
  };
}

/** `xport status --json` in a process of its own, as an operator would run it. */
function statusFromCli(root: string): Promise<{ daemon: { pid: number } | null; providers: PublishedRow[] }> {
  const child = spawn(process.execPath, [BIN, '--root', root, 'status', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => recordOutput('xport status stderr', chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      recordOutput('xport status stdout', out);
      if (code === 0) resolve(JSON.parse(out) as { daemon: { pid: number } | null; providers: PublishedRow[] });
      else reject(new Error(`xport status exited ${code}: ${out}`));
    }),
  );
}

/** Per provider: from its `discovered -> loading` line to its first "did not settle" line, by the log's timestamps. */
function containedFromLog(log: string): Record<string, number> {
  const at = (line: string): number => Date.parse(line.slice(0, 24));
  const contained: Record<string, number> = {};
  for (const id of HUNG) {
    const lines = log.split('\n').filter((l) => l.includes(`provider ${id}: `));
    const loading = lines.find((l) => l.includes('discovered -> loading'));
    const gaveUp = lines.find((l) => l.includes('did not settle within'));
    if (loading && gaveUp) contained[id] = at(gaveUp) - at(loading);
  }
  return contained;
}

const logonTimeoutLines = (log: string): number => log.split('\n').filter((l) => l.includes('logon did not succeed; retrying later') && l.includes('provider=hang-logon')).length;

/**
 * Scenario 7: four transports hang — one in its module's import (a top-level await), one in
 * create(), one in every logon(), one in start() — next to a healthy loopback transport with a
 * queue of messages. Each hung provider is marked XPORT_PROVIDER_TIMEOUT at its deadline (logon and
 * start are retried), `xport status` shows the daemon meanwhile, loopback delivers everything
 * while they hang, the hung transports' recipients wait in the queue, and SIGTERM gives a clean
 * exit 0. Then a second daemon is SIGTERMed while an import hangs with no deadline in sight.
 */
export async function runHungProviderScenario(options: HungProviderOptions): Promise<HungProviderFigures> {
  const started = Date.now();
  let app: E2eApp | undefined;
  let observer: MessageStore | undefined;
  let daemon: Daemon | undefined;
  try {
    app = await createE2eApp(['provider-loopback', 'store-sqlite'], config(options.deadlineMs));
    const root = app.root;
    const submitter = createKernel({ root, env: {} });
    await submitter.start({ spool: false });
    await submitMany(options.messages, 16, (n) => submitter.submit({ from: 'loopback:sender', to: [`loopback:r${n}`, `${HUNG[n % HUNG.length]}:h${n}`], subject: `m${n}`, text: `message ${n}` }));
    await submitter.stop();
    observer = await openObserver(root);
    const store = observer;
    const remaining = () => Math.max(1000, started + options.timeLimitMs - Date.now());

    const spawnedAt = Date.now();
    daemon = startDaemon(root, 'info');
    const d = daemon;
    const markedMs: Record<string, number> = {};
    const markedStates: Record<string, string> = {};
    const hangLogonStates = new Set<string>();
    let publishedMs = -1;
    let firstDeliveryMs = -1;
    let allDeliveredMs = -1;
    let delivered = 0;
    let deliveredBeforeFirstTimeout = -1;
    const look = async (): Promise<boolean> => {
      if (!d.alive) throw new Error(`the daemon exited:\n${d.tail()}`);
      const rows = publishedRows(root);
      const at = Date.now() - spawnedAt;
      if (rows !== undefined && publishedMs < 0) publishedMs = at;
      for (const row of rows ?? []) {
        if (row.id === 'hang-logon' && allDeliveredMs < 0) hangLogonStates.add(row.state);
        if (HUNG.includes(row.id as (typeof HUNG)[number]) && row.lastError?.code === 'XPORT_PROVIDER_TIMEOUT' && markedMs[row.id] === undefined) {
          markedMs[row.id] = at;
          markedStates[row.id] = row.state;
        }
      }
      const anyMarked = Object.keys(markedMs).length > 0;
      if (anyMarked && deliveredBeforeFirstTimeout < 0) deliveredBeforeFirstTimeout = delivered;
      delivered = (await store.counts()).byState.delivered ?? 0;
      if (delivered > 0 && firstDeliveryMs < 0) firstDeliveryMs = Date.now() - spawnedAt;
      if (delivered >= options.messages && allDeliveredMs < 0) allDeliveredMs = Date.now() - spawnedAt;
      return allDeliveredMs >= 0 && Object.keys(markedMs).length === HUNG.length && logonTimeoutLines(d.log()) >= options.logonTimeouts;
    };

    await until('daemon.json published', async () => (await look(), publishedMs >= 0), remaining(), () => d.tail());
    // Asked while the hung providers are still pending (or already timed out): either way the daemon is there.
    const asking = statusFromCli(root);
    await until('loopback drained, every hung provider marked, the logon retried', look, remaining(), () => ({ markedMs, delivered, log: d.tail(15) }), 25);
    const status = await asking;

    const counts = await store.counts();
    let hungRecipientsKept = 0;
    for (const id of HUNG) {
      const depth = counts.byProvider[id];
      hungRecipientsKept += depth ? depth.queued + depth.deferred : 0;
    }
    const sentAt = Date.now();
    d.child.kill('SIGTERM');
    const exit = await d.exited;
    const exitMs = Date.now() - sentAt;

    // A hung import and no deadline that will end it: only the SIGTERM handler can stop this daemon.
    await writeFile(join(root, 'xport.config.json'), JSON.stringify(config(options.deadlineMs, 600_000), null, 2));
    daemon = startDaemon(root, 'info');
    const second = daemon;
    await until('hang-import loading and loopback online', () => !second.alive || (daemonSays(root, 'hang-import', 'loading') && daemonSays(root, 'loopback')), remaining(), () => second.tail());
    // `xport revalidate` (SIGHUP) may find this daemon in daemon.json already: it must not end it.
    second.child.kill('SIGHUP');
    await until('SIGHUP handled while starting', () => !second.alive || second.log().includes('SIGHUP: re-validating providers'), remaining(), () => second.tail());
    const stateAtSigterm = publishedRows(root)?.find((r) => r.id === 'hang-import')?.state;
    const secondSentAt = Date.now();
    second.child.kill('SIGTERM');
    const secondExit = await second.exited;

    const figures: HungProviderFigures = {
      messages: options.messages,
      deadlineMs: options.deadlineMs,
      markedMs,
      containedMs: containedFromLog(d.log()),
      markedStates,
      publishedMs,
      statusSawTheDaemon: status.daemon?.pid === d.pid,
      statusStates: Object.fromEntries(status.providers.map((p) => [p.id, p.state])),
      firstDeliveryMs,
      deliveredBeforeFirstTimeout,
      allDeliveredMs,
      loopbackDelivered: counts.byState.delivered ?? 0,
      hangLogonStatesSeen: [...hangLogonStates],
      hungRecipients: options.messages,
      hungRecipientsKept,
      logonTimeouts: logonTimeoutLines(d.log()),
      exitCode: exit.code,
      exitMs,
      stoppedLogged: / INFO {2}stopped$/m.test(d.log()),
      sigtermDuringImport: { exitCode: secondExit.code, signal: secondExit.signal, exitMs: Date.now() - secondSentAt, stateAtSigterm, stoppedLogged: / INFO {2}stopped$/m.test(second.log()) },
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    printFigures('hung-provider', figures as unknown as Record<string, unknown>);
    return figures;
  } finally {
    if (daemon?.alive) await killDaemon(daemon);
    await observer?.close();
    await app?.cleanup();
  }
}
