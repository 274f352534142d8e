import { decodeInboxRow, decodeMessageRow, isUndecodableRecord, type InboxEntry, type ListOptions, type Logger, type StoredMessage } from '@xport/provider-sdk';
import type { Database } from './database.js';
import type { InboxRow, MessageRow, RecipientRow } from './records.js';
import { quarantineRecord, readInboxEntry, readInboxPage, readMessage, readQueuePage, readRecipients, readSentPage } from './reads.js';

/** Decodes stored rows into contract records; a row that does not decode is quarantined and skipped. */
export class RecordReader {
  constructor(
    private readonly db: () => Database,
    private readonly logger: Logger | undefined,
    /** Brackets a write to a message (quarantining one), so records read ahead of it are dropped. */
    private readonly markWrite: (messageId: string) => () => void = () => () => undefined,
  ) {}

  async message(messageId: string): Promise<StoredMessage | undefined> {
    const row = await readMessage(this.db(), messageId);
    return row ? this.decodeMessage(row) : undefined;
  }

  /** A message row read with its recipients (here, or ahead by a claim). */
  async decodeMessage(row: MessageRow & { readonly recipients: RecipientRow[] }): Promise<StoredMessage | undefined> {
    return (await this.decodeMessages([row], new Map([[row.seq, row.recipients]])))[0];
  }

  async queue(options?: ListOptions): Promise<StoredMessage[]> {
    return this.decodeMessages(await readQueuePage(this.db(), options));
  }

  async sent(options?: ListOptions): Promise<StoredMessage[]> {
    return this.decodeMessages(await readSentPage(this.db(), options));
  }

  async inbox(mailbox: string, options?: ListOptions & { readonly unreadOnly?: boolean }): Promise<InboxEntry[]> {
    return this.decodeInbox(await readInboxPage(this.db(), mailbox, options));
  }

  async inboxEntry(id: string): Promise<InboxEntry | undefined> {
    const row = await readInboxEntry(this.db(), id);
    return row ? (await this.decodeInbox([row]))[0] : undefined;
  }

  /** `known`: recipients already read with the rows (else they are read here, for every row in one query). */
  private async decodeMessages(rows: readonly MessageRow[], known?: Map<number, RecipientRow[]>): Promise<StoredMessage[]> {
    const recipients =
      known ??
      (await readRecipients(
        this.db(),
        rows.map((r) => r.seq),
      ));
    const messages: StoredMessage[] = [];
    for (const row of rows) {
      try {
        messages.push(decodeMessageRow(row, recipients.get(row.seq) ?? []));
      } catch (error) {
        if (!isUndecodableRecord(error)) throw error;
        await this.quarantine('message', row.id, `message ${row.id}: ${error.message}`);
      }
    }
    return messages;
  }

  private async decodeInbox(rows: readonly InboxRow[]): Promise<InboxEntry[]> {
    const entries: InboxEntry[] = [];
    for (const row of rows) {
      try {
        entries.push(decodeInboxRow(row));
      } catch (error) {
        if (!isUndecodableRecord(error)) throw error;
        await this.quarantine('inbox', row.id, `inbox entry ${row.id}: ${error.message}`);
      }
    }
    return entries;
  }

  private async quarantine(kind: 'message' | 'inbox', id: string, reason: string): Promise<void> {
    const db = this.db();
    const done = kind === 'message' ? this.markWrite(id) : undefined;
    try {
      await quarantineRecord(db, kind, id, reason, Date.now());
    } finally {
      done?.();
    }
    this.logger?.warn(`${db.target.label}: quarantined undecodable record ${id}: ${reason}`, { recordId: id, reason });
  }
}
