import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadConfig, type XportConfig } from '@xport/core';

/** Provider id of the embedded default store. */
export const DEFAULT_STORE_ID = 'store-sqlite';
const DEFAULT_STORE_PACKAGE = '@xport/store-sqlite';

/** Directory of the store-sqlite package the CLI itself depends on. */
function cliStorePackage(): string {
  return dirname(createRequire(import.meta.url).resolve('@xport/store-sqlite/package.json'));
}

/**
 * The configuration the CLI runs an application with, when it differs from xport.config.json.
 *
 * A configuration that names no store gets the embedded default made explicit: `store.provider`
 * "store-sqlite". The kernel then loads it like any store provider, so `providers.store-sqlite` is
 * honoured as the store's manifest defines it (its `config` validated, defaults applied; `enabled`).
 * Building the store here instead would repeat the provider's own rules and ignore its config.
 * The package is the application's own when node_modules has one (a second copy would be a
 * duplicate id), else the copy the CLI depends on, added to `discovery.paths`.
 *
 * Undefined when the kernel should read the file itself: it names a store, or it is invalid (the
 * kernel reports that, with its own code).
 *
 * @example
 * toCliConfig('/srv/app'); // no store named: { ...the file's config, store: { provider: 'store-sqlite' }, discovery: … }
 */
export function toCliConfig(root: string): XportConfig | undefined {
  let config: XportConfig;
  try {
    config = loadConfig(root);
  } catch {
    return undefined;
  }
  if (config.store.provider !== undefined) return undefined;
  const installed = config.discovery.nodeModules && existsSync(join(root, 'node_modules', DEFAULT_STORE_PACKAGE, 'package.json'));
  const paths = installed ? config.discovery.paths : [...config.discovery.paths, cliStorePackage()];
  return { ...config, store: { provider: DEFAULT_STORE_ID }, discovery: { ...config.discovery, paths } };
}
