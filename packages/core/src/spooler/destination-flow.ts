import type { RecipientOutcome } from '@xport/provider-sdk';
import { backoffDelay, EQUAL_JITTER, type BackoffPolicy } from '../backoff/exponential-backoff.js';

/**
 * What one send says about its destination: `throttled` (it asked to be slowed: 421, 4.7.x, "too
 * many connections"), `failed` (every recipient deferred: nothing got through), `answered` (it took
 * or refused mail on its own terms), or `silent` (no recipient was its own: nothing learned).
 */
export type DestinationSignal = 'throttled' | 'failed' | 'answered' | 'silent';

const THROTTLE_TEXT = /(^|\D)421(\D|$)|too many (connections|concurrent|sessions|simultaneous)/i;

function isThrottle(o: RecipientOutcome): boolean {
  return o.status === 'deferred' && ((o.code !== undefined && o.code.startsWith('4.7.')) || (o.diagnostic !== undefined && THROTTLE_TEXT.test(o.diagnostic)));
}

/** The signal of one send's outcomes (see {@link DestinationSignal}). */
export function toDestinationSignal(outcomes: readonly RecipientOutcome[]): DestinationSignal {
  let deferred = 0;
  let own = 0;
  for (const o of outcomes) {
    if (o.status === 'not-me') continue;
    own += 1;
    if (isThrottle(o)) return 'throttled';
    if (o.status === 'deferred') deferred += 1;
  }
  if (own === 0) return 'silent';
  return deferred === own ? 'failed' : 'answered';
}

/** How a destination is being sent to, as its feedback left it. */
export interface DestinationFlow {
  /** Concurrency it is allowed now, below its configured limit after throttling; Infinity: the configured one. */
  readonly window: number;
  /** Sends answered since the window last grew. */
  readonly answered: number;
  /** Sends in a row that failed (or were throttled at a window of 1). */
  readonly failures: number;
  /** Suspensions in a row: the backoff step of the next one. */
  readonly suspensions: number;
  /** While suspended, when the probe may go; undefined when not suspended. */
  readonly suspendedUntil: number | undefined;
}

export const FRESH_DESTINATION_FLOW: DestinationFlow = Object.freeze({ window: Infinity, answered: 0, failures: 0, suspensions: 0, suspendedUntil: undefined });

export interface FlowContext {
  /** The destination's configured concurrency (its own, else its transport's); Infinity when unlimited. */
  readonly limit: number;
  /** Sends to the destination in flight when this one was answered, itself included. */
  readonly inFlight: number;
  /** Failed sends in a row that suspend it; 0 = never. */
  readonly suspendAfterFailures: number;
  readonly now: number;
  readonly backoff: BackoffPolicy;
  readonly random: () => number;
}

function failed(flow: DestinationFlow, ctx: FlowContext): DestinationFlow {
  const failures = flow.failures + 1;
  // A probe that fails suspends again at once, one backoff step longer.
  const suspend = flow.suspensions > 0 || (ctx.suspendAfterFailures > 0 && failures >= ctx.suspendAfterFailures);
  if (!suspend) return { ...flow, failures };
  const until = ctx.now + backoffDelay(flow.suspensions, ctx.backoff, EQUAL_JITTER, ctx.random);
  return { ...flow, failures, suspensions: flow.suspensions + 1, suspendedUntil: until };
}

/**
 * The flow after one send's signal. Throttled: the window halves (never below 1) — at 1 it counts
 * as a failure. Answered: suspension ends, and after a window's worth of answered sends the window
 * grows by one, back to the configured limit. Failed: counted; `suspendAfterFailures` in a row (or a
 * failed probe) suspend the destination for the next backoff step.
 */
export function nextDestinationFlow(flow: DestinationFlow, signal: DestinationSignal, ctx: FlowContext): DestinationFlow {
  switch (signal) {
    case 'silent':
      return flow;
    case 'throttled': {
      const current = Math.min(flow.window, ctx.limit, Math.max(1, ctx.inFlight));
      if (current <= 1) return failed({ ...flow, window: 1, answered: 0 }, ctx);
      return { ...flow, window: Math.max(1, Math.floor(current / 2)), answered: 0 };
    }
    case 'failed':
      return failed(flow, ctx);
    case 'answered': {
      const settled = { ...flow, failures: 0, suspensions: 0, suspendedUntil: undefined };
      if (flow.window === Infinity) return flow.failures === 0 && flow.suspensions === 0 ? flow : settled;
      const answered = flow.answered + 1;
      if (answered < flow.window) return { ...settled, answered };
      const window = flow.window + 1;
      return { ...settled, window: window >= ctx.limit ? Infinity : window, answered: 0 };
    }
  }
}
