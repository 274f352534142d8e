import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PROVIDER_ID_PATTERN, XportError } from '@xport/provider-sdk';
import { DEFAULT_DEPENDENCY_SPECS } from '../templates/package-shared.js';

// What every `xport new <kind>` shares: the package name and the id it gives, where the package
// goes and whether it may go there, the --dependency overrides, and writing the files.

const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/** The provider id for a package name: scope and an `xport-provider-`/`xport-hook-`/`xport-store-` (or `xport-`) prefix dropped. */
export function toProviderId(packageName: string): string {
  return packageName.replace(/^@[^/]+\//, '').replace(/^xport-(?:provider|hook|store)-/, '').replace(/^xport-/, '');
}

function invalidName(message: string, details: Record<string, unknown>): XportError {
  return new XportError('XPORT_MANIFEST_INVALID', message, { details });
}

function refused(message: string, details: Record<string, unknown>): XportError {
  return new XportError('XPORT_SCAFFOLD_REFUSED', message, { details });
}

/** A checked package name and the provider id it gives; `command` names the command in errors (`xport new hook`). */
export function toPackageIdentity(command: string, name: string, example: string): { packageName: string; id: string } {
  const packageName = name.trim();
  if (!PACKAGE_NAME.test(packageName) || packageName.length > 214) {
    throw invalidName(`${command}: package name "${packageName}" must be a lowercase npm name such as ${example} or @acme/${example}`, { name: packageName });
  }
  const id = toProviderId(packageName);
  if (!new RegExp(PROVIDER_ID_PATTERN).test(id)) {
    throw invalidName(`${command}: provider id "${id}" (from package name "${packageName}") must match ${PROVIDER_ID_PATTERN}`, { name: packageName, id });
  }
  return { packageName, id };
}

/** The git repository (its top directory) that `directory` lies in, found as git finds it: a `.git` entry in it or above. */
export async function findGitRepository(directory: string): Promise<string | undefined> {
  for (let current = resolve(directory); ; current = dirname(current)) {
    if (await stat(join(current, '.git')).then(() => true, () => false)) return current;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * Where the package goes (`<parent>/<name without scope>`), refusing a directory that is not empty,
 * and one inside a git repository unless `inRepo`: a package scaffolded into someone's repository
 * by accident is committed, linted and installed with it, while `--in-repo` says it is meant (a
 * monorepo's packages/).
 */
export async function choosePackageDirectory(command: string, parentDir: string, packageName: string, inRepo: boolean): Promise<string> {
  const directory = resolve(parentDir, packageName.replace(/^@[^/]+\//, ''));
  const existing = await readdir(directory).catch(() => [] as string[]);
  if (existing.length > 0) throw refused(`${command}: directory ${directory} exists and is not empty; choose another name or --dir`, { directory });
  if (!inRepo) {
    const repository = await findGitRepository(directory);
    if (repository !== undefined) {
      throw refused(
        `${command}: ${directory} is inside the git repository at ${repository}; a new package gets a repository of its own, so choose a --dir outside it, or pass --in-repo to add the package to this repository on purpose (a monorepo's packages/, say)`,
        { directory, repository },
      );
    }
  }
  return directory;
}

/** `--dependency name=spec` values as a map, each name one the scaffold depends on. */
export function parseDependencySpecs(command: string, values: readonly string[] | undefined): Record<string, string> {
  const specs: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=', 1);
    const name = value.slice(0, at);
    if (at <= 0 || !(name in DEFAULT_DEPENDENCY_SPECS)) {
      throw refused(`${command}: --dependency expects <name>=<spec> with a name among ${Object.keys(DEFAULT_DEPENDENCY_SPECS).join(', ')} (got "${value}")`, { value });
    }
    specs[name] = value.slice(at + 1);
  }
  return specs;
}

/** Writes the package's files (paths relative to `directory`), creating folders as needed. */
export async function writePackageFiles(directory: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(directory, path)), { recursive: true });
    await writeFile(join(directory, path), text);
  }
}
