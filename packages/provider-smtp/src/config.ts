import { checkSmtpAddress, XportError } from '@xport/provider-sdk';

/** SASL mechanism used at the relay; unset lets nodemailer pick from what the server offers. */
export type SmtpAuthMethod = 'PLAIN' | 'LOGIN' | 'XOAUTH2';

/** DKIM signing of outbound mail (RFC 6376). The private key is the `dkimPrivateKey` credential. */
export interface SmtpDkimConfig {
  /** Signing domain (`d=`). */
  readonly domain: string;
  /** Key selector (`s=`): the public key is at `<selector>._domainkey.<domain>`. */
  readonly selector: string;
  /** Header fields to sign (`h=`); From must be one. nodemailer's RFC 6376 list by default. */
  readonly headers?: readonly string[];
}

/** Outbound relay (submission server) settings. Mirrors `relay` in the manifest's configSchema. */
export interface SmtpRelayConfig {
  readonly host: string;
  readonly port?: number;
  /** Implicit TLS from the first byte (port 465 style). */
  readonly secure?: boolean;
  /** Refuse to go on without STARTTLS. Forced on whenever credentials are used. */
  readonly requireTLS?: boolean;
  /** Extra trusted CA: a PEM string or a path to one (relative to the application root). */
  readonly ca?: string;
  readonly rejectUnauthorized?: boolean;
  readonly pool?: { readonly maxConnections?: number; readonly maxMessages?: number };
  readonly connectionTimeoutMs?: number;
  readonly greetingTimeoutMs?: number;
  readonly socketTimeoutMs?: number;
  /** EHLO name. */
  readonly name?: string;
  readonly authMethod?: SmtpAuthMethod;
  /** Domain for senders of other address types: `loopback:ada` is sent as `ada@<senderDomain>`. */
  readonly senderDomain?: string;
  /** Sign outbound mail with DKIM. */
  readonly dkim?: SmtpDkimConfig;
}

/** Inbound listener settings. Mirrors `listen` in the manifest's configSchema. */
export interface SmtpListenConfig {
  readonly enabled?: boolean;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Domains whose every address is accepted. */
  readonly domains?: readonly string[];
  /** Single addresses accepted in addition to `domains`. */
  readonly addresses?: readonly string[];
  readonly requireAuth?: boolean;
  /** Allow AUTH without TLS (only sensible on loopback); otherwise requireAuth needs `tls`. */
  readonly allowInsecureAuth?: boolean;
  readonly maxMessageBytes?: number;
  /** PEM strings or paths, for STARTTLS. */
  readonly tls?: { readonly key?: string; readonly cert?: string };
  /** Most connections at once, in total; one more is answered `421 4.7.0` and closed. */
  readonly maxConnections?: number;
  /** Most connections at once from one client IP address. */
  readonly maxConnectionsPerClient?: number;
  /** A connection idle this long (waiting for the client) is closed with `421`. */
  readonly idleTimeoutMs?: number;
  /** Most recipients in one transaction; more are answered `452 4.5.3`. */
  readonly maxRecipients?: number;
  /** Refused commands (5xx replies) one connection may collect before it is closed with `421 4.7.0`. */
  readonly maxErrors?: number;
  /** Failed AUTH attempts from one client IP before it is disconnected and locked out. */
  readonly maxAuthFailures?: number;
  /** Delay before the reply to the first failed AUTH of a client IP; it doubles with each further failure. */
  readonly authFailureDelayMs?: number;
  /** How long a locked-out client IP is refused AUTH, and how long its failures are remembered. */
  readonly authLockoutMs?: number;
}

/** Configuration of the `smtp` transport provider. */
export interface SmtpConfig {
  readonly relay?: SmtpRelayConfig;
  readonly listen?: SmtpListenConfig;
}

export interface ResolvedRelayConfig {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly requireTLS: boolean | undefined;
  readonly ca: string | undefined;
  readonly rejectUnauthorized: boolean;
  readonly maxConnections: number;
  readonly maxMessages: number;
  readonly connectionTimeoutMs: number;
  readonly greetingTimeoutMs: number;
  readonly socketTimeoutMs: number;
  readonly name: string | undefined;
  readonly authMethod: SmtpAuthMethod | undefined;
  readonly senderDomain: string | undefined;
  readonly dkim: ResolvedDkimConfig | undefined;
}

