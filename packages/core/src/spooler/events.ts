import type { Logger, MessageKind, Recipient, RecipientError, RecipientState } from '@xport/provider-sdk';

export interface SubmittedRecipient {
  readonly recipient: Recipient;
  readonly provider: string | null;
  readonly state: RecipientState;
}

export interface RecipientEvent {
  readonly messageId: string;
  readonly recipientIndex: number;
  readonly recipient: Recipient;
  readonly provider: string | null;
}

/** Every event the spooler emits, by name. Provider state changes are the kernel's events. */
export interface SpoolerEvents {
  submitted: { readonly messageId: string; readonly duplicate: boolean; readonly recipients: readonly SubmittedRecipient[] };
  delivered: RecipientEvent & { readonly diagnostic?: string };
  deferred: RecipientEvent & { readonly nextAttemptAt: number; readonly error: RecipientError };
  failed: RecipientEvent & { readonly error: RecipientError };
  expired: RecipientEvent & { readonly error: RecipientError };
  /**
   * One hand-over of a message to a transport ended (it answered, threw or timed out), before its
   * results are recorded; not emitted for one the spooler's stop cut short. `durationMs` runs from
   * the first preprocessor to the answer, on a monotonic clock.
   */
  attempted: { readonly messageId: string; readonly provider: string; readonly recipients: number; readonly durationMs: number };
  received: {
    readonly entries: ReadonlyArray<{ readonly mailbox: string; readonly id: string }>;
    readonly kind: MessageKind;
    readonly receivedBy?: string;
    readonly reportFor?: string;
  };
}

export type SpoolerEventName = keyof SpoolerEvents;
export type SpoolerListener<E extends SpoolerEventName> = (event: SpoolerEvents[E]) => void;

export interface SpoolerEmitter {
  on<E extends SpoolerEventName>(name: E, listener: SpoolerListener<E>): () => void;
  emit<E extends SpoolerEventName>(name: E, event: SpoolerEvents[E]): void;
  /** Whether anyone listens for `name`: an event nobody hears need not be built. */
  heard(name: SpoolerEventName): boolean;
}

/** A small typed emitter. A throwing listener is logged and never breaks the spooler. */
export function createSpoolerEmitter(logger: Logger): SpoolerEmitter {
  const listeners = new Map<SpoolerEventName, Set<(event: never) => void>>();
  return {
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const entry = listener as (event: never) => void;
      set.add(entry);
      return () => void set.delete(entry);
    },
    heard(name) {
      return (listeners.get(name)?.size ?? 0) > 0;
    },
    emit(name, event) {
      const set = listeners.get(name);
      // Most events have no listener: no copy, no loop (emit runs several times per message).
      if (set === undefined || set.size === 0) return;
      for (const listener of [...set]) {
        try {
          (listener as (e: typeof event) => void)(event);
        } catch (err) {
          logger.error('spooler event listener threw', { event: name, error: String(err) });
        }
      }
    },
  };
}
