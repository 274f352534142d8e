import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOutput } from '../support/output-recorder.js';
import { publishablePackages, readPackageJson } from './package-graph.js';
import { codeBlocks, describeRun, installedReadme, installFromTarballs, listTarball, packPackages, run, strangerEnv, workspaceRange } from './packed-app.js';

// The CI step a packaging mistake fails: every package packed with `pnpm pack`, the tarballs
// installed with npm into a fresh application outside the workspace (no workspace links, no
// NODE_PATH), and the application used there the way the READMEs say. Slow: the first run on a
// machine downloads the dependencies and builds better-sqlite3 (both kept in PACKAGING_CACHE).

// Limits against a hang, not expectations of speed: the machine may be busy with other work.
const INSTALL_LIMIT_MS = 30 * 60_000;
const STEP_LIMIT_MS = 10 * 60_000;
const packages = publishablePackages();
const APP_CONFIG = { store: { provider: 'store-sqlite' }, transportOrder: ['loopback'] };
// The store-postgres example needs a PostgreSQL server: test/e2e/postgres-packaging.test.ts runs it.
const RUN_ELSEWHERE = new Set(['@xport/store-postgres']);

let work: string;
let app: string;
let tarballs: Map<string, string>;

beforeAll(async () => {
  work = await realpath(await mkdtemp(join(tmpdir(), 'xport-packaging-')));
  tarballs = await packPackages(packages, join(work, 'tarballs'));
  app = join(work, 'app');
  await installFromTarballs(app, tarballs, { typescript: workspaceRange('typescript'), '@types/node': workspaceRange('@types/node'), vitest: workspaceRange('vitest') });
  await writeFile(join(app, 'xport.config.json'), JSON.stringify(APP_CONFIG, null, 2));
}, INSTALL_LIMIT_MS);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const installed = (name: string) => join(app, 'node_modules', name);

