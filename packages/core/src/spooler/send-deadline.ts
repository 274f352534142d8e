import { setMaxListeners } from 'node:events';
import { XportError } from '@xport/provider-sdk';

/**
 * The timeout and stop wiring shared by the sends handed out in one claim round, and in the rounds
 * that follow it within `joinWindowMs`: one timer, one abort signal and one stop listener for them
 * all instead of an AbortController, a timer and a listener per send, or per round (a new signal
 * costs a few microseconds, and a transport with a connection pool claims a round every few
 * messages). The timer runs `timeoutMs + joinWindowMs`, so no send is cut before it has had
 * `timeoutMs`, and none runs more than `joinWindowMs` past it.
 */
export interface SendDeadline {
  /** Aborted when the round's sends run past `sendTimeoutMs`, or when the spooler stops and gives up waiting. */
  readonly signal: AbortSignal;
  /** Rejects with the abort reason when `signal` aborts; raced against each step of a send. */
  readonly aborted: Promise<never>;
  /** Why `signal` aborted, or undefined while it has not. */
  readonly reason: 'timeout' | 'stop' | undefined;
  /** False once every send that entered has left: the timer is cleared, and no send may join it again. */
  readonly open: boolean;
  /** Whether a send starting now may still enter: open, not aborted, and within the join window. */
  joinable(): boolean;
  /** Counts a send in. */
  enter(): void;
  /** Counts a send out; the last one out clears the timer and the stop listener. */
  leave(): void;
}

/** How long after it starts a deadline takes new sends: a tenth of the send timeout, at most 100 ms. */
export function joinWindowFor(timeoutMs: number): number {
  return Math.min(100, Math.floor(timeoutMs / 10));
}

/**
 * `joinWindowMs`: how long after it starts the deadline takes sends of later rounds (0: only those of
 * the round that made it). Measured in real time, like its timer, whatever clock the spooler reads.
 */
export function createSendDeadline(providerId: string, timeoutMs: number, stopSignal: AbortSignal, joinWindowMs = 0): SendDeadline {
  const joinUntil = performance.now() + joinWindowMs;
  const controller = new AbortController();
  // Every send that joins may listen on it; a transport's concurrency may be in the hundreds.
  setMaxListeners(0, controller.signal);
  let reason: 'timeout' | 'stop' | undefined;
  let sends = 0;
  let open = true;
  let rejectAborted: (reason: unknown) => void = () => undefined;
  // Settled by cut() itself: no listener of its own on the signal.
  const aborted = new Promise<never>((_, reject) => (rejectAborted = reject));
  aborted.catch(() => undefined);
  const cut = (why: 'timeout' | 'stop'): void => {
    if (reason !== undefined) return;
    reason = why;
    controller.abort(
      why === 'timeout'
        ? new XportError('XPORT_SEND_TIMEOUT', `send to transport '${providerId}' aborted: no answer within ${timeoutMs} ms`, { details: { provider: providerId } })
        : new XportError('XPORT_SEND_CUT_OFF', `send to transport '${providerId}' aborted: the spooler is stopping and its stop timeout has passed`, { details: { provider: providerId } }),
    );
    rejectAborted(controller.signal.reason);
  };
  const onStop = (): void => cut('stop');
  const timer = setTimeout(() => cut('timeout'), timeoutMs + joinWindowMs);
  if (stopSignal.aborted) onStop();
  else stopSignal.addEventListener('abort', onStop, { once: true });

  return {
    signal: controller.signal,
    aborted,
    get reason() {
      return reason;
    },
    get open() {
      return open;
    },
    joinable() {
      return open && reason === undefined && performance.now() < joinUntil;
    },
    enter() {
      sends += 1;
    },
    leave() {
      sends -= 1;
      if (sends > 0 || !open) return;
      open = false;
      clearTimeout(timer);
      stopSignal.removeEventListener('abort', onStop);
    },
  };
}
