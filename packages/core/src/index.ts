import 'reflect-metadata';

// @xport/core — the xport kernel. reflect-metadata is imported first, once, for tsyringe.

// Kernel
export { createKernel } from './kernel.js';
export type { Kernel, KernelOptions, StartOptions } from './kernel-types.js';
export { KERNEL_API_VERSION } from './version.js';

// Delivery events and message history
export { followEvents, DEFAULT_FOLLOW_POLL_MS } from './history/event-follower.js';
export type { FollowEventsOptions, WriteSignal } from './history/event-follower.js';
export { readMessageHistory, readMessageEvents } from './history/message-history.js';
export type { MessageHistory } from './history/message-history.js';

// Configuration
export { loadConfig, toXportConfig, CONFIG_FILE_NAME } from './config/load-config.js';
export { configSchema } from './config/config-schema.js';
export type { XportConfig, XportConfigInput, ProviderSettings, PerDestinationSettings, SpoolerSettings, LifecycleSettings, ReportSettings, HttpSettings, WebhookSettings, WebhookSettingsInput, ConfigLogLevel } from './config/config-schema.js';

// Discovery and validation
export type { DiscoveryReport, ProviderReport, CredentialProblem } from './discovery/discovery-report.js';
export type { DiscoveryStatus, ReportedError } from './discovery/provider-record.js';
export { isKernelCompatible } from './validation/check-compatibility.js';
export { validateManifest } from './validation/validate-manifest.js';
export type { ManifestValidation } from './validation/validate-manifest.js';

// Lifecycle and status
export type { ProviderState, ProviderStateChange, ProviderFault, KernelEvents } from './lifecycle/provider-state.js';
export type { Scheduler } from './lifecycle/scheduler.js';
export { logonRetryDelay } from './lifecycle/logon-retry.js';
export type { BackoffPolicy } from './lifecycle/logon-retry.js';
export { containProviderFault } from './lifecycle/fault-attribution.js';
export type { FaultOrigin } from './lifecycle/fault-attribution.js';
export type { ProviderStatus } from './status/status-row.js';

// Routing
export { createRoutingTable } from './routing/routing-table.js';
export type { RoutingTable, RoutableTransport } from './routing/routing-table.js';

// Credentials and logging
export { toEnvCredentialName } from './credentials/env-credential-name.js';
export { createPinoLogger } from './logging/pino-logger.js';
export type { PinoLoggerOptions } from './logging/pino-logger.js';
export { SecretRedactor } from './logging/secret-redactor.js';

// Spooler
export { createSpooler, DEFAULT_SPOOLER_OPTIONS, toSpoolerOptions, computeNextAttempt, SpoolerEnhancedStatus, SpoolerStatus } from './spooler/index.js';
export { createVerpCodec, REPORTS_CREDENTIAL_OWNER, REPORTS_CREDENTIALS } from './spooler/index.js';
export type {
  Spooler,
  QueueDepth,
  QueueOperationInput,
  QueueOperationReport,
  SubmitReceipt,
  SpoolerHost,
  SpoolerOptions,
  RetryOptions,
  ProviderLimits,
  DestinationLimits,
  PerDestinationLimits,
  DestinationStatus,
  SpoolerEvents,
  SpoolerEventName,
  SpoolerListener,
  RecipientEvent,
  SubmittedRecipient,
  VerpCodec,
  VerpTarget,
} from './spooler/index.js';
