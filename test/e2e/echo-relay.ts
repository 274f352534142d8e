import type { AddressInfo } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';

/** What the client sent for AUTH, exactly as it came over the wire (base64 payloads). */
export interface EchoedAuth {
  readonly method: string;
  readonly payloads: readonly string[];
}

export interface EchoRelayOptions {
  readonly tls: { readonly key: string; readonly cert: string };
  /** The refusal's text for the payloads the client sent; by default they are quoted as they came. */
  readonly reply?: (auth: EchoedAuth) => string;
}

export interface EchoRelay {
  readonly port: number;
  readonly attempts: EchoedAuth[];
  /** Resolves on the first AUTH the relay refused. */
  readonly firstRefusal: Promise<EchoedAuth>;
  close(): Promise<void>;
}

/**
 * A hostile relay: speaks just enough SMTP over implicit TLS to take an AUTH (PLAIN, LOGIN or
 * XOAUTH2) and refuses it with a 535 that quotes the client's base64 payloads back, byte for byte.
 * smtp-server decodes AUTH before a test can see it, so this is a small socket server of its own.
 */
export async function startEchoRelay(options: EchoRelayOptions): Promise<EchoRelay> {
  const attempts: EchoedAuth[] = [];
  const sockets = new Set<TLSSocket>();
  let refused!: (auth: EchoedAuth) => void;
  const firstRefusal = new Promise<EchoedAuth>((resolve) => (refused = resolve));
  const reply = options.reply ?? ((auth: EchoedAuth) => `5.7.8 Authentication failed for ${auth.payloads.join(' ')}`);

  const server = createServer({ key: options.tls.key, cert: options.tls.cert }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = '';
    // An AUTH exchange in progress: its method, the payloads so far and how many it takes.
    let auth: { method: string; payloads: string[]; expected: number } | undefined;
    const send = (line: string) => socket.write(`${line}\r\n`);
    const refuse = (method: string, payloads: string[]) => {
      const attempt = { method, payloads };
      attempts.push(attempt);
      refused(attempt);
      send(`535 ${reply(attempt)}`);
    };
    const onLine = (line: string) => {
      if (auth) {
        auth.payloads.push(line);
        if (auth.payloads.length < auth.expected) return send('334 UGFzc3dvcmQ6');
        const done = auth;
        auth = undefined;
        return refuse(done.method, done.payloads);
      }
      const [verb = '', method = '', initial] = line.split(' ');
      switch (verb.toUpperCase()) {
        case 'EHLO':
          return socket.write('250-echo.test\r\n250-AUTH PLAIN LOGIN XOAUTH2\r\n250 8BITMIME\r\n');
        case 'HELO':
        case 'NOOP':
        case 'RSET':
          return send('250 OK');
        case 'AUTH': {
          const upper = method.toUpperCase();
          if (initial !== undefined) return refuse(upper, [initial]);
          auth = { method: upper, payloads: [], expected: upper === 'LOGIN' ? 2 : 1 };
          return send(upper === 'LOGIN' ? '334 VXNlcm5hbWU6' : '334 ');
        }
        case 'QUIT':
          send('221 2.0.0 Bye');
          return socket.end();
        default:
          return send('502 5.5.2 Not implemented here');
      }
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        onLine(line);
      }
    });
    send('220 echo.test ESMTP');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    attempts,
    firstRefusal,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
