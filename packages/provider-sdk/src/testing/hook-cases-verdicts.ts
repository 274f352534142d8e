import { describe, expect, it } from 'vitest';
import { toMailboxKey } from '../address.js';
import { directionsOf, type HookDirection, type HookSuiteContext } from './hook-context.js';
import { frozenCopy, makeOutboundHookInput, PLAIN_INBOUND, PLAIN_OUTBOUND, sampleName } from './hook-samples.js';
import { inboundVerdictProblems, outboundVerdictProblems } from './hook-verdicts.js';

/** Calls a hook method, turning a throw (a frozen input written to, say) into a result to report. */
async function judge(call: () => unknown): Promise<{ verdict: unknown } | { thrown: string }> {
  try {
    return { verdict: await call() };
  } catch (error) {
    return { thrown: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** The directions the hook judges match the samples given, and each verdict has the documented shape. */
export function hookVerdictCases(ctx: HookSuiteContext): void {
  describe('verdicts', () => {
    it('judges the directions it was given samples for, and leaves the other one alone', async () => {
      const harness = await ctx.open();
      const judged = directionsOf(ctx.instance(harness));
      const given = (['outbound', 'inbound'] as const).filter((d) => (ctx.options()[d]?.length ?? 0) > 0);
      const explain = (d: HookDirection): string =>
        judged.includes(d) ? `the hook has an ${d}(message) method: give ${d} samples (each a message and the verdict it should get)` : `${d} samples were given, but the hook has no ${d}(message) method`;
      expect(given, [...new Set([...judged, ...given])].filter((d) => judged.includes(d) !== given.includes(d)).map(explain).join('; ')).toEqual(judged);

      // A direction without a method: the kernel does not consult the hook, and mail goes through unchanged.
      if (!judged.includes('outbound')) {
        const { messageId } = await harness.submit(PLAIN_OUTBOUND);
        expect((await harness.store.getMessage(messageId))?.envelope).toMatchObject({ subject: PLAIN_OUTBOUND.subject, headers: {} });
      }
      if (!judged.includes('inbound')) {
        const receipt = await harness.receive(PLAIN_INBOUND);
        expect(receipt.entries.map((e) => e.mailbox)).toEqual(PLAIN_INBOUND.recipients.map((r) => toMailboxKey(r)));
        const entry = await harness.store.getInboxEntry(receipt.entries[0]!.id);
        expect(entry?.envelope).toMatchObject({ subject: PLAIN_INBOUND.subject, headers: PLAIN_INBOUND.headers });
      }
    });

    it('answers each outbound sample with the expected verdict, well formed, without changing its input', async ({ skip }) => {
      const samples = ctx.options().outbound ?? [];
      if (samples.length === 0) return skip('no outbound samples (the hook has no outbound method, or the directions case fails)');
      const hook = ctx.instance(await ctx.open());
      const found: string[] = [];
      for (const [i, sample] of samples.entries()) {
        const result = await judge(() => hook.outbound?.(frozenCopy(makeOutboundHookInput(sample.message))));
        if ('thrown' in result) {
          found.push(`${sampleName(sample, i)}: outbound() threw ${result.thrown} (a hook answers with a verdict and never changes the message it is given)`);
          continue;
        }
        const action = (result.verdict as { action?: unknown } | undefined)?.action;
        const problems = outboundVerdictProblems(result.verdict);
        if (action !== sample.verdict) problems.unshift(`expected ${sample.verdict}, got ${JSON.stringify(action)}`);
        found.push(...problems.map((p) => `${sampleName(sample, i)}: ${p}`));
      }
      expect(found).toEqual([]);
    });

    it('answers each inbound sample with the expected verdict, well formed, without changing its input', async ({ skip }) => {
      const samples = ctx.options().inbound ?? [];
      if (samples.length === 0) return skip('no inbound samples (the hook has no inbound method, or the directions case fails)');
      const hook = ctx.instance(await ctx.open());
      const found: string[] = [];
      for (const [i, sample] of samples.entries()) {
        const result = await judge(() => hook.inbound?.(frozenCopy(sample.message)));
        if ('thrown' in result) {
          found.push(`${sampleName(sample, i)}: inbound() threw ${result.thrown} (a hook answers with a verdict and never changes the message it is given)`);
          continue;
        }
        const action = (result.verdict as { action?: unknown } | undefined)?.action;
        const problems = inboundVerdictProblems(result.verdict);
        if (action !== sample.verdict) problems.unshift(`expected ${sample.verdict}, got ${JSON.stringify(action)}`);
        found.push(...problems.map((p) => `${sampleName(sample, i)}: ${p}`));
      }
      expect(found).toEqual([]);
    });
  });
}
