import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/api-client.js';
import type { Loaded } from '../api/use-api.js';

export function LoadingNote({ what }: { readonly what: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorNote({ error, onRetry }: { readonly error: unknown; readonly onRetry?: () => void }) {
  const text = error instanceof ApiError ? `${error.message} (${error.code})` : String(error);
  return (
    <div class="error" role="alert">
      <p>{text}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

interface LoadStateProps<T> {
  readonly loaded: Loaded<T> & { readonly reload?: () => void };
  readonly what: string;
  readonly children: (data: T) => ComponentChildren;
}

/** A loading note, an error with a retry, or what the data renders to. */
export function LoadState<T>({ loaded, what, children }: LoadStateProps<T>) {
  if (loaded.state === 'loading') return <LoadingNote what={what} />;
  if (loaded.state === 'error') return <ErrorNote error={loaded.error} onRetry={loaded.reload} />;
  return <>{children(loaded.data)}</>;
}
