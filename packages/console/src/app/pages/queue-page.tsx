import { useLocation } from 'preact-iso';
import { useEffect, useLayoutEffect } from 'preact/hooks';
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
import { SelectAllBox } from '../views/select-all-box.js';
import { StateBadge } from '../views/state-badge.js';
import { useSelection, type Selection } from '../views/use-selection.js';

const PAGE_SIZE = 100;
const COLUMNS = ['Subject', 'From', 'Recipient', 'Provider', 'State', 'Attempts', 'Next attempt', 'Submitted'];
/**
 * Performance marks a page of the queue sets: its rows are in the document (rendered), and a frame
 * later, drawn (painted). The browser test measures both from the API's answer.
 */
export const QUEUE_MARKS = { rendered: 'xport:queue-rendered', painted: 'xport:queue-painted' } as const;

function QueueRows({ recipients, selection }: { readonly recipients: readonly QueueRecipient[]; readonly selection: Selection }) {
  return (
    <>
      {recipients.map((r) => (
        <tr key={`${r.messageId}/${r.index}`} class={selection.ids.has(r.messageId) ? 'selected' : undefined}>
          <td>
            <input
              type="checkbox"
              aria-label={`Select ${r.recipient.type}:${r.recipient.address} (${r.subject ?? 'no subject'})`}
              checked={selection.ids.has(r.messageId)}
              onChange={(e) => selection.toggle(r.messageId, e.currentTarget.checked)}
            />
          </td>
          <td>
            <a href={pageUrls.message(r.messageId)}>{r.subject ?? '(no subject)'}</a>
          </td>
          <td><AddressText address={r.from} /></td>
          <td><AddressText address={r.recipient} /></td>
          <td>{r.provider ?? <span class="muted">none</span>}</td>
          <td><StateBadge state={r.state} />{r.expiresWhileHeld && <span class="muted" title="still expires when its message's lifetime passes"> expires</span>}</td>
          <td>{r.attempts}</td>
          <td><Instant at={r.nextAttemptAt} /></td>
          <td><Instant at={r.submittedAt} /></td>
        </tr>
      ))}
    </>
  );
}

/** The rows of one page, with the marks that say when they are in the document and when on screen. */
function QueueTable({ recipients, selection }: { readonly recipients: readonly QueueRecipient[]; readonly selection: Selection }) {
  useLayoutEffect(() => {
    performance.mark(QUEUE_MARKS.rendered, { detail: { rows: recipients.length } });
  }, [recipients]);
  // Preact runs effects after the next frame: by then the rows have been painted.
  useEffect(() => {
    performance.mark(QUEUE_MARKS.painted, { detail: { rows: recipients.length } });
  }, [recipients]);
  const onPage = [...new Set(recipients.map((r) => r.messageId))];
  const selectedOnPage = onPage.filter((id) => selection.ids.has(id)).length;
  return (
    <DataTable
      class="queue"
      columns={COLUMNS}
      lead={<SelectAllBox selected={selectedOnPage} total={onPage.length} label="Select every recipient on this page" onChange={(on) => selection.setAll(onPage, on)} />}
    >
      <QueueRows recipients={recipients} selection={selection} />
    </DataTable>
  );
}

/**
 * The queue: every recipient not yet final, oldest message first, a page at a time, narrowed by a
 * filter. The bulk actions act on the messages whose rows are ticked (their recipients the filter
 * selects), or on everything the filter selects when none is. The filter and the cursor are in the
 * URL, so a view can be linked and Back works; another page or filter starts with nothing ticked.
 */
export function QueuePage() {
  const { query } = useLocation();
  const cursor = query.cursor;
  const filter = fromPageQuery(query);
  const path = apiPaths.queue(filter, cursor, PAGE_SIZE);
  const loaded = useApi(path, (api, signal) => api.json<QueueAnswer>(path, signal));
  const filterKey = toQueryString(filter);
  const selection = useSelection(path);
  const base = pageUrls.queue(filter);
  return (
    <section>
      <PageHead title="Queue" onRefresh={loaded.reload} />
      <QueueFilterForm key={filterKey} filter={filter} />
      <BulkActions filter={filter} selection={[...selection.ids]} onClearSelection={selection.clear} onChanged={loaded.reload} />
      <LoadState loaded={loaded} what="the queue">
        {({ recipients, nextCursor }) => (
          <>
            {recipients.length === 0 ? (
              <p class="muted">
                {cursor !== undefined ? 'No more recipients.' : isEmptyFilter(filter) ? 'The queue is empty: every message is delivered or reported.' : 'No recipient in the queue matches the filter.'}
              </p>
            ) : (
              <QueueTable recipients={recipients} selection={selection} />
            )}
            <Pager base={base} cursor={cursor} nextCursor={nextCursor} label="Queue pages" />
          </>
        )}
      </LoadState>
    </section>
  );
}
