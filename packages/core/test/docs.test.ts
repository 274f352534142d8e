import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, manifestSchema, toEnvCredentialName } from '@xport/provider-sdk';
import { REPORTS_CREDENTIAL_OWNER, REPORTS_CREDENTIALS, configSchema } from '../src/index.js';
import { toRenamedEnvCredentialNames } from '../src/credentials/env-credential-name.js';
import { API_CREDENTIAL_OWNER, API_CREDENTIALS } from '../../http/src/index.js';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs');
const read = (name: string) => readFileSync(join(docs, name), 'utf8');
const repo = join(docs, '..');

/** Every page a user reads: docs/, the README of each package and example, the changelog. */
function userPages(): string[] {
  const pages = readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => join(docs, f));
  if (existsSync(join(repo, 'CHANGELOG.md'))) pages.push(join(repo, 'CHANGELOG.md'));
  for (const folder of ['packages', 'examples']) {
    for (const name of readdirSync(join(repo, folder))) {
      const readme = join(repo, folder, name, 'README.md');
      if (existsSync(readme)) pages.push(readme);
    }
  }
  return [...pages, join(repo, 'README.md')];
}

/** (provider id, credential name) of every manifest in packages/ and examples/, and the HTTP API's and the kernel's reports' own. */
function declaredCredentials(): Array<{ id: string; name: string }> {
  const found: Array<{ id: string; name: string }> = Object.keys(API_CREDENTIALS).map((name) => ({ id: API_CREDENTIAL_OWNER, name }));
  for (const name of Object.keys(REPORTS_CREDENTIALS)) found.push({ id: REPORTS_CREDENTIAL_OWNER, name });
  for (const folder of ['packages', 'examples']) {
    for (const name of readdirSync(join(repo, folder))) {
      const path = join(repo, folder, name, 'package.json');
      if (!existsSync(path)) continue;
      const manifest = (JSON.parse(readFileSync(path, 'utf8')) as { xport?: { id: string; credentials?: Record<string, unknown> } }).xport;
      for (const credential of Object.keys(manifest?.credentials ?? {})) found.push({ id: manifest!.id, name: credential });
    }
  }
  return found;
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
}

/** Every key path of the config schema: `spooler.retry.minDelayMs`, `providers.<id>.limits.concurrency`, … */
function keyPaths(node: SchemaNode, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${key}`;
    paths.push(path, ...keyPaths(child, `${path}.`));
  }
  if (typeof node.additionalProperties === 'object') paths.push(...keyPaths(node.additionalProperties, `${prefix}<id>.`));
  return paths;
}

describe('reference docs', () => {
  it('docs/configuration.md documents every configuration key', () => {
    const text = read('configuration.md');
    const paths = keyPaths(configSchema as unknown as SchemaNode);
    expect(paths).toContain('providers.<id>.limits.ratePerSecond');
    expect(paths.filter((path) => !text.includes(`| \`${path}\` |`))).toEqual([]);
  });

  it('docs/errors.md lists every error code with its meaning', () => {
    const text = read('errors.md');
    const missing = Object.entries(ERROR_CODES).filter(([code, meaning]) => !text.includes(`| \`${code}\` | ${meaning} |`));
    expect(missing).toEqual([]);
  });

  it('docs/manifest.md documents every manifest field', () => {
    const text = read('manifest.md');
    const fields = Object.keys(manifestSchema.properties);
    expect(fields.filter((field) => !text.includes(`| \`${field}\` |`))).toEqual([]);
  });

  it('names only the environment variables the kernel reads; an 0.1 name only where the page says it is no longer read', () => {
    const credentials = declaredCredentials();
    expect(credentials).toContainEqual({ id: 'smtp', name: 'oauth2AccessToken' });
    const current = new Set(credentials.map((c) => toEnvCredentialName(c.id, c.name)));
    const old = new Set(credentials.flatMap((c) => toRenamedEnvCredentialNames(c.id, c.name)));
    const wrong: string[] = [];
    for (const page of userPages()) {
      const where = relative(repo, page);
      const text = readFileSync(page, 'utf8');
      for (const line of text.split('\n')) {
        // An example may name its own provider and credential on the line: `fax`, `apiKey` → XPORT_FAX__API_KEY.
        const named = [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
        const exampleOf = (variable: string) => named.some((id) => named.some((name) => toEnvCredentialName(id, name) === variable));
        for (const variable of line.match(/XPORT_[A-Z0-9_]*__[A-Z0-9_]+/g) ?? []) {
          if (!current.has(variable) && !exampleOf(variable)) wrong.push(`${where}: ${variable} is not the variable of any declared credential`);
        }
      }
      for (const paragraph of text.split(/\n\s*\n/)) {
        for (const variable of paragraph.match(/XPORT_[A-Z0-9_]+/g) ?? []) {
          if (old.has(variable) && !paragraph.includes('0.1')) wrong.push(`${where}: ${variable} is an 0.1 name the kernel no longer reads`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
