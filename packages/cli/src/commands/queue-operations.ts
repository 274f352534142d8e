import type { QueueOperationReport } from '@xport/core';
import { isQueueOperation, QUEUE_OPERATIONS, XportError, type QueueOperation } from '@xport/provider-sdk';
import type { Kernel } from '@xport/core';
import { printJson, type CliIO } from '../output.js';
import { toFilter, type FilterOptions } from './queue-filter.js';
import { withStore } from './with-store.js';

const DONE: Readonly<Record<QueueOperation, string>> = { hold: 'held', release: 'released', retry: 'made due now', delete: 'deleted' };

function toText(report: QueueOperationReport): string {
  const done = DONE[report.operation];
  const parts = [`${report.changed} recipient(s) ${report.dryRun ? `would be ${done}` : done}${!report.dryRun && report.changed > 0 ? ` in ${report.messages} message(s)` : ''}`];
  parts.push(`${report.skippedInFlight} skipped in flight`);
  if (report.reports > 0) parts.push(`${report.reports} non-delivery report(s) written`);
  return `${parts.join('; ')}\n`;
}

/** The operation a verb names; `XPORT_QUEUE_FILTER_INVALID` for another word. */
export function toOperation(verb: string): QueueOperation {
  if (isQueueOperation(verb)) return verb;
  throw new XportError('XPORT_QUEUE_FILTER_INVALID', `xport queue: "${verb}" is not an operation (expected ${QUEUE_OPERATIONS.join(', ')})`, { details: { field: 'operation', found: verb } });
}

export interface OperationOptions extends FilterOptions {
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

/**
 * `xport queue hold|release|retry|delete [filters] [--all] [--dry-run] [--json]`: one operation on
 * the recipients the filters select, in bounded batches through the kernel (so `delete` writes its
 * NDRs), safe beside a running daemon: recipients in flight are skipped and counted.
 */
export async function runQueueOperation(io: CliIO, kernel: Kernel, operation: QueueOperation, options: OperationOptions): Promise<void> {
  const report = await withStore(kernel, () => kernel.operateQueue({ operation, filter: toFilter(options, Date.now()), dryRun: options.dryRun === true }));
  if (options.json) return printJson(io, report);
  io.stdout(toText(report));
}
