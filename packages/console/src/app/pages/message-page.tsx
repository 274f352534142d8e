import { useRoute } from 'preact-iso';
import { apiPaths } from '../api/api-paths.js';
import type { Message } from '../api/api-types.js';
import { useApi } from '../api/use-api.js';
import { AddressText } from '../views/address-text.js';
import { FieldList } from '../views/field-list.js';
import { Instant } from '../views/instant.js';
import { LoadState } from '../views/load-state.js';
import { PartList } from '../views/part-list.js';
import { RecipientTable } from '../views/recipient-table.js';
import { RecipientTimelines } from '../views/recipient-timelines.js';

function MessageView({ message }: { readonly message: Message }) {
  const { envelope } = message;
  return (
    <>
      <h1>{envelope.subject ?? '(no subject)'}</h1>
      <FieldList
        rows={[
          ['Id', <code>{message.id}</code>],
          ['From', <AddressText address={envelope.from} />],
          ['Kind', envelope.kind],
          ['Submitted', <Instant at={message.submittedAt} />],
          ['Expires', <Instant at={message.expiresAt} />],
          ['Finished', <Instant at={message.finishedAt} />],
          ...(envelope.messageId === undefined ? [] : [['Message-ID', <code>{envelope.messageId}</code>] as const]),
          ...(message.idempotencyKey === undefined ? [] : [['Idempotency key', <code>{message.idempotencyKey}</code>] as const]),
        ]}
      />
      <h2>Header fields</h2>
      {Object.keys(envelope.headers).length === 0 ? <p class="muted">None beyond the envelope.</p> : <FieldList rows={Object.entries(envelope.headers)} />}
      <h2>Recipients</h2>
      <RecipientTable recipients={message.recipients} />
      <h2>Timeline</h2>
      <RecipientTimelines events={message.events ?? []} recipients={message.recipients} />
      <h2>Parts</h2>
      <PartList parts={message.parts} />
    </>
  );
}

/** One message: its envelope and header fields, each recipient's state and timeline, its parts. */
export function MessagePage() {
  const { params } = useRoute();
  const path = apiPaths.message(params.id ?? '');
  const loaded = useApi(path, (api, signal) => api.json<Message>(path, signal));
  return (
    <section>
      <LoadState loaded={loaded} what="the message">
        {(message) => <MessageView message={message} />}
      </LoadState>
    </section>
  );
}
