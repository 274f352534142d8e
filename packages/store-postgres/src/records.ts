import type { InboxRecordRow, MessageRecordRow, RecipientRecordRow } from '@xport/provider-sdk';

// Rows as the driver returns them: jsonb columns already parsed, decoded and judged by the SDK's
// record codec (decodeMessageRow / decodeInboxRow), the same judgement every store makes.

export interface MessageRow extends MessageRecordRow {
  readonly seq: number;
}

export interface RecipientRow extends RecipientRecordRow {
  readonly message_seq: number;
  readonly role: string;
  readonly state: string;
}

export interface InboxRow extends InboxRecordRow {
  readonly read: boolean;
}
