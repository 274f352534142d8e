import { setMaxListeners } from 'node:events';
import { XportError } from '@xport/provider-sdk';

/**
 * The timeout and stop wiring shared by the sends handed out in one claim round. They start
 * together, so they time out together: one timer, one abort signal and one stop listener for the
 * round instead of an AbortController, a timer and a listener per send (a measurable share of the
 * spooler's CPU time at thousands of messages a second).
 */
export interface SendDeadline {
  /** Aborted when the round's sends run past `sendTimeoutMs`, or when the spooler stops and gives up waiting. */
  readonly signal: AbortSignal;
  /** Rejects with the abort reason when `signal` aborts; raced against each step of a send. */
  readonly aborted: Promise<never>;
  /** Why `signal` aborted, or undefined while it has not. */
  readonly reason: 'timeout' | 'stop' | undefined;
  /** False once every send that entered has left: the timer is cleared, a new round needs a new deadline. */
  readonly open: boolean;
  /** Counts a send in. */
  enter(): void;
  /** Counts a send out; the last one out clears the timer and the stop listener. */
  leave(): void;
}

export function createSendDeadline(providerId: string, timeoutMs: number, stopSignal: AbortSignal): SendDeadline {
  const controller = new AbortController();
  // Every send of the round may listen on it; a transport's concurrency may be in the hundreds.
  setMaxListeners(0, controller.signal);
  let reason: 'timeout' | 'stop' | undefined;
  let sends = 0;
  let open = true;
  const cut = (why: 'timeout' | 'stop'): void => {
    if (reason !== undefined) return;
    reason = why;
    controller.abort(
      new XportError('XPORT_PROVIDER_UNAVAILABLE', `send to transport '${providerId}' aborted: ${why === 'timeout' ? `no answer within ${timeoutMs} ms` : 'the spooler is stopping'}`),
    );
  };
  const onStop = (): void => cut('stop');
  const timer = setTimeout(() => cut('timeout'), timeoutMs);
  if (stopSignal.aborted) onStop();
  else stopSignal.addEventListener('abort', onStop, { once: true });
  const aborted = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason);
    else controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => undefined);

  return {
    signal: controller.signal,
    aborted,
    get reason() {
      return reason;
    },
    get open() {
      return open;
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
