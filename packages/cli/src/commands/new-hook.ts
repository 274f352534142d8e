import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { hookPackageJsonTemplate, hookReadmeTemplate, type HookTemplateInput } from '../templates/hook-package.js';
import { hookConformanceTestTemplate, hookSourceTemplate } from '../templates/hook-source.js';
import { gitignoreTemplate, tsconfigTemplate } from '../templates/package-shared.js';
import { choosePackageDirectory, toPackageIdentity, writePackageFiles } from './new-package.js';
import { registerScaffoldCommand } from './scaffold-command.js';

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
  registerScaffoldCommand(parent, context, {
    kind: 'hook',
    description: 'scaffold a hook package (manifest, source judging both directions, README, passing conformance test)',
    example: 'xport-hook-subject-policy or @acme/xport-hook-spam',
    scaffold: scaffoldHook,
  });
}
