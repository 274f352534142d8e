import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { makeDueInBatches, XportError } from '@xport/provider-sdk';
import { availableTransports } from './available-transports.js';
import { logClaimFailures } from './claim-failure-log.js';
import type { GroupContext } from './deliver-group.js';
import { createDestinationLimiter, type DestinationLimiter } from './destination-limiter.js';
import type { SpoolerEmitter } from './events.js';
import { handOverClaims, type HandOverParts } from './hand-over.js';
import type { SpoolerHost } from './host.js';
import { createProviderLimiter } from './provider-limiter.js';
import { createSendDispatch } from './send-dispatch.js';
import { settleStranded } from './settle-stranded.js';
import { drainsAgain, INITIAL_SPOOL_LOOP_STATE, nextSpoolLoopState, readsNextWake, type SpoolLoopEvent } from './spool-loop-state.js';
import { createUnrecordedResults } from './unrecorded-results.js';
import { createWakeTimer } from './wake-timer.js';

export interface SpoolLoop {
  start(): void;
  stop(): Promise<void>;
  /** Look at the queue now (coalesced with a look already under way). */
  wake(): Promise<void>;
  flush(providerId?: string): Promise<void>;
  /** Fails unroutable and expires outlived recipients (of one message, or all), with their reports. Works stopped too. */
  settleStranded(messageId?: string): Promise<number>;
  readonly running: boolean;
  /** Per-destination flow: in flight, limits, suspension. */
  readonly destinations: Pick<DestinationLimiter, 'status'>;
}

export interface SpoolLoopOptions {
  /** Lease owner name for this spooler instance (diagnostics); a random one by default. */
  readonly owner?: string;
  /** Jitter source in [0, 1) for the backoff; injected by tests. */
  readonly random?: () => number;
}

// flush follows hand-overs (not-me) and work freed by limits, but a transport deferring with tiny delays cannot keep it forever.
const MAX_FLUSH_ROUNDS = 32;
/** The states of a transport that is down: coming online from one of them is coming back (store-and-forward). */
const OUTAGE_STATES: ReadonlySet<string> = new Set(['offline', 'logon-failed', 'failed']);

/**
 * The spooler loop: claims due recipients of available transports that have room under their
 * limits, hands each message to each transport for its own recipients, and sleeps until the store
 * signals work, a provider comes online, the next recipient is due, or `pollMs` passes.
 */
