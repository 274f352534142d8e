import { createRequire } from 'node:module';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { SMTPServer as SMTPServerClass, SMTPServerAuthentication, SMTPServerOptions } from 'smtp-server';
import type { simpleParser as simpleParserFn } from 'mailparser';
import type nodemailerModule from 'nodemailer';
import type { Logger } from '@xport/provider-sdk';
import { PACKAGES } from './test-app.js';

// smtp-server, mailparser, libmime, mailauth, nodemailer and selfsigned are dependencies of the SMTP provider, not of
// the repository root: take the provider's own copies, as the provider itself does.
const require = createRequire(join(PACKAGES, 'provider-smtp', 'package.json'));
const { SMTPServer } = require('smtp-server') as { SMTPServer: typeof SMTPServerClass };
export const simpleParser = (require('mailparser') as { simpleParser: typeof simpleParserFn }).simpleParser;
export const nodemailer = require('nodemailer') as typeof nodemailerModule;
/** What the tests read of mailauth's DKIM verdict (its types live with the provider's copy). */
export interface DkimVerdict {
  readonly results: readonly { readonly signingDomain?: string; readonly selector?: string; readonly status: { readonly result: string } }[];
}
/** mailauth's DKIM verifier (a dev dependency of the provider), for checking what the sink received. */
export const dkimVerify = (
  require('mailauth') as { dkimVerify(input: Buffer, options: { resolver(name: string, type: string): Promise<string[][]> }): Promise<DkimVerdict> }
).dkimVerify;
/** libmime's RFC 2047 decoder (mailparser decodes encoded words only in the headers it knows). */
export const decodeWords = (require('libmime') as { decodeWords(text: string): string }).decodeWords.bind(require('libmime'));
const selfsigned = require('selfsigned') as { generate(attrs: unknown, options: unknown): Promise<{ private: string; cert: string }> };

export interface SinkMail {
  readonly from: string;
  readonly to: string[];
  readonly raw: Buffer;
  /** The client asked for SMTPUTF8 (RFC 6531) at MAIL FROM. */
  readonly smtpUtf8: boolean;
  /** MAIL FROM's parameters (RET, ENVID... xtext decoded), and each RCPT TO's (NOTIFY, ORCPT), as smtp-server parsed them. */
  readonly mailArgs: Readonly<Record<string, string | true>>;
  readonly rcptArgs: ReadonlyArray<Readonly<Record<string, string | true>>>;
}

export type SinkReply = { readonly code: number; readonly text: string } | undefined;

export interface SinkOptions {
  /** Listen on this port (0: a free one). */
  readonly port?: number;
  readonly rcpt?: (address: string) => SinkReply;
  readonly data?: (mail: SinkMail) => SinkReply;
  /** With `tls`, STARTTLS is offered and AUTH is required and checked against `users`. */
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly users?: Readonly<Record<string, string>>;
  /** Do not advertise SMTPUTF8, as a relay without RFC 6531 support would. */
  readonly hideSmtpUtf8?: boolean;
  /** Advertise DSN (RFC 3461), so a client sends NOTIFY, ORCPT, RET and ENVID. */
  readonly dsn?: boolean;
  /** Greet a connection beyond this many with `421 Too many connected clients` and close it. */
  readonly maxClients?: number;
}

export interface Sink {
  readonly port: number;
  readonly received: SinkMail[];
  readonly authAttempts: SMTPServerAuthentication[];
  close(): Promise<void>;
}

const replyError = (reply: { code: number; text: string }): Error => Object.assign(new Error(reply.text), { responseCode: reply.code });

/** An in-process smtp-server relay that records what it accepted; replies are scriptable. */
export async function startSink(options: SinkOptions = {}): Promise<Sink> {
  const received: SinkMail[] = [];
  const authAttempts: SMTPServerAuthentication[] = [];
  const tls: Partial<SMTPServerOptions> = options.tls
    ? { key: options.tls.key, cert: options.tls.cert, authMethods: ['PLAIN', 'LOGIN'] }
    : { hideSTARTTLS: true, authOptional: true, disabledCommands: ['AUTH'] };
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    hideSMTPUTF8: options.hideSmtpUtf8 === true,
    hideDSN: options.dsn !== true,
    ...(options.maxClients === undefined ? {} : { maxClients: options.maxClients }),
    ...tls,
    onAuth(auth, _session, callback) {
      authAttempts.push(auth);
      const expected = options.users?.[auth.username ?? ''];
      if (expected === undefined || expected !== auth.password) return callback(replyError({ code: 535, text: '5.7.8 Authentication credentials invalid' }));
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      const reply = options.rcpt?.(address.address);
      callback(reply ? replyError(reply) : null);
    },
    onData(stream: Readable, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail: SinkMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          // smtp-server records the MAIL FROM parameter; its typings leave the field out.
          smtpUtf8: (session.envelope as { smtpUtf8?: boolean }).smtpUtf8 === true,
          mailArgs: (session.envelope.mailFrom && session.envelope.mailFrom.args) || {},
          rcptArgs: session.envelope.rcptTo.map((r) => r.args || {}),
        };
        const reply = options.data?.(mail);
        if (reply && reply.code >= 400) return callback(replyError(reply));
        received.push(mail);
        callback(null, 'OK queued');
      });
    },
  });
  // Every client socket, so close() can drop them: smtp-server's own close() waits for its clients
  // to hang up (up to 30 s), which would make a relay "going away" last as long as the client's
  // idle timeout.
  const sockets = new Set<Socket>();
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    authAttempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A port nobody listens on right now (bound, read, released). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A self-signed certificate for 127.0.0.1, made at test time. */
export async function createCertificate(): Promise<{ key: string; cert: string }> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Collects log lines the way a Logger is called, for asserting what was (not) written. */
export function createLogCollector(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const log = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
      lines.push(JSON.stringify({ level, message, ...bindings, ...fields }));
    };
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return { lines, logger: make({}) };
}
