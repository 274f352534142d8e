import type { DependencyContainer } from 'tsyringe';
import {
  RENAMED_TOKENS,
  XportError,
  XportTokens,
  type Clock,
  type CredentialView,
  type InboundPort,
  type Logger,
  type MessageStore,
  type ProviderContext,
  type ProviderInfo,
} from '@xport/provider-sdk';

export interface ProviderScope {
  readonly info: ProviderInfo;
  readonly config: Record<string, unknown>;
  readonly credentials: CredentialView;
  readonly logger: Logger;
  /** The active store, read when asked (it may come online after this provider was created). */
  readonly store: () => MessageStore | undefined;
  /** Whether a store is configured at all: asking while there is no open one is then XPORT_STORE_UNAVAILABLE. */
  readonly storeConfigured: boolean;
}

/** Why a provider cannot reach the store now: the configured one is not open (yet), or none is configured. */
function toNoStoreError(providerId: string, storeConfigured: boolean, what: string): XportError {
  return storeConfigured
    ? new XportError('XPORT_STORE_UNAVAILABLE', `provider "${providerId}" ${what}, but the message store is not open`, { details: { provider: providerId } })
    : new XportError('XPORT_STORE_NOT_CONFIGURED', `provider "${providerId}" ${what}, but no message store is configured`, { details: { provider: providerId } });
}

/** Hands received messages to whatever inbound port the kernel's root container holds at call time. */
function createInboundPort(root: DependencyContainer, providerId: string, storeConfigured: boolean): InboundPort {
  return {
    deliver(message) {
      if (!root.isRegistered(XportTokens.Inbound)) return Promise.reject(toNoStoreError(providerId, storeConfigured, 'delivered an inbound message'));
      // The kernel names the receiving provider; a message that already says so is passed as it is (no copy per message).
      const stamped = message.receivedBy === providerId ? message : { ...message, receivedBy: providerId };
      return root.resolve<InboundPort>(XportTokens.Inbound).deliver(stamped);
    },
  };
}

/**
 * One provider's child container: its own Config, Logger, Credentials and ProviderInfo, plus the
 * Store and Inbound port. Because these are registered on the child, a provider resolving
 * `XportTokens.Config` or `XportTokens.Credentials` can only ever get its own.
 */
export function createProviderScope(root: DependencyContainer, scope: ProviderScope): { container: DependencyContainer; context: ProviderContext } {
  const child = root.createChildContainer();
  const kind = scope.info.manifest.kind;
  child.register(XportTokens.Config, { useValue: scope.config });
  child.register(XportTokens.Logger, { useValue: scope.logger });
  child.register(XportTokens.Credentials, { useValue: scope.credentials });
  // A provider built against an older SDK injects a token's former symbol: it gets the same service.
  for (const { symbol, now } of RENAMED_TOKENS) child.register(symbol, { useToken: now });
  child.register(XportTokens.ProviderInfo, { useValue: scope.info });
  if (kind !== 'store') {
    child.register(XportTokens.Store, {
      useFactory: () => {
        const store = scope.store();
        if (store === undefined) throw toNoStoreError(scope.info.id, scope.storeConfigured, 'asked for the message store');
        return store;
      },
    });
  }
  const inbound = kind === 'store' ? undefined : createInboundPort(root, scope.info.id, scope.storeConfigured);
  if (inbound !== undefined) child.register(XportTokens.Inbound, { useValue: inbound });
  const context: ProviderContext = {
    info: scope.info,
    config: scope.config,
    credentials: scope.credentials,
    logger: scope.logger,
    clock: child.resolve<Clock>(XportTokens.Clock),
    get store() {
      return kind === 'store' ? undefined : scope.store();
    },
    inbound,
    resolve: (token) => child.resolve(token),
    container: child,
  };
  return { container: child, context };
}
