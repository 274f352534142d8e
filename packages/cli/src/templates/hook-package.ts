import { devDependencies, PEER_DEPENDENCIES } from './package-shared.js';

/** What the scaffold needs to know to write a hook package. */
export interface HookTemplateInput {
  /** npm package name, e.g. `xport-hook-subject-policy` or `@acme/xport-hook-subject-policy`. */
  readonly packageName: string;
  /** Provider id (manifest `id`), e.g. `subject-policy`. */
  readonly id: string;
  /** Version specifier per dependency name (published ranges unless overridden, e.g. `link:` for local packages). */
  readonly dependencies: Readonly<Record<string, string>>;
}

/** The header the scaffolded hook stamps on what it let through: `X-` and the id in title case. */
export function stampHeader(id: string): string {
  return `X-${id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-')}`;
}

export function hookPackageJsonTemplate(input: HookTemplateInput): string {
  const pkg = {
    name: input.packageName,
    version: '0.1.0',
    description: `xport hook: refuses mail whose subject holds a blocked word, and stamps ${stampHeader(input.id)} on the rest.`,
    type: 'module',
    license: 'MIT',
    engines: { node: '>=20' },
    exports: { '.': { types: './dist/hook.d.ts', default: './dist/hook.js' }, './package.json': './package.json' },
    files: ['dist'],
    scripts: { build: 'tsc -p tsconfig.json', test: 'vitest run' },
    xport: {
      manifestVersion: 1,
      id: input.id,
      kind: 'hook',
      entry: './dist/hook.js',
      kernel: '^1.0.0',
      description: `Refuses mail (outbound and inbound) whose subject holds a blocked word; stamps ${stampHeader(input.id)} on the rest.`,
      configSchema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          blockedWords: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            default: ['[blocked]'],
            description: 'Words (any case) that refuse a message when its subject holds one.',
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

export function hookReadmeTemplate(input: HookTemplateInput): string {
  const stamp = stampHeader(input.id);
  return `# ${input.packageName}

An [xport](https://github.com/xport/xport) hook: policy every message passes through. As written it
refuses mail whose subject holds a blocked word — outbound at \`submit\`, inbound before anything is
written to an inbox — and stamps \`${stamp}: checked\` on the rest. Replace \`src/hook.ts\` with your
policy.

\`\`\`sh
npm install && npm run build && npm test
\`\`\`

\`npm test\` runs the xport hook conformance suite (\`test/conformance.test.ts\`) against the built
\`dist/\`: a real kernel loads this package through its manifest and judges each sample message of
the test — stamped (\`rewrite\`), already stamped (\`pass\`), blocked (\`reject\`), in both directions —
checks each verdict's shape and effect, and brings the samples to submit's limits (a stamp that would
not fit is left off). Keep the samples in step with your policy. Build before testing.

## Use it

\`\`\`sh
npm install ${input.packageName}
\`\`\`

\`xport.config.json\`:

\`\`\`json
{ "providers": { "${input.id}": { "config": { "blockedWords": ["[blocked]", "lottery"] } } }, "hookOrder": ["${input.id}"] }
\`\`\`

While the hook is not online (its configuration is invalid, its logon failed) the mail it judges is
refused, not let through; declare \`"advisory": true\` in the manifest for a hook whose failure should
let mail pass.

## Publish

Keep \`@xport/provider-sdk\` a **peer** dependency and the manifest's \`kernel\` range accurate
(\`^1.0.0\` = kernel API 1.x). See xport's \`docs/writing-a-hook.md\`.
`;
}
