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

/** The text forms in which a secret value must never appear. */
export function secretForms(value: string): string[] {
  return [value, Buffer.from(value, 'utf8').toString('base64'), encodeURIComponent(value)];
}

/** The first secret form found in `text`, named by credential (never the value itself). */
export function findSecret(text: string, secrets: Readonly<Record<string, string>>): string | undefined {
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < 8) continue; // short values (a user name like "ada") match ordinary words
    if (secretForms(value).some((form) => text.includes(form))) return name;
  }
  return undefined;
}
