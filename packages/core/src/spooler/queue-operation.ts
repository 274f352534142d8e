import {
  DELETED_ERROR,
  checkOperationFilter,
  checkOperationOptions,
  queueOperationsOf,
  type AffectedRecipient,
  type QueueOperation,
  type RecipientFilter,
  type StoredMessage,
} from '@xport/provider-sdk';
import { writeOwedReports } from './report-plan.js';
import type { SettleContext, SettledClaim } from './settle-claim.js';

/** An operator's operation on the queue (`kernel.operateQueue`). */
export interface QueueOperationInput {
  readonly operation: QueueOperation;
  /** Which recipients; one that selects every recipient needs `all: true` (`XPORT_QUEUE_FILTER_UNBOUNDED` otherwise). */
  readonly filter: RecipientFilter;
  /**
   * `hold` only: the held recipients still expire when their message's lifetime passes, exactly as
   * if they were queued (`expired`, a non-delivery report, an `expired` event), and are never sent.
   * Without it a held recipient never expires while held. Another operation with `expire: true` is
   * `XPORT_QUEUE_OPERATION_INVALID`.
   */
  readonly expire?: boolean;
  /** Count what would change (and what is in flight) without changing anything. */
  readonly dryRun?: boolean;
  /** Most recipients changed per store transaction; `spooler.batchSize` when omitted. */
  readonly batchSize?: number;
}

/** What an operation did (or, for a dry run, would do). */
export interface QueueOperationReport {
  readonly operation: QueueOperation;
  readonly dryRun: boolean;
  /** Recipients changed (a dry run: that would change now). */
  readonly changed: number;
  /** Recipients the filter selects that were in flight when it ended: left to their send. */
  readonly skippedInFlight: number;
  /** Distinct messages changed (0 for a dry run). */
  readonly messages: number;
  /** Store transactions it took. */
  readonly batches: number;
  /** Non-delivery reports written (`delete`: one per message whose sender is owed one). */
  readonly reports: number;
}

/**
 * The NDRs a delete owes: one per message, listing its deleted recipients. A batch may end in the
 * middle of a message (batches follow submit order, then recipient index): the last message's
 * recipients wait for the next batch, so each message gets one report however its recipients fall.
 */
class DeleteReports {
  private carried: AffectedRecipient[] = [];
  written = 0;

  constructor(private readonly ctx: SettleContext) {}

  async add(affected: readonly AffectedRecipient[]): Promise<void> {
    const all = [...this.carried, ...affected];
    const last = all.at(-1)?.messageId;
    this.carried = all.filter((a) => a.messageId === last);
    await this.write(all.filter((a) => a.messageId !== last));
  }

  async flush(): Promise<void> {
    const rest = this.carried;
    this.carried = [];
    await this.write(rest);
  }

  private async write(affected: readonly AffectedRecipient[]): Promise<void> {
    const byMessage = new Map<string, AffectedRecipient[]>();
    for (const a of affected) {
      const group = byMessage.get(a.messageId);
      if (group) group.push(a);
      else byMessage.set(a.messageId, [a]);
    }
    for (const [messageId, group] of byMessage) {
      const stored = await this.ctx.store.getMessage(messageId);
      if (stored === undefined) continue;
      await this.writeFor(stored, group);
    }
  }

  /** Through the settle path's report rules: no report about a report, none when the message or a recipient's NOTIFY asks for none. */
  private async writeFor(stored: StoredMessage, group: readonly AffectedRecipient[]): Promise<void> {
    const settled: SettledClaim[] = group.map((a) => ({
      claim: { leaseId: '', messageId: a.messageId, recipientIndex: a.index, recipient: a.recipient, role: stored.recipients[a.index]?.role ?? 'to', provider: a.provider, attempts: a.attempts, leaseExpiresAt: 0 },
      result: { state: 'failed', error: DELETED_ERROR },
      attempted: false,
    }));
    // A report that could not be written is logged there; the recipients stay deleted (see the docs).
    const { written } = await writeOwedReports(this.ctx, stored, settled, this.ctx.clock.now());
    this.written += written;
  }
}

/**
 * Applies an operation to the recipients a filter selects, in bounded batches (one store
 * transaction each), safe while spoolers send: recipients in flight are never changed, only
 * counted. It changes at most as many recipients as matched when it started, so it ends even
 * while a spooler keeps moving recipients back into the selection. `delete` writes one NDR per
 * message (see {@link DeleteReports}); `retry` and `release` wake the spooler (`wake`).
 *
 * @example
 * const report = await operateQueue(ctx, { operation: 'hold', filter: { domains: ['example.org'] } }, 500, () => loop.wake());
 */
export async function operateQueue(ctx: SettleContext, input: QueueOperationInput, batchSize: number, wake: () => void): Promise<QueueOperationReport> {
  const operations = queueOperationsOf(ctx.store);
  const { operation } = input;
  const { expire } = checkOperationOptions(operation, { expire: input.expire });
  const filter = checkOperationFilter(input.filter);
  const planned = await operations.countOperation({ operation, filter, now: ctx.clock.now() });
  const base = { operation, dryRun: input.dryRun === true };
  if (input.dryRun === true) return { ...base, changed: planned.changes, skippedInFlight: planned.inFlight, messages: 0, batches: 0, reports: 0 };

  const reports = operation === 'delete' ? new DeleteReports(ctx) : undefined;
  const messages = new Set<string>();
  let changed = 0;
  let skippedInFlight = planned.inFlight;
  let batches = 0;
  while (changed < planned.changes) {
    const batch = await operations.applyOperation({
      operation,
      filter,
      now: ctx.clock.now(),
      limit: Math.min(batchSize, planned.changes - changed),
      ...(expire === true ? { expire } : {}),
    });
    batches += 1;
    changed += batch.changed;
    skippedInFlight = batch.skippedInFlight;
    for (const a of batch.affected) messages.add(a.messageId);
    await reports?.add(batch.affected);
    if (batch.changed === 0) break;
  }
  await reports?.flush();
  if (changed > 0 && (operation === 'retry' || operation === 'release')) wake();
  if (changed > 0) {
    const how = expire === true ? ' (to expire with their messages)' : '';
    ctx.logger.info(`queue ${operation}: ${changed} recipient(s) of ${messages.size} message(s) changed${how}`, { operation, changed, skippedInFlight, batches, ...(expire === true ? { expire } : {}) });
  }
  return { ...base, changed, skippedInFlight, messages: messages.size, batches, reports: reports?.written ?? 0 };
}