export interface ResolvedDkimConfig {
  readonly domain: string;
  readonly selector: string;
  /** Undefined: nodemailer's default list. */
  readonly headers: readonly string[] | undefined;
}

export interface ResolvedListenConfig {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  readonly domains: readonly string[];
  readonly addresses: readonly string[];
  readonly requireAuth: boolean;
  readonly allowInsecureAuth: boolean;
  readonly maxMessageBytes: number;
  readonly tls: { readonly key: string; readonly cert: string } | undefined;
  readonly maxConnections: number;
  readonly maxConnectionsPerClient: number;
  readonly idleTimeoutMs: number;
  readonly maxRecipients: number;
  readonly maxErrors: number;
  readonly maxAuthFailures: number;
  readonly authFailureDelayMs: number;
  readonly authLockoutMs: number;
}

export interface ResolvedSmtpConfig {
  readonly relay: ResolvedRelayConfig | undefined;
  readonly listen: ResolvedListenConfig;
}

/** Defaults, equal to the ones in the manifest's configSchema (a test keeps them in step). */
export const SMTP_CONFIG_DEFAULTS = {
  relay: {
    port: 587,
    secure: false,
    rejectUnauthorized: true,
    pool: { maxConnections: 5, maxMessages: 100 },
    connectionTimeoutMs: 30_000,
    greetingTimeoutMs: 30_000,
    socketTimeoutMs: 120_000,
  },
  listen: {
    enabled: false,
    host: '127.0.0.1',
    port: 2525,
    domains: [] as string[],
    addresses: [] as string[],
    requireAuth: false,
    allowInsecureAuth: false,
    maxMessageBytes: 26_214_400,
    // What a small MTA would choose (Postfix: 100 smtpd processes, 50 per client, 20 errors).
    maxConnections: 100,
    maxConnectionsPerClient: 20,
    // RFC 5321 §4.5.3.2.7: a server should wait at least 5 minutes for the next command.
    idleTimeoutMs: 300_000,
    // RFC 5321 §4.5.3.1.8: at least 100 recipients must be accepted.
    maxRecipients: 100,
    maxErrors: 20,
    maxAuthFailures: 5,
    authFailureDelayMs: 1_000,
    authLockoutMs: 900_000,
  },
} as const;

// The manifest's pattern for relay.dkim.selector: dot-separated DNS labels (underscores allowed).
const DKIM_SELECTOR = /^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*$/;

function invalid(field: string, expected: string, found: unknown): XportError {
  return new XportError(
    'XPORT_PROVIDER_CONFIG_INVALID',
    `provider "smtp": config field ${field} must be ${expected} (got ${JSON.stringify(found)})`,
    { details: { provider: 'smtp', field, expected, found } },
  );
}

function resolveDkim(dkim: SmtpDkimConfig): ResolvedDkimConfig {
  // A syntactically valid mailbox at the domain: the same host-name rule (IDNA included) as addresses.
  if (typeof dkim.domain !== 'string' || checkSmtpAddress(`dkim@${dkim.domain}`) !== undefined || dkim.domain.startsWith('[')) {
    throw invalid('/relay/dkim/domain', 'a domain name', dkim.domain);
  }
  if (typeof dkim.selector !== 'string' || !DKIM_SELECTOR.test(dkim.selector)) throw invalid('/relay/dkim/selector', 'a selector of DNS labels', dkim.selector);
  // RFC 6376 §5.4: the From field MUST be signed; a list without it signs nothing a receiver trusts.
  if (dkim.headers !== undefined && !dkim.headers.some((name) => name.toLowerCase() === 'from')) {
    throw invalid('/relay/dkim/headers', 'a list of header field names that includes From', dkim.headers);
  }
  return { domain: dkim.domain, selector: dkim.selector, headers: dkim.headers === undefined ? undefined : [...dkim.headers] };
}

