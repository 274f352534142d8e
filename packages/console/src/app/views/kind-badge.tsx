import type { Envelope } from '../api/api-types.js';

const KINDS: Readonly<Record<Envelope['kind'], readonly [string, string]>> = {
  note: ['message', 'neutral'],
  'report.ndr': ['non-delivery report', 'bad'],
  'report.dr': ['delivery report', 'good'],
};

/** What an entry is: a message, or a report about one. */
export function KindBadge({ kind }: { readonly kind: Envelope['kind'] }) {
  const [label, tone] = KINDS[kind];
  return <span class={`badge ${tone}`}>{label}</span>;
}
