import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ADDRESS_TYPE_PATTERN, XportError } from '@xport/provider-sdk';
import { printJson } from '../output.js';
import type { CommandContext } from '../program.js';
import { gitignoreTemplate, tsconfigTemplate } from '../templates/package-shared.js';
import { packageJsonTemplate, readmeTemplate, type ProviderTemplateInput } from '../templates/provider-package.js';
import { conformanceTestTemplate, providerSourceTemplate } from '../templates/provider-source.js';
import { choosePackageDirectory, parseDependencySpecs, toPackageIdentity, writePackageFiles } from './new-package.js';

const COMMAND = 'xport new provider';

export interface ScaffoldProviderOptions {
  /** npm package name (`xport-provider-fax`, `@acme/xport-fax`); the provider id is derived from it. */
  readonly name: string;
  /** Parent directory; the package goes to `<parent>/<name without scope>`. */
  readonly parentDir: string;
  /** Address type to register; default: the provider id. */
  readonly addressType?: string;
  /** Version specifiers by dependency name, over the published ranges (e.g. `link:` paths to local packages). */
  readonly dependencies?: Readonly<Record<string, string>>;
  /** Write it even inside a git repository (default false: refused with `XPORT_SCAFFOLD_REFUSED`). */
  readonly inRepo?: boolean;
}

export interface ScaffoldedProvider {
  readonly directory: string;
  readonly packageName: string;
  readonly id: string;
  readonly addressType: string;
  readonly files: readonly string[];
}

/**
 * Writes a new transport provider package: package.json with a valid manifest, tsconfig, a working
 * `src/provider.ts`, a README and a conformance test that passes once built.
 *
 * @example
 * await scaffoldProvider({ name: 'xport-provider-fax', parentDir: '/work', addressType: 'fax' });
 */
export async function scaffoldProvider(options: ScaffoldProviderOptions): Promise<ScaffoldedProvider> {
  const { packageName, id } = toPackageIdentity(COMMAND, options.name, 'xport-provider-fax');
  const addressType = (options.addressType ?? id).toLowerCase();
  if (!ADDRESS_TYPE_PATTERN.test(addressType)) {
    throw new XportError('XPORT_MANIFEST_INVALID', `${COMMAND}: address type "${addressType}" must match ${ADDRESS_TYPE_PATTERN.source}`, { details: { addressType } });
  }
  const directory = await choosePackageDirectory(COMMAND, options.parentDir, packageName, options.inRepo === true);
  const input: ProviderTemplateInput = { packageName, id, addressType, dependencies: options.dependencies ?? {} };
  const files: Record<string, string> = {
    'package.json': packageJsonTemplate(input),
    'tsconfig.json': tsconfigTemplate(),
    '.gitignore': gitignoreTemplate(),
    'README.md': readmeTemplate(input),
    'src/provider.ts': providerSourceTemplate(input),
    'test/conformance.test.ts': conformanceTestTemplate(input),
  };
  await writePackageFiles(directory, files);
  return { directory, packageName, id, addressType, files: Object.keys(files) };
}

/** `xport new provider <name> [--dir <parent>] [--address-type <t>] [--dependency name=spec...] [--in-repo]`. */
export function registerNewProvider(parent: Command, context: CommandContext): void {
  parent
    .command('provider')
    .description('scaffold a transport provider package (manifest, source, README, passing conformance test)')
    .argument('<name>', 'npm package name, e.g. xport-provider-fax or @acme/xport-fax')
    .option('--dir <parent>', 'parent directory of the new package', '.')
    .option('--address-type <type>', 'address type it registers for (default: the provider id)')
    .option('--dependency <name=spec...>', 'version specifier of a dependency instead of the published range, e.g. @xport/core=link:../xport/packages/core')
    .option('--in-repo', 'write it inside a git repository (refused otherwise), e.g. into your monorepo')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { dir: string; addressType?: string; dependency?: string[]; inRepo?: boolean; json?: boolean }) => {
      const { io } = context;
      const made = await scaffoldProvider({
        name,
        parentDir: resolve(io.cwd, options.dir),
        ...(options.addressType === undefined ? {} : { addressType: options.addressType }),
        dependencies: parseDependencySpecs(COMMAND, options.dependency),
        inRepo: options.inRepo === true,
      });
      if (options.json) return printJson(io, made);
      io.stdout(`created ${made.packageName} (provider "${made.id}", address type "${made.addressType}") in ${made.directory}\n`);
      for (const file of made.files) io.stdout(`  ${file}\n`);
      io.stdout(`next: cd ${made.directory} && npm install && npm run build && npm test\n`);
    });
}
