import { connect, type Socket } from 'node:net';

type SocketCallback = (error: Error | null, socketOptions?: { connection: Socket }) => void;

/**
 * nodemailer's `getSocket` hook: opens the TCP connection to the relay itself, with Nagle's
 * algorithm off. nodemailer leaves Nagle on, so the small last write of each message (the
 * terminating "." or the next command) waits for the ACK of the previous segment, which the
 * server delays by up to 40 ms: a pooled connection then carries at most ~25 messages a second.
 * nodemailer takes the connected socket as is and still runs TLS (implicit or STARTTLS) over it.
 */
export function connectRelaySocket(timeoutMs: number): (options: { host?: string; port?: number }, callback: SocketCallback) => void {
  return (options, callback) => {
    const socket = connect({ host: options.host ?? 'localhost', port: options.port ?? 587, noDelay: true });
    const settle = (error?: Error): void => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      if (error) {
        socket.destroy();
        callback(error);
      } else callback(null, { connection: socket });
    };
    const onConnect = (): void => settle();
    const onError = (error: Error): void => settle(error);
    const timer = setTimeout(() => settle(Object.assign(new Error(`Connection timeout after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    timer.unref();
    socket.once('connect', onConnect);
    socket.once('error', onError);
  };
}