export function createSpoolLoop(host: SpoolerHost, events: SpoolerEmitter, options: SpoolLoopOptions = {}): SpoolLoop {
  const owner = options.owner ?? `spooler-${randomUUID()}`;
  const limiter = createProviderLimiter((id) => host.limits(id));
  const destinations = createDestinationLimiter({
    limitsOf: (id) => host.limits(id),
    backoff: () => host.options.retry,
    ...(options.random ? { random: options.random } : {}),
  });
  const results = createUnrecordedResults((id) => host.limits(id), limiter);
  // One context for every send: nothing in it changes between rounds.
  const ctx: GroupContext = {
    host,
    store: host.store,
    clock: host.clock,
    logger: host.logger,
    events,
    ...(options.random ? { random: options.random } : {}),
  };
  const sends = createSendDispatch({ ctx, limiter, destinations, results, wake: () => void wake() });

  // Every decision below reads `state`; every step is reported to it (spool-loop-state.ts).
  let state = INITIAL_SPOOL_LOOP_STATE;
  const report = (event: SpoolLoopEvent): void => {
    state = nextSpoolLoopState(state, event);
  };
  const running = (): boolean => state.lifecycle === 'running';
  const handOver: HandOverParts = { ctx, limiter, destinations, sends, running, report };
  // Effects the state only mirrors: the drain and stop under way, the subscriptions.
  let draining: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let stopController = new AbortController();
  let unsubscribe: Array<() => void> = [];
  // Recipients claimed or swept since start: flush stops once a round finds none.
  let claimed = 0;
  // Transports seen down since this loop was made: their next `online` makes their deferred work due.
  const down = new Set<string>();

  const timer = createWakeTimer({
    host,
    limiter,
    sweepDueAt: () => state.sweepDueAt,
    destinationReleaseAt: (now) => destinations.nextReleaseAt(now),
    mayArm: running,
    armed: () => report({ type: 'timer-armed' }),
    fired: () => {
      report({ type: 'timer-fired' });
      void wake();
    },
  });

  const sweep = (messageId?: string): Promise<number> => settleStranded(ctx, { owner, ...(messageId !== undefined ? { messageId } : {}) });

  // Each available transport is asked for no more than it can take now, so nothing is claimed only
  // to be released again (a write per recipient) when its limits are full.
  const claimFor = async (id: string, now: number): Promise<void> => {
    const { batchSize, leaseMs } = host.options;
    // Each send's release wakes the loop again, so a round skipped here is only put off.
    if (!limiter.worthClaiming(id, batchSize)) return;
    const room = results.room(id);
    if (room <= 0) {
      // The store is behind on this provider's results; the next one recorded wakes the loop.
      results.holdBack(id);
      return;
    }
    report({ type: 'room-found' });
    const limit = Math.min(batchSize, limiter.capacity(id, now), room);
    if (limit <= 0) return;
    // The store leaves held destinations' recipients where they are: a suspended destination with
    // thousands queued costs this claim nothing, and nothing is leased only to be put back.
    const held = destinations.held(id, now);
    const claims = await host.store.claim({ owner, limit, leaseMs, now, providers: [id], ...(held.length > 0 ? { skipDestinations: held } : {}) });
    claimed += claims.length;
    await handOverClaims(handOver, id, claims);
    if (claims.length >= batchSize) report({ type: 'batch-filled' });
  };

  const claimRound = async (): Promise<void> => {
    const now = host.clock.now();
    if (now >= state.sweepDueAt) {
      report({ type: 'sweep-started', nextSweepAt: now + host.options.pollMs });
      try {
        claimed += await sweep();
      } catch (err) {
        host.logger.error('spooler could not sweep stranded recipients; will try again', { error: String(err) });
      }
    }
    const providers = availableTransports(host);
    if (providers.length === 0) report({ type: 'no-transport-available' });
    await Promise.all(providers.map((id) => claimFor(id, now)));
  };

  const drain = async (): Promise<void> => {
    let failure: unknown;
    try {
      while (drainsAgain(state)) {
        report({ type: 'round-started' });
        await claimRound();
      }
    } catch (err) {
      failure = err;
      report({ type: 'drain-failed' });
    } finally {
      draining = undefined;
      const failuresBefore = state.claimFailures;
      report({ type: 'drain-ended' });
      logClaimFailures(host.logger, failuresBefore, state.claimFailures, failure);
      if (readsNextWake(state)) void timer.schedule();
    }
  };

  const wake = (): Promise<void> => {
    if (!running()) return Promise.resolve();
    const idle = state.drain === 'idle';
    report({ type: 'wake' });
    if (idle) draining = drain();
    return draining ?? Promise.resolve();
  };

  const onProviderState = ({ id, to }: { id: string; to: string }): void => {
    if (OUTAGE_STATES.has(to)) down.add(id);
    if (to !== 'online') return;
    destinations.probeNow(id, host.clock.now());
    // A transport online for the first time (the daemon's start) comes from no outage: its deferred
    // recipients keep their backoff (at a million deferred, making them due was 200 transactions of
    // work at every start, and a retry storm against remotes that had asked to wait).
    if (!down.delete(id)) return void wake();
    // Store-and-forward: what waited for this provider goes out now, not at its backoff time; a deep
    // queue in short batches (the store signals work after each, so sends start with the first).
    makeDueInBatches(host.store, [id], host.clock.now())
      .catch((err: unknown) => host.logger.warn('could not make queued work due', { provider: id, error: String(err) }))
      .finally(() => void wake());
  };

  return {
    get running() {
      return running();
    },
    destinations,
    start() {
      if (running()) return;
      if (state.lifecycle === 'stopping') throw new XportError('XPORT_KERNEL_STOPPED', 'the spooler is stopping; await stop() before start()');
      report({ type: 'start' });
      stopController = new AbortController();
      // One listener per send in flight; a transport's concurrency may be in the hundreds.
      setMaxListeners(0, stopController.signal);
      sends.restart(stopController.signal);
      unsubscribe = [host.store.onWork(() => void wake()), host.onProviderState(onProviderState)];
      void wake();
    },
    wake,
    settleStranded: sweep,
    async flush(providerId) {
      if (!running()) {
        throw state.lifecycle === 'new'
          ? new XportError('XPORT_KERNEL_NOT_STARTED', 'flush(): the spooler has not been started; start it before flush()')
          : new XportError('XPORT_KERNEL_STOPPED', 'flush(): the spooler is stopped');
      }
      await makeDueInBatches(host.store, providerId === undefined ? host.transportIds() : [providerId], host.clock.now());
      report({ type: 'flush' });
      for (let round = 0; round < MAX_FLUSH_ROUNDS && running(); round++) {
        const before = claimed;
        await wake();
        if (sends.inflight.size === 0 && claimed === before) break;
        await Promise.allSettled([...sends.inflight]);
      }
    },
    stop() {
      if (stopping) return stopping;
      if (!running()) return Promise.resolve();
      report({ type: 'stop' });
      stopping = (async () => {
        timer.clear();
        for (const off of unsubscribe) off();
        unsubscribe = [];
        await draining;
        if (sends.inflight.size > 0) {
          const deadline = setTimeout(() => stopController.abort(), host.options.stopTimeoutMs);
          await Promise.allSettled([...sends.inflight]);
          clearTimeout(deadline);
        }
      })().finally(() => {
        stopping = undefined;
        report({ type: 'stopped' });
      });
      return stopping;
    },
  };
}
