import { readFile, stat } from 'node:fs/promises';

/** Keys that could reach Object.prototype if a document were ever merged into a plain object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
export const MAX_JSON_DEPTH = 32;
export const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;

/** Why a JSON document was refused, in words that name the offending place. */
export type JsonShapeProblem = { readonly path: string; readonly reason: string };

/**
 * Finds the first forbidden key or over-deep nesting in a parsed JSON value, or undefined when it is safe.
 * Iterative, so a hostile document cannot overflow the stack while being checked.
 */
export function findJsonShapeProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonShapeProblem | undefined {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (pending.length > 0) {
    const item = pending.pop() as { value: unknown; path: string; depth: number };
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= maxDepth) return { path: item.path || '/', reason: `nests deeper than ${maxDepth} levels` };
    const entries = Array.isArray(item.value) ? item.value.map((v, i) => [String(i), v] as const) : Object.entries(item.value);
    for (const [key, child] of entries) {
      const path = `${item.path}/${key}`;
      if (!Array.isArray(item.value) && FORBIDDEN_KEYS.has(key)) return { path, reason: `uses the forbidden key "${key}"` };
      pending.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return undefined;
}

export type JsonReadResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: string; readonly missing: boolean };

/** Reads and parses a JSON file no larger than `maxBytes`; never throws. */
export async function readBoundedJson(path: string, maxBytes: number): Promise<JsonReadResult> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, reason: `${path} is not a file`, missing: false };
    size = info.size;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, reason: missing ? `${path} does not exist` : `${path} cannot be read (${(error as Error).message})`, missing };
  }
  if (size > maxBytes) return { ok: false, reason: `${path} is ${size} bytes, more than the ${maxBytes} allowed`, missing: false };
  try {
    const text = await readFile(path, 'utf8');
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: `${path} is not valid JSON (${(error as Error).message})`, missing: false };
  }
}
