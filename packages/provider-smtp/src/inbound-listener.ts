import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { XportError, type CredentialView, type InboundPort, type Logger } from '@xport/provider-sdk';
import type { ResolvedListenConfig } from './config.js';
import { toInboundMessage } from './inbound-message.js';
import { checkEnvelopeArgs, credentialsMatch, refuseRecipient, smtpReply } from './inbound-policy.js';
import { MessageGuard, type GuardViolation } from './message-guard.js';
import { loadPem } from './pem-source.js';

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
}

const VIOLATION_REPLIES: Record<GuardViolation, (max: number) => Error> = {
  'too-big': (max) => smtpReply(552, `5.3.4 Message size exceeds fixed maximum message size of ${max} bytes`),
  'bare-lf': () => smtpReply(550, '5.6.0 Message has a bare LF line ending; lines must end with CRLF'),
  'bare-cr': () => smtpReply(550, '5.6.0 Message has a bare CR; lines must end with CRLF'),
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
    return { hideSTARTTLS: true };
  }
  return {
    key: await loadPem(listen.tls.key, '/listen/tls/key', appRoot),
    cert: await loadPem(listen.tls.cert, '/listen/tls/cert', appRoot),
  };
}

/** Reads the DATA stream through the guard into mailparser; the stream is always drained. */
async function readMessage(stream: SMTPServerDataStream, maxBytes: number): Promise<{ parsed?: ParsedMail; violation?: GuardViolation; error?: unknown }> {
  const guard = new MessageGuard(maxBytes);
  stream.pipe(guard);
  try {
    const parsed = await simpleParser(guard, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, keepCidLinks: true });
    return guard.violation ? { violation: guard.violation } : { parsed };
  } catch (error) {
    guard.resume();
    return guard.violation ? { violation: guard.violation } : { error };
  }
}

/**
 * Starts the SMTP listener: accepts mail only for the configured domains and addresses,
 * optionally behind AUTH (checked against the provider's own credentials) and STARTTLS, and
 * answers 250 only once the kernel's inbound path has durably accepted the message.
 */
export async function startInboundListener(options: InboundListenerOptions): Promise<InboundListener> {
  const { listen, credentials, inbound, logger } = options;
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
    const message = toInboundMessage(read.parsed, session.envelope.rcptTo.map((r) => r.address), mailFrom);
    let receipt;
    try {
      receipt = await inbound.deliver(message);
    } catch (error) {
      logger.error('inbound delivery failed; client told to retry', { session: session.id, error: String(error) });
      throw smtpReply(451, '4.3.0 Local error in processing; try again later');
    }
    if (receipt.entries.length === 0 && receipt.rejected.length > 0) {
      const reasons = receipt.rejected.map((r) => r.reason).join('; ');
      throw smtpReply(550, `5.7.1 Message rejected: ${reasons}`);
    }
    logger.info('inbound message accepted', { session: session.id, recipients: message.recipients.length, entries: receipt.entries.length });
    return `2.0.0 Ok: queued as ${receipt.entries.map((e) => e.id).join(',') || 'none'}`;
  };

  const server = new SMTPServer({
    ...(await tlsOptions(options)),
    banner: 'xport ESMTP',
    logger: false,
    disableReverseLookup: true,
    size: listen.maxMessageBytes,
    authOptional: !listen.requireAuth,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: listen.allowInsecureAuth,
    authRequiredMessage: '5.7.0 Authentication required',
    disabledCommands: listen.requireAuth ? [] : ['AUTH'],
    closeTimeout: 5_000,
    onAuth(auth, _session, callback) {
      const ok = expected !== undefined && (auth.method === 'PLAIN' || auth.method === 'LOGIN') && credentialsMatch(auth.username ?? '', auth.password ?? '', expected);
      if (!ok) return callback(smtpReply(535, '5.7.8 Authentication credentials invalid'));
      callback(null, { user: auth.username });
    },
    onMailFrom(address, _session, callback) {
      callback(checkEnvelopeArgs(address.args) ?? null);
    },
    onRcptTo(address, _session, callback) {
      callback(checkEnvelopeArgs(address.args) ?? refuseRecipient(address.address, listen) ?? null);
    },
    onData(stream, session, callback) {
      deliverData(stream, session).then(
        (reply) => callback(null, reply),
        (error: Error) => callback(error),
      );
    },
  });
  server.on('error', (error) => logger.warn('smtp listener error', { error: error.message }));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(new XportError('XPORT_PROVIDER_START_FAILED', `provider "smtp": cannot listen on ${listen.host}:${listen.port}: ${error.message}`, { cause: error, details: { provider: 'smtp', host: listen.host, port: listen.port } }));
    server.server.once('error', onError);
    server.listen(listen.port, listen.host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const bound = server.server.address() as AddressInfo;
  logger.info('smtp listener started', { host: bound.address, port: bound.port, tls: listen.tls !== undefined, requireAuth: listen.requireAuth });

  return {
    address: { host: bound.address, port: bound.port },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
