import { describe, expect, it } from 'vitest';
import { toMailboxKey } from '../address.js';
import { isRecipientOutcome, type OutcomeStatus, type RecipientOutcome } from '../outcome.js';
import type { StoredMessage } from '../store.js';
import { makeMessageInput, makeOutboundMessage } from './message-fixtures.js';
import type { TransportSuiteContext } from './transport-context.js';
import { countBy, farEnd, key } from './transport-far-end.js';
import { SINK_PROVIDER_ID, conformanceSinkPackage, sinkDeliveries } from './transport-sink.js';

function recipientsOf(message: StoredMessage): Array<{ to: string; state: string; provider: string | null; code?: string }> {
  return message.recipients.map((r) => ({ to: toMailboxKey(r.recipient), state: r.state, provider: r.provider, ...(r.lastError ? { code: r.lastError.code } : {}) }));
}

/** Per-recipient outcomes: their shape, what the kernel makes of them, and not-me. */
export function outcomeCases(ctx: TransportSuiteContext): void {
  describe('outcomes', () => {
    it('returns one well-formed outcome per recipient of a batch, matching each recipient', async () => {
      const { deliver, fail = [], defer = [] } = ctx.options();
      // Recipients that are not-me only in another configuration are the not-me case's.
      const notMine = ctx.options().notMineConfig === undefined ? (ctx.options().notMine ?? []) : [];
      const expected: Array<[string, OutcomeStatus]> = [
        ...deliver.map((to): [string, OutcomeStatus] => [to, 'delivered']),
        ...fail.map((to): [string, OutcomeStatus] => [to, 'failed']),
        ...defer.map((to): [string, OutcomeStatus] => [to, 'deferred']),
        ...notMine.map((to): [string, OutcomeStatus] => [to, 'not-me']),
      ];
      const harness = await ctx.open();
      const transport = harness.transport(ctx.id());
      expect(transport).toBeDefined();
      const { message, assigned } = makeOutboundMessage({ from: ctx.options().from ?? deliver[0], to: expected.map(([to]) => to) });
      const result = await transport!.send(message, assigned, { signal: new AbortController().signal });
      const outcomes: readonly RecipientOutcome[] = Array.isArray(result) ? result : assigned.map(() => result as RecipientOutcome);
      expect(outcomes, 'one outcome per recipient, in order (or a single outcome for all)').toHaveLength(assigned.length);
      const malformed = outcomes.filter((o) => !isRecipientOutcome(o));
      expect(malformed, 'outcomes the kernel would treat as a deferral because of their shape').toEqual([]);
      expect(outcomes.map((o, i) => [expected[i]![0], o.status])).toEqual(expected);
      for (const o of outcomes) {
        if (o.status === 'failed') {
          expect(o.code, 'a failure code such as 5.1.1').toMatch(/\S/);
          expect(o.diagnostic, 'a diagnostic a person can act on').toMatch(/\S/);
        }
      }
    });

    it('destinationOf (when given): a non-empty name for each recipient, the same every time, without I/O', async ({ skip }) => {
      const harness = await ctx.open();
      const transport = harness.transport(ctx.id());
      if (transport?.destinationOf === undefined) return skip();
      const { deliver, fail = [], defer = [] } = ctx.options();
      const { assigned } = makeOutboundMessage({ from: ctx.options().from ?? deliver[0], to: [...deliver, ...fail, ...defer] });
      for (const { recipient } of assigned) {
        const name = transport.destinationOf(recipient);
        expect(typeof name === 'string' && name.length > 0, `a destination name for ${recipient.address}`).toBe(true);
        expect(transport.destinationOf(recipient), 'the same destination when asked again').toBe(name);
      }
    });

    it('through the kernel: delivered and failed recipients end final, each with exactly one outcome', async () => {
      const { deliver, fail = [], defer = [] } = ctx.options();
      const to = [...deliver, ...fail, ...defer];
      const harness = await ctx.open();
      const before = await farEnd(ctx, harness);
      const receipt = await harness.submit(makeMessageInput({ from: ctx.options().from ?? deliver[0]!, to }));
      expect(receipt.recipients.map((r) => r.provider)).toEqual(to.map(() => ctx.id()));
      const stored = await harness.waitForOutcomes(receipt.messageId, { timeoutMs: ctx.timeoutMs() });
      const wanted = [...deliver.map(() => 'delivered'), ...fail.map(() => 'failed'), ...defer.map(() => 'deferred')];
      expect(recipientsOf(stored).map((r) => [r.to, r.state])).toEqual(to.map((t, i) => [key(t), wanted[i]]));
      for (const r of stored.recipients.filter((r) => r.state === 'failed')) {
        expect(r.lastError?.code).toMatch(/\S/);
        expect(r.lastError?.diagnostic).toMatch(/\S/);
      }
      const events = harness.outcomes.filter((e) => e.messageId === receipt.messageId);
      expect(countBy(events.map((e) => String(e.recipientIndex)))).toEqual(new Map(to.map((_, i) => [String(i), 1])));
      expect(events.map((e) => [e.recipientIndex, e.event]).sort()).toEqual(to.map((_, i) => [i, wanted[i]]).sort());

      const after = await farEnd(ctx, harness);
      if (before && after) {
        const arrived = (address: string): number => (after.get(key(address)) ?? 0) - (before.get(key(address)) ?? 0);
        expect(deliver.map((d) => [d, arrived(d)]), 'each delivered recipient reached the far end once').toEqual(deliver.map((d) => [d, 1]));
        expect([...fail, ...defer].map((d) => [d, arrived(d)]), 'failed and deferred recipients never reached the far end').toEqual([...fail, ...defer].map((d) => [d, 0]));
      }
    });

    it('not-me: the kernel hands the recipient to the next transport for its address type', async ({ skip }) => {
      const { notMine = [], notMineConfig } = ctx.options();
      if (notMine.length === 0) return skip('no notMine recipients given (recipients your transport answers not-me for, with notMineConfig if that takes another configuration)');
      // The sink declares the provider's own kernel range: compatible exactly when the provider is.
      const sink = conformanceSinkPackage(ctx.manifest().addressTypes ?? [], ctx.manifest().kernel);
      const harness = await ctx.open({ fixtures: [sink], transportOrder: [ctx.id(), SINK_PROVIDER_ID], ...(notMineConfig === undefined ? {} : { config: notMineConfig }) });
      expect(harness.kernel.providerState(ctx.id()), 'the provider under test is online (with notMineConfig, if given)').toBe('online');
      expect(harness.kernel.providerState(SINK_PROVIDER_ID)).toBe('online');
      const seenBefore = countBy(sinkDeliveries());
      const receipt = await harness.submit(makeMessageInput({ from: ctx.options().from ?? ctx.options().deliver[0]!, to: notMine }));
      expect(receipt.recipients.map((r) => r.provider), 'the provider under test is tried first').toEqual(notMine.map(() => ctx.id()));
      const stored = await harness.waitForOutcomes(receipt.messageId, { timeoutMs: ctx.timeoutMs() });
      expect(recipientsOf(stored).map((r) => [r.to, r.state, r.provider])).toEqual(notMine.map((t) => [key(t), 'delivered', SINK_PROVIDER_ID]));
      const seenAfter = countBy(sinkDeliveries());
      expect(notMine.map((t) => (seenAfter.get(key(t)) ?? 0) - (seenBefore.get(key(t)) ?? 0))).toEqual(notMine.map(() => 1));
    });
  });
}
