import type { ProviderManifest } from '../manifest.js';
import type { FixturePackage } from './test-kernel-app.js';
import type { TestKernel } from './test-kernel.js';
import type { TransportConformanceOptions } from './transport-options.js';

/** What each group of transport conformance cases gets from the suite. */
export interface TransportSuiteContext {
  options(): TransportConformanceOptions;
  manifest(): ProviderManifest;
  /** The provider id, from the manifest. */
  id(): string;
  /** A started test kernel with the provider (closed after the test). */
  open(overrides?: {
    readonly credentials?: Readonly<Record<string, string>>;
    readonly config?: Readonly<Record<string, unknown>>;
    readonly fixtures?: readonly FixturePackage[];
    readonly transportOrder?: readonly string[];
  }): Promise<TestKernel>;
  /** Every credential value the suite knows (good and bad), for the secret checks. */
  secrets(): string[];
  timeoutMs(): number;
}
