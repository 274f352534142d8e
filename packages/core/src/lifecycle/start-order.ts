import type { ProviderRecord } from '../discovery/provider-record.js';

/**
 * The providers to run: transports in `transportOrder` order (the rest in discovery order), then
 * hooks in discovery order. Only valid, enabled ones; store providers are started separately,
 * first. The kernel brings these online side by side, in this order; stop begins with the one that
 * started last.
 */
export function toStartOrder(records: readonly ProviderRecord[], transportOrder: readonly string[]): ProviderRecord[] {
  const runnable = records.filter((r) => r.status === 'ok' && r.enabled);
  const rank = (id: string): number => {
    const index = transportOrder.indexOf(id);
    return index === -1 ? transportOrder.length : index;
  };
  const transports = runnable
    .map((record, index) => ({ record, index }))
    .filter(({ record }) => record.kind === 'transport')
    .sort((a, b) => rank(a.record.id) - rank(b.record.id) || a.index - b.index)
    .map(({ record }) => record);
  const hooks = runnable.filter((r) => r.kind === 'hook');
  return [...transports, ...hooks];
}
