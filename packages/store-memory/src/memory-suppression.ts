import {
  hardBounceCount,
  isPurgeableSuppression,
  type HardBounce,
  type ListOptions,
  type ManualSuppression,
  type SuppressionEntry,
  type SuppressionStore,
} from '@xport/provider-sdk';

/** The suppression list in a map by address; `ready` throws while the store is not open. */
export class MemorySuppression implements SuppressionStore {
  private readonly entries = new Map<string, SuppressionEntry>();

  constructor(private readonly ready: () => void) {}

  async recordHardBounce(bounce: HardBounce): Promise<SuppressionEntry> {
    this.ready();
    const existing = this.entries.get(bounce.address);
    const entry: SuppressionEntry = {
      address: bounce.address,
      hardBounces: hardBounceCount(existing, bounce),
      lastBounceAt: bounce.at,
      lastError: bounce.error,
      manual: existing?.manual ?? false,
      ...(existing?.reason !== undefined ? { reason: existing.reason } : {}),
      updatedAt: bounce.at,
    };
    this.entries.set(bounce.address, entry);
    return entry;
  }

  async suppress(manual: ManualSuppression): Promise<SuppressionEntry> {
    this.ready();
    const existing = this.entries.get(manual.address);
    const entry: SuppressionEntry = {
      address: manual.address,
      hardBounces: existing?.hardBounces ?? 0,
      lastBounceAt: existing?.lastBounceAt ?? null,
      ...(existing?.lastError !== undefined ? { lastError: existing.lastError } : {}),
      manual: true,
      ...(manual.reason !== undefined ? { reason: manual.reason } : {}),
      updatedAt: manual.at,
    };
    this.entries.set(manual.address, entry);
    return entry;
  }

  async unsuppress(address: string): Promise<boolean> {
    this.ready();
    return this.entries.delete(address);
  }

  async listSuppressed(options: ListOptions = {}): Promise<SuppressionEntry[]> {
    this.ready();
    const sorted = [...this.entries.values()].sort((a, b) => b.updatedAt - a.updatedAt || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    const offset = options.offset ?? 0;
    return sorted.slice(offset, options.limit === undefined ? undefined : offset + options.limit);
  }

  async findSuppressions(addresses: readonly string[]): Promise<SuppressionEntry[]> {
    this.ready();
    const found: SuppressionEntry[] = [];
    for (const address of new Set(addresses)) {
      const entry = this.entries.get(address);
      if (entry) found.push(entry);
    }
    return found;
  }

  async purgeExpired(expiredBefore: number, limit: number): Promise<number> {
    this.ready();
    let purged = 0;
    for (const entry of [...this.entries.values()]) {
      if (purged >= limit) break;
      if (!isPurgeableSuppression(entry, expiredBefore)) continue;
      this.entries.delete(entry.address);
      purged += 1;
    }
    return purged;
  }
}
