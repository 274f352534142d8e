import type { RecipientStatus } from '../api/api-types.js';
import { AddressText } from './address-text.js';
import { DataTable } from './data-table.js';
import { Instant } from './instant.js';
import { StateBadge } from './state-badge.js';

const COLUMNS = ['Recipient', 'Role', 'Provider', 'State', 'Attempts', 'Next attempt', 'Updated', 'Last error'];

/** Where each recipient of a message stands, with the last error of those not delivered. */
export function RecipientTable({ recipients }: { readonly recipients: readonly RecipientStatus[] }) {
  return (
    <DataTable class="recipients" columns={COLUMNS}>
      {recipients.map((r) => (
        <tr key={r.index}>
          <td><AddressText address={r.recipient} /></td>
          <td>{r.role}</td>
          <td>{r.provider ?? <span class="muted">none</span>}</td>
          <td><StateBadge state={r.state} />{r.expiresWhileHeld && <span class="muted" title="still expires when its message's lifetime passes"> expires</span>}</td>
          <td>{r.attempts}</td>
          <td><Instant at={r.nextAttemptAt} /></td>
          <td><Instant at={r.updatedAt} /></td>
          <td>{r.lastError ? <span class="diagnostic"><code>{r.lastError.code}</code> {r.lastError.diagnostic}</span> : <span class="muted">—</span>}</td>
        </tr>
      ))}
    </DataTable>
  );
}
