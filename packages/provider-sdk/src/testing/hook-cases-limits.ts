import { describe, expect, it } from 'vitest';
import { XportError } from '../errors.js';
import type { HookSuiteContext } from './hook-context.js';
import { FILL_ADDRESS_TYPE, SUBMIT_LIMITS } from './hook-limits.js';
import { sampleName } from './hook-samples.js';
import { conformanceSinkPackage } from './transport-sink.js';

/**
 * Rewrites stay within submit's limits: each outbound sample a hook lets through, brought to each
 * limit, is still accepted — or refused by the hook itself with a reason — never turned into a
 * message the kernel refuses as invalid.
 */
export function hookLimitCases(ctx: HookSuiteContext): void {
  describe("rewrites stay within submit's limits", () => {
    for (const { limit, toLimit } of SUBMIT_LIMITS) {
      it(`a message at ${limit} is accepted or rejected by the hook, never rewritten into an invalid one`, async ({ skip }) => {
        const samples = ctx.options().outbound ?? [];
        if (samples.length === 0) return skip('no outbound samples');
        // The samples the hook lets through are the ones a rewrite can break; if it rejects them all, those.
        const chosen = samples.some((s) => s.verdict !== 'reject') ? samples.filter((s) => s.verdict !== 'reject') : samples;
        // Queued, not sent: the fill recipients route to a transport that is never started, so a
        // message at the recipient limit costs one write, not ten thousand failures and their report.
        const harness = await ctx.open({ spool: false, fixtures: [conformanceSinkPackage([FILL_ADDRESS_TYPE], ctx.manifest().kernel)] });
        const found: string[] = [];
        for (const sample of chosen) {
          const name = sampleName(sample, samples.indexOf(sample));
          const error = await harness.submit(toLimit(sample.message)).then(
            () => undefined,
            (e: unknown) => e,
          );
          if (error === undefined) continue;
          const ownReject = XportError.is(error, 'XPORT_MESSAGE_REJECTED') && error.message.includes(`outbound hook '${ctx.id()}' rejected the message: `);
          if (!ownReject) found.push(`${name} at ${limit}: ${XportError.is(error) ? `${error.code}: ${error.message}` : String(error)}`);
        }
        expect(found, 'check the limits before adding (fitsHeaderLimits, MAX_HEADER_VALUE_CHARS, MAX_RECIPIENTS from @xport/provider-sdk), or reject with a reason').toEqual([]);
      });
    }
  });
}
