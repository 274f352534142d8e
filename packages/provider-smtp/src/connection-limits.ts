import type { Socket } from 'node:net';
import type { Logger } from '@xport/provider-sdk';

/** Descriptors left to the rest of the process (store, relay, logs) when the listener's share is derived from `ulimit -n`. */
const DESCRIPTOR_RESERVE = 64;
/** A refused socket is destroyed after this long even if the client never reads the 421 or closes its side. */
const REFUSED_LINGER_MS = 5_000;
const TOTAL_REPLY = '421 4.7.0 Too many connections, try again later\r\n';
const PER_CLIENT_REPLY = '421 4.7.0 Too many connections from your address, try again later\r\n';

export interface ConnectionLimitsOptions {
  readonly maxConnections: number;
  readonly maxPerClient: number;
  readonly logger: Logger;
}

/** The client a socket counts against: its IP address, without the IPv4-mapped prefix a dual-stack listener reports. */
export function toClientAddress(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  return address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

/**
 * How many connections the listener may hold: the configured number, lowered so that its sockets
 * can never take the descriptors the rest of the process needs (`openFileLimit` is `ulimit -n`,
 * undefined where it cannot be read).
 */
export function toConnectionBudget(configured: number, openFileLimit: number | undefined): number {
  if (openFileLimit === undefined) return configured;
  return Math.max(1, Math.min(configured, openFileLimit - DESCRIPTOR_RESERVE));
}

/** An episode ends once the count is back under three quarters of its limit, so a full listener does not log once per freed slot. */
function episodeEnd(limit: number): number {
  return Math.floor((limit * 3) / 4);
}

/**
 * Admits or refuses each accepted socket before the SMTP session exists: at most
 * `maxConnections` at once, and `maxPerClient` from one IP address. A refused client hears
 * `421 4.7.0` and is closed at once, so a flood costs a descriptor for a moment, not for a
 * session. Each episode of refusals (all, or one client's) is logged when it starts and ends,
 * never once per connection.
 */
export class ConnectionLimits {
  private total = 0;
  private readonly perClient = new Map<string, number>();
  /** Refusals in the current total-limit episode, or undefined outside one. */
  private refusedAtTotal: number | undefined;
  /** Clients in a per-client episode, with their refusals. At most maxConnections / maxPerClient entries. */
  private readonly refusedPerClient = new Map<string, number>();

  constructor(private readonly options: ConnectionLimitsOptions) {}

  /** Connections held now. */
  get connections(): number {
    return this.total;
  }

  /** True when `socket` may become an SMTP session; otherwise it has been answered 421 and is closing. */
  admit(socket: Socket): boolean {
    const { maxConnections, maxPerClient, logger } = this.options;
    const client = toClientAddress(socket.remoteAddress);
    if (this.total >= maxConnections) {
      if (this.refusedAtTotal === undefined) {
        this.refusedAtTotal = 0;
        logger.warn('smtp listener at its connection limit; new clients get 421 until it has room', { limit: maxConnections });
      }
      this.refusedAtTotal += 1;
      refuse(socket, TOTAL_REPLY);
      return false;
    }
    const held = this.perClient.get(client) ?? 0;
    if (held >= maxPerClient) {
      const refused = this.refusedPerClient.get(client);
      if (refused === undefined) logger.warn('smtp client at its connection limit; its new connections get 421', { client, limit: maxPerClient });
      this.refusedPerClient.set(client, (refused ?? 0) + 1);
      refuse(socket, PER_CLIENT_REPLY);
      return false;
    }
    this.total += 1;
    this.perClient.set(client, held + 1);
    socket.once('close', () => this.release(client));
    return true;
  }

  private release(client: string): void {
    const { maxConnections, maxPerClient, logger } = this.options;
    this.total -= 1;
    const held = (this.perClient.get(client) ?? 1) - 1;
    if (held === 0) this.perClient.delete(client);
    else this.perClient.set(client, held);
    if (this.refusedAtTotal !== undefined && this.total <= episodeEnd(maxConnections)) {
      logger.info('smtp listener below its connection limit again', { limit: maxConnections, refused: this.refusedAtTotal });
      this.refusedAtTotal = undefined;
    }
    const refused = this.refusedPerClient.get(client);
    if (refused !== undefined && held <= episodeEnd(maxPerClient)) {
      logger.info('smtp client below its connection limit again', { client, limit: maxPerClient, refused });
      this.refusedPerClient.delete(client);
    }
  }
}

/** Writes the 421 and closes; the descriptor is released as soon as the reply is handed to the kernel. */
function refuse(socket: Socket, reply: string): void {
  socket.on('error', () => undefined); // a client that resets meanwhile is no news
  socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
  socket.end(reply, () => socket.destroy());
}
