import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { CONSOLE_SETTINGS_PATH, type ConsoleSettings } from '../../pages.js';
import { ApiClient, type ApiError } from '../api/api-client.js';
import { apiPaths } from '../api/api-paths.js';
import { LoadingNote } from '../views/load-state.js';
import { SessionContext, type Session } from './api-context.js';
import { sessionToken } from './session-token.js';
import { SignInForm } from './sign-in-form.js';
import { toSignInProblem } from './sign-in-problem.js';

type Phase =
  | { readonly name: 'checking' }
  | { readonly name: 'signed-in'; readonly token: string | undefined }
  | { readonly name: 'sign-in'; readonly problem?: string; readonly busy?: boolean };

/**
 * Renders its children once the API answers: at once where it needs no token, else after the
 * sign-in form got a token the API accepts (kept for the tab). A later 401 (the token was rotated) asks again.
 */
export function AuthGate({ children }: { readonly children: ComponentChildren }) {
  const [phase, setPhase] = useState<Phase>({ name: 'checking' });

  const attempt = useCallback(async (token: string | undefined) => {
    try {
      await new ApiClient(token).json(apiPaths.providers);
      if (token !== undefined) sessionToken.keep(token);
      setPhase({ name: 'signed-in', token });
    } catch (error) {
      if (token !== undefined) sessionToken.forget();
      setPhase({ name: 'sign-in', problem: toSignInProblem(error, token !== undefined) });
    }
  }, []);

  // A tab without a token asks the server whether one is needed (a request without one would count
  // as a failed authentication); a tab with one checks it.
  useEffect(() => {
    const stored = sessionToken.read();
    if (stored !== undefined) {
      void attempt(stored);
      return;
    }
    new ApiClient(undefined).json<ConsoleSettings>(CONSOLE_SETTINGS_PATH).then(
      (settings) => (settings.tokenRequired ? setPhase({ name: 'sign-in' }) : attempt(undefined)),
      (error: unknown) => setPhase({ name: 'sign-in', problem: toSignInProblem(error, false) }),
    );
  }, [attempt]);

  const session = useMemo<Session | undefined>(() => {
    if (phase.name !== 'signed-in') return undefined;
    const expired = (error: ApiError) => {
      sessionToken.forget();
      setPhase({ name: 'sign-in', problem: toSignInProblem(error, phase.token !== undefined) });
    };
    const api = new ApiClient(phase.token, expired);
    if (phase.token === undefined) return { api };
    return {
      api,
      signOut: () => {
        sessionToken.forget();
        setPhase({ name: 'sign-in' });
      },
    };
  }, [phase]);

  if (phase.name === 'checking') return <LoadingNote what="the console" />;
  if (phase.name === 'sign-in') {
    return (
      <SignInForm
        problem={phase.problem}
        busy={phase.busy === true}
        onSubmit={(token) => {
          setPhase({ name: 'sign-in', busy: true });
          void attempt(token);
        }}
      />
    );
  }
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
