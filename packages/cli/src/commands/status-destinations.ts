import type { DestinationStatus } from '@xport/core';
import type { DaemonRecord } from '../daemon-file.js';
import { formatTime, printJson, renderTable, type CliIO } from '../output.js';

/** `2 of 4` (throttled below its limit), `4`, or `unlimited`. */
function toConcurrencyCell(row: DestinationStatus): string {
  if (row.concurrency === null) return 'unlimited';
  return row.concurrency === row.concurrencyLimit ? String(row.concurrency) : `${row.concurrency} of ${row.concurrencyLimit ?? 'unlimited'}`;
}

/**
 * `xport status --destinations [--json]`: one row per destination the running daemon has sent to —
 * sends in flight, sends in the last second against the rate, concurrency (as throttling left it, of
 * the configured one), suspension — as of the daemon's last published record.
 */
export function printDestinations(io: CliIO, daemon: DaemonRecord | undefined, json: boolean): void {
  const destinations = daemon?.destinations ?? [];
  if (json) {
    printJson(io, { daemon: daemon ? { pid: daemon.pid, startedAt: daemon.startedAt, updatedAt: daemon.updatedAt } : null, destinations });
    return;
  }
  if (!daemon) {
    io.stdout('no daemon running: destinations are known only to a running daemon\n');
    return;
  }
  io.stdout(`daemon running (pid ${daemon.pid}), destinations as of ${formatTime(daemon.updatedAt)}\n`);
  io.stdout(
    renderTable(
      ['provider', 'destination', 'in flight', 'sent last second', 'rate limit', 'concurrency', 'suspended until', 'failures in a row'],
      destinations.map((d) => [
        d.provider,
        d.destination,
        d.inFlight,
        d.sentLastSecond,
        d.ratePerSecond === null ? 'unlimited' : `${d.ratePerSecond}/s`,
        toConcurrencyCell(d),
        d.suspendedUntil ?? '-',
        d.failuresInRow,
      ]),
    ),
  );
}
