import type { BackoffPolicy } from '../backoff/exponential-backoff.js';
import { FRESH_DESTINATION_FLOW, nextDestinationFlow, type DestinationFlow, type DestinationSignal } from './destination-flow.js';
import { limitsOfDestination } from './destination-limits.js';
import type { DestinationLimits, ProviderLimits } from './host.js';
import { nextTokenTime, refillBucket, type TokenBucket } from './token-bucket.js';

/** Shortest put-off of a recipient whose destination has no free slot: about one send's time. */
const MIN_HOLD_MS = 10;
/** A destination with nothing in flight, held or learned for this long is forgotten (a transport may name thousands). */
const FORGET_IDLE_MS = 10 * 60_000;

/** Whether a send to a destination may go now, or until when its recipients wait. */
export type DestinationAdmission = { readonly admitted: true } | { readonly admitted: false; readonly until: number; readonly suspended: boolean };

/** One destination as `kernel.destinations()` shows it. */
export interface DestinationStatus {
  readonly provider: string;
  readonly destination: string;
  readonly inFlight: number;
  /** Concurrency allowed now (feedback may hold it below the configured one); null: unlimited. */
  readonly concurrency: number | null;
  /** The configured concurrency; null: unlimited. */
  readonly concurrencyLimit: number | null;
  /** Sends per second allowed; null: unlimited. */
  readonly ratePerSecond: number | null;
  /** Sends handed over in the last second. */
  readonly sentLastSecond: number;
  /** Until when it is suspended (ISO time); null when it is not. */
  readonly suspendedUntil: string | null;
  readonly failuresInRow: number;
}

interface Destination {
  readonly provider: string;
  readonly name: string;
  inFlight: number;
  flow: DestinationFlow;
  bucket: TokenBucket | undefined;
  /** Mean send duration (exponentially weighted), to put off recipients while its slots are full. */
  meanSendMs: number;
  /** Hand-over times, oldest first; those before `recentFrom` are older than a second (see `forgetBefore`). */
  recent: number[];
  recentFrom: number;
  /** Its limits, worked out from the transport's `limits` object they were read from (`limitsFor`). */
  limits: ResolvedLimits | undefined;
  /** When the next group put off for want of a slot comes due: put-offs are spread at the pace the destination takes sends. */
  nextTurnAt: number;
  /** The last hand-over or answer. */
  usedAt: number;
}

/** Nothing in flight, nothing learned that still holds, nothing put off, unused for FORGET_IDLE_MS. */
function isForgettable(d: Destination, now: number): boolean {
  const { flow } = d;
  return d.inFlight === 0 && flow.window === Infinity && flow.failures === 0 && flow.suspendedUntil === undefined && d.nextTurnAt <= now && now - d.usedAt >= FORGET_IDLE_MS;
}

export interface DestinationLimiterParts {
  readonly limitsOf: (provider: string) => ProviderLimits;
  readonly backoff: () => BackoffPolicy;
  readonly random?: () => number;
}

/**
 * Per-destination concurrency and rate, adapted by what destinations answer (destination-flow.ts):
 * a destination that throttles is given fewer concurrent sends, one that fails every send is
 * suspended and then probed with a single send.
 */
export interface DestinationLimiter {
  /** Takes a slot and a rate token for one send to `destination`, or says until when its recipients wait. */
  admit(provider: string, destination: string, now: number): DestinationAdmission;
  /** Gives the slot back once the send was answered (or never went), learning from `signal`. */
  release(provider: string, destination: string, signal: DestinationSignal, durationMs: number | undefined, now: number): void;
  /** Takes back an admission whose send did not go (the transport's own limit was full). */
  cancel(provider: string, destination: string): void;
  /** The provider came back online: its suspended destinations are probed at once rather than at the end of their backoff. */
  probeNow(provider: string, now: number): void;
  /**
   * The provider's destinations that would not be admitted now — suspended (or their probe out), at
   * their concurrency, or out of rate tokens — so the claim leaves
   * their recipients in the store (`ClaimRequest.skipDestinations`) instead of leasing and putting them back.
   */
  held(provider: string, now: number): string[];
  /** The earliest time after `now` a held destination's suspension ends or its next rate token comes (its recipients, skipped by claims, may go); undefined when none. */
  nextReleaseAt(now: number): number | undefined;
  status(now: number): DestinationStatus[];
}

