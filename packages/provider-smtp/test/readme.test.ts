import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manifest } from './support/provider-context.js';

interface SchemaNode {
  readonly properties?: Readonly<Record<string, SchemaNode>>;
}

function keysOf(node: SchemaNode, prefix = ''): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([name, child]) => [`${prefix}${name}`, ...keysOf(child, `${prefix}${name}.`)]);
}

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const documented = [...readme.matchAll(/^\| `([a-zA-Z.]+)` \|/gm)].map((m) => m[1]);

  it('documents every configuration key of the manifest, and no other', () => {
    const keys = keysOf(manifest.configSchema as SchemaNode);
    const configRows = documented.filter((key) => key !== undefined && (key.startsWith('relay') || key.startsWith('listen')));
    expect([...configRows].sort()).toEqual([...keys].sort());
  });

  it('names every declared credential', () => {
    for (const name of Object.keys(manifest.credentials ?? {})) expect(readme).toContain(`\`${name}\``);
  });
});
