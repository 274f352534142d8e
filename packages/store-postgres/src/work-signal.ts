import pg from 'pg';
import { WorkListeners, type Logger } from '@xport/provider-sdk';
import type { DatabaseTarget } from './connection.js';

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

export interface WorkSignalOptions {
  /** Settings for the dedicated LISTEN connection (the pool's, minus pooling). */
  readonly clientConfig: () => pg.ClientConfig | undefined;
  readonly channel: string;
  readonly target: DatabaseTarget;
  readonly logger: Logger | undefined;
}

/**
 * Tells listeners that new work may be due: at once after this process's own writes, and after any
 * daemon's writes through `LISTEN` on the schema's channel. The LISTEN connection exists only while
 * listeners do; when it drops it is re-opened with backoff, and listeners are woken once on
 * reconnect since notifications sent meanwhile were lost.
 */
export class WorkSignal {
  private readonly listeners = new WorkListeners({ onFirst: () => this.connect(), onLast: () => this.disconnect() });
  private client: pg.Client | undefined;
  private connecting = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RECONNECT_MIN_MS;
  private generation = 0;

  constructor(private readonly options: WorkSignalOptions) {}

  /** True while the LISTEN connection is up (for tests and status). */
  get listening(): boolean {
    return this.client !== undefined && !this.connecting;
  }

  add(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  emit(): void {
    this.listeners.emit();
  }

  clear(): void {
    this.listeners.clear();
  }

  private connect(): void {
    const config = this.options.clientConfig();
    if (this.client || this.connecting || !config) return;
    const generation = ++this.generation;
    const client = new pg.Client(config);
    this.connecting = true;
    this.client = client;
    const lost = (error?: Error): void => {
      if (generation !== this.generation) return;
      // Later 'error'/'end' events of this same client are ignored.
      this.generation += 1;
      this.client = undefined;
      this.connecting = false;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      this.options.logger?.warn(`${this.options.target.label}: LISTEN connection lost${error ? ` (${error.message})` : ''}; reconnecting`, {
        host: this.options.target.host,
        database: this.options.target.database,
      });
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', () => this.emit());
    client
      .connect()
      .then(() => client.query(`LISTEN "${this.options.channel}"`))
      .then(() => {
        if (generation !== this.generation) return;
        this.connecting = false;
        this.retryMs = RECONNECT_MIN_MS;
        // Anything notified while we were not listening is lost: let listeners look for themselves.
        this.emit();
      })
      .catch((error: unknown) => lost(error as Error));
  }

  private scheduleReconnect(): void {
    if (this.listeners.size === 0 || this.retryTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.listeners.size > 0) this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private disconnect(): void {
    this.generation += 1;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    this.connecting = false;
    this.retryMs = RECONNECT_MIN_MS;
    if (client) {
      client.removeAllListeners('notification');
      // Keep an error handler: a late socket error on a closing client must not crash the process.
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
    }
  }
}
