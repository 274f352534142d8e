import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { gitignoreTemplate, tsconfigTemplate } from '../templates/package-shared.js';
import { storeContentTemplate, storeInboxTemplate } from '../templates/store-inbox-source.js';
import { storeMainTemplate } from '../templates/store-main-source.js';
import { storeSuppressionTemplate } from '../templates/store-suppression-source.js';
import { storeOutboxTemplate } from '../templates/store-outbox-source.js';
import {
  storeConformanceTestTemplate,
  storeNames,
  storePackageJsonTemplate,
  storeProviderTemplate,
  storeReadmeTemplate,
  type StoreTemplateInput,
} from '../templates/store-package.js';
import { storeRecordsTemplate } from '../templates/store-records-source.js';
import { choosePackageDirectory, toPackageIdentity, writePackageFiles } from './new-package.js';
import { registerScaffoldCommand } from './scaffold-command.js';

const COMMAND = 'xport new store';

export interface ScaffoldStoreOptions {
  /** npm package name (`xport-store-notes`, `@acme/xport-store-notes`); the provider id is derived from it. */
  readonly name: string;
  /** Parent directory; the package goes to `<parent>/<name without scope>`. */
  readonly parentDir: string;
  /** Version specifiers by dependency name, over the published ranges (e.g. `link:` paths to local packages). */
  readonly dependencies?: Readonly<Record<string, string>>;
  /** Write it even inside a git repository (default false: refused with `XPORT_SCAFFOLD_REFUSED`). */
  readonly inRepo?: boolean;
}

export interface ScaffoldedStore {
  readonly directory: string;
  readonly packageName: string;
  readonly id: string;
  readonly files: readonly string[];
}

/**
 * Writes a new store package: package.json with a valid manifest, tsconfig, a working in-memory store
 * built on the SDK's store lifecycle module, a README and a conformance test that passes once built.
 *
 * @example
 * await scaffoldStore({ name: 'xport-store-notes', parentDir: '/work' });
 */
export async function scaffoldStore(options: ScaffoldStoreOptions): Promise<ScaffoldedStore> {
  const { packageName, id } = toPackageIdentity(COMMAND, options.name, 'xport-store-notes');
  const directory = await choosePackageDirectory(COMMAND, options.parentDir, packageName, options.inRepo === true);
  const input: StoreTemplateInput = { packageName, id, dependencies: options.dependencies ?? {} };
  const files: Record<string, string> = {
    'package.json': storePackageJsonTemplate(input),
    'tsconfig.json': tsconfigTemplate(),
    '.gitignore': gitignoreTemplate(),
    'README.md': storeReadmeTemplate(input),
    'src/provider.ts': storeProviderTemplate(input),
    'src/store.ts': storeMainTemplate(storeNames(id)),
    'src/outbox.ts': storeOutboxTemplate(),
    'src/inbox.ts': storeInboxTemplate(),
    'src/records.ts': storeRecordsTemplate(),
    'src/content.ts': storeContentTemplate(),
    'src/suppression.ts': storeSuppressionTemplate(),
    'test/conformance.test.ts': storeConformanceTestTemplate(input),
  };
  await writePackageFiles(directory, files);
  return { directory, packageName, id, files: Object.keys(files) };
}

/** `xport new store <name> [--dir <parent>] [--dependency name=spec...] [--in-repo]`. */
export function registerNewStore(parent: Command, context: CommandContext): void {
  registerScaffoldCommand(parent, context, {
    kind: 'store',
    description: 'scaffold a message store package (manifest, in-memory store on the SDK lifecycle module, README, passing conformance test)',
    example: 'xport-store-notes or @acme/xport-store-notes',
    scaffold: scaffoldStore,
  });
}
