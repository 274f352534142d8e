import type { Clock, CredentialView, InboundPort, Logger, ProviderInfo, ServiceContainer, ServiceToken } from './services.js';
import type { MessageStore } from './store.js';
import type { ProviderKind } from './manifest.js';

/**
 * Lifecycle every provider may implement. The kernel calls `logon` (validate credentials; throw
 * an `XPORT_LOGON_FAILED` error to refuse), then `start`, and `stop` in reverse start order.
 * `stop` is called for every provider whose `logon` ran, even one whose logon never succeeded, so
 * whatever `logon` opened (a listener, a pool) is released; it must cope with `start` never having run.
 */
export interface ProviderLifecycle {
  logon?(): Promise<void> | void;
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

/** What the kernel gives a provider factory: its own scoped services, resolved from its child container. */
export interface ProviderContext<Config = Record<string, unknown>> {
  readonly info: ProviderInfo;
  readonly config: Config;
  readonly credentials: CredentialView;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The message store (not available to store providers themselves). */
  readonly store: MessageStore | undefined;
  /** The inbound path (transports and hooks). */
  readonly inbound: InboundPort | undefined;
  /** Resolves anything else registered in the provider's container. */
  resolve<T>(token: ServiceToken<T>): T;
  /** The provider's own DI container (a tsyringe child container, seen through a plain type). */
  readonly container: ServiceContainer;
}

const DEFINITION = Symbol.for('xport.ProviderDefinition');

/** What a provider module default-exports: built by one of the `define*` helpers. */
export interface ProviderDefinition<Kind extends ProviderKind = ProviderKind, Instance = unknown> {
  readonly kind: Kind;
  create(context: ProviderContext<never>): Instance | Promise<Instance>;
}

export function brandDefinition<D extends ProviderDefinition>(definition: D): D {
  Object.defineProperty(definition, DEFINITION, { value: definition.kind, enumerable: false });
  return definition;
}

/** True for a definition made by any copy of the SDK. */
export function isProviderDefinition(value: unknown): value is ProviderDefinition {
  return typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[DEFINITION] === 'string';
}
