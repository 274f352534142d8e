import { cp, mkdir, mkdtemp, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XportError } from '../errors.js';
import type { ProviderManifest } from '../manifest.js';

/** A provider package the harness writes into the temporary application (a fixture, not a mock). */
export interface FixturePackage {
  /** npm package name, e.g. `xport-conformance-sink`. */
  readonly name: string;
  /** The `package.json` content; `name` and `type: module` are filled in. */
  readonly packageJson: Readonly<Record<string, unknown>>;
  /** Files by path relative to the package, e.g. `{ 'provider.js': '...' }`. */
  readonly files: Readonly<Record<string, string>>;
}

/** A provider package directory with its manifest, as read from its package.json. */
export interface ProviderPackageInfo {
  readonly directory: string;
  readonly packageName: string;
  readonly manifest: ProviderManifest | undefined;
  readonly rawManifest: unknown;
}

/** The SDK's own package directory: linked into the app so fixture packages can import it. */
const SDK_DIRECTORY = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Reads a provider package's name and `"xport"` manifest.
 *
 * @example
 * const { packageName, manifest } = await readProviderPackage('./');
 */
export async function readProviderPackage(directory: string): Promise<ProviderPackageInfo> {
  const absolute = resolve(directory);
  let pkg: { name?: unknown; xport?: unknown };
  try {
    pkg = JSON.parse(await readFile(join(absolute, 'package.json'), 'utf8')) as typeof pkg;
  } catch (cause) {
    throw new XportError('XPORT_MANIFEST_UNREADABLE', `${join(absolute, 'package.json')}: expected a readable JSON package.json (${String(cause)})`, { cause });
  }
  if (typeof pkg.name !== 'string') throw new XportError('XPORT_MANIFEST_INVALID', `${join(absolute, 'package.json')}: expected a "name", found none`);
  const manifest = typeof pkg.xport === 'object' && pkg.xport !== null ? (pkg.xport as ProviderManifest) : undefined;
  return { directory: absolute, packageName: pkg.name, manifest, rawManifest: pkg.xport };
}

async function linkPackage(root: string, name: string, target: string): Promise<void> {
  const link = join(root, 'node_modules', ...name.split('/'));
  await mkdir(dirname(link), { recursive: true });
  await symlink(target, link, 'dir');
}

/**
 * Whether a module in `directory` can `import '@xport/provider-sdk'` where it is: as ESM resolves a
 * bare name, from the folder's real path up through each `node_modules`. (createRequire's resolve
 * would also search NODE_PATH, which `pnpm run` sets and `import` ignores.)
 */
async function importsSdkFrom(directory: string): Promise<boolean> {
  for (let current = await realpath(directory); ; current = dirname(current)) {
    if (await stat(join(current, 'node_modules', '@xport', 'provider-sdk', 'package.json')).then(() => true, () => false)) return true;
    if (dirname(current) === current) return false;
  }
}

const NOT_COPIED: ReadonlySet<string> = new Set(['node_modules', '.git']);

/**
 * Installs a provider package into the app. A package that resolves the SDK where it is (built and
 * installed, as a TypeScript project is) is linked, as npm links a local dependency. One that cannot
 * — a plain-JS folder with no node_modules of its own — is copied in, as npm installs a published
 * package: Node resolves imports from a module's real path, and only a copy inside the app finds the
 * app's SDK (a link would still look beside the folder). Its own node_modules, if any, is linked in.
 */
async function installPackage(root: string, provider: ProviderPackageInfo): Promise<void> {
  if (await importsSdkFrom(provider.directory)) return linkPackage(root, provider.packageName, provider.directory);
  const target = join(root, 'node_modules', ...provider.packageName.split('/'));
  await cp(provider.directory, target, { recursive: true, filter: (source) => source === provider.directory || !NOT_COPIED.has(basename(source)) });
  const own = join(provider.directory, 'node_modules');
  if (await stat(own).then((s) => s.isDirectory(), () => false)) await symlink(own, join(target, 'node_modules'), 'dir');
}

/**
 * Creates a temporary application root whose `node_modules` holds the given provider packages (linked
 * the way npm/pnpm link a dependency, or copied when they cannot resolve the SDK themselves) plus the
 * SDK, with fixture packages written beside them.
 */
export async function createTestApp(providers: readonly ProviderPackageInfo[], fixtures: readonly FixturePackage[]): Promise<{ root: string; cleanup(): Promise<void> }> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'xport-test-kernel-')));
  const linked = new Set<string>();
  for (const provider of providers) {
    await installPackage(root, provider);
    linked.add(provider.packageName);
  }
  if (!linked.has('@xport/provider-sdk')) await linkPackage(root, '@xport/provider-sdk', SDK_DIRECTORY);
  for (const fixture of fixtures) {
    const directory = join(root, 'fixtures', fixture.name.replace('/', '__'));
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, 'package.json'), JSON.stringify({ ...fixture.packageJson, name: fixture.name, type: 'module' }, null, 2));
    for (const [file, text] of Object.entries(fixture.files)) {
      await mkdir(dirname(join(directory, file)), { recursive: true });
      await writeFile(join(directory, file), text);
    }
    await linkPackage(root, fixture.name, directory);
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}
