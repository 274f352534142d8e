import type { Command } from 'commander';
import { XportError } from '@xport/provider-sdk';
import { appRoot } from '../app.js';
import { DAEMON_FILE, readDaemonRecord } from '../daemon-file.js';
import type { CommandContext } from '../program.js';

/**
 * `xport revalidate`: asks the running daemon to log every provider on again, reading credentials
 * afresh (MAPI ValidateState) — after rotating a password in the environment or the credentials file.
 */
export function registerRevalidate(program: Command, context: CommandContext): void {
  program
    .command('revalidate')
    .description('make the running daemon log providers on again with freshly read credentials (sends it SIGHUP)')
    .action(() => {
      const { io } = context;
      const root = appRoot(io, context.globals());
      const daemon = readDaemonRecord(root);
      if (daemon === undefined) {
        throw new XportError('XPORT_DAEMON_NOT_RUNNING', `no xport daemon is running for ${root} (no live daemon in ${DAEMON_FILE}): providers log on with fresh credentials when it starts`, {
          details: { root },
        });
      }
      process.kill(daemon.pid, 'SIGHUP');
      io.stdout(`asked daemon ${daemon.pid} to re-validate its providers; see its log or xport status\n`);
    });
}
