import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.js';

export interface Session {
  readonly api: ApiClient;
  /** Undefined when the API needs no token (a loopback address without one set). */
  readonly signOut?: () => void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

/** The signed-in session; every page is rendered inside AuthGate, which provides it. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession outside AuthGate');
  return session;
}
