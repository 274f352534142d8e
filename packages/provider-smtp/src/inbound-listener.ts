import type { Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { XportError, type Clock, type CredentialView, type InboundPort, type Logger } from '@xport/provider-sdk';
import type { ResolvedListenConfig } from './config.js';
import { ConnectionLimits, toClientAddress, toConnectionBudget } from './connection-limits.js';
import { readOpenFileLimit } from './descriptor-probe.js';
import { createAuthHandler } from './inbound-auth.js';
import { explainDsnRefusals, refuseMailDsn, refuseRcptDsn, toInboundDsn } from './inbound-dsn.js';
import { toInboundMessage } from './inbound-message.js';
import { checkEnvelopeArgs, refuseExtraRecipient, refuseRecipient, smtpReply } from './inbound-policy.js';
import { toBoundedList, toBoundedText, toDeliveryReply } from './inbound-reply.js';
import { ListeningSocket } from './listening-socket.js';
import { MessageGuard, type GuardViolation } from './message-guard.js';
import { loadPem } from './pem-source.js';
import { limitRefusedCommands } from './refused-commands.js';

export interface InboundListener {
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

export interface InboundListenerOptions {
  readonly listen: ResolvedListenConfig;
  readonly credentials: CredentialView;
  readonly inbound: InboundPort;
  readonly logger: Logger;
  readonly appRoot: string;
  /** For the AUTH lockout window; the system clock by default. */
  readonly clock?: Clock;
}

const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

type SmtpConnection = SMTPServer['connections'] extends Set<infer C> ? C : never;

const VIOLATION_REPLIES: Record<GuardViolation, (max: number) => Error> = {
  'too-big': (max) => smtpReply(552, `5.3.4 Message size exceeds fixed maximum message size of ${max} bytes`),
  'bare-lf': () => smtpReply(550, '5.6.0 Message has a bare LF line ending; lines must end with CRLF'),
  'bare-cr': () => smtpReply(550, '5.6.0 Message has a bare CR; lines must end with CRLF'),
  'too-many-header-fields': () => smtpReply(552, '5.3.4 Message header has too many fields'),
  'header-too-big': () => smtpReply(552, '5.3.4 Message header is too large'),
};

async function tlsOptions(options: InboundListenerOptions): Promise<Partial<SMTPServerOptions>> {
  const { listen, appRoot } = options;
  if (!listen.tls) {
    if (listen.requireAuth && !listen.allowInsecureAuth) {
      throw new XportError(
        'XPORT_PROVIDER_CONFIG_INVALID',
        'provider "smtp": config field /listen/tls must give key and cert when /listen/requireAuth is true (got none): passwords would cross the wire unencrypted; set /listen/allowInsecureAuth to allow it on a trusted network',
        { details: { provider: 'smtp', field: '/listen/tls' } },
      );
    }
    return {};
  }
  return {
    key: await loadPem(listen.tls.key, '/listen/tls/key', appRoot),
    cert: await loadPem(listen.tls.cert, '/listen/tls/cert', appRoot),
  };
}

/** Commands the listener never serves: AUTH without requireAuth, STARTTLS without a certificate of its own (smtp-server would answer it with its bundled, expired one). */
function disabledCommands(listen: ResolvedListenConfig): string[] {
  return [...(listen.requireAuth ? [] : ['AUTH']), ...(listen.tls ? [] : ['STARTTLS'])];
}

/** Reads the DATA stream through the guard into mailparser; the stream is always drained. */
async function readMessage(stream: SMTPServerDataStream, maxBytes: number): Promise<{ parsed?: ParsedMail; violation?: GuardViolation; error?: unknown }> {
  const guard = new MessageGuard({ maxBytes });
  stream.pipe(guard);
  try {
    // keepDeliveryStatus: a DSN's message/delivery-status part stays a part (the kernel recognises bounces by it), not body text.
    const parsed = await simpleParser(guard, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, keepCidLinks: true, keepDeliveryStatus: true });
    return guard.violation ? { violation: guard.violation } : { parsed };
  } catch (error) {
    guard.resume();
    return guard.violation ? { violation: guard.violation } : { error };
  }
}

/** The SMTP connection smtp-server created last: `connect()` adds it to the set, in order, and returns nothing. */
function newestConnection(server: SMTPServer): SmtpConnection | undefined {
  let newest: SmtpConnection | undefined;
  for (const connection of server.connections) newest = connection;
  return newest;
}

/**
 * Starts the SMTP listener: accepts mail only for the configured domains and addresses,
 * optionally behind AUTH (checked against the provider's own credentials) and STARTTLS, within
 * the configured connection, recipient, header and error limits, and answers 250 only once the
 * kernel's inbound path has durably accepted the message.
 */
export async function startInboundListener(options: InboundListenerOptions): Promise<InboundListener> {
  const { listen, credentials, inbound, logger, clock = SYSTEM_CLOCK } = options;
  const expected = listen.requireAuth ? { username: credentials.require('username'), password: credentials.require('password') } : undefined;

  const deliverData = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> => {
    const read = await readMessage(stream, listen.maxMessageBytes);
    if (read.violation) {
      logger.warn('inbound message refused', { session: session.id, reason: read.violation });
      throw VIOLATION_REPLIES[read.violation](listen.maxMessageBytes);
    }
    if (!read.parsed) {
      logger.warn('inbound message could not be parsed', { session: session.id, error: String(read.error) });
      throw smtpReply(554, '5.6.0 Message could not be parsed');
    }
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
    // The DSN parameters, and the return path their reports go to.
    const dsn = toInboundDsn(session);
    const parsed = toInboundMessage(read.parsed, session.envelope.rcptTo.map((r) => r.address), mailFrom);
    const message = dsn === undefined ? parsed : { ...parsed, ...dsn };
    let receipt;
    try {
      receipt = await inbound.deliver(message);
    } catch (error) {
      const { reply, permanent } = toDeliveryReply(error);
      const fields = { session: session.id, code: XportError.is(error) ? error.code : undefined, error: String(error), reply: `${reply.responseCode} ${reply.message}` };
      if (permanent) logger.warn('inbound message refused', fields);
      else logger.error('inbound delivery failed; client told to retry', fields);
      throw reply;
    }
    if (receipt.entries.length === 0 && receipt.rejected.length > 0) {
      // One reason per hook, not per recipient: the reply stays one short line.
      const reasons = [...new Set(receipt.rejected.map((r) => toBoundedText(r.reason, 200)))];
      throw smtpReply(550, `5.7.1 Message rejected: ${toBoundedList(reasons, '; ')}`);
    }
    logger.info('inbound message accepted', { session: session.id, recipients: message.recipients.length, entries: receipt.entries.length });
    return `2.0.0 Ok: queued as ${toBoundedList(receipt.entries.map((e) => e.id), ',') || 'none'}`;
  };

  const server = new SMTPServer({
    ...(await tlsOptions(options)),
    banner: 'xport ESMTP',
    logger: false,
    disableReverseLookup: true,
    // RFC 3461: advertised, and its parameters (xtext decoded by smtp-server) handed to the kernel.
    hideDSN: false,
    size: listen.maxMessageBytes,
    authOptional: !listen.requireAuth,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: listen.allowInsecureAuth,
    authRequiredMessage: '5.7.0 Authentication required',
    disabledCommands: disabledCommands(listen),
    socketTimeout: listen.idleTimeoutMs,
    closeTimeout: 5_000,
    onAuth: createAuthHandler(listen, expected, logger, clock),
    onMailFrom(address, _session, callback) {
      callback(checkEnvelopeArgs(address.args) ?? refuseMailDsn(address.args) ?? null);
    },
    onRcptTo(address, session, callback) {
      const refusal = checkEnvelopeArgs(address.args) ?? refuseRcptDsn(address.args) ?? refuseRecipient(address.address, listen);
      callback(refusal ?? refuseExtraRecipient(address.address, session.envelope.rcptTo, listen.maxRecipients) ?? null);
    },
    onData(stream, session, callback) {
      deliverData(stream, session).then(
        (reply) => callback(null, reply),
        (error: Error) => callback(error),
      );
    },
  });

  // Limits apply where a socket is accepted, before any SMTP work: a flood costs a descriptor for a
  // moment, not a session. So smtp-server's own connection handler is replaced by one that admits
  // the socket first and then hands it to smtp-server (plain TCP: no PROXY header, no implicit TLS).
  const openFileLimit = readOpenFileLimit();
  const maxConnections = toConnectionBudget(listen.maxConnections, openFileLimit);
  if (maxConnections < listen.maxConnections) {
    logger.warn('smtp listener: listen.maxConnections lowered to what the open-file limit allows', { configured: listen.maxConnections, used: maxConnections, openFileLimit });
  }
  const limits = new ConnectionLimits({ maxConnections, maxPerClient: listen.maxConnectionsPerClient, logger });
  server.server.removeAllListeners('connection');
  server.server.on('connection', (socket: Socket) => {
    if (!limits.admit(socket)) return;
    server.connect(socket);
    const connection = newestConnection(server);
    if (connection === undefined) return;
    const client = toClientAddress(socket.remoteAddress);
    // First, so the refusals it rewrites are counted as what they are.
    explainDsnRefusals(connection);
    limitRefusedCommands(connection, listen.maxErrors, (errors) => logger.warn('smtp client refused too many commands; disconnected', { client, errors }));
  });

  const listening = new ListeningSocket(server.server, logger);
  server.on('error', (error: NodeJS.ErrnoException) => {
    // Failed (re)binds are the listening socket's to report.
    if (error.syscall !== 'listen') logger.warn('smtp listener error', { error: error.message });
  });

  let bound;
  try {
    bound = await listening.listen(listen.port, listen.host);
  } catch (caught) {
    const error = caught as Error;
    throw new XportError('XPORT_PROVIDER_START_FAILED', `provider "smtp": cannot listen on ${listen.host}:${listen.port}: ${error.message}`, { cause: error, details: { provider: 'smtp', host: listen.host, port: listen.port } });
  }
  logger.info('smtp listener started', { ...bound, tls: listen.tls !== undefined, requireAuth: listen.requireAuth, maxConnections, maxConnectionsPerClient: listen.maxConnectionsPerClient });

  return {
    address: bound,
    close: () => {
      listening.close();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
