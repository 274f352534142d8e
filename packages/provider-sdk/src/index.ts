// @xport/provider-sdk — the contract xport providers compile against.

// Errors
export { XportError, describeErrorCode } from './errors.js';
export type { ErrorDetails, XportErrorOptions } from './errors.js';
export { ERROR_CODES } from './error-codes.js';
export type { ErrorCode } from './error-codes.js';

// Addresses
export {
  parseRecipient,
  formatRecipient,
  toRecipient,
  normalizeAddressType,
  sameAddressType,
  toMailboxKey,
  ADDRESS_TYPE_PATTERN,
  MAX_ADDRESS_LENGTH,
  MAX_DISPLAY_NAME_LENGTH,
} from './address.js';
export type { Recipient } from './address.js';
export { checkSmtpAddress, toAsciiDomain, hasUtf8LocalPart } from './smtp-address.js';

// Messages and outcomes
export type {
  RecipientRole,
  MessageKind,
  ContentInput,
  AttachmentInput,
  MessageInput,
  MessageEnvelope,
  PartInfo,
  ContentPartInput,
  AssignedRecipient,
  OutboundMessage,
  InboundMessage,
} from './message.js';
export { outcome, isRecipientOutcome } from './outcome.js';
export { MAX_HEADER_FIELDS, MAX_HEADER_BLOCK_CHARS, MAX_HEADER_VALUE_CHARS, measureHeaders, fitsHeaderLimits } from './header-limits.js';
export { MAX_RECIPIENTS } from './message-limits.js';
export { readWholePart, collectPart } from './read-part.js';
export type { RecipientOutcome, OutcomeStatus } from './outcome.js';

// Reports: delivery status notifications (RFC 3464) and bounce classification
export {
  DELIVERY_STATUS_TYPE,
  toDeliveryStatusText,
  parseDeliveryStatus,
  toDsnAddress,
  fromDsnAddress,
  toDsnDiagnostic,
} from './delivery-status.js';
export type { DeliveryStatus, DeliveryStatusRecipient, DsnAction, DsnTypedValue } from './delivery-status.js';
export { RETURNED_HEADERS_TYPE, toReturnedHeaders, findReturnedMessageId } from './returned-headers.js';
export type { ReturnedHeadersInput } from './returned-headers.js';
export { toDsnDate } from './dsn-text.js';
export {
  toDsnNotify,
  toOriginalRecipient,
  checkEnvelopeId,
  findRecipientDsn,
  wantsReport,
  toSmtpNotify,
  MAX_ENVELOPE_ID_LENGTH,
  MAX_ORIGINAL_RECIPIENT_LENGTH,
} from './dsn-request.js';
export type { DsnNotify, DsnNotifyEvent, DsnReturn, DsnRequest, RecipientDsnRequest, DsnInput, DsnHandOff } from './dsn-request.js';
export { classifyBounce, BOUNCE_RULES, BOUNCE_WORDS } from './bounce-classification.js';
export type { BounceClass, BounceRule } from './bounce-classification.js';

// Manifest
export { manifestSchema, MANIFEST_VERSION, PROVIDER_ID_PATTERN, CREDENTIAL_NAME_PATTERN } from './manifest.js';
export type { ProviderManifest, ProviderKind, CredentialDeclaration } from './manifest.js';
export { toEnvCredentialName } from './credential-env-name.js';

// Services and DI tokens
export { XportTokens, RENAMED_TOKENS } from './tokens.js';
export { Secret } from './secret.js';
export { SecretMasker } from './secret-masker.js';
export type { Logger, LogLevel, Clock, CredentialView, ProviderInfo, InboundPort, InboundReceipt, ServiceToken, ServiceContainer } from './services.js';

// Writing providers
export { isProviderDefinition } from './provider.js';
export type { ProviderLifecycle, ProviderContext, ProviderDefinition } from './provider.js';
export { defineTransportProvider } from './transport.js';
export type { TransportProvider, TransportDefinition, SendContext, Preprocessor, TransportAvailability, TransportSide, TransportSideState } from './transport.js';
export { defineHookProvider } from './hook.js';
export type { HookProvider, HookDefinition, OutboundVerdict, InboundVerdict, OutboundHookInput } from './hook.js';
export { defineStoreProvider } from './store-provider.js';
export type { StoreProvider, StoreDefinition } from './store-provider.js';

// Writing stores
export { WorkListeners } from './work-listeners.js';
export type { WorkListenerHooks } from './work-listeners.js';
export { splitBytes, toFixedChunks } from './store-content.js';
export { startSentRetention, openSentRetention } from './sent-retention.js';
export { purgeHistory, SENT_PURGE_BATCH, EVENT_PURGE_BATCH } from './history-retention.js';
export { makeDueInBatches, MAKE_DUE_BATCH } from './make-due.js';
export type { PurgedHistory } from './history-retention.js';
export { createSubmitFingerprint, fingerprintToKeep, resolveRepeatedKey } from './submit-fingerprint.js';
export type { SubmitFingerprint, FingerprintInput } from './submit-fingerprint.js';

