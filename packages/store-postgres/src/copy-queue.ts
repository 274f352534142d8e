import type { ContentPartInput, MessageStore, StoredMessage, SubmitRequest } from '@xport/provider-sdk';

const PAGE = 100;

export interface CopyQueueReport {
  /** Messages written to the target. */
  readonly copied: number;
  /** Messages the target already had (an earlier, interrupted run of the copy). */
  readonly alreadyThere: number;
  /** Recipients left out because they were already final (delivered, failed, ...) in the source. */
  readonly finalRecipientsSkipped: number;
}

function toSubmitRequest(from: MessageStore, message: StoredMessage): SubmitRequest | undefined {
  const open = message.recipients.filter((r) => r.state === 'queued' || r.state === 'deferred' || r.state === 'in-flight');
  if (open.length === 0) return undefined;
  return {
    envelope: message.envelope,
    recipients: open.map((r) => ({ recipient: r.recipient, role: r.role, provider: r.provider })),
    parts: message.parts.map(
      (p): ContentPartInput => ({
        kind: p.kind,
        contentType: p.contentType,
        ...(p.filename === undefined ? {} : { filename: p.filename }),
        ...(p.contentId === undefined ? {} : { contentId: p.contentId }),
        // Streamed from one store into the other, never held whole.
        content: from.openPart(p.partId) as AsyncIterable<Uint8Array>,
      }),
    ),
    submittedAt: message.submittedAt,
    expiresAt: message.expiresAt,
    // The original key keeps application retries deduplicated; without one, a key derived from the
    // source id makes re-running an interrupted copy safe.
    idempotencyKey: message.idempotencyKey ?? `xport-copy:${message.id}`,
  };
}

/**
 * Copies every queued (unfinished) message of one store into another, content streamed, with the
 * recipients still to be sent as queued under the same providers. Stop the daemons using `from`
 * first. Safe to run again: messages the target already holds are recognised by idempotency key.
 * Attempt counts and retry times start afresh in the target; recipients already final stay behind.
 *
 * @example
 * await sqlite.open(); await postgres.open();
 * const report = await copyQueue(sqlite, postgres);
 */
export async function copyQueue(from: MessageStore, to: MessageStore): Promise<CopyQueueReport> {
  let copied = 0;
  let alreadyThere = 0;
  let finalRecipientsSkipped = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await from.listQueue({ limit: PAGE, offset });
    for (const message of page) {
      const request = toSubmitRequest(from, message);
      if (!request) continue;
      finalRecipientsSkipped += message.recipients.length - request.recipients.length;
      const { duplicate } = await to.submit(request);
      if (duplicate) alreadyThere += 1;
      else copied += 1;
    }
    if (page.length < PAGE) break;
  }
  return { copied, alreadyThere, finalRecipientsSkipped };
}
