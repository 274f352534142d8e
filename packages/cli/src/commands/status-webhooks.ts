import type { WebhookEndpointStatus } from '@xport/webhooks';
import { formatTime, renderTable } from '../output.js';

/** `failing since 10:42:07`, `ok`. */
function toStateCell(row: WebhookEndpointStatus): string {
  const since = row.since === undefined ? '' : ` since ${formatTime(row.since)}`;
  const next = row.nextAttemptAt === undefined ? '' : `\nnext attempt ${formatTime(row.nextAttemptAt)}`;
  return `${row.state}${since}${next}`;
}

/**
 * The webhooks table under `xport status`: one row per configured endpoint as the running daemon
 * last published it — state, events not yet sent (lag), counts, the last error (no secret: the URL is
 * shown without its query, and the signing secret is never in the record).
 */
export function renderWebhooks(rows: readonly WebhookEndpointStatus[]): string {
  return renderTable(
    ['webhook', 'url', 'state', 'lag (events)', 'delivered', 'failed attempts', 'dropped', 'last error'],
    rows.map((row) => [
      row.id,
      row.url,
      toStateCell(row),
      row.lagEvents,
      row.delivered,
      row.failedAttempts,
      row.dropped,
      row.lastError ? `${row.lastError.code}: ${row.lastError.message} (at ${formatTime(row.lastError.at)})` : '',
    ]),
  );
}
