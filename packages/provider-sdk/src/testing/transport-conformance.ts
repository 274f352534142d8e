import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import type { ProviderManifest } from '../manifest.js';
import { CASE_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './suite-timeouts.js';
import { createTestKernel, type TestKernel } from './test-kernel.js';
import { lifecycleCases } from './transport-cases-lifecycle.js';
import { manifestCases } from './transport-cases-manifest.js';
import { deferralCases } from './transport-cases-deferral.js';
import { outcomeCases } from './transport-cases-outcomes.js';
import { secretCases } from './transport-cases-secrets.js';
import type { TransportSuiteContext } from './transport-context.js';
import { checkTransportManifest } from './transport-manifest.js';
import type { TransportConformanceOptions, TransportConformanceSetup } from './transport-options.js';


/**
 * Declares the transport conformance suite (vitest) for a provider package: a valid, compatible
 * manifest; logon with good credentials → online and with bad ones → `logon-failed`
 * (`XPORT_LOGON_FAILED`); one well-formed outcome per recipient; delivered/failed/not-me as the kernel
 * handles them; a deferral kept for later and retried once made due; an idempotent stop; no
 * credential in any error, status row or log line. Each case runs a real kernel (see
 * {@link createTestKernel}) that loads your **built** entry through discovery, with a 120 s vitest timeout of its own (a safety net for loaded machines). Cases whose inputs you
 * do not give (`badCredentials`, `defer`, `notMine`) are skipped, each with the reason.
 *
 * @example
 * describeTransportConformance('fax', async () => {
 *   const gateway = await startFakeGateway();
 *   return {
 *     packageDir: fileURLToPath(new URL('..', import.meta.url)),
 *     config: { gateway: gateway.url },
 *     credentials: { apiKey: 'good-key-123456' },
 *     badCredentials: { apiKey: 'wrong-key-654321' },
 *     deliver: ['fax:+33100000001'], fail: ['fax:+33100000404'], defer: ['fax:+33100000503'],
 *     deliveredTo: () => gateway.received.map((n) => `fax:${n}`),
 *     close: () => gateway.close(),
 *   };
 * });
 */
export function describeTransportConformance(name: string, setup: TransportConformanceSetup): void {
  describe(`${name} — transport conformance`, { timeout: CASE_TIMEOUT_MS }, () => {
    let options: TransportConformanceOptions | undefined;
    let manifest: ProviderManifest | undefined;
    const open: TestKernel[] = [];

    beforeAll(async () => {
      options = typeof setup === 'function' ? await setup() : setup;
      const checked = await checkTransportManifest(options.packageDir, options.resolveFrom !== undefined ? { resolveFrom: options.resolveFrom } : {});
      manifest = checked.manifest;
      if (options.deliver.length === 0) throw new Error(`${name}: transport conformance needs at least one "deliver" recipient, got none`);
    }, SETUP_TIMEOUT_MS);

    afterEach(async () => {
      await Promise.all(open.splice(0, open.length).map((h) => h.close()));
    }, SETUP_TIMEOUT_MS);

    afterAll(async () => {
      await options?.close?.();
    }, SETUP_TIMEOUT_MS);

    const current = (): TransportConformanceOptions => {
      if (!options) throw new Error(`${name}: transport conformance options are not ready (used outside a test)`);
      return options;
    };
    const currentManifest = (): ProviderManifest => {
      if (!manifest) throw new Error(`${name}: the package at ${current().packageDir} has no valid transport manifest (see the manifest case)`);
      return manifest;
    };

    const context: TransportSuiteContext = {
      options: current,
      manifest: currentManifest,
      id: () => currentManifest().id,
      secrets: () => [...Object.values(current().credentials ?? {}), ...Object.values(current().badCredentials ?? {})],
      timeoutMs: () => current().timeoutMs ?? 30_000,
      async open(overrides = {}) {
        const o = current();
        const id = currentManifest().id;
        const harness = await createTestKernel({
          providers: [o.packageDir],
          config: {
            transportOrder: overrides.transportOrder ?? [id],
            providers: { [id]: { config: overrides.config ?? o.config ?? {} } },
          },
          credentials: { [id]: overrides.credentials ?? o.credentials ?? {} },
          ...(overrides.fixtures === undefined ? {} : { fixtures: overrides.fixtures }),
          ...(o.resolveFrom === undefined ? {} : { resolveFrom: o.resolveFrom }),
        });
        open.push(harness);
        return harness;
      },
    };

    manifestCases(context);
    lifecycleCases(context);
    outcomeCases(context);
    deferralCases(context);
    secretCases(context);
  });
}
