import type { ProviderLimiter } from './provider-limiter.js';
import type { ProviderLimits } from './host.js';

/**
 * Sends a transport has answered whose results are still being recorded, per provider. A slot is
 * freed at the answer (the transport takes its next message while the result commits), but sends in
 * flight and answered-but-unrecorded together stay within twice `concurrency`: if the store falls
 * behind, sending stops until it catches up, and a crash re-sends no more than that.
 */
export interface UnrecordedResults {
  /** How many more sends `provider` may start now; Infinity without a concurrency limit. */
  room(provider: string): number;
  /** `provider` got no claim round for want of room: the next result recorded for it wakes the loop. */
  holdBack(provider: string): void;
  /** A send of `provider` was answered; its results are being recorded. */
  answered(provider: string): void;
  /** A result of `provider` was recorded; true when the provider was held back (so the loop must look again). */
  recorded(provider: string): boolean;
}

export function createUnrecordedResults(limitsOf: (provider: string) => ProviderLimits, limiter: ProviderLimiter): UnrecordedResults {
  const unrecorded = new Map<string, number>();
  const heldBack = new Set<string>();
  return {
    room(provider) {
      const { concurrency } = limitsOf(provider);
      return concurrency <= 0 ? Infinity : 2 * concurrency - (unrecorded.get(provider) ?? 0) - limiter.inFlight(provider);
    },
    holdBack(provider) {
      heldBack.add(provider);
    },
    answered(provider) {
      unrecorded.set(provider, (unrecorded.get(provider) ?? 0) + 1);
    },
    recorded(provider) {
      const left = (unrecorded.get(provider) ?? 1) - 1;
      if (left > 0) unrecorded.set(provider, left);
      else unrecorded.delete(provider);
      return heldBack.delete(provider);
    },
  };
}
