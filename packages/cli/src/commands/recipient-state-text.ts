import type { RecipientState } from '@xport/provider-sdk';

/**
 * A recipient's state as the tables print it: `held (expires)` for one held with `--expire`, which
 * still expires when its message's lifetime passes; the state itself otherwise.
 *
 * @example
 * formatRecipientState({ state: 'held', expiresWhileHeld: true }); // 'held (expires)'
 */
export function formatRecipientState(recipient: { readonly state: RecipientState; readonly expiresWhileHeld?: boolean }): string {
  return recipient.state === 'held' && recipient.expiresWhileHeld === true ? 'held (expires)' : recipient.state;
}
