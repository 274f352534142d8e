import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram, type CliIO } from '@xport/cli';
import { readPage, REPO, tablesOf, userPages } from './user-pages.js';

// Statements of the docs that once drifted from the code, each checked against where its truth
// lives: the packages, the CLI program, the test PostgreSQL finder, the benches and the sources.

const source = (path: string): string => readFileSync(join(REPO, path), 'utf8');
const silentIO: CliIO = { stdout: () => undefined, stderr: () => undefined, cwd: REPO, env: {}, interactive: false };

describe('the README', () => {
  const readme = readPage('README.md');
  const packagesTable = tablesOf(readme).find((t) => t.heading === 'Packages')!;

  it('lists every package of the workspace', () => {
    const names = readdirSync(join(REPO, 'packages')).map((dir) => (JSON.parse(source(`packages/${dir}/package.json`)) as { name: string }).name);
    expect(names).toContain('@xport/store-postgres');
    const listed = packagesTable.rows.map((row) => row[0]!.codes[0]);
    expect(names.filter((name) => !listed.includes(name))).toEqual([]);
  });

  it('names every command of the CLI in the @xport/cli row', () => {
    const program = createProgram(silentIO, () => undefined);
    const commands = program.commands.flatMap((c) => (c.commands.length > 0 ? c.commands.map((sub) => `${c.name()} ${sub.name()}`) : [c.name()]));
    expect(commands).toContain('revalidate');
    const row = packagesTable.rows.find((r) => r[0]!.codes[0] === '@xport/cli')!;
    expect(commands.filter((name) => !row[1]!.codes.includes(name))).toEqual([]);
  });

  it('says where the tests get PostgreSQL, as test/support/postgres/test-postgres.mjs finds it', () => {
    const finder = source('test/support/postgres/test-postgres.mjs');
    const defaultUrl = /const DEFAULT_TEST_PG_URL = '([^']+)'/.exec(finder)![1]!;
    expect(finder).toContain('env.XPORT_TEST_PG_URL');
    const text = source('README.md');
    for (const promise of ['XPORT_TEST_PG_URL', defaultUrl, 'embedded PostgreSQL', 'docs/scaling.md#testing-against-postgresql', '.ci/run']) expect(text).toContain(promise);
  });
});

describe('benchmark figures', () => {
  it('docs/benchmarks.md has one row per bench, each with its target, latest ratio, date and commit', () => {
    const table = tablesOf(readPage('docs/benchmarks.md')).find((t) => t.heading === 'Targets and the latest figures')!;
    const column = (name: string) => table.header.indexOf(name);
    const benches = readdirSync(join(REPO, 'bench')).filter((f) => f.endsWith('.bench.mjs')).map((f) => f.replace('.bench.mjs', ''));
    expect(benches.filter((bench) => !table.rows.some((row) => row[0]!.codes[0] === bench))).toEqual([]);
    const incomplete = table.rows.filter(
      (row) =>
        !/\d\.\d+×/.test(row[column('Latest figures')]!.text) ||
        !/^\d{4}-\d{2}-\d{2}$/.test(row[column('Date')]!.text.trim()) ||
        !/^[0-9a-f]{7,40}$/.test(row[column('Commit')]!.codes[0] ?? ''),
    );
    expect(incomplete.map((row) => row[0]!.text)).toEqual([]);
  });

  it('are stated in docs/benchmarks.md (and their history in CHANGELOG.md), nowhere else', () => {
    // A ratio such as 0.93× belongs to one table; other pages link to it, so no two pages can disagree.
    const elsewhere = userPages()
      .filter((page) => !['docs/benchmarks.md', 'CHANGELOG.md'].includes(page.name))
      .flatMap((page) => [...readFileSync(page.path, 'utf8').matchAll(/\d+\.\d+×/g)].map((m) => `${page.name}: ${m[0]}`));
    expect(elsewhere).toEqual([]);
  });

  it('the SMTP docs advise the concurrency the SMTP bench uses', () => {
    const multiplier = /POOL\.maxConnections \* (\d+)/.exec(source('bench/smtp.bench.mjs'))![1];
    const advice = ['docs/smtp.md', 'packages/provider-smtp/README.md'].flatMap((page) =>
      [...source(page).replace(/\s+/g, ' ').matchAll(/(?:benchmark uses ×|×)(\d+)(?: in the benchmark)?/g)].filter((m) => m[0].includes('benchmark')).map((m) => `${page}: ×${m[1]}`),
    );
    expect(advice).toEqual([`docs/smtp.md: ×${multiplier}`, `packages/provider-smtp/README.md: ×${multiplier}`]);
  });
});

describe('what the loopback transport holds in memory', () => {
  it('docs/writing-a-provider.md gives the size up to which it reads attachments whole, as its source does', () => {
    const code = source('packages/provider-loopback/src/inbound-content.ts');
    const kib = Number(/const WHOLE_ATTACHMENT_MAX = (\d+) \* 1024;/.exec(code)![1]);
    // Bodies are read whole whatever their size: the inbound contract carries text and HTML as strings.
    expect(code).toMatch(/inbound\.text = \(await readWholePart\(/);
    const page = source('docs/writing-a-provider.md').replace(/\s+/g, ' ');
    expect(page).toContain(`attachments up to ${kib} KiB`);
    expect(page).toMatch(/loopback transport reads text and HTML bodies whole/);
  });
});