describe('the packed packages, installed with npm into an application outside the workspace', () => {
  it('each tarball holds package.json, LICENSE, README, dist and src, and no tests or build state', async () => {
    for (const p of packages) {
      const entries = await listTarball(tarballs.get(p.pkg.name)!);
      for (const file of ['package.json', 'LICENSE', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'src/index.ts']) expect(entries, `${p.pkg.name} lacks ${file}`).toContain(`package/${file}`);
      expect(entries.filter((e) => /\/test\/|\.test\.|tsbuildinfo|node_modules|tsconfig/.test(e)), p.pkg.name).toEqual([]);
    }
  }, STEP_LIMIT_MS);

  it('took every @xport package from its tarball, none from the registry, with workspace ranges turned into versions', async () => {
    const lock = JSON.parse(await readFile(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; version?: string }> };
    const xport = Object.entries(lock.packages).filter(([path]) => path.includes('node_modules/@xport/'));
    expect(xport.map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)).sort()).toEqual(packages.map((p) => p.pkg.name).sort());
    for (const [path, entry] of xport) expect(entry.resolved, path).toMatch(/^file:.*\.tgz$/);
    for (const p of packages) {
      const pkg = readPackageJson(installed(p.pkg.name));
      const ranges = JSON.stringify([pkg.dependencies, pkg.peerDependencies]);
      expect(ranges, p.pkg.name).not.toContain('workspace:');
    }
  }, STEP_LIMIT_MS);

  it('imports every entry point and every provider manifest\'s entry in plain Node.js', async () => {
    const specifiers: string[] = [];
    for (const p of packages) {
      for (const subpath of Object.keys(p.pkg.exports ?? {})) {
        // ./testing imports vitest, which runs it (see the conformance case below).
        if (subpath !== './testing') specifiers.push(`${p.pkg.name}${subpath.slice(1)}`);
      }
      if (p.pkg.xport) specifiers.push(join(installed(p.pkg.name), p.pkg.xport.entry));
    }
    const script = [
      `for (const s of ${JSON.stringify(specifiers)}) {`,
      "  await import(s.startsWith('/') ? 'file://' + s : s, s.endsWith('/package.json') ? { with: { type: 'json' } } : undefined);",
      '}',
      `console.log('imported', ${specifiers.length});`,
    ].join('\n');
    const ran = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app, env: strangerEnv() });
    expect(ran.code, describeRun('importing the entry points', ran)).toBe(0);
    expect(ran.stdout.trim()).toBe(`imported ${specifiers.length}`);
  }, STEP_LIMIT_MS);

  it('resolves every source and declaration map to a file of the installed package', async () => {
    for (const p of packages) {
      const dir = installed(p.pkg.name);
      const maps = (await readdir(join(dir, 'dist'), { recursive: true })).filter((f) => f.endsWith('.map')).map((f) => join(dir, 'dist', f));
      expect(maps.length, p.pkg.name).toBeGreaterThan(0);
      for (const map of maps) {
        const { sources, sourceRoot = '' } = JSON.parse(await readFile(map, 'utf8')) as { sources: string[]; sourceRoot?: string };
        for (const source of sources) {
          const file = resolve(dirname(map), sourceRoot, source);
          expect(existsSync(file) && file.startsWith(`${dir}/`), `${relative(app, map)} → ${source}`).toBe(true);
        }
      }
    }
  }, STEP_LIMIT_MS);

  it('compiles every README example against the installed types (strict, skipLibCheck off) and runs each one', async () => {
    const examples = join(app, 'examples');
    await mkdir(examples, { recursive: true });
    const written: Array<{ name: string; file: string }> = [];
    for (const p of packages) {
      const blocks = codeBlocks(await installedReadme(app, p.pkg.name), 'Example').filter((b) => b.lang === 'ts');
      if (p.pkg.name === '@xport/cli') continue; // a shell example: the next case runs it
      expect(blocks, `${p.pkg.name}'s README has no ts example`).toHaveLength(1);
      const file = `${p.folder}.ts`;
      await writeFile(join(examples, file), blocks[0]!.code);
      written.push({ name: p.pkg.name, file });
    }
    const tsconfig = {
      compilerOptions: { target: 'ES2022', lib: ['ES2023'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, types: ['node'], rootDir: 'examples', outDir: 'examples-dist' },
      include: ['examples'],
    };
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const compiled = await run(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, env: strangerEnv() });
    expect(compiled.code, describeRun('tsc on the README examples', compiled)).toBe(0);

    for (const { name, file } of written) {
      if (RUN_ELSEWHERE.has(name)) continue;
      const ran = await run(process.execPath, [join('examples-dist', file.replace(/\.ts$/, '.js'))], { cwd: app, env: strangerEnv() });
      expect(ran.code, describeRun(`the README example of ${name}`, ran)).toBe(0);
    }
  }, STEP_LIMIT_MS);

  it('runs the CLI README from the installed bin: xport start, then send, inbox and status against the daemon', async () => {
    const lines = codeBlocks(await installedReadme(app, '@xport/cli'), 'Example').filter((b) => b.lang === 'sh').flatMap((b) => b.code.trim().split('\n'));
    // Plain words only, so a split on spaces is exactly what a shell would pass.
    for (const line of lines) expect(line).toMatch(/^npx xport [\w:.@ -]+$/);
    const [start, ...commands] = lines.map((line) => line.slice('npx xport '.length).split(' '));
    expect(start).toEqual(['start']);
    expect(commands.map((c) => c[0])).toEqual(['send', 'inbox', 'status']);
    const bin = join(app, 'node_modules', '.bin', 'xport');

    const daemon = spawn(bin, start!, { cwd: app, env: strangerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const changed: Array<() => void> = [];
    const keep = (chunk: Buffer) => {
      log += String(chunk);
      recordOutput('installed xport daemon', String(chunk));
      for (const wake of changed.splice(0)) wake();
    };
    daemon.stdout.on('data', keep);
    daemon.stderr.on('data', keep);
    const exited = new Promise<number | null>((done) => daemon.on('exit', (code) => done(code)));
    // Resolves when the daemon has said what `pattern` matches (or rejects when it exits first).
    const logged = async (pattern: RegExp): Promise<void> => {
      let gone = false;
      void exited.then(() => {
        gone = true;
        for (const wake of changed.splice(0)) wake();
      });
      while (!pattern.test(log)) {
        if (gone) throw new Error(`the daemon exited before logging ${pattern}:\n${log}`);
        await new Promise<void>((wake) => changed.push(wake));
      }
    };
    try {
      await logged(/xport daemon running/);
      const [send, inbox, status] = commands;
      const sent = await run(bin, send!, { cwd: app, env: strangerEnv() });
      expect(sent.code, describeRun('xport send', sent)).toBe(0);
      await logged(/INFO\s+delivered .*to=loopback:you/);
      const read = await run(bin, inbox!, { cwd: app, env: strangerEnv() });
      expect(read.code, describeRun('xport inbox', read)).toBe(0);
      const entries = JSON.parse(read.stdout) as Array<{ envelope: { subject?: string; from?: { address: string } } }>;
      expect(entries.map((e) => [e.envelope.subject, e.envelope.from?.address])).toContainEqual(['hi', 'me']);
      const shown = await run(bin, status!, { cwd: app, env: strangerEnv() });
      expect(shown.code, describeRun('xport status', shown)).toBe(0);
      expect(shown.stdout).toContain(`daemon running (pid ${daemon.pid})`);
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(await exited, log).toBe(0);
  }, STEP_LIMIT_MS);

  it('lets a provider author run the transport conformance suite from the installed SDK, finding @xport/core and @xport/store-memory in the project', async () => {
    const provider = installed('@xport/provider-loopback');
    const suite = [
      "import { describeTransportConformance } from '@xport/provider-sdk/testing';",
      '',
      "describeTransportConformance('@xport/provider-loopback', {",
      `  packageDir: ${JSON.stringify(provider)},`,
      "  config: { failAddresses: ['nobody'] },",
      "  deliver: ['loopback:ada', 'Bob <loopback:bob>'],",
      "  fail: ['loopback:nobody'],",
      '});',
      '',
    ].join('\n');
    await mkdir(join(app, 'test'), { recursive: true });
    await writeFile(join(app, 'test', 'conformance.test.ts'), suite);
    const ran = await run(process.execPath, [join(app, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/'], { cwd: app, env: strangerEnv({ NO_COLOR: '1' }) });
    expect(ran.code, describeRun('vitest run (the conformance suite)', ran)).toBe(0);
    expect(ran.stdout).toMatch(/Tests\s+\d+ passed/);
  }, STEP_LIMIT_MS);
});

