import { describe, expect, it } from 'vitest';
import { XportError } from '../errors.js';
import type { TransportSuiteContext } from './transport-context.js';

/** Logon with good and bad credentials, and an idempotent stop. */
export function lifecycleCases(ctx: TransportSuiteContext): void {
  describe('lifecycle', () => {
    it('logs on with good credentials and comes online', async () => {
      const harness = await ctx.open();
      expect(harness.kernel.providerState(ctx.id())).toBe('online');
      const row = harness.row(ctx.id());
      expect(row.lastError).toBeUndefined();
      expect(row.addressTypes.map((t) => t.toLowerCase()).sort()).toEqual([...(ctx.manifest().addressTypes ?? [])].map((t) => t.toLowerCase()).sort());
    });

    it('refuses bad credentials: logon-failed with XPORT_LOGON_FAILED, never online', async ({ skip }) => {
      const bad = ctx.options().badCredentials;
      if (bad === undefined) return skip(Object.keys(ctx.manifest().credentials ?? {}).length === 0 ? 'the manifest declares no credentials, so there are none to refuse' : 'no badCredentials given (credentials logon() must refuse)');
      const harness = await ctx.open({ credentials: bad });
      expect(harness.kernel.providerState(ctx.id())).toBe('logon-failed');
      expect(harness.row(ctx.id()).lastError?.code).toBe('XPORT_LOGON_FAILED');
      expect(harness.stateChanges.filter((c) => c.id === ctx.id()).map((c) => c.to)).not.toContain('online');
      // The instance the kernel built with these credentials refuses them again, with the code.
      const transport = harness.transport(ctx.id());
      expect(transport?.logon, 'a transport with credentials to refuse implements logon()').toBeTypeOf('function');
      const error = await Promise.resolve()
        .then(() => transport?.logon?.())
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(XportError.is(error, 'XPORT_LOGON_FAILED'), `logon() with bad credentials rejects with XPORT_LOGON_FAILED, got ${String(error)}`).toBe(true);
    });

    it('stops idempotently', async () => {
      const harness = await ctx.open();
      const transport = harness.transport(ctx.id());
      expect(transport).toBeDefined();
      await harness.kernel.stop();
      expect(harness.kernel.providerState(ctx.id())).toBe('stopped');
      await harness.kernel.stop();
      // A second stop() on the instance itself (a host that stops twice) must not throw either.
      await transport?.stop?.();
    });
  });
}
