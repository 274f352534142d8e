import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '@xport/core';
import { manifestSchema as providerManifestSchema } from '@xport/provider-sdk';
import { checkSchemaTable, keyPaths, type SchemaNode, type TableCheck } from './schema-tables.js';
import { readPage, REPO, tablesOf, userPages, type Page, type Table } from './user-pages.js';

// Every table of defaults in the docs is checked against the schema the code validates with: the
// kernel's configSchema for xport.config.json, each provider's manifest configSchema for its
// `providers.<id>.config`. A default changed in code and not in the docs (or the other way) fails.

const kernelSchema = configSchema as unknown as SchemaNode;

function manifestSchema(pkg: string): SchemaNode {
  const manifest = (JSON.parse(readFileSync(join(REPO, 'packages', pkg, 'package.json'), 'utf8')) as { xport: { configSchema: SchemaNode } }).xport;
  return manifest.configSchema;
}

interface Mapped extends TableCheck {
  readonly page: string;
  /** The heading the table stands under. */
  readonly heading: string;
}

const MAPPED: readonly Mapped[] = [
  { page: 'docs/configuration.md', heading: 'Keys', schema: kernelSchema, complete: true },
  { page: 'docs/configuration.md', heading: 'Webhooks', schema: (kernelSchema.properties!.webhooks!.items as SchemaNode), complete: true },
  { page: 'docs/configuration.md', heading: 'store-sqlite: the embedded default store', schema: manifestSchema('store-sqlite'), complete: true },
  { page: 'docs/configuration.md', heading: 'loopback: the local transport', schema: manifestSchema('provider-loopback'), complete: true },
  { page: 'packages/provider-smtp/README.md', heading: 'Configuration (providers.smtp.config)', schema: manifestSchema('provider-smtp'), complete: true },
  { page: 'packages/provider-smtp/README.md', heading: 'Behaviour', schema: manifestSchema('provider-smtp'), prefix: 'listen.', complete: false },
  { page: 'docs/smtp.md', heading: 'Listener limits and policy', schema: manifestSchema('provider-smtp'), prefix: 'listen.', complete: false },
  { page: 'docs/scaling.md', heading: 'Running several daemons on one store', schema: manifestSchema('store-postgres'), complete: true },
];

/** A table that states defaults: a `Default` column, or a `Key (default)` one. */
const statesDefaults = (table: Table): boolean => table.header.some((h) => /^default$|\(default\)/i.test(h));

/**
 * A package's README documents its own configuration: a table of defaults under a heading that says
 * "Configuration" is checked, complete, against that package's manifest — no mapping needed.
 */
function packageConfigTables(): Mapped[] {
  const found: Mapped[] = [];
  for (const page of userPages()) {
    const pkg = /^(packages|examples)\/([^/]+)\/README\.md$/.exec(page.name);
    if (pkg === null) continue;
    const manifest = (JSON.parse(readFileSync(join(REPO, pkg[1]!, pkg[2]!, 'package.json'), 'utf8')) as { xport?: { configSchema?: SchemaNode } }).xport;
    if (manifest?.configSchema === undefined) continue;
    for (const table of tablesOf(page).filter((t) => statesDefaults(t) && /configuration/i.test(t.heading))) {
      if (!MAPPED.some((m) => m.page === page.name && m.heading === table.heading)) {
        found.push({ page: page.name, heading: table.heading, schema: manifest.configSchema, complete: true });
      }
    }
  }
  return found;
}
const CHECKED: readonly Mapped[] = [...MAPPED, ...packageConfigTables()];

function tableOf(page: Page, heading: string): Table | undefined {
  return tablesOf(page).find((table) => table.heading === heading && statesDefaults(table));
}

describe('reference tables against the schemas', () => {
  it.each(CHECKED.map((m) => [`${m.page}: ${m.heading}`, m] as const))('%s', (_name, mapped) => {
    const table = tableOf(readPage(mapped.page), mapped.heading);
    expect(table, `${mapped.page} has no table of defaults under "${mapped.heading}"`).toBeDefined();
    expect(checkSchemaTable(table!, { ...mapped, references: keyPaths(kernelSchema) })).toEqual([]);
  });

  it('every table of defaults in the docs is one of them', () => {
    const unchecked = userPages()
      .flatMap(tablesOf)
      .filter(statesDefaults)
      .filter((table) => !CHECKED.some((m) => m.page === table.page.name && m.heading === table.heading))
      .map((table) => `${table.page.name} (${table.heading}): add it to MAPPED in test/docs/reference-tables.test.ts with the schema it describes`);
    expect(unchecked).toEqual([]);
  });

  it('docs/manifest.md: each field required as the manifest schema requires it, with the schema\'s patterns', () => {
    interface FieldSchema { pattern?: string; items?: { pattern?: string }; propertyNames?: { pattern?: string } }
    const schema = providerManifestSchema as unknown as { required: readonly string[]; properties: Record<string, FieldSchema>; allOf: ReadonlyArray<{ then: { required?: readonly string[] } }> };
    const forTransport = schema.allOf.flatMap((rule) => rule.then.required ?? []);
    const table = tablesOf(readPage('docs/manifest.md')).find((t) => t.heading === 'Fields')!;
    const [required, rule] = [table.header.indexOf('Required'), table.header.indexOf('Rule')];
    const wrong: string[] = [];
    for (const row of table.rows) {
      const field = row[0]!.codes[0]!;
      const said = row[required]!.text.trim();
      const is = schema.required.includes(field) ? 'yes' : forTransport.includes(field) ? 'for `transport`' : 'no';
      if (said !== is) wrong.push(`${field}: required "${said}", the schema says ${is}`);
      const node = schema.properties[field];
      const patterns = [node?.pattern, node?.items?.pattern, node?.propertyNames?.pattern].filter((p) => p !== undefined);
      for (const shown of row[rule]!.codes.filter((code) => code.startsWith('^'))) {
        if (!patterns.includes(shown)) wrong.push(`${field}: pattern ${shown}, the schema's: ${patterns.join(', ') || 'none'}`);
      }
    }
    expect(table.rows.length).toBe(Object.keys(schema.properties).length);
    expect(wrong).toEqual([]);
  });

  it('the check catches a wrong default, type, range and key', () => {
    const schema: SchemaNode = { properties: { port: { type: 'integer', minimum: 1, maximum: 65535, default: 587 }, host: { type: 'string', default: '127.0.0.1' } } };
    const page: Page = { name: 'x.md', path: '', tokens: [] };
    const table = (rows: string[][]): Table => ({
      page,
      heading: 'h',
      header: ['Key', 'Type', 'Default'],
      rows: rows.map((row) => row.map((text) => ({ text, codes: [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!) }))),
    });
    const good = table([
      ['`port`', 'integer 1–65535', '`587`'],
      ['`host`', 'string', '`127.0.0.1`'],
    ]);
    expect(checkSchemaTable(good, { schema, complete: true })).toEqual([]);
    const bad = table([
      ['`port`', 'string 0–65535', '`25`'],
      ['`hots`', 'string', '`localhost`'],
    ]);
    expect(checkSchemaTable(bad, { schema, complete: true })).toEqual([
      'x.md (h) `port`: the table gives the default 25, the schema\'s is 587',
      'x.md (h) `port`: type "string", the schema says "integer"',
      'x.md (h) `port`: range 0–65535, the schema says 1–65535',
      'x.md (h) `hots`: no such key in the schema',
      'x.md (h): the schema\'s key `host` is missing',
    ]);
  });
});
