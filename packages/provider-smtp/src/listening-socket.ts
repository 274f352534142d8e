import type { AddressInfo, Server } from 'node:net';
import type { Logger } from '@xport/provider-sdk';
import { probeDescriptors, toDescriptorExhaustion } from './descriptor-probe.js';

/** How often the process's descriptors are probed. */
const PROBE_INTERVAL_MS = 1_000;
/** Descriptors that must open at once before a pause ends, so the listener does not flap at the limit. */
const RECOVERY_HEADROOM = 16;

export interface BoundAddress {
  readonly host: string;
  readonly port: number;
}

function bind(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * The listener's bound socket, which it lets go of while the process has no file descriptors to
 * spare. Out of descriptors, a listening socket cannot accept, and Node does not say so: libuv
 * drops the connection or retries accept() on every turn of the event loop (a busy loop). Closing
 * the socket ends that, leaves whatever frees up to the store and the relay, and tells clients
 * "connection refused" (SMTP clients retry later). The process is probed every second; once it
 * can open descriptors again the socket is bound again to the same address. Each pause is logged
 * when it starts and when it ends, never once per connection.
 */
export class ListeningSocket {
  private bound: BoundAddress | undefined;
  private pausedAt: number | undefined;
  private resuming = false;
  private closed = false;
  private lastResumeError: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly server: Server,
    private readonly logger: Logger,
    private readonly probeIntervalMs = PROBE_INTERVAL_MS,
  ) {}

  /** Binds the socket and starts watching descriptors; rejects with the bind error. */
  async listen(port: number, host: string): Promise<BoundAddress> {
    await bind(this.server, port, host);
    const address = this.server.address() as AddressInfo;
    this.bound = { host: address.address, port: address.port };
    this.timer = setInterval(() => this.check(), this.probeIntervalMs);
    this.timer.unref();
    return this.bound;
  }

  /** Stops accepting until descriptors are free again. */
  private pause(code: 'EMFILE' | 'ENFILE'): void {
    if (this.closed || this.bound === undefined || this.pausedAt !== undefined) return;
    this.pausedAt = Date.now();
    this.server.close();
    // The socket kept the process alive; while it is let go of, the probe that will take it back does.
    this.timer?.ref();
    this.logger.warn('smtp listener out of file descriptors; not accepting connections until some are free', { code, port: this.bound.port });
  }

  /** Stops watching; closing the server itself is the SMTP server's. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  private check(): void {
    if (this.closed || this.resuming) return;
    const state = probeDescriptors(this.pausedAt === undefined ? 1 : RECOVERY_HEADROOM);
    if (this.pausedAt === undefined) {
      if (state !== 'available') this.pause(state);
    } else if (state === 'available') {
      void this.resume();
    }
  }

  private async resume(): Promise<void> {
    const { host, port } = this.bound as BoundAddress;
    this.resuming = true;
    try {
      await bind(this.server, port, host);
      if (this.closed) {
        this.server.close();
        return;
      }
      this.logger.info('smtp listener accepting connections again', { port, pausedMs: Date.now() - (this.pausedAt as number) });
      this.pausedAt = undefined;
      this.lastResumeError = undefined;
      this.timer?.unref();
    } catch (error) {
      // Still short of descriptors is expected; anything else (the port taken meanwhile) is said once.
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      if (toDescriptorExhaustion(error) === undefined && reason !== this.lastResumeError) {
        this.lastResumeError = reason;
        this.logger.warn('smtp listener cannot listen again yet; retrying every second', { port, error: (error as Error).message });
      }
    } finally {
      this.resuming = false;
    }
  }
}
