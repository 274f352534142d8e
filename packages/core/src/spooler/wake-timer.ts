import type { SpoolerHost } from './host.js';
import type { ProviderLimiter } from './provider-limiter.js';

const MAX_TIMER_MS = 2_147_483_647;

export interface WakeTimerParts {
  readonly host: SpoolerHost;
  readonly limiter: ProviderLimiter;
  /** When the next sweep of stranded recipients is due. */
  readonly sweepDueAt: () => number;
  /** When a held destination's recipients (left in the store by the claims) may go again; undefined when none is held. */
  readonly destinationReleaseAt: (now: number) => number | undefined;
  /** Whether a timer may be armed now (the loop is running). */
  readonly mayArm: () => boolean;
  readonly armed: () => void;
  /** The timer fired: the loop looks at the queue. */
  readonly fired: () => void;
}

/** The timer that wakes an idle loop: at the next due recipient, rate token or sweep, or after `pollMs`. */
export interface WakeTimer {
  /** Reads the next wake time from the store and arms the timer for it, replacing an earlier one. */
  schedule(): Promise<void>;
  clear(): void;
}

export function createWakeTimer(parts: WakeTimerParts): WakeTimer {
  const { host, limiter } = parts;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const nextDelay = async (): Promise<number> => {
    let delay = host.options.pollMs;
    try {
      const next = await host.store.nextWakeAt();
      const now = host.clock.now();
      if (next !== null && next > now) delay = Math.min(delay, next - now);
      else if (next !== null) {
        // Due work was left for want of a rate token: look again when the next one arrives.
        for (const id of host.transportIds()) {
          const wait = limiter.nextTokenAt(id, now) - now;
          if (wait > 0 && host.isAvailable(id)) delay = Math.min(delay, wait);
        }
      }
      // A held destination's recipients stay due in the store: the end of its suspension, or its next rate token, is a wake time of its own.
      const released = parts.destinationReleaseAt(now);
      if (released !== undefined) delay = Math.min(delay, released - now);
      delay = Math.min(delay, Math.max(parts.sweepDueAt() - now, 1));
    } catch (err) {
      host.logger.warn('could not read the next wake time; polling', { error: String(err) });
    }
    return delay;
  };

  return {
    async schedule() {
      const delay = await nextDelay();
      if (!parts.mayArm()) return;
      clearTimeout(timer);
      parts.armed();
      timer = setTimeout(parts.fired, Math.min(Math.max(delay, 1), MAX_TIMER_MS));
    },
    clear() {
      clearTimeout(timer);
    },
  };
}
