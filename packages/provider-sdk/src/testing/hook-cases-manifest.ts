import { describe, expect, it } from 'vitest';
import { expectDiscovered } from './conformance-discovery.js';
import type { HookSuiteContext } from './hook-context.js';
import { checkHookManifest } from './hook-manifest.js';

/** The manifest: valid against the schema, compatible with this kernel, accepted by discovery. */
export function hookManifestCases(ctx: HookSuiteContext): void {
  describe('manifest', () => {
    it('is a valid hook manifest (manifestSchema, checked with ajv)', async () => {
      const { problems } = await checkHookManifest(ctx.options().packageDir);
      expect(problems).toEqual([]);
    });

    it('admits this kernel API version and passes the kernel discovery', async () => {
      const { packageDir, config, resolveFrom } = ctx.options();
      await expectDiscovered({ packageDir, manifest: ctx.manifest(), ...(config === undefined ? {} : { config }), ...(resolveFrom === undefined ? {} : { resolveFrom }) });
    });
  });
}
