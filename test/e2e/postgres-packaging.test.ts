import { randomBytes } from 'node:crypto';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL } from '../../packages/store-postgres/test/test-database.js';
import { publishablePackages } from './package-graph.js';
import { codeBlocks, describeRun, installedReadme, installFromTarballs, packPackages, run, strangerEnv } from './packed-app.js';

// The README example of @xport/store-postgres, run where a stranger would run it: in an application
// that installed the packed tarballs with npm, against a database of its own (created here, dropped
// after). test/e2e/packaging.test.ts compiles it with the other examples; this file runs it, since
// only the postgres project of vitest.config.ts has a server to offer.

const LIMIT_MS = 20 * 60_000;
const NEEDED = ['@xport/core', '@xport/provider-sdk', '@xport/store-postgres', '@xport/provider-loopback'];
const database = `xport_packaging_${randomBytes(6).toString('hex')}`;

let work: string;
let app: string;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  work = await realpath(await mkdtemp(join(tmpdir(), 'xport-pg-packaging-')));
  const tarballs = await packPackages(
    publishablePackages().filter((p) => NEEDED.includes(p.pkg.name)),
    join(work, 'tarballs'),
  );
  app = join(work, 'app');
  await installFromTarballs(app, tarballs, {});
  await writeFile(join(app, 'xport.config.json'), JSON.stringify({ transportOrder: ['loopback'] }, null, 2));
  await admin(`CREATE DATABASE ${database}`);
}, LIMIT_MS);

afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('@xport/store-postgres, installed from its tarball', () => {
  it('runs the README example against a database of its own: the store opens, a message goes through it', async () => {
    const [example] = codeBlocks(await installedReadme(app, '@xport/store-postgres'), 'Example').filter((b) => b.lang === 'ts');
    expect(example).toBeDefined();
    // Type-checked against the installed declarations by packaging.test.ts; here it only needs to run.
    const { outputText } = ts.transpileModule(example!.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    await writeFile(join(app, 'example.mjs'), outputText);
    const url = new URL(TEST_PG_URL);
    url.pathname = `/${database}`;
    const ran = await run(process.execPath, ['example.mjs'], { cwd: app, env: strangerEnv({ XPORT_STORE_POSTGRES__CONNECTION_STRING: url.href }) });
    expect(ran.code, describeRun('the README example of @xport/store-postgres', ran)).toBe(0);
    // It printed the counts by state: the one recipient delivered.
    expect(ran.stdout).toMatch(/delivered: 1\b/);
  }, LIMIT_MS);
});
