/** A recipient's or provider's state, coloured by what it means (the word is always shown too). */
const TONES: Readonly<Record<string, string>> = {
  online: 'good',
  up: 'good',
  delivered: 'good',
  queued: 'info',
  submitted: 'info',
  released: 'info',
  received: 'info',
  'in-flight': 'info',
  starting: 'info',
  loading: 'info',
  'logging-on': 'info',
  deferred: 'warn',
  held: 'warn',
  degraded: 'warn',
  'logon-failed': 'warn',
  stopping: 'warn',
  failed: 'bad',
  expired: 'bad',
  aborted: 'bad',
  deleted: 'bad',
  down: 'bad',
  offline: 'bad',
  invalid: 'bad',
  incompatible: 'bad',
};

export function StateBadge({ state }: { readonly state: string }) {
  return <span class={`badge ${TONES[state] ?? 'neutral'}`}>{state}</span>;
}
