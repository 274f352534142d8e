import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  exportTarget,
  findInstalledPackage,
  importGraph,
  publishablePackages,
  readPackageJson,
  REPO,
  runtimeEntries,
  shipsOwnTypes,
  testingEntries,
  typeEntries,
  type WorkspacePackage,
} from './package-graph.js';

// What a stranger gets from the registry, checked on the workspace packages (the build must be
// current: `pnpm test` builds first). test/e2e/packaging.test.ts packs and installs them for real.

const REPOSITORY = 'https://github.com/xport/xport';
const DOCS_LINK = /\]\((https:\/\/github\.com\/xport\/xport\/(?:blob|tree)\/main\/([^)#\s]+))(?:#[^)\s]*)?\)/g;
const packages = publishablePackages();
const root = readPackageJson(REPO);
const all = (p: WorkspacePackage) => ({ ...p.pkg.dependencies, ...p.pkg.peerDependencies });

function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The `## <title>` section of a README, up to the next `## `. */
function section(readme: string, title: string): string | undefined {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start === -1) return undefined;
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('publishable packages', () => {
  it('are every package under packages/, and the README\'s package table lists each of them', () => {
    expect(packages.map((p) => p.folder).sort()).toEqual(readdirSync(join(REPO, 'packages')).filter((f) => existsSync(join(REPO, 'packages', f, 'package.json'))).sort());
    const table = section(readFileSync(join(REPO, 'README.md'), 'utf8'), 'Packages') ?? '';
    for (const p of packages) expect(table, `README.md's package table lacks ${p.pkg.name}`).toContain(`| \`${p.pkg.name}\` |`);
  });

  it.each(packages.map((p) => [p.pkg.name, p] as const))('%s ships the MIT LICENSE package.json names', (_name, p) => {
    const license = readFileSync(join(REPO, 'LICENSE'), 'utf8');
    expect(license.startsWith('MIT License\n')).toBe(true);
    expect(root.license).toBe('MIT');
    expect(p.pkg.license).toBe('MIT');
    expect(readFileSync(join(p.dir, 'LICENSE'), 'utf8')).toBe(license);
  });

  it.each(packages.map((p) => [p.pkg.name, p] as const))('%s has a README: what it is, how to install it, a short example, links into the docs', (name, p) => {
    const readme = readFileSync(join(p.dir, 'README.md'), 'utf8');
    expect(readme.startsWith(`# ${name}\n\n`)).toBe(true);
    const install = section(readme, 'Install') ?? '';
    expect(install.split('\n').some((line) => line.startsWith('npm install ') && line.split(' ').includes(name)), 'an Install section with `npm install <name>`').toBe(true);
    const example = section(readme, 'Example');
    expect(example, 'an Example section').toBeDefined();
    const code = /```(ts|sh)\n([\s\S]*?)```/.exec(example ?? '');
    expect(code, 'a ts (or, for the CLI, sh) code block in the Example section').not.toBeNull();
    expect(code![2]!.trim().split('\n').length, 'an example short enough to read at a glance').toBeLessThanOrEqual(15);
    // Links must work where a stranger reads the README: on the registry and in node_modules.
    expect(readme).not.toMatch(/\]\(\.\.?\//);
    const links = [...readme.matchAll(DOCS_LINK)];
    expect(links.filter((m) => m[2]!.startsWith('docs/')).length, 'links into docs/').toBeGreaterThan(0);
    for (const [, url, path] of links) expect(existsSync(join(REPO, path!)), `${url} names no file of this repository`).toBe(true);
  });

  it.each(packages.map((p) => [p.pkg.name, p] as const))('%s declares what the registry and a consumer\'s tools read', (_name, p) => {
    const { pkg } = p;
    expect(pkg.type).toBe('module');
    expect(pkg.description?.length).toBeGreaterThan(20);
    expect(pkg.keywords).toContain('xport');
    expect(pkg.engines?.node).toBe(root.engines?.node);
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${p.folder}` });
    expect(pkg.homepage).toBe(`${REPOSITORY}/tree/main/packages/${p.folder}#readme`);
    expect(pkg.bugs?.url).toBe(`${REPOSITORY}/issues`);
    expect(pkg.publishConfig?.access).toBe('public');
    expect(pkg.files).toEqual(['dist', 'src', '!src/**/*.test.ts']);
    const main = pkg.exports?.['.'];
    expect(main && exportTarget(main, 'module')).toBe(pkg.main);
    expect(main && exportTarget(main, 'types')).toBe(pkg.types);
    for (const [subpath, value] of Object.entries(pkg.exports ?? {})) {
      for (const target of [exportTarget(value, 'module'), exportTarget(value, 'types')]) {
        if (target !== undefined) expect(existsSync(join(p.dir, target)), `exports["${subpath}"] → ${target} does not exist after the build`).toBe(true);
      }
    }
  });

  it.each(packages.map((p) => [p.pkg.name, p] as const))('%s: every source and declaration map points at a shipped source file', (_name, p) => {
    const maps = filesUnder(join(p.dir, 'dist'), '.map');
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources, sourceRoot = '' } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const source of sources) {
        const file = resolve(dirname(map), sourceRoot, source);
        const where = relative(p.dir, file);
        expect(where.startsWith('src/') && !where.endsWith('.test.ts') && existsSync(file), `${relative(p.dir, map)} → ${where}`).toBe(true);
      }
    }
  });
});

describe('dependencies match what each package imports', () => {
  it.each(packages.map((p) => [p.pkg.name, p] as const))('%s: every import is declared; every dependency is used at run time', (name, p) => {
    const runtime = importGraph(runtimeEntries(p));
    const testing = importGraph(testingEntries(p));
    const types = importGraph(typeEntries(p));
    const declared = all(p);
    const problems: string[] = [];
    const self = (dep: string) => dep === name;
    for (const [dep, file] of runtime.packages) if (!self(dep) && declared[dep] === undefined) problems.push(`${relative(p.dir, file)} imports ${dep}, which is neither a dependency nor a peer`);
    for (const [dep, file] of testing.packages) if (!self(dep) && declared[dep] === undefined) problems.push(`./testing (${relative(p.dir, file)}) imports ${dep}, which is neither a dependency nor a peer`);
    // A peer of a workspace dependency is this package's to provide when it is the application (the CLI provides the kernel's tsyringe).
    const peersOfDependencies = new Set(
      Object.keys(p.pkg.dependencies ?? {})
        .map((dep) => packages.find((q) => q.pkg.name === dep))
        .flatMap((q) => Object.keys(q?.pkg.peerDependencies ?? {})),
    );
    for (const dep of Object.keys(p.pkg.dependencies ?? {})) {
      if (runtime.packages.has(dep) || peersOfDependencies.has(dep)) continue;
      if (dep.startsWith('@types/') && types.packages.has(dep.slice('@types/'.length))) continue;
      problems.push(testing.packages.has(dep) ? `dependency ${dep} is imported only by ./testing: every user would install it` : `dependency ${dep} is imported by nothing it ships`);
    }
    for (const peer of Object.keys(p.pkg.peerDependencies ?? {})) {
      // A peer whose types the package's API names (the kernel a caller hands in) is the caller's to provide.
      if (!runtime.packages.has(peer) && !testing.packages.has(peer) && !types.packages.has(peer)) problems.push(`peer dependency ${peer} is imported by nothing it ships`);
      if (testing.packages.has(peer) && !runtime.packages.has(peer) && p.pkg.peerDependenciesMeta?.[peer]?.optional !== true) problems.push(`peer dependency ${peer} is only for ./testing and must be optional`);
    }
    expect(problems).toEqual([]);
  });

  it.each(packages.map((p) => [p.pkg.name, p] as const))('%s: its declarations compile for a consumer (every package they import brings types)', (name, p) => {
    const types = importGraph(typeEntries(p));
    const declared = all(p);
    const problems: string[] = [];
    for (const [dep, file] of types.packages) {
      if (dep === name) continue;
      if (declared[dep] === undefined) {
        problems.push(`${relative(p.dir, file)} imports types of ${dep}, which is neither a dependency nor a peer`);
        continue;
      }
      const installed = findInstalledPackage(dep, p.dir);
      if (installed && !shipsOwnTypes(installed) && p.pkg.dependencies?.[`@types/${dep}`] === undefined) {
        problems.push(`${relative(p.dir, file)} imports types of ${dep}, which has none of its own: @types/${dep} must be a dependency, not a devDependency`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('form no cycle among the workspace packages (counting peers)', () => {
    const edges = new Map(packages.map((p) => [p.pkg.name, Object.keys(all(p)).filter((dep) => packages.some((q) => q.pkg.name === dep))]));
    const cycles = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      if (path.includes(name)) {
        // Each cycle once, whichever member the walk entered it by.
        const loop = path.slice(path.indexOf(name));
        const first = loop.indexOf([...loop].sort()[0] as string);
        const rotated = [...loop.slice(first), ...loop.slice(0, first)];
        cycles.add([...rotated, rotated[0]].join(' → '));
        return;
      }
      for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
    };
    for (const name of edges.keys()) visit(name, []);
    expect([...cycles]).toEqual([]);
  });

  it('provider packages take the SDK as a peer, never as a dependency (one copy, shared with the kernel)', () => {
    const providers = packages.filter((p) => p.pkg.xport !== undefined);
    expect(providers.length).toBeGreaterThan(3);
    for (const p of providers) {
      expect(p.pkg.peerDependencies?.['@xport/provider-sdk'], p.pkg.name).toBeDefined();
      expect(p.pkg.dependencies?.['@xport/provider-sdk'], p.pkg.name).toBeUndefined();
    }
  });
});
