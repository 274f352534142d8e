import nodemailer, { type Transporter } from 'nodemailer';
import type DKIM from 'nodemailer/lib/dkim/index.js';
import type SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { XportError } from '@xport/provider-sdk';
import type { ResolvedRelayConfig } from './config.js';
import type { RelayAuth } from './relay-auth.js';
import { connectRelaySocket } from './relay-socket.js';

export type RelayTransporter = Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;

/** True when the relay session must be encrypted: asked for, or credentials would cross the wire. */
export function mustUseTls(relay: ResolvedRelayConfig, auth: RelayAuth): boolean {
  if (auth.option === undefined) return relay.requireTLS === true;
  if (relay.requireTLS === false && !relay.secure) {
    throw new XportError(
      'XPORT_PROVIDER_CONFIG_INVALID',
      'provider "smtp": config field /relay/requireTLS must not be false when credentials are used (got false): credentials never cross the wire unencrypted',
      { details: { provider: 'smtp', field: '/relay/requireTLS', expected: 'true or unset', found: false } },
    );
  }
  return true;
}

/**
 * How to reach the relay, shared by the pool and the capability probe: host, TLS (implicit or
 * STARTTLS, required whenever credentials are used) and the time-outs. No credentials.
 */
export function toRelayConnectionOptions(relay: ResolvedRelayConfig, auth: RelayAuth, ca: string | undefined): SMTPConnection.Options {
  return {
    host: relay.host,
    port: relay.port,
    secure: relay.secure,
    requireTLS: mustUseTls(relay, auth),
    tls: { rejectUnauthorized: relay.rejectUnauthorized, ...(ca === undefined ? {} : { ca }) },
    connectionTimeout: relay.connectionTimeoutMs,
    greetingTimeout: relay.greetingTimeoutMs,
    socketTimeout: relay.socketTimeoutMs,
    logger: false,
    debug: false,
    ...(relay.name === undefined ? {} : { name: relay.name }),
  };
}

/**
 * The pooled nodemailer transport to the relay, on sockets with Nagle off (see relay-socket.ts).
 * File and URL access are off, so no header or attachment can make nodemailer read local files or
 * fetch URLs. With `dkim`, nodemailer signs each message; it holds the message in memory while it
 * hashes the body, since the signature header goes before the body it covers.
 */
export function createRelayTransporter(relay: ResolvedRelayConfig, auth: RelayAuth, ca: string | undefined, dkim?: DKIM.SingleKeyOptions): RelayTransporter {
  const options: SMTPPool.Options = {
    ...toRelayConnectionOptions(relay, auth, ca),
    pool: true,
    getSocket: connectRelaySocket(relay.connectionTimeoutMs),
    maxConnections: relay.maxConnections,
    maxMessages: relay.maxMessages,
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(relay.authMethod === undefined ? {} : { authMethod: relay.authMethod }),
    ...(auth.option === undefined ? {} : { auth: auth.option as SMTPPool.Options['auth'] }),
    ...(dkim === undefined ? {} : { dkim }),
  };
  return nodemailer.createTransport(options);
}
