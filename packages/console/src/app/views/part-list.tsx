import { useState } from 'preact/hooks';
import type { Part } from '../api/api-types.js';
import { useApi } from '../api/use-api.js';
import { useSession } from '../auth/api-context.js';
import { ErrorNote, LoadState } from './load-state.js';

// Parts shown as text where they are: the bodies, and a report's delivery status and returned header.
const SHOWN_TYPES = /^(text\/plain|message\/delivery-status|text\/rfc822-headers)\b/i;

const isShown = (part: Part): boolean => part.kind === 'text' || SHOWN_TYPES.test(part.contentType);

const toSizeText = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);

function ShownPart({ part }: { readonly part: Part }) {
  const loaded = useApi(part.href, (api, signal) => api.text(part.href, signal));
  return <LoadState loaded={loaded} what="the text">{(text) => <pre class="part-text">{text}</pre>}</LoadState>;
}

/** Fetches the part with the token (a plain link would carry none) and saves it under its name. */
function DownloadButton({ part }: { readonly part: Part }) {
  const { api } = useSession();
  const [failure, setFailure] = useState<unknown>(undefined);
  const save = async () => {
    setFailure(undefined);
    try {
      const url = URL.createObjectURL(await api.blob(part.href));
      const link = document.createElement('a');
      link.href = url;
      link.download = part.filename ?? `${part.kind}-${part.partId}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <>
      <button type="button" class="download" onClick={() => void save()}>
        Download
      </button>
      {failure !== undefined && <ErrorNote error={failure} />}
    </>
  );
}

/** A message's or inbox entry's parts: text shown, everything else downloadable. */
export function PartList({ parts }: { readonly parts: readonly Part[] }) {
  if (parts.length === 0) return <p class="muted">No parts.</p>;
  return (
    <ul class="parts">
      {parts.map((part) => (
        <li key={part.partId} class="part">
          <div class="part-head">
            <strong>{part.filename ?? part.kind}</strong> <span class="muted">{part.contentType}, {toSizeText(part.size)}</span> <DownloadButton part={part} />
          </div>
          {isShown(part) && <ShownPart part={part} />}
        </li>
      ))}
    </ul>
  );
}
