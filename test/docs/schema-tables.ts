import { isDeepStrictEqual } from 'node:util';
import type { Cell, Table } from './user-pages.js';

// Checks a reference table of the docs against the JSON Schema it describes: each key it names
// exists, its default is the schema's, and its type and range, where the table states them, are
// the schema's. A complete table also names every key of the schema.

export interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly items?: SchemaNode;
}

/** Every key path of a schema: `spooler.retry.minDelayMs`, `providers.<id>.limits.concurrency`, … */
export function keyPaths(node: SchemaNode, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${key}`;
    paths.push(path, ...keyPaths(child, `${path}.`));
  }
  if (typeof node.additionalProperties === 'object') paths.push(...keyPaths(node.additionalProperties, `${prefix}<id>.`));
  return paths;
}

export function nodeAt(schema: SchemaNode, path: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = schema;
  for (const segment of path.split('.')) {
    if (node === undefined) return undefined;
    node = segment === '<id>' && typeof node.additionalProperties === 'object' ? node.additionalProperties : node.properties?.[segment];
  }
  return node;
}

/** What the docs show as a default, read as a value: JSON where it parses, else the text itself. */
function toValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };
const toNumber = (text: string): number => Number(text.replace(/,/g, ''));

/** `5 min` → 300000 for a key counted in milliseconds; `100` → 100. */
function toQuantity(text: string, key: string): number | undefined {
  const match = /^([\d,]+)\s*(ms|s|min|h)?(?![\w])/.exec(text.trim());
  if (match === null) return undefined;
  const unit = match[2] === undefined ? 1 : key.endsWith('Ms') ? UNIT_MS[match[2]]! : NaN;
  return toNumber(match[1]!) * unit;
}

function checkType(where: string, node: SchemaNode, cell: Cell): string[] {
  const problems: string[] = [];
  const word = /^(integer|number|boolean|string\[\]|string|object)(?!\w)/.exec(cell.text.trim())?.[1];
  const type = word === 'string[]' ? 'array' : word;
  if (type !== undefined && node.type !== undefined && node.type !== type) problems.push(`${where}: type "${word}", the schema says ${JSON.stringify(node.type)}`);
  if (word === 'string[]' && node.items?.type !== 'string') problems.push(`${where}: type "string[]", the schema's items are ${JSON.stringify(node.items?.type)}`);
  const range = /(-?\d[\d,]*)\s*–\s*(-?\d[\d,]*)/.exec(cell.text);
  if (range && (node.minimum !== toNumber(range[1]!) || node.maximum !== toNumber(range[2]!))) {
    problems.push(`${where}: range ${range[1]}–${range[2]}, the schema says ${node.minimum ?? '-'}–${node.maximum ?? '-'}`);
  }
  const atLeast = /≥\s*(-?\d[\d,]*)/.exec(cell.text);
  if (atLeast && node.minimum !== toNumber(atLeast[1]!)) problems.push(`${where}: "≥ ${atLeast[1]}", the schema's minimum is ${node.minimum}`);
  if (type === undefined && node.enum !== undefined && cell.codes.length > 0 && !isDeepStrictEqual([...cell.codes].sort(), node.enum.map(String).sort())) {
    problems.push(`${where}: values ${cell.codes.join(' | ')}, the schema allows ${node.enum.join(' | ')}`);
  }
  return problems;
}

export interface TableCheck {
  /** The schema of the keys the table names (with `prefix` put before each). */
  readonly schema: SchemaNode;
  readonly prefix?: string;
  /** The table names every key of the schema (under `prefix`). */
  readonly complete: boolean;
  /** Other key paths a default may name instead of a value (`spooler.stopTimeoutMs`). */
  readonly references?: readonly string[];
}

/** What is wrong with `table` against its schema; empty when nothing is. */
export function checkSchemaTable(table: Table, check: TableCheck): string[] {
  const prefix = check.prefix ?? '';
  const where = (key: string) => `${table.page.name} (${table.heading}) \`${key}\``;
  const header = table.header.map((h) => h.toLowerCase());
  const defaultColumn = header.indexOf('default');
  const keyDefaultColumn = header.findIndex((h) => h.includes('(default)'));
  const typeColumn = header.indexOf('type');
  const keyColumn = keyDefaultColumn >= 0 ? keyDefaultColumn : 0;
  const known = new Set([...keyPaths(check.schema), ...(check.references ?? [])]);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const row of table.rows) {
    // In a `Key (default)` column each key is followed by its default: `idleTimeoutMs` (5 min).
    const pairs =
      keyDefaultColumn >= 0
        ? [...row[keyColumn]!.text.matchAll(/`([^`]+)`\s*\(([^)]+)\)/g)].map((m) => ({ key: m[1]!, shown: m[2]!, quantity: true }))
        : row[keyColumn]!.codes.map((key, i) => ({ key, shown: defaultColumn >= 0 ? row[defaultColumn]!.codes[i] : undefined, quantity: false }));
    for (const { key, shown, quantity } of pairs) {
      const path = `${prefix}${key}`;
      const node = nodeAt(check.schema, path);
      if (node === undefined) {
        problems.push(`${where(key)}: no such key in the schema`);
        continue;
      }
      seen.add(path);
      if (node.default === undefined) {
        if (shown !== undefined && !shown.includes('<') && !known.has(shown)) problems.push(`${where(key)}: the table gives the default ${shown}, the schema has none`);
      } else if (shown === undefined) {
        problems.push(`${where(key)}: the table gives no default, the schema's is ${JSON.stringify(node.default)}`);
      } else if (quantity ? toQuantity(shown, key) !== node.default : !isDeepStrictEqual(toValue(shown), node.default) && shown !== node.default) {
        problems.push(`${where(key)}: the table gives the default ${shown}, the schema's is ${JSON.stringify(node.default)}`);
      }
      if (typeColumn >= 0 && pairs.length === 1) problems.push(...checkType(where(key), node, row[typeColumn]!));
    }
  }
  if (check.complete) {
    for (const path of keyPaths(check.schema).filter((p) => p.startsWith(prefix))) {
      if (!seen.has(path)) problems.push(`${table.page.name} (${table.heading}): the schema's key \`${path.slice(prefix.length)}\` is missing`);
    }
  }
  return problems;
}
