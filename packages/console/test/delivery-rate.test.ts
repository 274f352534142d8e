import { describe, expect, it } from 'vitest';
import type { DeliveryEvent, DeliveryEventType } from '../src/app/api/api-types.js';
import { advanceRate, countEvents, emptyRate, MINUTE_MS, rateTotals, WINDOW_MINUTES } from '../src/app/chart/delivery-rate.js';

const NOW = Date.parse('2026-12-02T12:34:56.000Z');
let nextId = 1;
const event = (type: DeliveryEventType, at: number): DeliveryEvent => ({ id: nextId++, type, at: new Date(at).toISOString(), messageId: 'm', recipientIndex: 0 });

describe('the delivery rate window', () => {
  it('has the 60 minutes up to the current one, each at a whole minute', () => {
    const rate = emptyRate(NOW);
    expect(rate.minutes).toHaveLength(WINDOW_MINUTES);
    expect(new Date(rate.minutes.at(-1)!).toISOString()).toBe('2026-12-02T12:34:00.000Z');
    expect(new Date(rate.minutes[0]!).toISOString()).toBe('2026-12-02T11:35:00.000Z');
  });

  it('counts delivered, deferred and failed recipients in the minute of each event, and nothing else', () => {
    const rate = countEvents(emptyRate(NOW), [
      event('delivered', NOW),
      event('delivered', NOW - 1000),
      event('deferred', NOW - 5 * MINUTE_MS),
      event('failed', NOW - 59 * MINUTE_MS),
      event('submitted', NOW),
      event('held', NOW),
      event('delivered', NOW - 61 * MINUTE_MS),
    ]);
    expect(rateTotals(rate)).toEqual({ delivered: 2, deferred: 1, failed: 1 });
    expect(rate.counts.delivered.at(-1)).toBe(2);
    expect(rate.counts.deferred.at(-6)).toBe(1);
    expect(rate.counts.failed[0]).toBe(1);
  });

  it('moves on with time: minutes left behind drop out, new ones start at zero', () => {
    const rate = countEvents(emptyRate(NOW), [event('failed', NOW - 59 * MINUTE_MS), event('delivered', NOW)]);
    expect(advanceRate(rate, NOW + 3_000)).toBe(rate);
    const later = advanceRate(rate, NOW + MINUTE_MS);
    expect(rateTotals(later)).toEqual({ delivered: 1, deferred: 0, failed: 0 });
    expect(later.counts.delivered.at(-2)).toBe(1);
    expect(later.counts.delivered.at(-1)).toBe(0);
    expect(rateTotals(advanceRate(rate, NOW + 2 * 3_600_000))).toEqual({ delivered: 0, deferred: 0, failed: 0 });
  });
});
