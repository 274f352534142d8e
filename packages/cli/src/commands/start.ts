import type { Command } from 'commander';
import { formatRecipient } from '@xport/provider-sdk';
import { appRoot, createConsoleLogger, openKernel } from '../app.js';
import { removeDaemonRecord, writeDaemonRecord } from '../daemon-file.js';
import type { CommandContext } from '../program.js';

const HEARTBEAT_MS = 5_000;

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

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
      const kernel = openKernel(root, io, { logger });
      kernel.on('provider-state', (e) => logger.info(`provider ${e.id}: ${e.from} -> ${e.to}`, e.error ? { error: e.error.message } : {}));
      await kernel.start();
      const startedAt = Date.now();
      const publish = () => writeDaemonRecord(root, { pid: process.pid, startedAt, updatedAt: Date.now(), providers: kernel.status() });
      publish();
      kernel.on('provider-state', publish);
      const heartbeat = setInterval(publish, HEARTBEAT_MS);
      const spooler = kernel.spooler();
      spooler.on('delivered', (e) => logger.info('delivered', { message: e.messageId, to: formatRecipient(e.recipient), provider: e.provider }));
      spooler.on('deferred', (e) => logger.warn('deferred', { message: e.messageId, to: formatRecipient(e.recipient), provider: e.provider, code: e.error.code, diagnostic: e.error.diagnostic }));
      spooler.on('failed', (e) => logger.warn('failed', { message: e.messageId, to: formatRecipient(e.recipient), provider: e.provider, code: e.error.code, diagnostic: e.error.diagnostic }));
      spooler.on('expired', (e) => logger.warn('expired', { message: e.messageId, to: formatRecipient(e.recipient) }));
      spooler.on('received', (e) => logger.info(`received ${e.kind}`, { mailboxes: e.entries.map((entry) => entry.mailbox).join(', ') }));
      // SIGHUP: log every provider on again with fresh credentials (rotation; `xport revalidate` sends it).
      const onHangup = () => {
        logger.info('SIGHUP: re-validating providers (credentials are read again)');
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
      logger.info(`xport daemon running in ${root} (pid ${process.pid}); Ctrl-C stops it`);
      logger.info(`try: xport --root ${root} send --from loopback:me --to loopback:you --subject hi --text hello`);
      const signal = await untilSignal();
      logger.info(`${signal}: stopping (in-flight sends finish, the rest stays queued)`);
      clearInterval(heartbeat);
      process.off('SIGHUP', onHangup);
      await kernel.stop();
      removeDaemonRecord(root);
      logger.info('stopped');
    });
}
