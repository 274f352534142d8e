import type { QueueOperationReport } from '@xport/core';
import { checkOperationOptions, isQueueOperation, QUEUE_OPERATIONS, XportError, type QueueOperation } from '@xport/provider-sdk';
import type { Kernel } from '@xport/core';
import { printJson, type CliIO } from '../output.js';
import { toFilter, type FilterOptions } from './queue-filter.js';
import { withStore } from './with-store.js';

const DONE: Readonly<Record<QueueOperation, string>> = { hold: 'held', release: 'released', retry: 'made due now', delete: 'deleted' };

function toText(report: QueueOperationReport, expire: boolean): string {
  const done = DONE[report.operation];
  const parts = [`${report.changed} recipient(s) ${report.dryRun ? `would be ${done}` : done}${!report.dryRun && report.changed > 0 ? ` in ${report.messages} message(s)` : ''}`];
  if (expire && report.changed > 0) parts.push(`${report.dryRun ? 'they would' : 'they'} still expire with their message`);
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
  /** `hold` only: the held recipients still expire when their message's lifetime passes. */
  readonly expire?: boolean;
}

/** `--expire` without an operation: it only says how `hold` holds, so it is `XPORT_QUEUE_OPERATION_INVALID` (a listing would silently ignore it). */
export function refuseExpireWithoutHold(): never {
  throw new XportError('XPORT_QUEUE_OPERATION_INVALID', 'xport queue: --expire goes with hold (xport queue hold --expire [filters]); a listing takes no --expire', {
    details: { field: 'expire', expected: 'operation hold', found: 'no operation' },
  });
}

/**
 * `xport queue hold|release|retry|delete [filters] [--all] [--dry-run] [--expire] [--json]`: one
 * operation on the recipients the filters select, in bounded batches through the kernel (so `delete`
 * writes its NDRs), safe beside a running daemon: recipients in flight are skipped and counted.
 * `--expire` (hold only, the SDK's rule, checked before the store is opened) lets held ones expire.
 */
export async function runQueueOperation(io: CliIO, kernel: Kernel, operation: QueueOperation, options: OperationOptions): Promise<void> {
  const { expire } = checkOperationOptions(operation, options.expire === undefined ? {} : { expire: options.expire });
  const filter = toFilter(options, Date.now());
  const report = await withStore(kernel, () => kernel.operateQueue({ operation, filter, dryRun: options.dryRun === true, ...(expire === true ? { expire } : {}) }));
  if (options.json) return printJson(io, report);
  io.stdout(toText(report, expire === true));
}
