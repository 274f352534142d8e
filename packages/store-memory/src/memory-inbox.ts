import { randomUUID } from 'node:crypto';
import { XportError, type InboxEntry, type ListOptions, type PartInfo, type ReceiveRequest } from '@xport/provider-sdk';
import { copyPlain } from './memory-records.js';

interface MemoryInboxEntry {
  readonly seq: number;
  readonly entry: Omit<InboxEntry, 'read'>;
  read: boolean;
}

function toInboxEntry(stored: MemoryInboxEntry): InboxEntry {
  const { entry } = stored;
  return { ...entry, envelope: copyPlain(entry.envelope), parts: entry.parts.map((p) => ({ ...p })), read: stored.read };
}

/** Received messages, one entry per mailbox; the entries of one receive share its content parts. */
export class MemoryInbox {
  private readonly entries = new Map<string, MemoryInboxEntry>();
  private readonly byKey = new Map<string, Array<{ mailbox: string; id: string }>>();
  private seq = 0;

  findByKey(key: string | undefined): Array<{ mailbox: string; id: string }> | undefined {
    const found = key === undefined ? undefined : this.byKey.get(key);
    return found?.map((e) => ({ ...e }));
  }

  insert(request: ReceiveRequest, parts: PartInfo[]): Array<{ mailbox: string; id: string }> {
    const size = parts.reduce((sum, p) => sum + p.size, 0);
    // One copy for every mailbox's entry: stored entries are never changed (reads hand out copies).
    const envelope = copyPlain(request.envelope);
    const created = [...new Set(request.mailboxes)].map((mailbox) => {
      const id = randomUUID();
      const entry: Omit<InboxEntry, 'read'> = {
        id,
        mailbox,
        envelope,
        parts,
        size,
        receivedAt: request.receivedAt,
        ...(request.receivedBy === undefined ? {} : { receivedBy: request.receivedBy }),
      };
      this.entries.set(id, { seq: ++this.seq, entry, read: false });
      return { mailbox, id };
    });
    if (request.idempotencyKey !== undefined) this.byKey.set(request.idempotencyKey, created);
    return created.map((e) => ({ ...e }));
  }

  list(mailbox: string, options: ListOptions & { readonly unreadOnly?: boolean } = {}): InboxEntry[] {
    const matching = [...this.entries.values()]
      .filter((e) => e.entry.mailbox === mailbox && (!options.unreadOnly || !e.read))
      .sort((a, b) => b.entry.receivedAt - a.entry.receivedAt || b.seq - a.seq);
    const offset = options.offset ?? 0;
    return matching.slice(offset, options.limit === undefined ? undefined : offset + options.limit).map(toInboxEntry);
  }

  get(id: string): InboxEntry | undefined {
    const stored = this.entries.get(id);
    return stored ? toInboxEntry(stored) : undefined;
  }

  markRead(id: string, read: boolean): void {
    const stored = this.entries.get(id);
    if (!stored) throw new XportError('XPORT_STORE_NOT_FOUND', `memory store: inbox entry ${id} does not exist`, { details: { inboxEntryId: id } });
    stored.read = read;
  }

  clear(): void {
    this.entries.clear();
    this.byKey.clear();
  }
}
