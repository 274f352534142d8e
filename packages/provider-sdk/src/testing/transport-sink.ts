import type { FixturePackage } from './test-kernel-app.js';

/** Provider id of the second transport the not-me case hands recipients to. */
export const SINK_PROVIDER_ID = 'conformance-sink';
const SINK_REGISTRY = 'xport.testing.conformanceSink';

/** Addresses the conformance sink was handed, as `type:address`, across every kernel in this process. */
export function sinkDeliveries(): readonly string[] {
  const holder = globalThis as unknown as Record<symbol, string[] | undefined>;
  return holder[Symbol.for(SINK_REGISTRY)] ?? [];
}

/**
 * A real transport package (written into the test app) registered for the same address types as the
 * provider under test and ordered after it: what a recipient answered `not-me` must reach.
 */
export function conformanceSinkPackage(addressTypes: readonly string[], kernelRange: string): FixturePackage {
  return {
    name: 'xport-conformance-sink',
    packageJson: {
      version: '0.0.0',
      xport: { manifestVersion: 1, id: SINK_PROVIDER_ID, kind: 'transport', entry: './provider.js', kernel: kernelRange, addressTypes: [...addressTypes] },
    },
    files: {
      'provider.js': [
        "import { defineTransportProvider, outcome } from '@xport/provider-sdk';",
        `const KEY = Symbol.for(${JSON.stringify(SINK_REGISTRY)});`,
        'export default defineTransportProvider({',
        '  create: () => ({',
        '    async send(message, recipients) {',
        '      const seen = (globalThis[KEY] ??= []);',
        '      for (const r of recipients) seen.push(`${r.recipient.type}:${r.recipient.address}`);',
        "      return recipients.map(() => outcome.delivered('conformance sink'));",
        '    },',
        '  }),',
        '});',
        '',
      ].join('\n'),
    },
  };
}
