import type { Clock } from '@xport/provider-sdk';

/** The longest wait before a 535, whatever the base delay and the failure count. */
export const MAX_AUTH_FAILURE_DELAY_MS = 30_000;
/** Client IPs remembered at once; the one whose last failure is oldest is forgotten first. */
const MAX_TRACKED_CLIENTS = 10_000;

export interface AuthThrottleOptions {
  readonly maxFailures: number;
  readonly delayMs: number;
  readonly lockoutMs: number;
  readonly clock: Clock;
}

/** What one failed AUTH leads to. */
export interface AuthFailure {
  /** Failures of this client IP within the lockout window, this one included. */
  readonly failures: number;
  /** True when this failure reached the limit: answer 421 and disconnect. */
  readonly lockedOut: boolean;
  /** How long to wait before answering 535 (0 when locked out). */
  readonly delayMs: number;
}

/**
 * The wait before the reply to a client's `failures`-th failed AUTH: `delayMs`, doubling with each
 * failure, at most {@link MAX_AUTH_FAILURE_DELAY_MS}.
 *
 * @example
 * toAuthFailureDelay(3, 1000) // 4000
 */
export function toAuthFailureDelay(failures: number, delayMs: number): number {
  return Math.min(delayMs * 2 ** Math.max(0, failures - 1), MAX_AUTH_FAILURE_DELAY_MS);
}

/**
 * Failed AUTH attempts per client IP. Each failure is answered later than the one before; the
 * `maxFailures`-th gets `421` and a close, and the client IP is then refused AUTH until `lockoutMs`
 * have passed since its last failure. Counting per IP, not per connection, means a client gains
 * nothing by reconnecting or by trying from several connections at once. A successful AUTH
 * forgets the client's failures.
 */
export class AuthThrottle {
  private readonly clients = new Map<string, { failures: number; lastAt: number }>();

  constructor(private readonly options: AuthThrottleOptions) {}

  /** True while `client` is locked out: refuse its AUTH without looking at the credentials. */
  isLockedOut(client: string): boolean {
    const entry = this.current(client);
    return entry !== undefined && entry.failures >= this.options.maxFailures;
  }

  recordFailure(client: string): AuthFailure {
    const { maxFailures, delayMs, clock } = this.options;
    const failures = (this.current(client)?.failures ?? 0) + 1;
    // Re-inserted so the map's order is the order of last failure (the oldest is evicted first).
    this.clients.delete(client);
    if (this.clients.size >= MAX_TRACKED_CLIENTS) this.clients.delete(this.clients.keys().next().value as string);
    this.clients.set(client, { failures, lastAt: clock.now() });
    const lockedOut = failures >= maxFailures;
    return { failures, lockedOut, delayMs: lockedOut ? 0 : toAuthFailureDelay(failures, delayMs) };
  }

  recordSuccess(client: string): void {
    this.clients.delete(client);
  }

  /** The client's entry, unless its last failure is older than the lockout window. */
  private current(client: string): { failures: number; lastAt: number } | undefined {
    const entry = this.clients.get(client);
    if (entry === undefined) return undefined;
    if (this.options.clock.now() - entry.lastAt < this.options.lockoutMs) return entry;
    this.clients.delete(client);
    return undefined;
  }
}
