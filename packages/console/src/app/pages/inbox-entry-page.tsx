import { useRoute } from 'preact-iso';
import { apiPaths, pageUrls } from '../api/api-paths.js';
import type { InboxEntry } from '../api/api-types.js';
import { useApi } from '../api/use-api.js';
import { AddressText } from '../views/address-text.js';
import { FieldList } from '../views/field-list.js';
import { Instant } from '../views/instant.js';
import { KindBadge } from '../views/kind-badge.js';
import { LoadState } from '../views/load-state.js';
import { PartList } from '../views/part-list.js';
import { ReportedRecipients } from '../views/reported-recipients.js';

function EntryView({ entry }: { readonly entry: InboxEntry }) {
  const { envelope } = entry;
  return (
    <>
      <p>
        <a href={pageUrls.inbox(entry.mailbox)}>← {entry.mailbox}</a>
      </p>
      <h1>{envelope.subject ?? '(no subject)'}</h1>
      <FieldList
        rows={[
          ['Kind', <KindBadge kind={envelope.kind} />],
          ['From', envelope.from ? <AddressText address={envelope.from} /> : (envelope.headers.From ?? '(null sender)')],
          ['Received', <Instant at={entry.receivedAt} />],
          ...(entry.receivedBy === undefined ? [] : [['Received by', entry.receivedBy] as const]),
          ...(envelope.messageId === undefined ? [] : [['Message-ID', <code>{envelope.messageId}</code>] as const]),
        ]}
      />
      {envelope.reportFor !== undefined && (
        <>
          <h2>{envelope.kind === 'report.ndr' ? 'Not delivered' : 'Report'}</h2>
          {envelope.kind === 'report.ndr' ? <ReportedRecipients messageId={envelope.reportFor} /> : <a href={pageUrls.message(envelope.reportFor)}>The reported message</a>}
        </>
      )}
      <h2>Header fields</h2>
      {Object.keys(envelope.headers).length === 0 ? <p class="muted">None beyond the envelope.</p> : <FieldList rows={Object.entries(envelope.headers)} />}
      <h2>Parts</h2>
      <PartList parts={entry.parts} />
    </>
  );
}

/** One inbox entry: a received message, or a report with the reported recipients' codes and diagnostics. */
export function InboxEntryPage() {
  const { params } = useRoute();
  const path = apiPaths.inboxEntry(params.mailbox ?? '', params.entryId ?? '');
  const loaded = useApi(path, (api, signal) => api.json<InboxEntry>(path, signal));
  return (
    <section>
      <LoadState loaded={loaded} what="the entry">
        {(entry) => <EntryView entry={entry} />}
      </LoadState>
    </section>
  );
}
