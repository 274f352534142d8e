import { container as globalContainer, type DependencyContainer } from 'tsyringe';
import { XportTokens, type Clock, type Logger } from '@xport/provider-sdk';

/**
 * The kernel's root container: a child of tsyringe's global one, so two kernels in one process never
 * share registrations. It holds kernel services only — Clock, the root Logger, and (once known) the
 * Store and the Inbound port. Provider-scoped services live in each provider's own child.
 */
export function createRootContainer(services: { readonly clock: Clock; readonly logger: Logger }): DependencyContainer {
  const root = globalContainer.createChildContainer();
  root.register(XportTokens.Clock, { useValue: services.clock });
  root.register(XportTokens.Logger, { useValue: services.logger });
  return root;
}
