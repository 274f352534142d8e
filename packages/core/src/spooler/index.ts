// The spooler: the public surface the kernel wires in. Everything else in this folder is internal.

// Spooler
export { createSpooler } from './spooler.js';
export type { Spooler, QueueDepth, CreateSpoolerOptions } from './spooler.js';
export type { SubmitReceipt } from './submit-message.js';
export type { QueueOperationInput, QueueOperationReport } from './queue-operation.js';

// Host interface the kernel implements
export type { SpoolerHost, SpoolerOptions, RetryOptions, ProviderLimits, DestinationLimits, PerDestinationLimits, ProviderStateChange, RoutingView, HookEntry } from './host.js';
export { DEFAULT_SPOOLER_OPTIONS, toSpoolerOptions } from './options.js';
export type { SpoolerOptionsInput } from './options.js';

// Per-destination flow
export type { DestinationStatus } from './destination-limiter.js';
export { DEFAULT_DESTINATION_LIMITS } from './destination-limits.js';

// Events
export type { SpoolerEvents, SpoolerEventName, SpoolerListener, RecipientEvent, SubmittedRecipient } from './events.js';

// Diagnostics the spooler writes
export { SpoolerEnhancedStatus, SpoolerStatus } from './enhanced-status.js';
export { computeNextAttempt, MIN_RETRY_AFTER_MS } from './next-attempt.js';

// Asynchronous bounces: VERP return paths and the credential that signs them
export { createVerpCodec, REPORTS_CREDENTIAL_OWNER, REPORTS_CREDENTIALS } from './verp-token.js';
export type { VerpCodec, VerpTarget } from './verp-token.js';
