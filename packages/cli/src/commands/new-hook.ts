import { resolve } from 'node:path';
import type { Command } from 'commander';
import { printJson } from '../output.js';
import type { CommandContext } from '../program.js';
import { hookPackageJsonTemplate, hookReadmeTemplate, type HookTemplateInput } from '../templates/hook-package.js';
import { hookConformanceTestTemplate, hookSourceTemplate } from '../templates/hook-source.js';
import { gitignoreTemplate, tsconfigTemplate } from '../templates/package-shared.js';
import { choosePackageDirectory, parseDependencySpecs, toPackageIdentity, writePackageFiles } from './new-package.js';

const COMMAND = 'xport new hook';

export interface ScaffoldHookOptions {
  /** npm package name (`xport-hook-subject-policy`, `@acme/xport-hook-spam`); the provider id is derived from it. */
  readonly name: string;
  /** Parent directory; the package goes to `<parent>/<name without scope>`. */
  readonly parentDir: string;
  /** Version specifiers by dependency name, over the published ranges (e.g. `link:` paths to local packages). */
  readonly dependencies?: Readonly<Record<string, string>>;
  /** Write it even inside a git repository (default false: refused with `XPORT_SCAFFOLD_REFUSED`). */
  readonly inRepo?: boolean;
}

export interface ScaffoldedHook {
  readonly directory: string;
  readonly packageName: string;
  readonly id: string;
  readonly files: readonly string[];
}

/**
 * Writes a new hook package: package.json with a valid manifest, tsconfig, a working `src/hook.ts`
 * that judges both directions, a README and a conformance test that passes once built.
 *
 * @example
 * await scaffoldHook({ name: 'xport-hook-subject-policy', parentDir: '/work' });
 */
export async function scaffoldHook(options: ScaffoldHookOptions): Promise<ScaffoldedHook> {
  const { packageName, id } = toPackageIdentity(COMMAND, options.name, 'xport-hook-subject-policy');
  const directory = await choosePackageDirectory(COMMAND, options.parentDir, packageName, options.inRepo === true);
  const input: HookTemplateInput = { packageName, id, dependencies: options.dependencies ?? {} };
  const files: Record<string, string> = {
    'package.json': hookPackageJsonTemplate(input),
    'tsconfig.json': tsconfigTemplate(),
    '.gitignore': gitignoreTemplate(),
    'README.md': hookReadmeTemplate(input),
    'src/hook.ts': hookSourceTemplate(input),
    'test/conformance.test.ts': hookConformanceTestTemplate(input),
  };
  await writePackageFiles(directory, files);
  return { directory, packageName, id, files: Object.keys(files) };
}

/** `xport new hook <name> [--dir <parent>] [--dependency name=spec...] [--in-repo]`. */
export function registerNewHook(parent: Command, context: CommandContext): void {
  parent
    .command('hook')
    .description('scaffold a hook package (manifest, source judging both directions, README, passing conformance test)')
    .argument('<name>', 'npm package name, e.g. xport-hook-subject-policy or @acme/xport-hook-spam')
    .option('--dir <parent>', 'parent directory of the new package', '.')
    .option('--dependency <name=spec...>', 'version specifier of a dependency instead of the published range, e.g. @xport/core=link:../xport/packages/core')
    .option('--in-repo', 'write it inside a git repository (refused otherwise), e.g. into your monorepo')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { dir: string; dependency?: string[]; inRepo?: boolean; json?: boolean }) => {
      const { io } = context;
      const made = await scaffoldHook({
        name,
        parentDir: resolve(io.cwd, options.dir),
        dependencies: parseDependencySpecs(COMMAND, options.dependency),
        inRepo: options.inRepo === true,
      });
      if (options.json) return printJson(io, made);
      io.stdout(`created ${made.packageName} (hook "${made.id}") in ${made.directory}\n`);
      for (const file of made.files) io.stdout(`  ${file}\n`);
      io.stdout(`next: cd ${made.directory} && npm install && npm run build && npm test\n`);
    });
}
