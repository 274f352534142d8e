import { toEnvCredentialName } from '@xport/provider-sdk';

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

/** Published ranges the scaffolded package depends on; `--dependency name=spec` overrides one. */
export const DEFAULT_DEPENDENCY_SPECS: Readonly<Record<string, string>> = {
  '@xport/provider-sdk': '^0.1.0',
  '@xport/core': '^0.1.0',
  '@xport/store-memory': '^0.1.0',
  '@types/node': '^20.19.0',
  'reflect-metadata': '^0.2.2',
  tsyringe: '^4.10.0',
  typescript: '~5.9.3',
  vitest: '^4.1.12',
};

export function packageJsonTemplate(input: ProviderTemplateInput): string {
  const dev = Object.fromEntries(Object.keys(DEFAULT_DEPENDENCY_SPECS).map((name) => [name, input.dependencies[name] ?? DEFAULT_DEPENDENCY_SPECS[name]]));
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
    peerDependencies: { '@xport/provider-sdk': DEFAULT_DEPENDENCY_SPECS['@xport/provider-sdk'] },
    devDependencies: dev,
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function tsconfigTemplate(): string {
  const config = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      declaration: true,
      sourceMap: true,
      skipLibCheck: true,
      isolatedModules: true,
      types: ['node'],
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function gitignoreTemplate(): string {
  return 'node_modules/\ndist/\n';
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
\`${input.addressType}:ada\` (delivered) and \`${input.addressType}:../escape\` (failed 5.1.3), and checks
the outcomes. Build before testing.

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
