import type { Command } from 'commander';
import type { ProviderStatus } from '@xport/core';
import { appRoot, openKernel } from '../app.js';
import { readDaemonRecord } from '../daemon-file.js';
import { formatTime, printJson, renderTable } from '../output.js';
import type { CommandContext } from '../program.js';
import { printDestinations } from './status-destinations.js';
import { renderWebhooks } from './status-webhooks.js';
import { withStore } from './with-store.js';

type Depth = { queued: number; inFlight: number; deferred: number; held: number };

/** The state cell: the provider's state, then one line per side (`relay down (smtp.example.org:587)`). */
function toStateCell(row: ProviderStatus): string {
  const sides = (row.sides ?? []).map((side) => `${side.name} ${side.state}${side.detail ? ` (${side.detail})` : ''}`);
  return [row.state, ...sides].join('\n');
}

/**
 * The last-error cell: the error behind the provider's current state with its time (none once it is
 * back online: its history is in `--json`), then each side's error that says something else.
 */
function toErrorCell(row: ProviderStatus): string {
  const at = row.lastErrorAt === undefined ? '' : ` (at ${formatTime(row.lastErrorAt)})`;
  const main = row.lastError ? `${row.lastError.code}: ${row.lastError.message}${at}` : undefined;
  const fromSides = (row.sides ?? [])
    .filter((side) => side.error !== undefined && (side.error.code !== row.lastError?.code || side.error.message !== row.lastError?.message))
    .map((side) => `${side.name}: ${side.error!.code}: ${side.error!.message}`);
  return [...(main === undefined ? [] : [main]), ...fromSides].join('\n');
}

/**
 * `xport status [--json]`: the status table (MAPI's), one row per provider: state as the running
 * daemon reports it (or as discovery sees it when none runs) with the sides a transport reports
 * (its relay and its listener), address types, queue depth, the current error. `--json` also
 * carries each row's `lastErrorAt` and `errorHistory` (kept after the provider recovered).
 */
export function registerStatus(program: Command, context: CommandContext): void {
  program
    .command('status')
    .description('one row per provider: state, address types, queue depth, last error; then the webhooks, when configured')
    .option('--json', 'print JSON')
    .option('--destinations', "one row per destination instead: in flight, rate, concurrency, suspension (the running daemon's)")
    .action(async (options: { json?: boolean; destinations?: boolean }) => {
      const { io } = context;
      const root = appRoot(io, context.globals());
      const daemon = readDaemonRecord(root);
      if (options.destinations) return printDestinations(io, daemon, options.json === true);
      const kernel = openKernel(root, io);
      const report = await kernel.discover();
      const rows: ProviderStatus[] =
        daemon?.providers.slice() ??
        report.providers.map((p) => ({ ...p, state: p.status === 'ok' ? 'discovered' : p.status === 'incompatible' ? 'incompatible' : 'invalid', ...(p.errors[0] ? { lastError: p.errors[0] } : {}) }));
      const counts = await withStore(kernel, (store) => store.counts());
      const depth = (id: string): Depth => counts.byProvider[id] ?? { queued: 0, inFlight: 0, deferred: 0, held: 0 };
      const providers = rows.map((row) => ({ ...row, queue: depth(row.id) }));
      if (options.json) {
        return printJson(io, { daemon: daemon ? { pid: daemon.pid, startedAt: daemon.startedAt, updatedAt: daemon.updatedAt } : null, providers, byState: counts.byState, ...(daemon?.webhooks ? { webhooks: daemon.webhooks } : {}) });
      }
      io.stdout(daemon ? `daemon running (pid ${daemon.pid})\n` : 'no daemon running (states are from discovery)\n');
      io.stdout(
        renderTable(
          ['id', 'kind', 'address types', 'state', 'queued', 'in flight', 'deferred', 'held', 'last error'],
          providers.map((p) => [p.id, p.kind, p.addressTypes.join(', ') || '-', toStateCell(p), p.queue.queued, p.queue.inFlight, p.queue.deferred, p.queue.held, toErrorCell(p)]),
        ),
      );
      if (daemon?.webhooks?.length) io.stdout(renderWebhooks(daemon.webhooks));
    });
}
