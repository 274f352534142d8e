import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';

/** A reply the test scripts for one command: nothing (accept) or a code and text. */
export type ScriptedReply = { readonly code: number; readonly text: string } | undefined;

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly raw: Buffer;
  readonly rcptArgs: SMTPServerAddress[];
  readonly mailArgs: SMTPServerAddress | false;
}

export interface ScriptedServerOptions {
  readonly rcpt?: (address: string) => ScriptedReply;
  /** Reply after the final "."; 'drop' closes the connection without answering. */
  readonly data?: (mail: ReceivedMail) => ScriptedReply | 'drop';
  readonly auth?: (auth: SMTPServerAuthentication) => ScriptedReply;
  readonly server?: Partial<SMTPServerOptions>;
}

export interface ScriptedServer {
  readonly port: number;
  readonly received: ReceivedMail[];
  readonly authAttempts: SMTPServerAuthentication[];
  /** Everything clients sent on clear-text connections, as UTF-8: the commands exactly as written. */
  wire(): string;
  close(): Promise<void>;
}

const replyError = (reply: { code: number; text: string }): Error => Object.assign(new Error(reply.text), { responseCode: reply.code });

/** An in-process smtp-server whose replies each test scripts; accepts everything by default. */
export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const received: ReceivedMail[] = [];
  const authAttempts: SMTPServerAuthentication[] = [];
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    hideSTARTTLS: true,
    ...options.server,
    onAuth(auth, _session, callback) {
      authAttempts.push(auth);
      const reply = options.auth?.(auth);
      if (reply) return callback(replyError(reply));
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      const reply = options.rcpt?.(address.address);
      callback(reply ? replyError(reply) : null);
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          rcptArgs: session.envelope.rcptTo,
          mailArgs: session.envelope.mailFrom,
          raw: Buffer.concat(chunks),
        };
        const reply = options.data?.(mail);
        if (reply === 'drop') {
          // Simulates a server that dies after the final "." without replying.
          (session as unknown as { socket?: { destroy(): void } }).socket?.destroy();
          for (const connection of (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections) connection._socket.destroy();
          return;
        }
        if (reply && reply.code >= 400) return callback(replyError(reply));
        received.push(mail);
        callback(null, reply?.text ?? 'OK queued');
      });
    },
  });
  const wire: Buffer[] = [];
  server.server.prependListener('connection', (socket: Socket) => socket.on('data', (chunk: Buffer) => wire.push(chunk)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    authAttempts,
    wire: () => Buffer.concat(wire).toString('utf8'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
