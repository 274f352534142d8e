import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { XportError, type Claim } from '@xport/provider-sdk';
import { deliverGroup, type GroupContext } from './deliver-group.js';
import type { SpoolerEmitter } from './events.js';
import { groupClaims } from './group-claims.js';
import type { SpoolerHost } from './host.js';
import { availableTransports } from './available-transports.js';
import { createProviderLimiter } from './provider-limiter.js';
import { createSendDeadline, joinWindowFor, type SendDeadline } from './send-deadline.js';
import { releaseClaims } from './settle-claim.js';
import { settleStranded } from './settle-stranded.js';

export interface SpoolLoop {
  start(): void;
  stop(): Promise<void>;
  /** Look at the queue now (coalesced with a look already under way). */
  wake(): Promise<void>;
  flush(providerId?: string): Promise<void>;
  /** Fails unroutable and expires outlived recipients (of one message, or all), with their reports. Works stopped too. */
  settleStranded(messageId?: string): Promise<number>;
  readonly running: boolean;
}

export interface SpoolLoopOptions {
  /** Lease owner name for this spooler instance (diagnostics); a random one by default. */
  readonly owner?: string;
  /** Jitter source in [0, 1) for the backoff; injected by tests. */
  readonly random?: () => number;
}

const MAX_TIMER_MS = 2_147_483_647;
// flush follows hand-overs (not-me) and work freed by limits, but a transport deferring with tiny delays cannot keep it forever.
const MAX_FLUSH_ROUNDS = 32;

/**
 * The spooler loop: claims due recipients of available transports that have room under their
 * limits, hands each message to each transport for its own recipients, and sleeps until the store
 * signals work, a provider comes online, the next recipient is due, or `pollMs` passes.
 */
