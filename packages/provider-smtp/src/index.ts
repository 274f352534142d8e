// @xport/provider-smtp — xport transport for address type "smtp".

// Provider
export { default as smtpProvider } from './provider.js';
export { createSmtpTransport } from './smtp-transport.js';
export type { SmtpTransport } from './smtp-transport.js';

// Configuration
export { resolveSmtpConfig, SMTP_CONFIG_DEFAULTS } from './config.js';
export type { SmtpConfig, SmtpRelayConfig, SmtpListenConfig, SmtpDkimConfig, SmtpAuthMethod, ResolvedSmtpConfig, ResolvedRelayConfig, ResolvedListenConfig, ResolvedDkimConfig } from './config.js';

// SMTP replies
export { classifySmtpReply, parseEnhancedStatus } from './smtp-reply.js';
export type { SmtpCommand } from './smtp-reply.js';
