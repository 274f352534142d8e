import { useLocation } from 'preact-iso';
import { apiPaths, pageUrls } from '../api/api-paths.js';
import { fromPageQuery, isEmptyFilter, toQueryString } from '../api/queue-filter.js';
import type { QueuePage as QueueAnswer, QueueRecipient } from '../api/api-types.js';
import { useApi } from '../api/use-api.js';
import { AddressText } from '../views/address-text.js';
import { BulkActions } from '../views/bulk-actions.js';
import { DataTable } from '../views/data-table.js';
import { Instant } from '../views/instant.js';
import { LoadState } from '../views/load-state.js';
import { PageHead } from '../views/page-head.js';
import { Pager } from '../views/pager.js';
import { QueueFilterForm } from '../views/queue-filter-form.js';
import { StateBadge } from '../views/state-badge.js';

const PAGE_SIZE = 50;
const COLUMNS = ['Subject', 'From', 'Recipient', 'Provider', 'State', 'Attempts', 'Next attempt', 'Submitted'];

function QueueRows({ recipients }: { readonly recipients: readonly QueueRecipient[] }) {
  return (
    <>
      {recipients.map((r) => (
        <tr key={`${r.messageId}/${r.index}`}>
          <td>
            <a href={pageUrls.message(r.messageId)}>{r.subject ?? '(no subject)'}</a>
          </td>
          <td><AddressText address={r.from} /></td>
          <td><AddressText address={r.recipient} /></td>
          <td>{r.provider ?? <span class="muted">none</span>}</td>
          <td><StateBadge state={r.state} /></td>
          <td>{r.attempts}</td>
          <td><Instant at={r.nextAttemptAt} /></td>
          <td><Instant at={r.submittedAt} /></td>
        </tr>
      ))}
    </>
  );
}

/**
 * The queue: every recipient not yet final, oldest message first, a page at a time, narrowed by a
 * filter; the bulk actions act on what the filter selects. The filter and the cursor are in the URL,
 * so a view can be linked and Back works.
 */
export function QueuePage() {
  const { query } = useLocation();
  const cursor = query.cursor;
  const filter = fromPageQuery(query);
  const path = apiPaths.queue(filter, cursor, PAGE_SIZE);
  const loaded = useApi(path, (api, signal) => api.json<QueueAnswer>(path, signal));
  const filterKey = toQueryString(filter);
  const base = pageUrls.queue(filter);
  return (
    <section>
      <PageHead title="Queue" onRefresh={loaded.reload} />
      <QueueFilterForm key={filterKey} filter={filter} />
      <BulkActions filter={filter} onChanged={loaded.reload} />
      <LoadState loaded={loaded} what="the queue">
        {({ recipients, nextCursor }) => (
          <>
            {recipients.length === 0 ? (
              <p class="muted">
                {cursor !== undefined ? 'No more recipients.' : isEmptyFilter(filter) ? 'The queue is empty: every message is delivered or reported.' : 'No recipient in the queue matches the filter.'}
              </p>
            ) : (
              <DataTable class="queue" columns={COLUMNS}>
                <QueueRows recipients={recipients} />
              </DataTable>
            )}
            <Pager base={base} cursor={cursor} nextCursor={nextCursor} label="Queue pages" />
          </>
        )}
      </LoadState>
    </section>
  );
}
