import { useState } from 'preact/hooks';

interface SignInFormProps {
  readonly problem: string | undefined;
  readonly busy: boolean;
  readonly onSubmit: (token: string) => void;
}

/** Asks for the API token. The token is never shown: the field is a password field. */
export function SignInForm({ problem, busy, onSubmit }: SignInFormProps) {
  const [token, setToken] = useState('');
  return (
    <main class="sign-in">
      <h1>xport console</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim() !== '') onSubmit(token.trim());
        }}
      >
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        <p class="hint">The token the daemon reads as credential <code>token</code> of <code>http</code> (<code>XPORT_HTTP__TOKEN</code>). It is kept for this tab only.</p>
        {problem !== undefined && (
          <p class="problem" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
