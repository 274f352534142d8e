/**
 * Address type → the transports registered for it, in `transportOrder` order (MAPI's transport
 * order: the first capable provider gets the first chance). Types compare case-insensitively.
 */
export interface RoutingTable {
  /** Provider ids for an address type, first choice first; empty when none. */
  providersFor(addressType: string): string[];
  /** Every routable address type, lowercase, sorted. */
  addressTypes(): string[];
}

export interface RoutableTransport {
  readonly id: string;
  readonly addressTypes: readonly string[];
}

/**
 * Builds the routing table. Transports listed in `transportOrder` come first, in that order; the
 * rest keep the order they are given in (discovery order). Callers pass only valid, enabled
 * transports — conflicts were already rejected during validation.
 *
 * @example
 * const table = createRoutingTable([{ id: 'smtp-b', addressTypes: ['SMTP'] }, { id: 'smtp-a', addressTypes: ['smtp'] }], ['smtp-a', 'smtp-b']);
 * table.providersFor('smtp') // ['smtp-a', 'smtp-b']
 */
export function createRoutingTable(transports: readonly RoutableTransport[], transportOrder: readonly string[]): RoutingTable {
  const rank = (id: string): number => {
    const index = transportOrder.indexOf(id);
    return index === -1 ? transportOrder.length : index;
  };
  const ordered = transports.map((t, index) => ({ t, index })).sort((a, b) => rank(a.t.id) - rank(b.t.id) || a.index - b.index);
  const table = new Map<string, string[]>();
  for (const { t } of ordered) {
    for (const type of t.addressTypes) {
      const key = type.toLowerCase();
      const list = table.get(key) ?? [];
      if (!list.includes(t.id)) list.push(t.id);
      table.set(key, list);
    }
  }
  return {
    providersFor: (addressType) => [...(table.get(addressType.toLowerCase()) ?? [])],
    addressTypes: () => [...table.keys()].sort(),
  };
}
