import { resolve } from 'node:path';
import type { Command } from 'commander';
import { printJson } from '../output.js';
import type { CommandContext } from '../program.js';
import { parseDependencySpecs } from './new-package.js';

/** What a scaffold wrote. */
export interface ScaffoldedPackage {
  readonly directory: string;
  readonly packageName: string;
  readonly id: string;
  readonly files: readonly string[];
}

/** What every `xport new <kind>` scaffold takes from its command line. */
export interface ScaffoldRequest {
  readonly name: string;
  readonly parentDir: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly inRepo: boolean;
}

export interface ScaffoldCommand {
  /** The subcommand and the word in its report: `hook`, `store`. */
  readonly kind: string;
  readonly description: string;
  /** A package name for the argument's help, e.g. `xport-hook-subject-policy or @acme/xport-hook-spam`. */
  readonly example: string;
  readonly scaffold: (request: ScaffoldRequest) => Promise<ScaffoldedPackage>;
}

/** `xport new <kind> <name> [--dir <parent>] [--dependency name=spec...] [--in-repo] [--json]`. */
export function registerScaffoldCommand(parent: Command, context: CommandContext, command: ScaffoldCommand): void {
  parent
    .command(command.kind)
    .description(command.description)
    .argument('<name>', `npm package name, e.g. ${command.example}`)
    .option('--dir <parent>', 'parent directory of the new package', '.')
    .option('--dependency <name=spec...>', 'version specifier of a dependency instead of the published range, e.g. @xport/core=link:../xport/packages/core')
    .option('--in-repo', 'write it inside a git repository (refused otherwise), e.g. into your monorepo')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { dir: string; dependency?: string[]; inRepo?: boolean; json?: boolean }) => {
      const { io } = context;
      const made = await command.scaffold({
        name,
        parentDir: resolve(io.cwd, options.dir),
        dependencies: parseDependencySpecs(`xport new ${command.kind}`, options.dependency),
        inRepo: options.inRepo === true,
      });
      if (options.json) return printJson(io, made);
      io.stdout(`created ${made.packageName} (${command.kind} "${made.id}") in ${made.directory}\n`);
      for (const file of made.files) io.stdout(`  ${file}\n`);
      io.stdout(`next: cd ${made.directory} && npm install && npm run build && npm test\n`);
    });
}
