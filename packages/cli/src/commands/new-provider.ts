import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ADDRESS_TYPE_PATTERN, PROVIDER_ID_PATTERN, XportError } from '@xport/provider-sdk';
import { printJson } from '../output.js';
import type { CommandContext } from '../program.js';
import { DEFAULT_DEPENDENCY_SPECS, gitignoreTemplate, packageJsonTemplate, readmeTemplate, tsconfigTemplate, type ProviderTemplateInput } from '../templates/provider-package.js';
import { conformanceTestTemplate, providerSourceTemplate } from '../templates/provider-source.js';

const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

export interface ScaffoldProviderOptions {
  /** npm package name (`xport-provider-fax`, `@acme/xport-fax`); the provider id is derived from it. */
  readonly name: string;
  /** Parent directory; the package goes to `<parent>/<name without scope>`. */
  readonly parentDir: string;
  /** Address type to register; default: the provider id. */
  readonly addressType?: string;
  /** Version specifiers by dependency name, over the published ranges (e.g. `link:` paths to local packages). */
  readonly dependencies?: Readonly<Record<string, string>>;
}

export interface ScaffoldedProvider {
  readonly directory: string;
  readonly packageName: string;
  readonly id: string;
  readonly addressType: string;
  readonly files: readonly string[];
}

/** The provider id for a package name: scope and an `xport-provider-` prefix dropped. */
export function toProviderId(packageName: string): string {
  return packageName.replace(/^@[^/]+\//, '').replace(/^xport-provider-/, '').replace(/^xport-/, '');
}

function refuse(message: string, details: Record<string, unknown>): XportError {
  return new XportError('XPORT_MANIFEST_INVALID', message, { details });
}

/**
 * Writes a new transport provider package: package.json with a valid manifest, tsconfig, a working
 * `src/provider.ts`, a README and a conformance test that passes once built.
 *
 * @example
 * await scaffoldProvider({ name: 'xport-provider-fax', parentDir: '/work', addressType: 'fax' });
 */
export async function scaffoldProvider(options: ScaffoldProviderOptions): Promise<ScaffoldedProvider> {
  const packageName = options.name.trim();
  if (!PACKAGE_NAME.test(packageName) || packageName.length > 214) {
    throw refuse(`xport new provider: package name "${packageName}" must be a lowercase npm name such as xport-provider-fax or @acme/xport-fax`, { name: packageName });
  }
  const id = toProviderId(packageName);
  if (!new RegExp(PROVIDER_ID_PATTERN).test(id)) {
    throw refuse(`xport new provider: provider id "${id}" (from package name "${packageName}") must match ${PROVIDER_ID_PATTERN}`, { name: packageName, id });
  }
  const addressType = (options.addressType ?? id).toLowerCase();
  if (!ADDRESS_TYPE_PATTERN.test(addressType)) {
    throw refuse(`xport new provider: address type "${addressType}" must match ${ADDRESS_TYPE_PATTERN.source}`, { addressType });
  }
  const directory = resolve(options.parentDir, packageName.replace(/^@[^/]+\//, ''));
  const existing = await readdir(directory).catch(() => [] as string[]);
  if (existing.length > 0) throw refuse(`xport new provider: directory ${directory} exists and is not empty; choose another name or --dir`, { directory });

  const input: ProviderTemplateInput = { packageName, id, addressType, dependencies: options.dependencies ?? {} };
  const files: Record<string, string> = {
    'package.json': packageJsonTemplate(input),
    'tsconfig.json': tsconfigTemplate(),
    '.gitignore': gitignoreTemplate(),
    'README.md': readmeTemplate(input),
    'src/provider.ts': providerSourceTemplate(input),
    'test/conformance.test.ts': conformanceTestTemplate(input),
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(directory, path, '..'), { recursive: true });
    await writeFile(join(directory, path), text);
  }
  return { directory, packageName, id, addressType, files: Object.keys(files) };
}

function parseDependencySpecs(values: readonly string[] | undefined): Record<string, string> {
  const specs: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=', 1);
    const name = value.slice(0, at);
    if (at <= 0 || !(name in DEFAULT_DEPENDENCY_SPECS)) {
      throw refuse(`xport new provider: --dependency expects <name>=<spec> with a name among ${Object.keys(DEFAULT_DEPENDENCY_SPECS).join(', ')} (got "${value}")`, { value });
    }
    specs[name] = value.slice(at + 1);
  }
  return specs;
}

/** `xport new provider <name> [--dir <parent>] [--address-type <t>] [--dependency name=spec...]`. */
export function registerNewProvider(program: Command, context: CommandContext): void {
  program
    .command('new')
    .description('scaffold a new package')
    .command('provider')
    .description('scaffold a transport provider package (manifest, source, README, passing conformance test)')
    .argument('<name>', 'npm package name, e.g. xport-provider-fax or @acme/xport-fax')
    .option('--dir <parent>', 'parent directory of the new package', '.')
    .option('--address-type <type>', 'address type it registers for (default: the provider id)')
    .option('--dependency <name=spec...>', 'version specifier of a dependency instead of the published range, e.g. @xport/core=link:../xport/packages/core')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { dir: string; addressType?: string; dependency?: string[]; json?: boolean }) => {
      const { io } = context;
      const made = await scaffoldProvider({
        name,
        parentDir: resolve(io.cwd, options.dir),
        ...(options.addressType === undefined ? {} : { addressType: options.addressType }),
        dependencies: parseDependencySpecs(options.dependency),
      });
      if (options.json) return printJson(io, made);
      io.stdout(`created ${made.packageName} (provider "${made.id}", address type "${made.addressType}") in ${made.directory}\n`);
      for (const file of made.files) io.stdout(`  ${file}\n`);
      io.stdout(`next: cd ${made.directory} && npm install && npm run build && npm test\n`);
    });
}
