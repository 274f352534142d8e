import { devDependencies, PEER_DEPENDENCIES, toTypeName } from './package-shared.js';

/** What the scaffold needs to know to write a store package. */
export interface StoreTemplateInput {
  /** npm package name, e.g. `xport-store-notes` or `@acme/xport-store-notes`. */
  readonly packageName: string;
  /** Provider id (manifest `id`), e.g. `notes`. */
  readonly id: string;
  /** Version specifier per dependency name (published ranges unless overridden, e.g. `link:` for local packages). */
  readonly dependencies: Readonly<Record<string, string>>;
}

/** The names the generated sources use, from the provider id (`notes` → `createNotesStore`). */
export interface StoreNames {
  readonly create: string;
  readonly options: string;
  readonly config: string;
  /** How the store names itself in errors. */
  readonly label: string;
}

export function storeNames(id: string): StoreNames {
  const type = toTypeName(id);
  return { create: `create${type}Store`, options: `${type}StoreOptions`, config: `${type}StoreConfig`, label: `${id} store` };
}

export function storePackageJsonTemplate(input: StoreTemplateInput): string {
  const pkg = {
    name: input.packageName,
    version: '0.1.0',
    description: 'xport message store that keeps everything in memory, built on the SDK store lifecycle module.',
    type: 'module',
    license: 'MIT',
    engines: { node: '>=20' },
    exports: { '.': { types: './dist/provider.d.ts', default: './dist/provider.js' }, './package.json': './package.json' },
    files: ['dist'],
    scripts: { build: 'tsc -p tsconfig.json', test: 'vitest run' },
    xport: {
      manifestVersion: 1,
      id: input.id,
      kind: 'store',
      entry: './dist/provider.js',
      kernel: '^1.0.0',
      capabilities: ['ephemeral'],
      description: 'Keeps outbox, sent and inbox in memory (nothing survives a restart).',
      configSchema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          sentRetentionDays: {
            type: 'number',
            minimum: 0,
            default: 30,
            description: 'Finished messages older than this are purged (at open and hourly); 0 keeps them.',
          },
        },
      },
    },
    // One copy of the contract, shared with the kernel: the SDK is a peer, never a dependency.
    peerDependencies: { ...PEER_DEPENDENCIES },
    devDependencies: devDependencies(input.dependencies),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** `src/provider.ts`: the provider the kernel finds through the manifest. */
export function storeProviderTemplate(input: StoreTemplateInput): string {
  const names = storeNames(input.id);
  return `import { STORE_DEFAULTS, defineStoreProvider, type StoreProvider } from '@xport/provider-sdk';
import { ${names.create} } from './store.js';

export interface ${names.config} {
  readonly sentRetentionDays?: number;
}

/** The provider the kernel finds through the manifest: a fresh store per kernel, stopped by closing it. */
export default defineStoreProvider<${names.config}>({
  create: ({ config, logger }): StoreProvider => {
    const store = ${names.create}({ sentRetentionDays: config.sentRetentionDays ?? STORE_DEFAULTS.sentRetentionDays, logger });
    return Object.assign(store, { stop: () => store.close() });
  },
});

export { ${names.create} };
export type { ${names.options} } from './store.js';
`;
}

/** `test/conformance.test.ts`: the xport store conformance suite, passing as generated. */
export function storeConformanceTestTemplate(input: StoreTemplateInput): string {
  const names = storeNames(input.id);
  return `import { readFileSync } from 'node:fs';
import { describeStoreConformance } from '@xport/provider-sdk/testing';
import { ${names.create} } from '../dist/provider.js';

// Runs against the built dist/ (npm run build first). Each test gets a fresh store. A store that
// keeps encoded records also passes rewriteRecord (damage a stored field) and reopen (a new store
// over the same storage): the suite then checks records are judged, and defaults applied, as the SDK says.
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).xport;

describeStoreConformance(${JSON.stringify(input.packageName)}, async () => ({ store: ${names.create}() }), { manifest });
`;
}

export function storeReadmeTemplate(input: StoreTemplateInput): string {
  const names = storeNames(input.id);
  return `# ${input.packageName}

An [xport](https://github.com/xport/xport) message store: outbox, sent and inbox. As written it keeps
everything in memory; replace the maps in \`src/outbox.ts\`, \`src/inbox.ts\`, \`src/content.ts\` and
\`src/suppression.ts\` (the suppression list of hard-bounced addresses) with your storage. What happens to a recipient (its next state after a send, lease checks, which
recipients are stranded, due times, default retention) is not written here: it comes from the SDK's
store lifecycle module (\`recipientTransition\`, \`checkCompletionLease\`, \`isStranded\`,
\`recipientDueAt\`, \`STORE_DEFAULTS\`), so it is the same as in every other xport store.

\`\`\`sh
npm install && npm run build && npm test
\`\`\`

\`npm test\` runs the xport store conformance suite (\`test/conformance.test.ts\`) against the built
\`dist/\`: every behaviour of the MessageStore contract the kernel relies on. Build before testing.

## Use it

\`\`\`sh
npm install ${input.packageName}
\`\`\`

\`xport.config.json\`:

\`\`\`json
{ "store": { "provider": "${input.id}" }, "providers": { "${input.id}": { "config": { "sentRetentionDays": 7 } } } }
\`\`\`

Or directly: \`import { ${names.create} } from '${input.packageName}'\`.

## Publish

Keep \`@xport/provider-sdk\` a **peer** dependency and the manifest's \`kernel\` range accurate
(\`^1.0.0\` = kernel API 1.x). See xport's \`docs/writing-a-store.md\`.
`;
}
