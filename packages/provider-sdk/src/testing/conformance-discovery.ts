import { expect } from 'vitest';
import type { ProviderManifest } from '../manifest.js';
import { createTestKernel } from './test-kernel.js';

/**
 * The compatibility check every conformance suite makes: the manifest's `kernel` range admits this
 * kernel's API version, and the kernel's own discovery reports the package `ok`, with no errors.
 */
export async function expectDiscovered(options: {
  readonly packageDir: string;
  readonly manifest: ProviderManifest;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly resolveFrom?: string;
}): Promise<void> {
  const { manifest } = options;
  const harness = await createTestKernel({
    providers: [options.packageDir],
    config: { providers: { [manifest.id]: { config: options.config ?? {} } } },
    start: false,
    ...(options.resolveFrom === undefined ? {} : { resolveFrom: options.resolveFrom }),
  });
  try {
    const { core } = harness.modules;
    expect(core.isKernelCompatible(manifest.kernel), `manifest "kernel" ${manifest.kernel} must admit kernel API ${core.KERNEL_API_VERSION}`).toBe(true);
    const report = await harness.kernel.discover();
    const mine = report.providers.find((p) => p.id === manifest.id);
    expect(mine, `discovery found no provider "${manifest.id}" (problems: ${JSON.stringify(report.problems)})`).toBeDefined();
    expect(mine?.errors).toEqual([]);
    expect(mine?.status).toBe('ok');
  } finally {
    await harness.close();
  }
}
