import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../auth/api-context.js';
import type { ApiClient } from './api-client.js';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: unknown }
  | { readonly state: 'ready'; readonly data: T };

/**
 * Reads something through the API whenever `key` changes (a path, say); a read still under way
 * for an older key is aborted. `reload` reads again.
 */
export function useApi<T>(key: string, read: (api: ApiClient, signal: AbortSignal) => Promise<T>): Loaded<T> & { readonly reload: () => void } {
  const { api } = useSession();
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setLoaded({ state: 'loading' });
    read(api, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setLoaded({ state: 'ready', data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setLoaded({ state: 'error', error });
      },
    );
    return () => controller.abort();
    // `read` is a new function each render; what it reads is named by `key`.
  }, [api, key, round]);
  return { ...loaded, reload: () => setRound((n) => n + 1) };
}