// Message store contract
export type {
  MessageStore,
  RecipientState,
  RecipientError,
  StoredRecipient,
  StoredMessage,
  SubmitRequest,
  SubmitResult,
  ClaimRequest,
  Claim,
  StrandedClaimRequest,
  StrandedClaim,
  ClaimResult,
  Completion,
  CompletionReceipt,
  QueueCounts,
  ProviderQueueCounts,
  InboxEntry,
  ReceiveRequest,
  ListOptions,
  QuarantinedRecord,
  SuppressionEntry,
  SuppressionStore,
  HardBounce,
  ManualSuppression,
  BounceStore,
  SentMessageKey,
  AsyncBounce,
  AsyncBounceReceipt,
} from './store.js';

// Store lifecycle: the one definition of what happens to a recipient, for every store
export {
  RECIPIENT_STATES,
  FINAL_RECIPIENT_STATES,
  WAITING_RECIPIENT_STATES,
  isFinalRecipientState,
  isWaitingRecipientState,
  isRecipientState,
  recipientDueAt,
} from './lifecycle/recipient-states.js';
export type { DueInput } from './lifecycle/recipient-states.js';
export { recipientTransition, applyRecipientTransition } from './lifecycle/recipient-transition.js';
export type { RecipientTransition, RecipientProgress } from './lifecycle/recipient-transition.js';
export { isLeaseCurrent, isLeaseExpired, leaseExpiry, staleLeaseError, unknownRecipientError, checkCompletionLease } from './lifecycle/lease-rules.js';
export type { LeaseHolder } from './lifecycle/lease-rules.js';
export {
  suppressionKey,
  hardBounceCountSince,
  hardBounceCount,
  suppressionExpiresAt,
  isSuppressed,
  toSuppressionStatus,
  suppressionListOf,
  suppressionPurgeBefore,
  isPurgeableSuppression,
} from './lifecycle/suppression-rule.js';
export { ASYNC_BOUNCE_FROM, BOUNCE_CANDIDATES, asyncBounceTransition, sentMessageKeysOf } from './lifecycle/async-bounce-rule.js';
export type { AsyncBounceTransition } from './lifecycle/async-bounce-rule.js';
export type { SuppressionPolicy, SuppressionStatus } from './lifecycle/suppression-rule.js';
export { SUPPRESSION_COLUMNS, hardBounceCountSql, decodeSuppressionRow } from './lifecycle/suppression-rows.js';
export type { SuppressionRecordRow } from './lifecycle/suppression-rows.js';
export { isStranded, strandedCondition } from './lifecycle/stranded-rule.js';
export { recipientDestination } from './lifecycle/recipient-destination.js';
export type { StrandedInput, StrandedColumns } from './lifecycle/stranded-rule.js';
export {
  undecodableRecordError,
  isUndecodableRecord,
  decodeEnvelopeRecord,
  decodePartsRecord,
  decodeRecipientRecord,
  decodeRecipientErrorRecord,
  decodeRecipientStateRecord,
  decodeRecipientRoleRecord,
  encodeEnvelopeRecord,
} from './lifecycle/record-codec.js';
export { decodeMessageRow, decodeInboxRow } from './lifecycle/record-rows.js';
export type { MessageRecordRow, RecipientRecordRow, InboxRecordRow } from './lifecycle/record-rows.js';
export { STORE_DEFAULTS } from './lifecycle/store-defaults.js';
export {
  QUEUE_RECIPIENT_STATES,
  recipientDomain,
  toRecipientFilter,
  selectsEverything,
  checkOperationFilter,
  recipientMatches,
  recipientFilterCondition,
} from './lifecycle/recipient-filter.js';
export type { RecipientFilter, FilterInput, FilterColumns } from './lifecycle/recipient-filter.js';
export {
  QUEUE_OPERATIONS,
  DELETED_ERROR,
  queueOperationsOf,
  queueOperationApplies,
  skipsInFlight,
  queueOperationResult,
  queueOperationCondition,
  isQueueOperation,
  checkOperationOptions,
} from './lifecycle/queue-operations.js';
export type { QueueOperation, OperationInput, OperationOptions, OperationResult, OperationColumns } from './lifecycle/queue-operations.js';
export { toQueueCursor, fromQueueCursor } from './lifecycle/queue-cursor.js';
export type { QueuePosition } from './lifecycle/queue-cursor.js';
export type {
  QueueEntry,
  QueueListRequest,
  QueuePage,
  QueueOperationCountRequest,
  QueueOperationCount,
  QueueOperationRequest,
  AffectedRecipient,
  QueueOperationBatch,
  QueueOperationsStore,
} from './queue-operations-store.js';
export { DELIVERY_EVENT_TYPES, isDeliveryEventType } from './lifecycle/delivery-events.js';
export type { DeliveryEvent, DeliveryEventType, EventReadRequest, EventLog } from './lifecycle/delivery-events.js';
export {
  submitEvents,
  completionEvent,
  completionEventFields,
  deletedEvent,
  recipientEvent,
  receivedEvent,
  matchesEventRequest,
  eventReadLimit,
  MAX_EVENT_READ,
} from './lifecycle/delivery-event-rules.js';
export type { NewDeliveryEvent, CompletedRecipient, CompletionEventFields } from './lifecycle/delivery-event-rules.js';
export { EVENT_COLUMNS, decodeEventRow } from './lifecycle/event-rows.js';
export type { EventRecordRow } from './lifecycle/event-rows.js';
