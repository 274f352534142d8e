// What every scaffolded package shares: the dependencies it is built and tested with, the
// compiler settings, what git ignores. docs/writing-a-provider.md lists the same dependencies
// (packages/cli/test/scaffold-docs.test.ts compares them).

/** Published ranges a scaffolded package depends on (devDependencies); `--dependency name=spec` overrides one. */
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

/**
 * The peer dependencies of a scaffolded package: the SDK only, so the kernel and every provider share
 * one copy of the contract (a provider written as an `@injectable()` class adds tsyringe).
 */
export const PEER_DEPENDENCIES: Readonly<Record<string, string>> = { '@xport/provider-sdk': '^0.1.0' };

/** The devDependencies block: every default range, or the override given for it. */
export function devDependencies(overrides: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(DEFAULT_DEPENDENCY_SPECS).map((name) => [name, overrides[name] ?? (DEFAULT_DEPENDENCY_SPECS[name] as string)]));
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

/** A provider id as a type name: `subject-policy` → `SubjectPolicy`. */
export function toTypeName(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
