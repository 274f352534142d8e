import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { PACKAGES, REPO } from './test-app.js';

export { PACKAGES, REPO };

/** The fields of a package.json these checks read. */
export interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly description?: string;
  readonly license?: string;
  readonly type?: string;
  readonly keywords?: readonly string[];
  readonly homepage?: string;
  readonly bugs?: { readonly url?: string };
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string };
  readonly engines?: { readonly node?: string };
  readonly main?: string;
  readonly types?: string;
  readonly bin?: string | Readonly<Record<string, string>>;
  readonly exports?: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  readonly files?: readonly string[];
  readonly publishConfig?: { readonly access?: string };
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly xport?: { readonly entry: string };
}

export interface WorkspacePackage {
  /** Folder under packages/ (`core`). */
  readonly folder: string;
  readonly dir: string;
  readonly pkg: PackageJson;
}

export function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Every package under packages/ that is not private: what `pnpm publish -r` would publish. */
export function publishablePackages(): WorkspacePackage[] {
  return readdirSync(PACKAGES)
    .filter((folder) => existsSync(join(PACKAGES, folder, 'package.json')))
    .map((folder) => ({ folder, dir: join(PACKAGES, folder), pkg: readPackageJson(join(PACKAGES, folder)) }))
    .filter((p) => p.pkg.private !== true);
}

/** The package a bare specifier names: `@scope/name/sub/path.js` → `@scope/name`, `pg` → `pg`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** One export's target for a condition (`types`, or the module for `default`/`import`). */
export function exportTarget(value: string | Readonly<Record<string, string>>, condition: 'types' | 'module'): string | undefined {
  if (typeof value === 'string') return condition === 'module' ? value : undefined;
  return condition === 'types' ? value.types : (value.import ?? value.node ?? value.default);
}

/** Files a package loads at run time: its exports but `./testing`, its bin and its provider entry. */
export function runtimeEntries(p: WorkspacePackage): string[] {
  const entries: string[] = [];
  for (const [subpath, value] of Object.entries(p.pkg.exports ?? {})) {
    if (subpath === './testing' || subpath === './package.json') continue;
    const target = exportTarget(value, 'module');
    if (target) entries.push(join(p.dir, target));
  }
  const bins = typeof p.pkg.bin === 'string' ? [p.pkg.bin] : Object.values(p.pkg.bin ?? {});
  entries.push(...bins.map((bin) => join(p.dir, bin)));
  if (p.pkg.xport) entries.push(join(p.dir, p.pkg.xport.entry));
  return entries;
}

/** The `./testing` entry's module, when the package has one. */
export function testingEntries(p: WorkspacePackage): string[] {
  const value = p.pkg.exports?.['./testing'];
  const target = value === undefined ? undefined : exportTarget(value, 'module');
  return target ? [join(p.dir, target)] : [];
}

/** Every declaration entry a consumer's TypeScript reads. */
export function typeEntries(p: WorkspacePackage): string[] {
  return Object.values(p.pkg.exports ?? {})
    .map((value) => exportTarget(value, 'types'))
    .filter((target): target is string => target !== undefined)
    .map((target) => join(p.dir, target));
}

function resolveRelative(from: string, specifier: string): string {
  const target = resolve(dirname(from), specifier);
  // A declaration file imports `./x.js`; what TypeScript reads is `./x.d.ts`.
  if (from.endsWith('.d.ts') && target.endsWith('.js')) return `${target.slice(0, -'.js'.length)}.d.ts`;
  return target;
}

/** `require.resolve('x')`, `createRequire(url).resolve('x')`, `import.meta.resolve('x')`: a package found at run time. */
function isResolveCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || node.expression.name.text !== 'resolve') return false;
  const arg = node.arguments[0];
  if (arg === undefined || !ts.isStringLiteral(arg)) return false;
  const target = node.expression.expression;
  return /require/i.test(target.getText()) || (ts.isMetaProperty(target) && target.name.text === 'meta');
}

/** `createRequire(url)('x')` or `require('x')`: a package loaded when first needed, synchronously. */
function isRequireCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const arg = node.arguments[0];
  if (arg === undefined || !ts.isStringLiteral(arg)) return false;
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text === 'require';
  return ts.isCallExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'createRequire';
}

/** What a module file imports: static imports, re-exports, `import()` of a literal, `import("x").T`, a resolve or a require of a literal. */
function moduleSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push(node.arguments[0].text);
    } else if (isResolveCall(node) || isRequireCall(node)) {
      found.push((node.arguments[0] as ts.StringLiteral).text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

export interface ImportGraph {
  /** Packages imported by a bare specifier (Node.js built-ins left out), each with one file that imports it. */
  readonly packages: ReadonlyMap<string, string>;
  readonly files: readonly string[];
}

/**
 * Follows the module graph from `entries` through relative imports (static imports, re-exports,
 * `import()` of a literal, `import("x").T` in declarations) and collects what it imports from other
 * packages. A computed `import(path)` is not followed: it names no package here.
 */
export function importGraph(entries: readonly string[]): ImportGraph {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of moduleSpecifiers(file)) {
      if (specifier.startsWith('.')) pending.push(resolveRelative(file, specifier));
      else if (!isBuiltin(specifier)) {
        const name = packageNameOf(specifier);
        if (!packages.has(name)) packages.set(name, file);
      }
    }
  }
  return { packages, files: [...seen] };
}

/** The package.json of `name` as Node.js would find it from `fromDir` (walking up node_modules), if installed. */
export function findInstalledPackage(name: string, fromDir: string): PackageJson & { readonly dir: string } | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return { ...readPackageJson(candidate), dir: candidate };
    if (dirname(dir) === dir) return undefined;
  }
}

/** Whether an installed package ships its own declarations (`types`, `typings`, a types condition or index.d.ts). */
export function shipsOwnTypes(installed: PackageJson & { readonly dir: string; readonly typings?: string }): boolean {
  if (installed.types !== undefined || installed.typings !== undefined) return true;
  if (JSON.stringify(installed.exports ?? {}).includes('"types"')) return true;
  return existsSync(join(installed.dir, 'index.d.ts'));
}
