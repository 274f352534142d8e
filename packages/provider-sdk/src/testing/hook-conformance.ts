import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import type { ProviderManifest } from '../manifest.js';
import { hookKernelCases } from './hook-cases-kernel.js';
import { hookLifecycleCases } from './hook-cases-lifecycle.js';
import { hookLimitCases } from './hook-cases-limits.js';
import { hookManifestCases } from './hook-cases-manifest.js';
import { hookSecretCases } from './hook-cases-secrets.js';
import { hookVerdictCases } from './hook-cases-verdicts.js';
import type { HookSuiteContext } from './hook-context.js';
import { checkHookManifest } from './hook-manifest.js';
import type { HookConformanceOptions, HookConformanceSetup } from './hook-options.js';
import { CASE_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './suite-timeouts.js';
import { createTestKernel, type TestKernel } from './test-kernel.js';

/**
 * Declares the hook conformance suite (vitest) for a hook package: a valid, compatible manifest;
 * logon with good credentials → online, with bad ones → `logon-failed` and the mail it judges held
 * back (or passed unchecked, for an advisory hook); samples given exactly for the directions it
 * judges; each sample answered with the expected verdict, well formed, without writing to its input;
 * each verdict's effect through a real kernel (pass: unchanged, rewrite: changed, reject: nothing
 * kept, the hook named); a sample at each of submit's limits never rewritten into a message submit
 * refuses; an idempotent stop; no credential in anything it answers, writes or logs. Each case runs
 * a real kernel (see {@link createTestKernel}) that loads your **built** entry through discovery.
 *
 * @example
 * describeHookConformance('xport-hook-subject-policy', {
 *   packageDir: fileURLToPath(new URL('..', import.meta.url)),
 *   config: { blockedWords: ['[spam]'] },
 *   outbound: [
 *     { message: { to: ['ada@example.org'], subject: 'minutes', text: 'hi' }, verdict: 'rewrite' },
 *     { message: { to: ['ada@example.org'], subject: '[spam] offer', text: 'hi' }, verdict: 'reject' },
 *   ],
 * });
 */
export function describeHookConformance(name: string, setup: HookConformanceSetup): void {
  describe(`${name} — hook conformance`, { timeout: CASE_TIMEOUT_MS }, () => {
    let options: HookConformanceOptions | undefined;
    let manifest: ProviderManifest | undefined;
    const open: TestKernel[] = [];

    beforeAll(async () => {
      options = typeof setup === 'function' ? await setup() : setup;
      manifest = (await checkHookManifest(options.packageDir)).manifest;
    }, SETUP_TIMEOUT_MS);

    afterEach(async () => {
      await Promise.all(open.splice(0, open.length).map((h) => h.close()));
    }, SETUP_TIMEOUT_MS);

    afterAll(async () => {
      await options?.close?.();
    }, SETUP_TIMEOUT_MS);

    const current = (): HookConformanceOptions => {
      if (!options) throw new Error(`${name}: hook conformance options are not ready (used outside a test)`);
      return options;
    };
    const currentManifest = (): ProviderManifest => {
      if (!manifest) throw new Error(`${name}: the package at ${current().packageDir} has no valid hook manifest (see the manifest case)`);
      return manifest;
    };

    const context: HookSuiteContext = {
      options: current,
      manifest: currentManifest,
      id: () => currentManifest().id,
      async open(overrides = {}) {
        const o = current();
        const id = currentManifest().id;
        const harness = await createTestKernel({
          providers: [o.packageDir],
          config: { providers: { [id]: { config: o.config ?? {} } } },
          credentials: { [id]: overrides.credentials ?? o.credentials ?? {} },
          ...(overrides.spool === undefined ? {} : { spool: overrides.spool }),
          ...(overrides.fixtures === undefined ? {} : { fixtures: overrides.fixtures }),
          ...(o.resolveFrom === undefined ? {} : { resolveFrom: o.resolveFrom }),
        });
        open.push(harness);
        return harness;
      },
      instance(harness) {
        const hook = harness.hook(currentManifest().id);
        expect(hook, `the kernel loaded no hook "${currentManifest().id}" (state ${harness.kernel.providerState(currentManifest().id)}: ${JSON.stringify(harness.row(currentManifest().id).lastError)})`).toBeDefined();
        return hook!;
      },
    };

    hookManifestCases(context);
    hookLifecycleCases(context);
    hookVerdictCases(context);
    hookKernelCases(context);
    hookLimitCases(context);
    hookSecretCases(context);
  });
}
