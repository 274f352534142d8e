import type { Address } from '../api/api-types.js';

/** An address as its text form reads: `Name <type:address>`, or `type:address`. */
export function toAddressText(a: Address): string {
  const bare = `${a.type}:${a.address}`;
  return a.name === undefined ? bare : `${a.name} <${bare}>`;
}

export function AddressText({ address }: { readonly address: Address | undefined }) {
  if (address === undefined) return <span class="muted">(none)</span>;
  return <span class="address">{toAddressText(address)}</span>;
}
