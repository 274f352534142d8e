import { toEnvCredentialName } from '@xport/provider-sdk';
import { devDependencies, PEER_DEPENDENCIES } from './package-shared.js';

/** What the scaffold needs to know to write a provider package. */
export interface ProviderTemplateInput {
  /** npm package name, e.g. `xport-provider-fax` or `@acme/xport-fax`. */
  readonly packageName: string;
  /** Provider id (manifest `id`), e.g. `fax`. */
  readonly id: string;
  /** The address type it registers for, lowercase. */
  readonly addressType: string;
  /** Version specifier per dependency name (published ranges unless overridden, e.g. `link:` for local packages). */
  readonly dependencies: Readonly<Record<string, string>>;
}

export function packageJsonTemplate(input: ProviderTemplateInput): string {
  const pkg = {
    name: input.packageName,
    version: '0.1.0',
    description: `xport transport for address type '${input.addressType}': writes each message as a JSON file, one folder per mailbox.`,
    type: 'module',
    license: 'MIT',
    engines: { node: '>=20' },
    exports: { '.': { types: './dist/provider.d.ts', default: './dist/provider.js' }, './package.json': './package.json' },
    files: ['dist'],
    scripts: { build: 'tsc -p tsconfig.json', test: 'vitest run' },
    xport: {
      manifestVersion: 1,
      id: input.id,
      kind: 'transport',
      entry: './dist/provider.js',
      kernel: '^1.0.0',
      description: `Writes each ${input.addressType} message to <directory>/<mailbox>/<message id>.json.`,
      addressTypes: [input.addressType],
      capabilities: ['send'],
      configSchema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          directory: { type: 'string', minLength: 1, default: `${input.id}-outbox`, description: 'Where messages are written; relative to the application root.' },
        },
      },
    },
    // One copy of the contract, shared with the kernel: the SDK is a peer, never a dependency.
    peerDependencies: { ...PEER_DEPENDENCIES },
    devDependencies: devDependencies(input.dependencies),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function readmeTemplate(input: ProviderTemplateInput): string {
  return `# ${input.packageName}

An [xport](https://github.com/xport/xport) transport provider for address type \`${input.addressType}\`.
It "delivers" each recipient by writing the message as JSON to
\`<directory>/<mailbox>/<message id>.json\` — replace \`src/provider.ts\` with your protocol.

\`\`\`sh
npm install && npm run build && npm test
\`\`\`

\`npm test\` runs the xport transport conformance suite (\`test/conformance.test.ts\`) against the
built \`dist/\`: a real kernel loads this package through its manifest, logs on, sends to
\`${input.addressType}:ada\` (delivered), \`${input.addressType}:../escape\` (failed 5.1.3) and \`${input.addressType}:full\`
(deferred: the test puts a file where that mailbox would go, then has the kernel retry it), and
checks the outcomes. Build before testing.

## Use it

\`\`\`sh
npm install ${input.packageName}
\`\`\`

\`xport.config.json\`:

\`\`\`json
{ "providers": { "${input.id}": { "config": { "directory": "${input.id}-outbox" } } } }
\`\`\`

Recipients: \`${input.addressType}:<mailbox>\` (a mailbox name without \`/\`, \`\\\\\` or a leading dot).

## Credentials

This transport needs none. To add one, declare it in the manifest's \`"credentials"\` with a
lowerCamelCase name (\`"apiKey": { "required": true, "description": "…" }\`) and read it in
\`logon()\` with \`credentials.require('apiKey').reveal()\`. Operators then give it as
\`createKernel({ credentials: { "${input.id}": { "apiKey": "…" } } })\`, as the environment variable
\`${toEnvCredentialName(input.id, 'apiKey')}\` (\`XPORT_<PROVIDER_ID>__<NAME>\`: two underscores, the name's words
split at capitals), or in the \`0600\` credentials file as \`{ "${input.id}": { "apiKey": "…" } }\`.

## Publish

Keep \`@xport/provider-sdk\` a **peer** dependency and the manifest's \`kernel\` range accurate
(\`^1.0.0\` = kernel API 1.x). See xport's \`docs/writing-a-provider.md\`.
`;
}
