import type { DeliveryEvent, DeliveryEventType } from '../api/api-types.js';

// The overview's chart data: how many recipients were delivered, deferred and failed in each minute
// of the last hour, counted from the delivery event log.

export const MINUTE_MS = 60_000;
/** Minutes in the window: the current one and the 59 before it. */
export const WINDOW_MINUTES = 60;

/** The outcomes the chart counts, in the order it draws them. */
export const RATE_TYPES = ['delivered', 'deferred', 'failed'] as const satisfies readonly DeliveryEventType[];
export type RateType = (typeof RATE_TYPES)[number];

export interface DeliveryRate {
  /** The start of each minute of the window (epoch ms), oldest first. */
  readonly minutes: readonly number[];
  /** Per outcome, the count in each of those minutes. */
  readonly counts: Readonly<Record<RateType, readonly number[]>>;
}

const isRateType = (type: string): type is RateType => (RATE_TYPES as readonly string[]).includes(type);

/** The window ending with the minute that holds `now`, all counts zero. */
export function emptyRate(now: number): DeliveryRate {
  const last = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const minutes = Array.from({ length: WINDOW_MINUTES }, (_, i) => last - (WINDOW_MINUTES - 1 - i) * MINUTE_MS);
  const zeros = () => minutes.map(() => 0);
  return { minutes, counts: { delivered: zeros(), deferred: zeros(), failed: zeros() } };
}

/** The rate with `events` counted in the minute of their `at`; events outside the window and of other types are left out. */
export function countEvents(rate: DeliveryRate, events: readonly DeliveryEvent[]): DeliveryRate {
  const first = rate.minutes[0]!;
  const counts = { delivered: [...rate.counts.delivered], deferred: [...rate.counts.deferred], failed: [...rate.counts.failed] };
  let counted = 0;
  for (const event of events) {
    if (!isRateType(event.type)) continue;
    const slot = Math.floor((Date.parse(event.at) - first) / MINUTE_MS);
    if (slot < 0 || slot >= rate.minutes.length) continue;
    counts[event.type][slot]! += 1;
    counted += 1;
  }
  return counted === 0 ? rate : { minutes: rate.minutes, counts };
}

/** The window moved on to end with the minute that holds `now`: the minutes it leaves behind are dropped, new ones are zero. */
export function advanceRate(rate: DeliveryRate, now: number): DeliveryRate {
  const next = emptyRate(now);
  if (next.minutes[0] === rate.minutes[0]) return rate;
  const shift = (next.minutes[0]! - rate.minutes[0]!) / MINUTE_MS;
  const moved = (values: readonly number[]) => next.minutes.map((_, i) => values[i + shift] ?? 0);
  return { minutes: next.minutes, counts: { delivered: moved(rate.counts.delivered), deferred: moved(rate.counts.deferred), failed: moved(rate.counts.failed) } };
}

/** Each outcome's total over the window. */
export function rateTotals(rate: DeliveryRate): Record<RateType, number> {
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  return { delivered: sum(rate.counts.delivered), deferred: sum(rate.counts.deferred), failed: sum(rate.counts.failed) };
}
