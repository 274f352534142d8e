import { brandDefinition, type ProviderContext, type ProviderDefinition, type ProviderLifecycle } from './provider.js';
import type { MessageStore } from './store.js';

/** A store provider instance: the store plus the lifecycle hooks. */
export type StoreProvider = MessageStore & ProviderLifecycle;

export type StoreDefinition<Config> = ProviderDefinition<'store', StoreProvider> & {
  create(context: ProviderContext<Config>): StoreProvider | Promise<StoreProvider>;
};

/**
 * Defines a store provider module.
 *
 * @example
 * export default defineStoreProvider<{ path: string }>({ create: ({ config, info }) => openMyStore(config.path, info.appRoot) });
 */
export function defineStoreProvider<Config = Record<string, unknown>>(definition: {
  create(context: ProviderContext<Config>): StoreProvider | Promise<StoreProvider>;
}): StoreDefinition<Config> {
  return brandDefinition({ kind: 'store', create: definition.create } as StoreDefinition<Config>);
}

