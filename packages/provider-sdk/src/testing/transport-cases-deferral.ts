import { describe, expect, it } from 'vitest';
import { makeMessageInput } from './message-fixtures.js';
import type { TransportSuiteContext } from './transport-context.js';
import { farEnd, key } from './transport-far-end.js';

/** Deferral: a recipient kept for later, with no report, and tried again once it is due. */
export function deferralCases(ctx: TransportSuiteContext): void {
  describe('deferral', () => {
    it('deferred: kept queued with a later attempt and no report; made due, it is tried again', async ({ skip }) => {
      const defer = ctx.options().defer ?? [];
      if (defer.length === 0) return skip('no defer recipients given (recipients the far end answers "try later" for, at every attempt)');
      const id = ctx.id();
      const harness = await ctx.open();
      const from = ctx.options().from ?? ctx.options().deliver[0]!;
      const before = await farEnd(ctx, harness);
      const receipt = await harness.submit(makeMessageInput({ from, to: defer }));
      const first = await harness.waitForOutcomes(receipt.messageId, { timeoutMs: ctx.timeoutMs() });
      for (const r of first.recipients) {
        expect([r.state, r.attempts, r.provider]).toEqual(['deferred', 1, id]);
        expect(r.nextAttemptAt, 'the next attempt is later than the submit').toBeGreaterThan(first.submittedAt);
      }
      expect(first.finishedAt).toBeUndefined();

      // The retry, without waiting out the backoff.
      const dueAt = Date.now();
      await harness.makeDue(id);
      const second = await harness.store.getMessage(receipt.messageId);
      for (const r of second?.recipients ?? []) {
        expect([r.state, r.attempts, r.provider], 'made due, the recipient was tried a second time and deferred again').toEqual(['deferred', 2, id]);
        expect(r.nextAttemptAt, 'the retry set a later attempt again').toBeGreaterThanOrEqual(dueAt);
        expect(r.lastError?.code, 'a deferral keeps its code').toMatch(/\S/);
      }
      const events = harness.outcomes.filter((e) => e.messageId === receipt.messageId);
      expect(events.map((e) => e.event)).toEqual([...defer, ...defer].map(() => 'deferred'));
      expect((await harness.inbox(from)).filter((e) => e.envelope.reportFor === receipt.messageId), 'a deferral owes the sender no report').toEqual([]);

      const after = await farEnd(ctx, harness);
      if (before && after) {
        expect(defer.map((d) => [d, (after.get(key(d)) ?? 0) - (before.get(key(d)) ?? 0)]), 'deferred recipients never reached the far end').toEqual(defer.map((d) => [d, 0]));
      }
    });
  });
}
