import { performance } from 'node:perf_hooks';
import type { Claim, RecipientOutcome } from '@xport/provider-sdk';
import { deliverGroup, type GroupContext } from './deliver-group.js';
import { toDestinationSignal } from './destination-flow.js';
import type { DestinationLimiter } from './destination-limiter.js';
import type { ProviderLimiter } from './provider-limiter.js';
import { createSendDeadline, joinWindowFor, type SendDeadline } from './send-deadline.js';
import type { UnrecordedResults } from './unrecorded-results.js';

export interface SendDispatchParts {
  readonly ctx: GroupContext;
  readonly limiter: ProviderLimiter;
  readonly destinations: DestinationLimiter;
  readonly results: UnrecordedResults;
  /** Called when the loop should look at the queue again (a freed slot made a round worth it, or recorded results made room). */
  readonly wake: () => void;
}

/** Hands claimed messages to their transports and keeps the sends in flight. */
export interface SendDispatch {
  /** Sends one message's `claims` to `provider`, whose slots (its own and `destination`'s) the caller has acquired. */
  dispatch(provider: string, destination: string, claims: Claim[]): void;
  /** The sends not yet settled (results recorded or claims released). */
  readonly inflight: ReadonlySet<Promise<void>>;
  /** A new run: later sends follow `stopSignal` (aborted when a stop gives up waiting), under fresh deadlines. */
  restart(stopSignal: AbortSignal): void;
}

export function createSendDispatch(parts: SendDispatchParts): SendDispatch {
  const { ctx, limiter, destinations, results, wake } = parts;
  const { host } = ctx;
  const inflight = new Set<Promise<void>>();
  let stopSignal = new AbortController().signal;
  // Each provider's current send deadline, which the sends of later rounds join for a short while.
  const deadlines = new Map<string, SendDeadline>();
  const deadlineFor = (provider: string): SendDeadline => {
    const current = deadlines.get(provider);
    if (current?.joinable()) return current;
    const { sendTimeoutMs } = host.options;
    const created = createSendDeadline(provider, sendTimeoutMs, stopSignal, joinWindowFor(sendTimeoutMs));
    deadlines.set(provider, created);
    return created;
  };

  const dispatch = (provider: string, destination: string, claims: Claim[]): void => {
    const deadline = deadlineFor(provider);
    deadline.enter();
    const startedAt = performance.now();
    let released = false;
    let answered = false;
    // The slots are the transport's and the destination's: freed once it has answered (or the group
    // ended without a send); the destination learns from the answer (destination-flow.ts).
    const release = (outcomes?: readonly RecipientOutcome[]): void => {
      if (released) return;
      released = true;
      deadline.leave();
      limiter.release(provider);
      const signal = outcomes === undefined ? 'silent' : toDestinationSignal(outcomes);
      destinations.release(provider, destination, signal, outcomes === undefined ? undefined : performance.now() - startedAt, host.clock.now());
      // A round is claimed only once a quarter of the provider's window is free: a wake for each
      // freed slot would mostly find the round not worth it. The release that makes it worth one (the
      // last one out, at the latest) wakes the loop.
      if (limiter.worthClaiming(provider, host.options.batchSize)) wake();
    };
    const sent = (outcomes: readonly RecipientOutcome[] | undefined): void => {
      if (released) return;
      answered = true;
      results.answered(provider);
      release(outcomes);
    };
    const settled = (): void => {
      release(undefined);
      inflight.delete(sending);
      if (answered && results.recorded(provider)) wake();
    };
    // One reaction for both outcomes (a catch and a finally would be two promises per send).
    const sending: Promise<void> = deliverGroup(ctx, provider, claims, deadline, sent).then(settled, (err: unknown) => {
      try {
        host.logger.error('send of a claimed message failed unexpectedly', { provider, messageId: claims[0]?.messageId, error: String(err) });
      } finally {
        settled();
      }
    });
    inflight.add(sending);
  };

  return {
    dispatch,
    inflight,
    restart(signal) {
      stopSignal = signal;
      deadlines.clear();
    },
  };
}
