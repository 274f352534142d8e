import { XportError, receivedEvent, type InboxEntry, type ListOptions, type MessageEnvelope, type PartInfo, type ReceiveRequest } from '@xport/provider-sdk';
import { toFrozenEnvelope } from './memory-records.js';
import { RecordIds } from './record-ids.js';
import type { MemoryEvents } from './memory-events.js';

/** An inbox entry as stored. The entries of one receive share its frozen envelope and parts. */
interface MemoryInboxEntry {
  readonly seq: number;
  readonly id: string;
  readonly mailbox: string;
  readonly envelope: MessageEnvelope;
  readonly parts: readonly PartInfo[];
  readonly size: number;
  readonly receivedAt: number;
  readonly receivedBy: string | undefined;
  read: boolean;
}

/** What a receive returns: fresh objects, so the caller may change them without touching the index. */
type ReceivedEntry = { mailbox: string; id: string };

function toInboxEntry(stored: MemoryInboxEntry): InboxEntry {
  const entry: { -readonly [K in keyof InboxEntry]: InboxEntry[K] } = {
    id: stored.id,
    mailbox: stored.mailbox,
    envelope: stored.envelope,
    parts: stored.parts,
    size: stored.size,
    receivedAt: stored.receivedAt,
    read: stored.read,
  };
  if (stored.receivedBy !== undefined) entry.receivedBy = stored.receivedBy;
  return entry;
}

function toReceived(entries: readonly MemoryInboxEntry[]): ReceivedEntry[] {
  const received: ReceivedEntry[] = [];
  for (const e of entries) received.push({ mailbox: e.mailbox, id: e.id });
  return received;
}

/**
 * Received messages, one entry per mailbox; the entries of one receive share its content parts.
 * Entries are never removed, so they sit in an array in arrival order, and an entry's id (a random
 * prefix for the store and the entry's number) leads to it by index instead of through a hash table.
 */
export class MemoryInbox {
  private readonly entries: MemoryInboxEntry[] = [];
  private readonly ids = new RecordIds(8);
  private readonly byKey = new Map<string, readonly MemoryInboxEntry[]>();

  constructor(private readonly events: MemoryEvents) {}

  findByKey(key: string | undefined): ReceivedEntry[] | undefined {
    const found = key === undefined ? undefined : this.byKey.get(key);
    return found === undefined ? undefined : toReceived(found);
  }

  insert(request: ReceiveRequest, parts: readonly PartInfo[]): ReceivedEntry[] {
    let size = 0;
    for (const part of parts) size += part.size;
    // One frozen copy for every mailbox's entry, handed out as it is by reads.
    const envelope = toFrozenEnvelope(request.envelope);
    const mailboxes = request.mailboxes.length === 1 ? request.mailboxes : [...new Set(request.mailboxes)];
    // Sized up front: it is kept under the idempotency key.
    const created = new Array<MemoryInboxEntry>(mailboxes.length);
    for (let i = 0; i < mailboxes.length; i += 1) {
      const mailbox = mailboxes[i]!;
      const seq = this.entries.length + 1;
      const entry: MemoryInboxEntry = {
        seq,
        id: this.ids.idOf(seq),
        mailbox,
        envelope,
        parts,
        size,
        receivedAt: request.receivedAt,
        receivedBy: request.receivedBy,
        read: false,
      };
      this.entries.push(entry);
      created[i] = entry;
    }
    if (request.idempotencyKey !== undefined) this.byKey.set(request.idempotencyKey, created);
    this.events.append(created.map((e) => receivedEvent(e, e.receivedAt, e.receivedBy)));
    return toReceived(created);
  }

  list(mailbox: string, options: ListOptions & { readonly unreadOnly?: boolean } = {}): InboxEntry[] {
    const matching = this.entries
      .filter((e) => e.mailbox === mailbox && (!options.unreadOnly || !e.read))
      .sort((a, b) => b.receivedAt - a.receivedAt || b.seq - a.seq);
    const offset = options.offset ?? 0;
    return matching.slice(offset, options.limit === undefined ? undefined : offset + options.limit).map(toInboxEntry);
  }

  get(id: string): InboxEntry | undefined {
    const stored = this.find(id);
    return stored ? toInboxEntry(stored) : undefined;
  }

  markRead(id: string, read: boolean): void {
    const stored = this.find(id);
    if (!stored) throw new XportError('XPORT_STORE_NOT_FOUND', `memory store: inbox entry ${id} does not exist`, { details: { inboxEntryId: id } });
    stored.read = read;
  }

  private find(id: string): MemoryInboxEntry | undefined {
    const n = this.ids.counterOf(id);
    const entry = n < 1 ? undefined : this.entries[n - 1];
    return entry?.id === id ? entry : undefined;
  }
}
