import type { ProviderRecord } from '../discovery/provider-record.js';
import { reject } from '../discovery/provider-record.js';

/**
 * Two enabled, valid transports that claim one address type (case-insensitive) must both be listed
 * in `transportOrder`, which then says who gets the first chance. Otherwise every claimant of that
 * type is marked `XPORT_ADDRESS_TYPE_CONFLICT` and none is loaded: routing must never depend on
 * the order packages happen to be found in.
 */
export function rejectAddressTypeConflicts(records: readonly ProviderRecord[], transportOrder: readonly string[]): void {
  const ordered = new Set(transportOrder);
  const claimants = new Map<string, ProviderRecord[]>();
  for (const record of records) {
    if (record.status !== 'ok' || !record.enabled || record.kind !== 'transport') continue;
    for (const type of record.addressTypes) {
      const key = type.toLowerCase();
      const list = claimants.get(key) ?? [];
      if (!list.includes(record)) list.push(record);
      claimants.set(key, list);
    }
  }
  const conflicts: Array<{ type: string; list: ProviderRecord[] }> = [];
  for (const [type, list] of claimants) {
    if (list.length > 1 && list.some((r) => !ordered.has(r.id))) conflicts.push({ type, list });
  }
  for (const { type, list } of conflicts) {
    const names = list.map((r) => `"${r.id}" (${r.packageName})`).join(' and ');
    const missing = list.filter((r) => !ordered.has(r.id)).map((r) => `"${r.id}"`).join(', ');
    for (const record of list) {
      reject(record, 'invalid', {
        code: 'XPORT_ADDRESS_TYPE_CONFLICT',
        message: `address type "${type}" is claimed by transports ${names}; list ${missing} in transportOrder in xport.config.json to order them`,
      });
    }
  }
}
