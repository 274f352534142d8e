import type { HookProvider } from '../hook.js';
import type { ProviderManifest } from '../manifest.js';
import type { FixturePackage } from './test-kernel-app.js';
import type { TestKernel } from './test-kernel.js';
import type { HookConformanceOptions } from './hook-options.js';

/** The directions a hook judges. */
export type HookDirection = 'outbound' | 'inbound';

/** What each group of hook conformance cases gets from the suite. */
export interface HookSuiteContext {
  options(): HookConformanceOptions;
  manifest(): ProviderManifest;
  /** The provider id, from the manifest. */
  id(): string;
  /** A started test kernel with the hook (closed after the test). */
  open(overrides?: { readonly credentials?: Readonly<Record<string, string>>; readonly spool?: boolean; readonly fixtures?: readonly FixturePackage[] }): Promise<TestKernel>;
  /** The hook instance a started kernel loaded; fails the test when there is none. */
  instance(harness: TestKernel): HookProvider;
}

/** The directions a loaded hook judges: those it has a method for. */
export function directionsOf(hook: HookProvider): HookDirection[] {
  return (['outbound', 'inbound'] as const).filter((direction) => typeof hook[direction] === 'function');
}