export function createSpoolLoop(host: SpoolerHost, events: SpoolerEmitter, options: SpoolLoopOptions = {}): SpoolLoop {
  const owner = options.owner ?? `spooler-${randomUUID()}`;
  const limiter = createProviderLimiter((id) => host.limits(id));
  // Sends a transport has answered whose results are still being recorded, per provider. A slot is
  // freed at the answer (the transport takes its next message while the result commits), but sends
  // in flight and answered-but-unrecorded together stay within twice `concurrency`: if the store
  // falls behind, sending stops until it catches up, and a crash re-sends no more than that.
  const recording = new Map<string, number>();
  const heldBack = new Set<string>();
  const recordingRoom = (id: string): number => {
    const { concurrency } = host.limits(id);
    return concurrency <= 0 ? Infinity : 2 * concurrency - (recording.get(id) ?? 0) - limiter.inFlight(id);
  };
  const inflight = new Set<Promise<void>>();
  let running = false;
  let everStarted = false;
  let stopping: Promise<void> | undefined;
  let stopController = new AbortController();
  let unsubscribe: Array<() => void> = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerArmed = false;
  let draining: Promise<void> | undefined;
  let again = false;
  let claimed = 0;
  // Whether this drain only put rounds off (see claimFor): then no due time moved, and the release
  // that ends a send wakes the loop again, so re-reading the next wake time can wait for it.
  let onlyPutOff = false;
  // Whether this drain handed a send over (its release wakes the loop again, where the next wake time
  // is read once the queue runs dry) and left nothing waiting for a later time of its own choosing.
  let sendsStarted = false;
  let putBack = false;
  // The first look after start sweeps at once: what a crashed spooler left stranded is settled on restart.
  let nextSweepAt = -Infinity;

  // One context for every send: nothing in it changes between rounds.
  const groupContext: GroupContext = {
    host,
    store: host.store,
    clock: host.clock,
    logger: host.logger,
    events,
    ...(options.random ? { random: options.random } : {}),
  };
  const ctx = (): GroupContext => groupContext;

  const dispatch = (provider: string, claims: Claim[], deadline: SendDeadline): void => {
    deadline.enter();
    sendsStarted = true;
    let released = false;
    let answered = false;
    // The slot is the transport's: freed once it has answered (or the group ended without a send).
    const release = (): void => {
      if (released) return;
      released = true;
      deadline.leave();
      limiter.release(provider);
      // claimFor takes a round only once a quarter of the provider's window is free: a wake for each
      // freed slot would mostly find the round not worth it. The release that makes it worth one (the
      // last one out, at the latest) wakes the loop.
      if (limiter.worthClaiming(provider, host.options.batchSize)) void wake();
    };
    const sent = (): void => {
      if (released) return;
      answered = true;
      recording.set(provider, (recording.get(provider) ?? 0) + 1);
      release();
    };
    const settled = (): void => {
      release();
      inflight.delete(sending);
      if (answered) {
        const left = (recording.get(provider) ?? 1) - 1;
        if (left > 0) recording.set(provider, left);
        else recording.delete(provider);
        if (heldBack.delete(provider)) void wake();
      }
    };
    // One reaction for both outcomes (a catch and a finally would be two promises per send).
    const sending: Promise<void> = deliverGroup(ctx(), provider, claims, deadline, sent).then(settled, (err: unknown) => {
      try {
        host.logger.error('send of a claimed message failed unexpectedly', { provider, messageId: claims[0]?.messageId, error: String(err) });
      } finally {
        settled();
      }
    });
    inflight.add(sending);
  };

  // Each provider's current send deadline, which the sends of later rounds join for a short while.
  const deadlines = new Map<string, SendDeadline>();
  const deadlineFor = (provider: string): SendDeadline => {
    const current = deadlines.get(provider);
    if (current?.joinable()) return current;
    const { sendTimeoutMs } = host.options;
    const created = createSendDeadline(provider, sendTimeoutMs, stopController.signal, joinWindowFor(sendTimeoutMs));
    deadlines.set(provider, created);
    return created;
  };

  const sweep = (messageId?: string): Promise<number> => settleStranded(ctx(), { owner, ...(messageId !== undefined ? { messageId } : {}) });

  // Each available transport is asked for no more than it can take now, so nothing is claimed only
  // to be released again (a write per recipient) when its limits are full.
  const claimFor = async (id: string, now: number): Promise<void> => {
    const { batchSize, leaseMs } = host.options;
    // Each send's release wakes the loop again, so a round skipped here is only put off.
    if (!limiter.worthClaiming(id, batchSize)) return;
    const room = recordingRoom(id);
    if (room <= 0) {
      // The store is behind on this provider's results; the next one recorded wakes the loop.
      heldBack.add(id);
      return;
    }
    onlyPutOff = false;
    const limit = Math.min(batchSize, limiter.capacity(id, now), room);
    if (limit <= 0) return;
    const claims = await host.store.claim({ owner, limit, leaseMs, now, providers: [id] });
    claimed += claims.length;
    for (const group of groupClaims(claims)) {
      const t = host.clock.now();
      if (running && limiter.tryAcquire(group.provider, t)) {
        dispatch(group.provider, group.claims, deadlineFor(group.provider));
      }
      else {
        const at = running ? limiter.nextTokenAt(group.provider, t) : t;
        putBack = true;
        await releaseClaims(ctx(), group.claims, at > t ? at : undefined);
      }
    }
    if (claims.length >= batchSize) again = true;
  };

  const claimBatch = async (): Promise<void> => {
    const now = host.clock.now();
    if (now >= nextSweepAt) {
      onlyPutOff = false;
      nextSweepAt = now + host.options.pollMs;
      try {
        claimed += await sweep();
      } catch (err) {
        host.logger.error('spooler could not sweep stranded recipients; will try again', { error: String(err) });
      }
    }
    const providers = availableTransports(host);
    if (providers.length === 0) onlyPutOff = false;
    await Promise.all(providers.map((id) => claimFor(id, now)));
  };

  const scheduleNext = async (): Promise<void> => {
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
      delay = Math.min(delay, Math.max(nextSweepAt - now, 1));
    } catch (err) {
      host.logger.warn('could not read the next wake time; polling', { error: String(err) });
    }
    if (!running) return;
    clearTimeout(timer);
    timerArmed = true;
    timer = setTimeout(() => {
      timerArmed = false;
      void wake();
    }, Math.min(Math.max(delay, 1), MAX_TIMER_MS));
  };

  const wake = (): Promise<void> => {
    if (!running) return Promise.resolve();
    again = true;
    draining ??= (async () => {
      onlyPutOff = true;
      sendsStarted = false;
      putBack = false;
      try {
        while (again && running) {
          again = false;
          await claimBatch();
        }
      } catch (err) {
        onlyPutOff = false;
        host.logger.error('spooler could not claim work; will try again', { error: String(err) });
      } finally {
        draining = undefined;
        // The next-wake read (a store round trip) is needed only when this drain may go idle: while
        // sends are out, each one's release drains again, and the last drain that finds nothing reads it.
        const wakesAgain = onlyPutOff || (sendsStarted && !putBack);
        if (!wakesAgain || !timerArmed) void scheduleNext();
      }
    })();
    return draining;
  };

  const onProviderState = ({ id, to }: { id: string; to: string }): void => {
    if (to !== 'online') return;
    // Store-and-forward: what waited for this provider goes out now, not at its backoff time.
    host.store
      .makeDue([id], host.clock.now())
      .catch((err: unknown) => host.logger.warn('could not make queued work due', { provider: id, error: String(err) }))
      .finally(() => void wake());
  };

  return {
    get running() {
      return running;
    },
    start() {
      if (running) return;
      if (stopping) throw new XportError('XPORT_KERNEL_STOPPED', 'the spooler is stopping; await stop() before start()');
      running = true;
      everStarted = true;
      stopController = new AbortController();
      deadlines.clear();
      // One listener per send in flight; a transport's concurrency may be in the hundreds.
      setMaxListeners(0, stopController.signal);
      nextSweepAt = -Infinity;
      unsubscribe = [host.store.onWork(() => void wake()), host.onProviderState(onProviderState)];
      void wake();
    },
    wake,
    settleStranded: sweep,
    async flush(providerId) {
      if (!running) {
        throw everStarted
          ? new XportError('XPORT_KERNEL_STOPPED', 'flush(): the spooler is stopped')
          : new XportError('XPORT_KERNEL_NOT_STARTED', 'flush(): the spooler has not been started; start it before flush()');
      }
      await host.store.makeDue(providerId === undefined ? host.transportIds() : [providerId], host.clock.now());
      nextSweepAt = -Infinity;
      for (let round = 0; round < MAX_FLUSH_ROUNDS && running; round++) {
        const before = claimed;
        await wake();
        if (inflight.size === 0 && claimed === before) break;
        await Promise.allSettled([...inflight]);
      }
    },
    stop() {
      if (stopping) return stopping;
      if (!running) return Promise.resolve();
      running = false;
      stopping = (async () => {
        clearTimeout(timer);
        timerArmed = false;
        for (const off of unsubscribe) off();
        unsubscribe = [];
        await draining;
        if (inflight.size > 0) {
          const deadline = setTimeout(() => stopController.abort(), host.options.stopTimeoutMs);
          await Promise.allSettled([...inflight]);
          clearTimeout(deadline);
        }
      })().finally(() => {
        stopping = undefined;
      });
      return stopping;
    },
  };
}
