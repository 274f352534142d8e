import type { Recipient } from './address.js';
import type { InboundMessage, OutboundMessage } from './message.js';
import { brandDefinition, type ProviderContext, type ProviderDefinition, type ProviderLifecycle } from './provider.js';

/**
 * What an outbound hook decides for a submitted message (docs/writing-a-hook.md has the full rules).
 *
 * - `pass`: no change.
 * - `reject`: the submission is refused with `XPORT_MESSAGE_REJECTED` naming the hook and `reason`;
 *   nothing is queued and later hooks do not run.
 * - `rewrite`: changes the named fields only; later hooks see the result.
 */
export type OutboundVerdict =
  | { readonly action: 'pass' }
  | { readonly action: 'reject'; readonly reason: string }
  | {
      readonly action: 'rewrite';
      /** Replaces the whole recipient list (a reroute); an empty list is refused. Omitted: kept. */
      readonly recipients?: ReadonlyArray<{ readonly recipient: Recipient; readonly role: 'to' | 'cc' | 'bcc' }>;
      /** A string replaces the subject, `null` removes it. Omitted: kept. */
      readonly subject?: string | null;
      /**
       * Merged into the message's extra headers, names compared case-insensitively: a string sets the
       * header (added, or replacing the one of that name in the hook's spelling), `null` removes it.
       * Headers not named here are kept.
       */
      readonly headers?: Readonly<Record<string, string | null>>;
    };

/**
 * What an inbound hook decides for a received message: `pass`, `reject` (each recipient mailbox is
 * refused with `reason`; nothing is written), or `rewrite`, whose `message` replaces the whole message
 * (return `{ ...message, subject: … }` to change one field).
 */
export type InboundVerdict =
  | { readonly action: 'pass' }
  | { readonly action: 'reject'; readonly reason: string }
  | { readonly action: 'rewrite'; readonly message: InboundMessage };

export interface OutboundHookInput {
  readonly from?: Recipient;
  readonly recipients: ReadonlyArray<{ readonly recipient: Recipient; readonly role: 'to' | 'cc' | 'bcc' }>;
  readonly subject?: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A hook provider (MAPI_HOOK_PROVIDER): filters, rewrites, reroutes or rejects messages. A hook judges
 * the directions it has a method for. While an enabled hook is not online, the messages it would judge
 * are refused (`XPORT_HOOK_UNAVAILABLE`) unless its manifest says `"advisory": true`.
 */
export interface HookProvider extends ProviderLifecycle {
  /** Called at submit, before routing, with the headers as earlier hooks left them. */
  outbound?(message: OutboundHookInput): Promise<OutboundVerdict> | OutboundVerdict;
  /** Called for every message a transport receives, before it is written to any inbox. */
  inbound?(message: InboundMessage): Promise<InboundVerdict> | InboundVerdict;
}

export type HookDefinition<Config> = ProviderDefinition<'hook', HookProvider> & {
  create(context: ProviderContext<Config>): HookProvider | Promise<HookProvider>;
};

/**
 * Defines a hook provider module.
 *
 * @example
 * export default defineHookProvider({
 *   create: () => ({ outbound: (m) => (m.subject?.includes('[spam]') ? { action: 'reject', reason: 'spam' } : { action: 'pass' }) }),
 * });
 */
export function defineHookProvider<Config = Record<string, unknown>>(definition: {
  create(context: ProviderContext<Config>): HookProvider | Promise<HookProvider>;
}): HookDefinition<Config> {
  return brandDefinition({ kind: 'hook', create: definition.create } as HookDefinition<Config>);
}

export type { OutboundMessage };
