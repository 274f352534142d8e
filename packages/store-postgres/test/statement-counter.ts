import pg from 'pg';
import { vi } from 'vitest';

/** Every statement any pg client of this process sends meanwhile (the store's pool and LISTEN connection alike), by name or text. */
export function countStatements(): { readonly names: string[]; restore: () => void } {
  const names: string[] = [];
  const original = pg.Client.prototype.query;
  const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as string | { name?: string; text?: string };
    names.push(typeof config === 'string' ? config : (config.name ?? config.text ?? '?'));
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
  });
  return { names, restore: () => spy.mockRestore() };
}
