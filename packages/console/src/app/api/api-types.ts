// The shapes of the HTTP API's answers the console reads (see /v1/openapi.json).

export interface Address {
  readonly type: string;
  readonly address: string;
  readonly name?: string;
}

export type RecipientState = 'queued' | 'in-flight' | 'deferred' | 'held' | 'delivered' | 'failed' | 'expired' | 'aborted';

export interface RecipientStatus {
  readonly index: number;
  readonly recipient: Address;
  readonly role: 'to' | 'cc' | 'bcc';
  readonly provider: string | null;
  readonly state: RecipientState;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly updatedAt: string;
  readonly lastError?: { readonly code: string; readonly diagnostic: string };
  /** True on a held recipient that still expires when its message's lifetime passes (held with expire: true). */
  readonly expiresWhileHeld?: true;
  /** Its delivery events, oldest first (on a message's page; absent in the queue). */
  readonly timeline?: readonly DeliveryEvent[];
}

export type DeliveryEventType = 'submitted' | 'failed' | 'deferred' | 'delivered' | 'expired' | 'deleted' | 'received' | 'held' | 'released' | 'bounced';

/** One entry of the delivery event log (`GET /v1/events`, a message's `events` and `timeline`). */
export interface DeliveryEvent {
  readonly id: number;
  readonly type: DeliveryEventType;
  readonly at: string;
  readonly messageId: string;
  readonly recipientIndex?: number;
  readonly recipient?: string;
  readonly provider?: string | null;
  readonly attempts?: number;
  readonly mailbox?: string;
  readonly nextAttemptAt?: string;
  readonly error?: { readonly code: string; readonly diagnostic: string };
}

export interface Envelope {
  readonly from?: Address;
  readonly subject?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly kind: 'note' | 'report.ndr' | 'report.dr';
  readonly messageId?: string;
  readonly reportFor?: string;
}

export interface Part {
  readonly partId: string;
  readonly kind: 'text' | 'html' | 'attachment';
  readonly contentType: string;
  readonly size: number;
  readonly filename?: string;
  readonly href: string;
}

export interface Message {
  readonly id: string;
  readonly envelope: Envelope;
  readonly recipients: readonly RecipientStatus[];
  readonly parts: readonly Part[];
  readonly size: number;
  readonly submittedAt: string;
  readonly expiresAt: string;
  readonly finishedAt?: string;
  readonly idempotencyKey?: string;
  /** The events about the message itself (`submitted`), oldest first. */
  readonly events?: readonly DeliveryEvent[];
}

/** One recipient of the queue (`GET /v1/queue`), with its message's subject and sender. */
export interface QueueRecipient extends RecipientStatus {
  readonly messageId: string;
  readonly subject?: string;
  readonly from?: Address;
  readonly submittedAt: string;
}

export interface QueuePage {
  readonly recipients: readonly QueueRecipient[];
  readonly nextCursor: string | null;
}

export type QueueOperation = 'retry' | 'hold' | 'release' | 'delete';

/** What `POST /v1/queue/{operation}` answers: recipients changed (or that would be, on a dry run). */
export interface QueueOperationResult {
  readonly operation: QueueOperation;
  readonly dryRun: boolean;
  readonly changed: number;
  readonly skippedInFlight: number;
  readonly messages: number;
  readonly batches: number;
  readonly reports: number;
}

export interface InboxEntry {
  readonly id: string;
  readonly mailbox: string;
  readonly envelope: Envelope;
  readonly parts: readonly Part[];
  readonly size: number;
  readonly receivedAt: string;
  readonly read: boolean;
  readonly receivedBy?: string;
}

export interface InboxPage {
  readonly mailbox: string;
  readonly entries: readonly InboxEntry[];
  readonly nextCursor: string | null;
}

export interface ProviderSide {
  readonly name: string;
  readonly state: string;
  readonly detail?: string;
}

export interface Provider {
  readonly id: string;
  readonly packageName: string;
  readonly version: string;
  readonly kind: string;
  readonly addressTypes: readonly string[];
  readonly state: string;
  readonly enabled: boolean;
  readonly sides?: readonly ProviderSide[];
  readonly lastError?: { readonly code: string; readonly message: string };
  readonly queue?: { readonly queued: number; readonly inFlight: number; readonly deferred: number; readonly held: number };
}

export interface ProvidersAnswer {
  readonly providers: readonly Provider[];
}
