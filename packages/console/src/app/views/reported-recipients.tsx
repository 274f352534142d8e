import { apiPaths, pageUrls } from '../api/api-paths.js';
import type { Message } from '../api/api-types.js';
import { ApiError } from '../api/api-client.js';
import { useApi } from '../api/use-api.js';
import { AddressText } from './address-text.js';
import { ErrorNote, LoadingNote } from './load-state.js';
import { StateBadge } from './state-badge.js';

const FINAL_FAILURES = new Set(['failed', 'expired', 'aborted']);

/**
 * What a non-delivery report is about: the recipients of the reported message that failed, each
 * with its status code and diagnostic, read from the message while the store still keeps it.
 */
export function ReportedRecipients({ messageId }: { readonly messageId: string }) {
  const path = apiPaths.message(messageId);
  const loaded = useApi(path, (api, signal) => api.json<Message>(path, signal));
  if (loaded.state === 'loading') return <LoadingNote what="the reported message" />;
  if (loaded.state === 'error') {
    if (loaded.error instanceof ApiError && loaded.error.status === 404) return <p class="muted">The reported message is no longer stored; the report's parts below tell its recipients' fate.</p>;
    return <ErrorNote error={loaded.error} onRetry={loaded.reload} />;
  }
  const failed = loaded.data.recipients.filter((r) => FINAL_FAILURES.has(r.state));
  return (
    <>
      <p>
        About <a href={pageUrls.message(messageId)}>{loaded.data.envelope.subject ?? '(no subject)'}</a>
      </p>
      <ul class="reported">
        {failed.map((r) => (
          <li key={r.index}>
            <AddressText address={r.recipient} /> <StateBadge state={r.state} />{' '}
            {r.lastError && (
              <span class="diagnostic">
                <code class="status-code">{r.lastError.code}</code> {r.lastError.diagnostic}
              </span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
