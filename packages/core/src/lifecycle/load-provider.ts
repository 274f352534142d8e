import { pathToFileURL } from 'node:url';
import type { DependencyContainer } from 'tsyringe';
import { XportError, isProviderDefinition, type ProviderContext, type ProviderKind } from '@xport/provider-sdk';
import { assertCompleteStore } from '../store-contract.js';

/** What a loaded provider instance may be; its shape was checked for its kind. */
export type ProviderInstance = Record<string, unknown> & { logon?(): unknown; start?(): unknown; stop?(): unknown };

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `a function "${value.name || 'anonymous'}" that is not an @injectable() provider class`;
  if (typeof value === 'object') return `an object with keys [${Object.keys(value).slice(0, 8).join(', ')}]`;
  return `a ${typeof value}`;
}

function checkShape(kind: ProviderKind, instance: unknown, packageName: string): ProviderInstance {
  const missing = (what: string): XportError =>
    new XportError('XPORT_PROVIDER_IMPORT_FAILED', `${packageName}: the ${kind} provider it created is ${describeValue(instance)}, expected ${what}`);
  if (typeof instance !== 'object' || instance === null) throw missing('an object');
  const methods = instance as Record<string, unknown>;
  if (kind === 'transport' && typeof methods.send !== 'function') throw missing('an object with a send() method');
  // Checked before open(): a store built against another contract is refused with what it lacks.
  if (kind === 'store') assertCompleteStore(instance, `${packageName}: the store provider it created`);
  return instance as ProviderInstance;
}

/** A provider's imported entry module. */
export interface ProviderModule {
  readonly default?: unknown;
}

/** Imports a provider's entry module (its top-level code runs here). */
export async function importProviderModule(entryPath: string, packageName: string): Promise<ProviderModule> {
  try {
    return (await import(pathToFileURL(entryPath).href)) as ProviderModule;
  } catch (error) {
    throw new XportError('XPORT_PROVIDER_IMPORT_FAILED', `${packageName}: importing ${entryPath} threw: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
}

/**
 * Builds the provider instance from its imported module. The default export may be a definition
 * from a `define*Provider` helper (its `create(context)` is called) or an `@injectable()` class whose
 * constructor parameters carry `@inject(XportTokens.…)` (resolved from the provider's container).
 */
export async function createProviderInstance(
  module: ProviderModule,
  entryPath: string,
  kind: ProviderKind,
  packageName: string,
  scope: { readonly container: DependencyContainer; readonly context: ProviderContext },
): Promise<ProviderInstance> {
  const exported = module.default;
  if (isProviderDefinition(exported)) {
    if (exported.kind !== kind) {
      throw new XportError('XPORT_PROVIDER_IMPORT_FAILED', `${packageName}: entry exports a ${exported.kind} provider definition, but the manifest kind is "${kind}"`);
    }
    return checkShape(kind, await exported.create(scope.context as ProviderContext<never>), packageName);
  }
  if (typeof exported === 'function') {
    let instance: unknown;
    try {
      instance = scope.container.resolve(exported as new (...args: never[]) => unknown);
    } catch (error) {
      throw new XportError('XPORT_PROVIDER_IMPORT_FAILED', `${packageName}: default export ${describeValue(exported)} could not be constructed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return checkShape(kind, instance, packageName);
  }
  throw new XportError(
    'XPORT_PROVIDER_IMPORT_FAILED',
    `${packageName}: entry ${entryPath} default-exports ${exported === undefined ? 'nothing' : describeValue(exported)}; expected a define${kind[0]?.toUpperCase()}${kind.slice(1)}Provider(...) definition or an @injectable() class`,
  );
}
