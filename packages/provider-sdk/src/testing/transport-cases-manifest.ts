import { describe, expect, it } from 'vitest';
import { checkTransportManifest } from './transport-manifest.js';
import { expectDiscovered } from './conformance-discovery.js';
import type { TransportSuiteContext } from './transport-context.js';
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
      const { packageDir, config, resolveFrom } = ctx.options();
      await expectDiscovered({ packageDir, manifest: ctx.manifest(), ...(config === undefined ? {} : { config }), ...(resolveFrom === undefined ? {} : { resolveFrom }) });
    });
  });
}
