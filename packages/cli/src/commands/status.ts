import type { Command } from 'commander';
import type { ProviderStatus } from '@xport/core';
import { appRoot, openKernel } from '../app.js';
import { readDaemonRecord } from '../daemon-file.js';
import { printJson, renderTable } from '../output.js';
import type { CommandContext } from '../program.js';
import { withStore } from './with-store.js';

type Depth = { queued: number; inFlight: number; deferred: number };

/**
 * `xport status [--json]`: the status table (MAPI's), one row per provider: state as the running
 * daemon reports it (or as discovery sees it when none runs), address types, queue depth, last error.
 */
export function registerStatus(program: Command, context: CommandContext): void {
  program
    .command('status')
    .description('one row per provider: state, address types, queue depth, last error')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { io } = context;
      const root = appRoot(io, context.globals());
      const daemon = readDaemonRecord(root);
      const kernel = openKernel(root, io);
      const report = await kernel.discover();
      const rows: ProviderStatus[] =
        daemon?.providers.slice() ??
        report.providers.map((p) => ({ ...p, state: p.status === 'ok' ? 'discovered' : p.status === 'incompatible' ? 'incompatible' : 'invalid', ...(p.errors[0] ? { lastError: p.errors[0] } : {}) }));
      const counts = await withStore(kernel, (store) => store.counts());
      const depth = (id: string): Depth => counts.byProvider[id] ?? { queued: 0, inFlight: 0, deferred: 0 };
      const providers = rows.map((row) => ({ ...row, queue: depth(row.id) }));
      if (options.json) {
        return printJson(io, { daemon: daemon ? { pid: daemon.pid, startedAt: daemon.startedAt, updatedAt: daemon.updatedAt } : null, providers, byState: counts.byState });
      }
      io.stdout(daemon ? `daemon running (pid ${daemon.pid})\n` : 'no daemon running (states are from discovery)\n');
      io.stdout(
        renderTable(
          ['id', 'kind', 'address types', 'state', 'queued', 'in flight', 'deferred', 'last error'],
          providers.map((p) => [p.id, p.kind, p.addressTypes.join(', ') || '-', p.state, p.queue.queued, p.queue.inFlight, p.queue.deferred, p.lastError ? `${p.lastError.code}: ${p.lastError.message}` : '']),
        ),
      );
    });
}
