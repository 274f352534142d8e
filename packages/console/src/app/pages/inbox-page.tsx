import { useLocation, useRoute } from 'preact-iso';
import { apiPaths, pageUrls } from '../api/api-paths.js';
import type { InboxPage as InboxAnswer } from '../api/api-types.js';
import { useApi } from '../api/use-api.js';
import { AddressText } from '../views/address-text.js';
import { DataTable } from '../views/data-table.js';
import { Instant } from '../views/instant.js';
import { KindBadge } from '../views/kind-badge.js';
import { LoadState } from '../views/load-state.js';
import { MailboxPicker } from '../views/mailbox-picker.js';
import { Pager } from '../views/pager.js';

const PAGE_SIZE = 50;
const COLUMNS = ['Received', 'Kind', 'From', 'Subject', 'Read'];

function InboxEntries({ mailbox, cursor }: { readonly mailbox: string; readonly cursor: string | undefined }) {
  const path = apiPaths.inbox(mailbox, cursor, PAGE_SIZE);
  const loaded = useApi(path, (api, signal) => api.json<InboxAnswer>(path, signal));
  return (
    <LoadState loaded={loaded} what="the mailbox">
      {({ entries, nextCursor }) => (
        <>
          {entries.length === 0 ? (
            <p class="muted">{cursor === undefined ? 'This mailbox holds nothing.' : 'No more entries.'}</p>
          ) : (
            <DataTable class="inbox" columns={COLUMNS}>
              {entries.map((e) => (
                <tr key={e.id} class={e.read ? '' : 'unread'}>
                  <td><Instant at={e.receivedAt} /></td>
                  <td><KindBadge kind={e.envelope.kind} /></td>
                  <td>{e.envelope.from ? <AddressText address={e.envelope.from} /> : <span class="muted">{e.envelope.headers.From ?? '(null sender)'}</span>}</td>
                  <td>
                    <a href={pageUrls.inboxEntry(mailbox, e.id)}>{e.envelope.subject ?? '(no subject)'}</a>
                  </td>
                  <td>{e.read ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </DataTable>
          )}
          <Pager base={pageUrls.inbox(mailbox)} cursor={cursor} nextCursor={nextCursor} label="Mailbox pages" />
        </>
      )}
    </LoadState>
  );
}

/** A mailbox's entries, newest first: messages received for it and reports to it. */
export function InboxPage() {
  const { params } = useRoute();
  const { query } = useLocation();
  const mailbox = params.mailbox;
  return (
    <section>
      <h1>{mailbox === undefined ? 'Inbox' : `Inbox ${mailbox}`}</h1>
      <MailboxPicker key={mailbox} current={mailbox} />
      {mailbox === undefined ? <p class="muted">Name a mailbox to see what it received: messages, and the reports about messages it sent.</p> : <InboxEntries mailbox={mailbox} cursor={query.cursor} />}
    </section>
  );
}
