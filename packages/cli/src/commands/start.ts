import { join } from 'node:path';
import type { Command } from 'commander';
import type { Kernel, XportConfig } from '@xport/core';
import { formatRecipient, XportTokens, type Logger } from '@xport/provider-sdk';
// The HTTP API (fastify) and the webhooks load when the daemon starts, not with every CLI command.
import type { HttpApi } from '@xport/http';
import type { WebhookDispatcher } from '@xport/webhooks';
import { appRoot, createConsoleLogger, openKernel } from '../app.js';
import { removeDaemonRecord, type DaemonRecord } from '../daemon-file.js';
import { startDaemonPublisher } from '../daemon-publisher.js';
import { watchForShutdown, type ShutdownReason } from '../daemon-shutdown.js';
import { STATE_DIR } from '../state-dir.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { CliIO } from '../output.js';
import type { CommandContext } from '../program.js';

const HEARTBEAT_MS = 5_000;
// Beyond the deadlines the kernel keeps while stopping: the last resort if a stop still overruns.
const STOP_MARGIN_MS = 10_000;

type Spooler = ReturnType<Kernel['spooler']>;

function logOutcomes(spooler: Spooler, logger: Logger): void {
  spooler.on('delivered', (e) => logger.info('delivered', { message: e.messageId, to: formatRecipient(e.recipient), provider: e.provider }));
  spooler.on('deferred', (e) => logger.warn('deferred', { message: e.messageId, to: formatRecipient(e.recipient), provider: e.provider, code: e.error.code, diagnostic: e.error.diagnostic }));
  spooler.on('failed', (e) => logger.warn('failed', { message: e.messageId, to: formatRecipient(e.recipient), provider: e.provider, code: e.error.code, diagnostic: e.error.diagnostic }));
  spooler.on('expired', (e) => logger.warn('expired', { message: e.messageId, to: formatRecipient(e.recipient) }));
  spooler.on('received', (e) => logger.info(`received ${e.kind}`, { mailboxes: e.entries.map((entry) => entry.mailbox).join(', ') }));
}

/** SIGHUP: log every provider on again with fresh credentials (rotation; `xport revalidate` sends it), and read the API tokens again. */
function revalidateOnHangup(kernel: Kernel, logger: Logger, api: HttpApi | undefined): () => void {
  const onHangup = (): void => {
    logger.info('SIGHUP: re-validating providers (credentials are read again)');
    api?.reloadCredentials().then(
      () => logger.info('HTTP API tokens read again'),
      (error: unknown) => logger.warn('HTTP API tokens could not be read again', { error: (error as Error).message }),
    );
    for (const row of kernel.status()) {
      if (row.enabled && row.kind !== 'store' && ['online', 'offline', 'logon-failed'].includes(row.state)) {
        kernel.revalidate(row.id).then(
          (state) => logger.info(`provider ${row.id} re-validated: ${state}`),
          (error: unknown) => logger.warn(`provider ${row.id} could not be re-validated`, { error: (error as Error).message }),
        );
      }
    }
  };
  process.on('SIGHUP', onHangup);
  return () => void process.off('SIGHUP', onHangup);
}

/**
 * The last resort behind the kernel's own stop deadlines: the HTTP API's close (when it runs), then
 * spooler.stopTimeoutMs for the sends, then the providers' stops side by side and the store's stop
 * and close, each bounded. If the stop still has not finished well after that, the process exits 1
 * rather than hang a supervisor.
 */
function armStopBackstop(config: XportConfig, io: CliIO, logger: Logger): () => void {
  if (io.exit === undefined) return () => undefined;
  const providerStopMs = config.lifecycle.stopTimeoutMs ?? config.spooler.stopTimeoutMs;
  // The HTTP API closes first, its requests under way cut off after spooler.stopTimeoutMs.
  const apiCloseMs = config.http.enabled ? config.spooler.stopTimeoutMs : 0;
  const boundMs = apiCloseMs + config.spooler.stopTimeoutMs + 3 * providerStopMs + STOP_MARGIN_MS;
  const exit = io.exit;
  const timer = setTimeout(() => {
    logger.error(`the stop did not finish within ${boundMs} ms; exiting now`);
    exit(EXIT_CODES.failure);
  }, boundMs);
  timer.unref();
  return () => clearTimeout(timer);
}

const describeReason = (reason: ShutdownReason): string => (reason.kind === 'signal' ? reason.signal : `${reason.origin} from no provider`);

/** `xport start`: runs the spooler daemon until SIGINT/SIGTERM, logging what it does. */
export function registerStart(program: Command, context: CommandContext): void {
  program
    .command('start')
    .description('run the spooler daemon (stops cleanly on SIGINT/SIGTERM)')
    .option('--log-level <level>', 'debug | info | warn | error', 'info')
    .action(async (options: { logLevel: 'debug' | 'info' | 'warn' | 'error' }) => {
      const { io } = context;
      const root = appRoot(io, context.globals());
      const logger = createConsoleLogger(io, options.logLevel);
      // First of all: from here on SIGTERM/SIGINT are heard, whatever provider code does later.
      const shutdown = watchForShutdown(io, logger);
      try {
        const reason = await runDaemon(root, io, logger, shutdown.requested);
        if (reason.kind === 'fault') context.setExit(EXIT_CODES.failure);
      } finally {
        shutdown.dispose();
      }
    });
}