function resolveRelay(relay: SmtpRelayConfig): ResolvedRelayConfig {
  const d = SMTP_CONFIG_DEFAULTS.relay;
  if (typeof relay.host !== 'string' || relay.host.trim() === '') throw invalid('/relay/host', 'a host name', relay.host);
  const port = relay.port ?? d.port;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw invalid('/relay/port', 'an integer 1..65535', port);
  return {
    host: relay.host,
    port,
    secure: relay.secure ?? d.secure,
    requireTLS: relay.requireTLS,
    ca: relay.ca,
    rejectUnauthorized: relay.rejectUnauthorized ?? d.rejectUnauthorized,
    maxConnections: relay.pool?.maxConnections ?? d.pool.maxConnections,
    maxMessages: relay.pool?.maxMessages ?? d.pool.maxMessages,
    connectionTimeoutMs: relay.connectionTimeoutMs ?? d.connectionTimeoutMs,
    greetingTimeoutMs: relay.greetingTimeoutMs ?? d.greetingTimeoutMs,
    socketTimeoutMs: relay.socketTimeoutMs ?? d.socketTimeoutMs,
    name: relay.name,
    authMethod: relay.authMethod,
    senderDomain: relay.senderDomain?.toLowerCase(),
    dkim: relay.dkim === undefined ? undefined : resolveDkim(relay.dkim),
  };
}

type ListenLimitKey = 'maxConnections' | 'maxConnectionsPerClient' | 'idleTimeoutMs' | 'maxRecipients' | 'maxErrors' | 'maxAuthFailures' | 'authFailureDelayMs' | 'authLockoutMs';

// Timer values stay within a day (idle) or a minute (AUTH delay): Node turns a delay over 2^31-1 ms into 1 ms.
function listenLimit(listen: SmtpListenConfig, key: ListenLimitKey, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = listen[key] ?? SMTP_CONFIG_DEFAULTS.listen[key];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`/listen/${key}`, max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer ${min}..${max}`, value);
  }
  return value;
}

function resolveListen(listen: SmtpListenConfig): ResolvedListenConfig {
  const d = SMTP_CONFIG_DEFAULTS.listen;
  const port = listen.port ?? d.port;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw invalid('/listen/port', 'an integer 0..65535', port);
  const maxMessageBytes = listen.maxMessageBytes ?? d.maxMessageBytes;
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1) throw invalid('/listen/maxMessageBytes', 'a positive integer', maxMessageBytes);
  const tls = listen.tls;
  if (tls && (tls.key === undefined) !== (tls.cert === undefined)) throw invalid('/listen/tls', 'both key and cert, or neither', Object.keys(tls));
  return {
    enabled: listen.enabled ?? d.enabled,
    host: listen.host ?? d.host,
    port,
    domains: (listen.domains ?? d.domains).map((domain) => domain.toLowerCase()),
    addresses: (listen.addresses ?? d.addresses).map((address) => address.toLowerCase()),
    requireAuth: listen.requireAuth ?? d.requireAuth,
    allowInsecureAuth: listen.allowInsecureAuth ?? d.allowInsecureAuth,
    maxMessageBytes,
    tls: tls?.key !== undefined && tls.cert !== undefined ? { key: tls.key, cert: tls.cert } : undefined,
    maxConnections: listenLimit(listen, 'maxConnections', 1),
    maxConnectionsPerClient: listenLimit(listen, 'maxConnectionsPerClient', 1),
    idleTimeoutMs: listenLimit(listen, 'idleTimeoutMs', 1, 86_400_000),
    maxRecipients: listenLimit(listen, 'maxRecipients', 1),
    maxErrors: listenLimit(listen, 'maxErrors', 1),
    maxAuthFailures: listenLimit(listen, 'maxAuthFailures', 1),
    authFailureDelayMs: listenLimit(listen, 'authFailureDelayMs', 0, 60_000),
    authLockoutMs: listenLimit(listen, 'authLockoutMs', 0),
  };
}

/**
 * Applies defaults and checks the few rules a JSON Schema cannot say. The kernel has already
 * validated the config against the manifest's schema; this also serves direct callers.
 *
 * @example
 * resolveSmtpConfig({ relay: { host: 'smtp.example.org' } }).relay?.port // 587
 */
export function resolveSmtpConfig(config: SmtpConfig | undefined): ResolvedSmtpConfig {
  return {
    relay: config?.relay ? resolveRelay(config.relay) : undefined,
    listen: resolveListen(config?.listen ?? {}),
  };
}