interface ResolvedLimits extends DestinationLimits {
  /** The transport's limits these were worked out from: read again once the configuration changes. */
  readonly from: ProviderLimits;
  /** Configured concurrency; Infinity: unlimited. */
  readonly configured: number;
}

/**
 * Steps past hand-over times older than a second. Constant time a send: the times are dropped from
 * the front in bulk once they are half the array, not spliced off one send at a time (at tens of
 * thousands of sends a second, a splice per send cost more than the send).
 */
function forgetBefore(d: Destination, now: number): void {
  const { recent } = d;
  while (d.recentFrom < recent.length && recent[d.recentFrom]! <= now - 1000) d.recentFrom += 1;
  if (d.recentFrom > 64 && d.recentFrom * 2 >= recent.length) {
    recent.splice(0, d.recentFrom);
    d.recentFrom = 0;
  }
}

/** Hand-overs within the last second (after `forgetBefore`). */
const sentLastSecond = (d: Destination): number => d.recent.length - d.recentFrom;

export function createDestinationLimiter(parts: DestinationLimiterParts): DestinationLimiter {
  const destinations = new Map<string, Map<string, Destination>>();
  const random = parts.random ?? Math.random;

  let sweptAt = -Infinity;
  const forgetIdle = (now: number): void => {
    if (now - sweptAt < FORGET_IDLE_MS) return;
    sweptAt = now;
    for (const byName of destinations.values()) for (const [name, d] of byName) if (isForgettable(d, now)) byName.delete(name);
  };
  const get = (provider: string, name: string): Destination => {
    let byName = destinations.get(provider);
    if (!byName) destinations.set(provider, (byName = new Map()));
    let d = byName.get(name);
    if (!d) byName.set(name, (d = { provider, name, inFlight: 0, flow: FRESH_DESTINATION_FLOW, bucket: undefined, meanSendMs: 0, recent: [], recentFrom: 0, limits: undefined, nextTurnAt: 0, usedAt: -Infinity }));
    return d;
  };
  const resolvedLimits = (d: Destination): ResolvedLimits => {
    const transport = parts.limitsOf(d.provider);
    if (d.limits?.from === transport) return d.limits;
    const own = limitsOfDestination(transport.perDestination, d.name);
    const configured = own.concurrency > 0 ? own.concurrency : transport.concurrency > 0 ? transport.concurrency : Infinity;
    return (d.limits = { ...own, from: transport, configured });
  };
  const limitsFor = (d: Destination) => {
    const limits = resolvedLimits(d);
    return { configured: limits.configured, ratePerSecond: limits.ratePerSecond, suspendAfterFailures: limits.suspendAfterFailures, allowed: Math.min(limits.configured, d.flow.window) };
  };
  /**
   * Until when a group waits for a slot: one send's time from now, and no earlier than the turn after
   * the groups already put off, so a destination's backlog comes due at the pace it takes sends
   * instead of all at once (ahead of every other destination's recipients).
   */
  const turnFor = (d: Destination, earliest: number, paceMs: number): number => {
    const until = Math.max(earliest, d.nextTurnAt);
    d.nextTurnAt = until + paceMs;
    return until;
  };
  const sendMsOf = (d: Destination): number => Math.max(MIN_HOLD_MS, Math.round(d.meanSendMs));
  /**
   * When a destination that admit() would refuse now may take a send again: the end of its
   * suspension, its next rate token, or Infinity while its slots are full (a send's release wakes the
   * loop); undefined when it is not held. The same conditions as admit's, without taking anything:
   * a suspension whose probe may go now does not hold it.
   */
  const releaseAt = (d: Destination, now: number): number | undefined => {
    const until = d.flow.suspendedUntil;
    if (until !== undefined && (now < until || d.inFlight > 0)) return now < until ? until : Infinity;
    const limits = limitsFor(d);
    if (d.inFlight >= limits.allowed) return Infinity;
    if (limits.ratePerSecond > 0) {
      d.bucket = refillBucket(d.bucket, now, limits.ratePerSecond);
      if (d.bucket.tokens < 1) return nextTokenTime(d.bucket, now, limits.ratePerSecond);
    }
    return undefined;
  };

  return {
    admit(provider, name, now) {
      const d = get(provider, name);
      const limits = limitsFor(d);
      const { suspendedUntil } = d.flow;
      if (suspendedUntil !== undefined && (now < suspendedUntil || d.inFlight > 0)) {
        // Suspended, or its probe is out: nothing more until the probe has answered.
        return { admitted: false, until: Math.max(suspendedUntil, now + sendMsOf(d)), suspended: true };
      }
      if (d.inFlight >= limits.allowed) return { admitted: false, until: turnFor(d, now + sendMsOf(d), Math.ceil(sendMsOf(d) / limits.allowed)), suspended: false };
      if (limits.ratePerSecond > 0) {
        d.bucket = refillBucket(d.bucket, now, limits.ratePerSecond);
        if (d.bucket.tokens < 1) return { admitted: false, until: turnFor(d, nextTokenTime(d.bucket, now, limits.ratePerSecond), Math.ceil(1000 / limits.ratePerSecond)), suspended: false };
        d.bucket.tokens -= 1;
      }
      d.inFlight += 1;
      d.usedAt = now;
      forgetBefore(d, now);
      d.recent.push(now);
      return { admitted: true };
    },
    cancel(provider, name) {
      const d = get(provider, name);
      d.inFlight = Math.max(0, d.inFlight - 1);
      if (d.recent.length > d.recentFrom) d.recent.pop();
    },
    release(provider, name, signal, durationMs, now) {
      const d = get(provider, name);
      const limits = limitsFor(d);
      d.flow = nextDestinationFlow(d.flow, signal, {
        limit: limits.configured,
        inFlight: d.inFlight,
        suspendAfterFailures: limits.suspendAfterFailures,
        now,
        backoff: parts.backoff(),
        random,
      });
      d.inFlight = Math.max(0, d.inFlight - 1);
      d.usedAt = now;
      forgetIdle(now);
      if (durationMs !== undefined) d.meanSendMs = d.meanSendMs === 0 ? durationMs : d.meanSendMs * 0.8 + durationMs * 0.2;
    },
    probeNow(provider, now) {
      for (const d of destinations.get(provider)?.values() ?? []) {
        const until = d.flow.suspendedUntil;
        if (until !== undefined && until > now) d.flow = { ...d.flow, suspendedUntil: now };
      }
    },
    held(provider, now) {
      const names: string[] = [];
      for (const d of destinations.get(provider)?.values() ?? []) if (releaseAt(d, now) !== undefined) names.push(d.name);
      return names;
    },
    nextReleaseAt(now) {
      let next: number | undefined;
      for (const byName of destinations.values()) {
        for (const d of byName.values()) {
          const at = releaseAt(d, now);
          if (at !== undefined && at !== Infinity && (next === undefined || at < next)) next = at;
        }
      }
      return next;
    },
    status(now) {
      const rows: DestinationStatus[] = [];
      for (const byName of destinations.values()) {
        for (const d of byName.values()) {
          const limits = limitsFor(d);
          forgetBefore(d, now);
          const until = d.flow.suspendedUntil;
          rows.push({
            provider: d.provider,
            destination: d.name,
            inFlight: d.inFlight,
            concurrency: Number.isFinite(limits.allowed) ? limits.allowed : null,
            concurrencyLimit: Number.isFinite(limits.configured) ? limits.configured : null,
            ratePerSecond: limits.ratePerSecond > 0 ? limits.ratePerSecond : null,
            sentLastSecond: sentLastSecond(d),
            suspendedUntil: until === undefined ? null : new Date(until).toISOString(),
            failuresInRow: d.flow.failures,
          });
        }
      }
      return rows;
    },
  };
}
