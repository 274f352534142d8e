import type { Database } from 'better-sqlite3';
import { decodeInboxRow, decodeMessageRow, isUndecodableRecord, type InboxEntry, type ListOptions, type Logger, type StoredMessage } from '@xport/provider-sdk';
import { quarantineInboxEntry, quarantineMessage } from './quarantine.js';
import type { InboxRow, MessageRow } from './records.js';
import { readInboxEntry, readInboxPage, readMessage, readQueuePage, readRecipients, readSentPage } from './sqlite-reads.js';

type Write = <T>(action: string, work: (db: Database) => T) => Promise<T>;

/** Decodes stored rows into contract records; a row that does not decode is quarantined and skipped. */
export class RecordReader {
  constructor(
    private readonly path: string,
    private readonly db: () => Database,
    private readonly write: Write,
    private readonly logger: Logger | undefined,
  ) {}

  /** Reports a quarantined record (the caller has already set it aside). */
  report(id: string, reason: string): void {
    this.logger?.warn(`sqlite store ${this.path}: quarantined undecodable record ${id}: ${reason}`, { path: this.path, recordId: id, reason });
  }

  async message(messageId: string): Promise<StoredMessage | undefined> {
    const row = readMessage(this.db(), messageId);
    return row ? (await this.decodeMessages([row]))[0] : undefined;
  }

  async queue(options?: ListOptions): Promise<StoredMessage[]> {
    return this.decodeMessages(readQueuePage(this.db(), options));
  }

  async sent(options?: ListOptions): Promise<StoredMessage[]> {
    return this.decodeMessages(readSentPage(this.db(), options));
  }

  async inbox(mailbox: string, options?: ListOptions & { readonly unreadOnly?: boolean }): Promise<InboxEntry[]> {
    return this.decodeInbox(readInboxPage(this.db(), mailbox, options));
  }

  async inboxEntry(id: string): Promise<InboxEntry | undefined> {
    const row = readInboxEntry(this.db(), id);
    return row ? (await this.decodeInbox([row]))[0] : undefined;
  }

  private async decodeMessages(rows: readonly MessageRow[]): Promise<StoredMessage[]> {
    const messages: StoredMessage[] = [];
    for (const row of rows) {
      try {
        messages.push(decodeMessageRow(row, readRecipients(this.db(), row.seq)));
      } catch (error) {
        if (!isUndecodableRecord(error)) throw error;
        const reason = `message ${row.id}: ${error.message}`;
        await this.write('quarantine a record', (db) => quarantineMessage(db, row.id, reason, Date.now()));
        this.report(row.id, reason);
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
        const reason = `inbox entry ${row.id}: ${error.message}`;
        await this.write('quarantine a record', (db) => quarantineInboxEntry(db, row.id, reason, Date.now()));
        this.report(row.id, reason);
      }
    }
    return entries;
  }
}
