import type { InboxRecordRow, MessageRecordRow, RecipientRecordRow } from '@xport/provider-sdk';

// Rows as SQLite returns them: JSON columns as text, decoded and judged by the SDK's record codec
// (decodeMessageRow / decodeInboxRow), the same judgement every store makes.

export interface MessageRow extends MessageRecordRow {
  readonly seq: number;
  readonly envelope: string;
  readonly parts: string;
}

export interface RecipientRow extends RecipientRecordRow {
  readonly recipient: string;
  readonly role: string;
  readonly state: string;
  readonly last_error: string | null;
}

export interface InboxRow extends InboxRecordRow {
  readonly envelope: string;
  readonly parts: string;
  readonly read: number;
}
