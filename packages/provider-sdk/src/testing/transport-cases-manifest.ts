import { describe, expect, it } from 'vitest';
import { checkTransportManifest } from './transport-manifest.js';
import type { TransportSuiteContext } from './transport-context.js';
import { createTestKernel } from './test-kernel.js';
import { parseRecipient } from '../address.js';

/** The manifest: valid against the schema, compatible with this kernel, accepted by discovery. */
export function manifestCases(ctx: TransportSuiteContext): void {
  describe('manifest', () => {
    it('is a valid transport manifest (manifestSchema, checked by the kernel\'s own validateManifest)', async () => {
      const { resolveFrom } = ctx.options();
      const { problems, manifest } = await checkTransportManifest(ctx.options().packageDir, resolveFrom === undefined ? {} : { resolveFrom });
      expect(problems).toEqual([]);
      const types = (manifest?.addressTypes ?? []).map((t) => t.toLowerCase());
      const { deliver, fail = [], defer = [], notMine = [] } = ctx.options();
      const foreign = [...deliver, ...fail, ...defer, ...notMine].filter((text) => !types.includes(parseRecipient(text).type));
      expect(foreign, `test recipients whose address type the manifest does not declare (${types.join(', ')})`).toEqual([]);
    });

    it('admits this kernel API version and passes the kernel discovery', async () => {
      const harness = await createTestKernel({
        providers: [ctx.options().packageDir],
        config: { providers: { [ctx.id()]: { config: ctx.options().config ?? {} } } },
        start: false,
        ...(ctx.options().resolveFrom === undefined ? {} : { resolveFrom: ctx.options().resolveFrom }),
      });
      try {
        const { core } = harness.modules;
        expect(core.isKernelCompatible(ctx.manifest().kernel), `manifest "kernel" ${ctx.manifest().kernel} must admit kernel API ${core.KERNEL_API_VERSION}`).toBe(true);
        const report = await harness.kernel.discover();
        const mine = report.providers.find((p) => p.id === ctx.id());
        expect(mine, `discovery found no provider "${ctx.id()}" (problems: ${JSON.stringify(report.problems)})`).toBeDefined();
        expect(mine?.errors).toEqual([]);
        expect(mine?.status).toBe('ok');
      } finally {
        await harness.close();
      }
    });
  });
}