/**
 * The HTTP API when `http.enabled`, listening before any provider starts: an address it must not
 * serve without a token, or one it cannot bind, ends the daemon before anything ran.
 */
async function serveHttpApi(kernel: Kernel, webhooks: () => WebhookDispatcher | undefined): Promise<HttpApi | undefined> {
  if (!kernel.config.http.enabled) return undefined;
  const { createHttpApi } = await import('@xport/http');
  const api = await createHttpApi({ kernel, webhookStatus: () => webhooks()?.status() ?? [] });
  try {
    await api.listen();
  } catch (error) {
    await api.close();
    throw error;
  }
  return api;
}

/**
 * Starts the kernel and publishes `.xport/daemon.json` at once (so `xport status` sees the daemon
 * while providers are still coming online), runs until asked to stop, and stops cleanly. A kernel
 * that cannot start (invalid config, no store) is an error: the daemon exits non-zero.
 */
async function runDaemon(root: string, io: CliIO, logger: Logger, stopRequested: Promise<ShutdownReason>): Promise<ShutdownReason> {
  const kernel = openKernel(root, io, { logger });
  // The kernel's logger masks every secret it knows; the daemon's own lines about faults go through it.
  const log = kernel.container.resolve<Logger>(XportTokens.Logger);
  // Webhook secrets first: a missing or malformed one stops the daemon before anything ran.
  const { readWebhookEndpoints, startKernelWebhooks } = await import('@xport/webhooks');
  const webhookEndpoints = await readWebhookEndpoints(kernel);
  let webhooks: WebhookDispatcher | undefined;
  // Its routes answer 503 until the store is open; /readyz says when the daemon can take work.
  const api = await serveHttpApi(kernel, () => webhooks);
  const startedAt = Date.now();
  let phase: DaemonRecord['phase'] = 'starting';
  const publisher = startDaemonPublisher({ root, logger: log, heartbeatMs: HEARTBEAT_MS, record: () => ({ pid: process.pid, startedAt, updatedAt: Date.now(), phase, providers: kernel.status(), destinations: kernel.destinations(), ...(webhooks ? { webhooks: webhooks.status() } : {}) }) });
  kernel.on('provider-state', (e) => {
    logger.info(`provider ${e.id}: ${e.from} -> ${e.to}`, e.error ? { error: e.error.message } : {});
    publisher.publish();
  });
  kernel.on('provider-fault', () => publisher.publish());
  // The spooler delivers as soon as the store is open, before the slowest provider has settled.
  kernel.on('spooler-ready', (spooler) => logOutcomes(spooler, logger));

  // Before start: daemon.json names this process from now on, and SIGHUP's default action would end it.
  const stopHangup = revalidateOnHangup(kernel, logger, api);
  const starting = kernel.start();
  const shutDown = async (): Promise<void> => {
    stopHangup();
    // The API first: requests under way finish while the kernel still runs, new ones are answered 503.
    await api?.close();
    // Webhook requests under way are cut off; their events are sent again at the next start.
    await webhooks?.stop();
    await kernel.stop();
    // A start cut short by the stop rejects with XPORT_KERNEL_STOPPED: that is this stop, not a failure.
    await starting.catch(() => undefined);
    await publisher.stop();
    removeDaemonRecord(root);
  };
  const first = await Promise.race([starting.then(() => ({ started: true }) as const, (error: unknown) => ({ error })), stopRequested.then((reason) => ({ reason }))]);
  try {
    if ('error' in first) throw first.error;
    // A store that lacks MessageStore methods leaves the kernel without a spooler: nothing could be sent.
    if ('started' in first) kernel.spooler();
    // After the store opened: its event log is what webhooks send (XPORT_WEBHOOK_EVENTS_UNAVAILABLE without one).
    if ('started' in first) webhooks = await startKernelWebhooks(kernel, { endpoints: webhookEndpoints, stateDir: join(root, STATE_DIR) });
  } catch (error) {
    await shutDown();
    throw error;
  }
  let reason: ShutdownReason;
  if ('reason' in first) reason = first.reason;
  else {
    phase = 'running';
    publisher.publish();
    logger.info(`xport daemon running in ${root} (pid ${process.pid}); Ctrl-C stops it`);
    logger.info(`try: xport --root ${root} send --from loopback:me --to loopback:you --subject hi --text hello`);
    reason = await stopRequested;
  }

  if (reason.kind === 'fault') {
    const { error } = reason;
    log.error(`${reason.origin} that came from no provider; stopping`, { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), stack: error instanceof Error ? error.stack : undefined });
  }
  phase = 'stopping';
  publisher.publish();
  logger.info(`${describeReason(reason)}: stopping (in-flight sends finish, the rest stays queued)`);
  const disarm = armStopBackstop(kernel.config, io, logger);
  await shutDown();
  disarm();
  logger.info('stopped');
  return reason;
}
