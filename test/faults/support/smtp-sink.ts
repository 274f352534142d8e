import { createRequire } from 'node:module';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { SMTPServer as SMTPServerClass } from 'smtp-server';
import { PACKAGES } from '../../e2e/test-app.js';

// smtp-server is a dependency of the SMTP provider, not of the repository root: take its copy.
const require = createRequire(join(PACKAGES, 'provider-smtp', 'package.json'));
const { SMTPServer } = require('smtp-server') as { SMTPServer: typeof SMTPServerClass };

const SEQ_HEADER = /^X-Fault-Seq:\s*(\S+)/im;

export interface RecordingSink {
  readonly port: number;
  /** Times each message (by its X-Fault-Seq header) was accepted with 250, per envelope recipient. */
  readonly accepted: Map<string, number>;
  /** TCP connections the server saw (past its greeting: not those it refused for `maxClients`). */
  readonly connections: number;
  /** The most sessions it held at once. */
  readonly peakSessions: number;
  close(): Promise<void>;
}

export interface RecordingSinkOptions {
  readonly port?: number;
  /** A reply to DATA instead of 250 (e.g. 451); undefined accepts. */
  readonly dataReply?: () => { code: number; text: string } | undefined;
  /** Called right after the 250 reply to DATA was written (the test may SIGKILL the sender then). */
  readonly afterAccept?: (seq: string) => void;
  /** Sessions held at once; one more is greeted `421 Too many connected clients` and closed (smtp-server's own limit). */
  readonly maxClients?: number;
  /** How long the relay takes over each message before its reply to DATA (a slow relay). */
  readonly dataDelayMs?: number;
}

const replyError = (reply: { code: number; text: string }): Error => Object.assign(new Error(reply.text), { responseCode: reply.code });

/** An in-process SMTP server on 127.0.0.1 that counts what it accepted, by message and recipient. */
export async function startRecordingSink(options: RecordingSinkOptions = {}): Promise<RecordingSink> {
  const accepted = new Map<string, number>();
  let connections = 0;
  // smtp-server calls onClose for a connection it refused for maxClients too, which never reached onConnect.
  const open = new WeakSet<object>();
  let peakSessions = 0;
  let sessions = 0;
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    hideSTARTTLS: true,
    authOptional: true,
    disabledCommands: ['AUTH'],
    size: 0,
    ...(options.maxClients === undefined ? {} : { maxClients: options.maxClients }),
    onConnect(session, callback) {
      connections += 1;
      open.add(session);
      sessions += 1;
      peakSessions = Math.max(peakSessions, sessions);
      callback();
    },
    onClose(session) {
      if (open.delete(session)) sessions -= 1;
    },
    onData(stream: Readable, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      const answer = (): void => {
        const reply = options.dataReply?.();
        if (reply) return callback(replyError(reply));
        const head = Buffer.concat(chunks).subarray(0, 8192).toString('latin1');
        const seq = SEQ_HEADER.exec(head)?.[1] ?? 'unknown';
        for (const rcpt of session.envelope.rcptTo) {
          const key = `${seq} ${rcpt.address}`;
          accepted.set(key, (accepted.get(key) ?? 0) + 1);
        }
        callback(null, 'OK queued');
        if (options.afterAccept) setImmediate(() => options.afterAccept!(seq));
      };
      stream.on('end', () => (options.dataDelayMs === undefined ? answer() : setTimeout(answer, options.dataDelayMs)));
    },
  });
  // A sender SIGKILLed mid-session resets its connection: expected here, not a failure of the sink.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    accepted,
    get connections() {
      return connections;
    },
    get peakSessions() {
      return peakSessions;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface SilentServer {
  readonly connections: number;
  close(): Promise<void>;
}

/** Accepts TCP connections and never says a word (a hung relay). */
export async function startSilentServer(port: number): Promise<SilentServer> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
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

/** Counts connection attempts on a port nobody serves: a raw listener that resets every connection. */
export async function startRefusingCounter(port: number): Promise<SilentServer> {
  // A closed port cannot count what it refuses; a listener that destroys each socket at once is
  // the closest observable stand-in for "connection refused" (the client sees ECONNRESET/EPIPE).
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
