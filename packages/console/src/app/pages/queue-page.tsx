import { useLocation } from 'preact-iso';
import { CONSOLE_PAGES } from '../../pages.js';
import { apiPaths, pageUrls } from '../api/api-paths.js';
import type { Message, QueuePage as QueueAnswer } from '../api/api-types.js';
import { useApi } from '../api/use-api.js';
import { AddressText } from '../views/address-text.js';
import { DataTable } from '../views/data-table.js';
import { Instant } from '../views/instant.js';
import { LoadState } from '../views/load-state.js';
import { PageHead } from '../views/page-head.js';
import { Pager } from '../views/pager.js';
import { StateBadge } from '../views/state-badge.js';

const PAGE_SIZE = 50;
const COLUMNS = ['Subject', 'From', 'Recipient', 'Provider', 'State', 'Attempts', 'Next attempt', 'Submitted'];

function QueueRows({ messages }: { readonly messages: readonly Message[] }) {
  return (
    <>
      {messages.flatMap((m) =>
        m.recipients.map((r) => (
          <tr key={`${m.id}/${r.index}`}>
            <td>
              <a href={pageUrls.message(m.id)}>{m.envelope.subject ?? '(no subject)'}</a>
            </td>
            <td><AddressText address={m.envelope.from} /></td>
            <td><AddressText address={r.recipient} /></td>
            <td>{r.provider ?? <span class="muted">none</span>}</td>
            <td><StateBadge state={r.state} /></td>
            <td>{r.attempts}</td>
            <td><Instant at={r.nextAttemptAt} /></td>
            <td><Instant at={m.submittedAt} /></td>
          </tr>
        )),
      )}
    </>
  );
}

/**
 * The queue: every recipient of the messages not yet final, oldest message first, a page at a time
 * (the cursor is in the URL, so a page can be linked and Back works).
 */
export function QueuePage() {
  const { query } = useLocation();
  const cursor = query.cursor;
  const path = apiPaths.queue(cursor, PAGE_SIZE);
  const loaded = useApi(path, (api, signal) => api.json<QueueAnswer>(path, signal));
  return (
    <section>
      <PageHead title="Queue" onRefresh={loaded.reload} />
      <LoadState loaded={loaded} what="the queue">
        {({ messages, nextCursor }) => (
          <>
            {messages.length === 0 ? (
              <p class="muted">{cursor === undefined ? 'The queue is empty: every message is delivered or reported.' : 'No more messages.'}</p>
            ) : (
              <DataTable class="queue" columns={COLUMNS}>
                <QueueRows messages={messages} />
              </DataTable>
            )}
            <Pager base={CONSOLE_PAGES.queue} cursor={cursor} nextCursor={nextCursor} label="Queue pages" />
          </>
        )}
      </LoadState>
    </section>
  );
}
