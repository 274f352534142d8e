import type { ProviderRecord } from '../discovery/provider-record.js';
import { reject } from '../discovery/provider-record.js';

/**
 * Marks every provider whose id another package also declares. Neither copy is loaded: which one an
 * application meant cannot be guessed, and "first by path wins" would change silently with an install.
 */
export function rejectDuplicateIds(records: readonly ProviderRecord[]): void {
  const byId = new Map<string, ProviderRecord[]>();
  for (const record of records) {
    if (record.manifest === undefined) continue;
    const list = byId.get(record.id) ?? [];
    list.push(record);
    byId.set(record.id, list);
  }
  for (const [id, list] of byId) {
    if (list.length < 2) continue;
    const where = list.map((r) => `${r.packageName} (${r.directory})`).join(' and ');
    for (const record of list) {
      reject(record, 'invalid', {
        code: 'XPORT_PROVIDER_DUPLICATE_ID',
        message: `provider id "${id}" is declared by ${where}; none of them is loaded — uninstall one or give it another id`,
      });
    }
  }
}
