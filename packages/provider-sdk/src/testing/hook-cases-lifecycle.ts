import { describe, expect, it } from 'vitest';
import { XportError } from '../errors.js';
import { directionsOf, type HookSuiteContext } from './hook-context.js';
import { PLAIN_INBOUND, PLAIN_OUTBOUND } from './hook-samples.js';

/** Logon with good and bad credentials (and what a hook that is not online does to mail), an idempotent stop. */
export function hookLifecycleCases(ctx: HookSuiteContext): void {
  describe('lifecycle', () => {
    it('comes online and judges at least one direction', async () => {
      const harness = await ctx.open();
      expect(harness.kernel.providerState(ctx.id())).toBe('online');
      expect(harness.row(ctx.id()).lastError).toBeUndefined();
      expect(directionsOf(ctx.instance(harness)), 'a hook has an outbound(message) method, an inbound(message) method, or both').not.toEqual([]);
    });

    it('refuses bad credentials: logon-failed with XPORT_LOGON_FAILED, and the mail it judges is held back', async ({ skip }) => {
      const bad = ctx.options().badCredentials;
      if (bad === undefined) return skip(Object.keys(ctx.manifest().credentials ?? {}).length === 0 ? 'the manifest declares no credentials, so there are none to refuse' : 'no badCredentials given (credentials logon() must refuse)');
      const harness = await ctx.open({ credentials: bad });
      expect(harness.kernel.providerState(ctx.id())).toBe('logon-failed');
      expect(harness.row(ctx.id()).lastError?.code).toBe('XPORT_LOGON_FAILED');
      expect(harness.stateChanges.filter((c) => c.id === ctx.id()).map((c) => c.to)).not.toContain('online');
      const hook = ctx.instance(harness);
      expect(hook.logon, 'a hook with credentials to refuse implements logon()').toBeTypeOf('function');
      const error = await Promise.resolve()
        .then(() => hook.logon?.())
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(XportError.is(error, 'XPORT_LOGON_FAILED'), `logon() with bad credentials rejects with XPORT_LOGON_FAILED, got ${String(error)}`).toBe(true);

      // While it is not online, what it would judge is refused (XPORT_HOOK_UNAVAILABLE), unless its
      // manifest says "advisory": true — then mail passes it unchecked.
      const advisory = ctx.manifest().advisory === true;
      const directions = directionsOf(hook);
      if (directions.includes('outbound')) {
        const submitted = harness.submit(PLAIN_OUTBOUND);
        if (advisory) await expect(submitted).resolves.toMatchObject({ messageId: expect.any(String) });
        else await expect(submitted).rejects.toMatchObject({ code: 'XPORT_HOOK_UNAVAILABLE', message: expect.stringContaining(`outbound hook '${ctx.id()}' is not online`) });
      }
      if (directions.includes('inbound')) {
        const received = harness.receive(PLAIN_INBOUND);
        if (advisory) await expect(received).resolves.toMatchObject({ rejected: [] });
        else await expect(received).rejects.toMatchObject({ code: 'XPORT_HOOK_UNAVAILABLE', message: expect.stringContaining(`inbound hook '${ctx.id()}' is not online`) });
      }
    });

    it('stops idempotently', async () => {
      const harness = await ctx.open();
      const hook = ctx.instance(harness);
      await harness.kernel.stop();
      expect(harness.kernel.providerState(ctx.id())).toBe('stopped');
      await harness.kernel.stop();
      // A second stop() on the instance itself (a host that stops twice) must not throw either.
      await hook.stop?.();
    });
  });
}
