/**
 * How an endpoint is doing:
 * - `ok`: its last attempt succeeded (or none failed yet);
 * - `retrying`: the current event failed once or twice and waits for its next attempt;
 * - `failing`: three attempts or more in a row failed (events may have been dropped meanwhile);
 * - `disabled`: not sent to: `enabled: false`, or the receiver answered 410 Gone.
 */
export type WebhookEndpointState = 'ok' | 'retrying' | 'failing' | 'disabled';

/** One endpoint's status, for `xport status` and `/metrics`. Holds no secret: the URL is shown without query or user info. */
export interface WebhookEndpointStatus {
  readonly id: string;
  /** Scheme, host and path of the URL. */
  readonly url: string;
  readonly state: WebhookEndpointState;
  /** When the current `retrying`/`failing` streak or `disabled` began, epoch ms. */
  readonly since?: number;
  /** The last failed attempt (kept after the endpoint recovered). */
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: number };
  /** When the next attempt of the current event is due, while `retrying` or `failing`. */
  readonly nextAttemptAt?: number;
  /** The last event acknowledged (or skipped by the endpoint's filter). */
  readonly cursor: number;
  /** Events in the log after the cursor (of every type: the filter is applied as they are read). */
  readonly lagEvents: number;
  /** Events acknowledged with a 2xx. */
  readonly delivered: number;
  /** Attempts that failed (each retry counts). */
  readonly failedAttempts: number;
  /** Events given up after their last attempt. */
  readonly dropped: number;
}

/** Failed attempts in a row after which an endpoint is `failing` rather than `retrying`. */
export const FAILING_AFTER_ATTEMPTS = 3;

/** The mutable side of an endpoint's status, kept by its worker. */
export class EndpointHealth {
  cursor = 0;
  head = 0;
  delivered = 0;
  failedAttempts = 0;
  dropped = 0;
  /** Told after every change (the dispatcher's `onChange`). */
  onChange: () => void = () => undefined;
  private streak = 0;
  private since: number | undefined;
  private disabledAt: number | undefined;
  private nextAttemptAt: number | undefined;
  private lastError: WebhookEndpointStatus['lastError'];

  constructor(
    private readonly id: string,
    private readonly url: string,
  ) {}

  seeHead(head: number): void {
    if (head <= this.head) return;
    this.head = head;
    this.onChange();
  }

  moveCursor(after: number): void {
    this.cursor = after;
    this.onChange();
  }

  succeeded(): void {
    this.delivered += 1;
    this.streak = 0;
    this.since = undefined;
    this.nextAttemptAt = undefined;
    this.onChange();
  }

  /** A failed attempt; `retryAt` when another follows. */
  failed(message: string, at: number, retryAt?: number): void {
    this.failedAttempts += 1;
    this.streak += 1;
    this.since ??= at;
    this.lastError = { code: 'XPORT_WEBHOOK_DELIVERY_FAILED', message, at };
    this.nextAttemptAt = retryAt;
    this.onChange();
  }

  droppedOne(): void {
    this.dropped += 1;
    this.nextAttemptAt = undefined;
    this.onChange();
  }

  disable(at: number): void {
    this.disabledAt = at;
    this.nextAttemptAt = undefined;
    this.onChange();
  }

  toStatus(): WebhookEndpointStatus {
    const state: WebhookEndpointState = this.disabledAt !== undefined ? 'disabled' : this.streak === 0 ? 'ok' : this.streak < FAILING_AFTER_ATTEMPTS ? 'retrying' : 'failing';
    const since = this.disabledAt ?? this.since;
    return {
      id: this.id,
      url: this.url,
      state,
      ...(since === undefined ? {} : { since }),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.nextAttemptAt === undefined || state === 'disabled' ? {} : { nextAttemptAt: this.nextAttemptAt }),
      cursor: this.cursor,
      lagEvents: Math.max(0, this.head - this.cursor),
      delivered: this.delivered,
      failedAttempts: this.failedAttempts,
      dropped: this.dropped,
    };
  }
}
