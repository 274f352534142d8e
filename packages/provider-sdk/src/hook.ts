import type { Recipient } from './address.js';
import type { InboundMessage, OutboundMessage } from './message.js';
import { brandDefinition, type ProviderContext, type ProviderDefinition, type ProviderLifecycle } from './provider.js';

/** What an outbound hook decides for a submitted message. */
export type OutboundVerdict =
  | { readonly action: 'pass' }
  | { readonly action: 'reject'; readonly reason: string }
  /** Replace the recipients (reroute) and/or headers and subject (rewrite). */
  | {
      readonly action: 'rewrite';
      readonly recipients?: ReadonlyArray<{ readonly recipient: Recipient; readonly role: 'to' | 'cc' | 'bcc' }>;
      readonly subject?: string;
      readonly headers?: Readonly<Record<string, string>>;
    };

/** What an inbound hook decides for a received message. */
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

/** A hook provider (MAPI_HOOK_PROVIDER): filters, rewrites, reroutes or rejects messages. */
export interface HookProvider extends ProviderLifecycle {
  outbound?(message: OutboundHookInput): Promise<OutboundVerdict> | OutboundVerdict;
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
