import { AsyncLocalStorage } from 'node:async_hooks';
import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where an error nobody handled surfaced: Node's `uncaughtException` or `unhandledRejection`. */
export type FaultOrigin = 'uncaughtException' | 'unhandledRejection';

/** A running provider, as far as blaming it for an error it left unhandled goes. */
export interface FaultOwner {
  readonly id: string;
  /** Real path of the provider's package directory. */
  readonly directory: string;
  noteFault(origin: FaultOrigin, error: unknown): void;
}

// The provider whose code is running. Node carries it into every callback, timer and promise that
// code creates (AsyncLocalStorage), so an error thrown there later can still be traced to it.
const providerScope = new AsyncLocalStorage<FaultOwner>();
const owners = new Set<FaultOwner>();

/** Runs provider code (an import, a lifecycle step, a method call) as that provider's. */
export function runAsProvider<T>(owner: FaultOwner, run: () => T): T {
  return providerScope.run(owner, run);
}

/** Makes a provider known for the stack-path fallback; returns the function that forgets it. */
export function registerFaultOwner(owner: FaultOwner): () => void {
  owners.add(owner);
  return () => void owners.delete(owner);
}

function stackOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const stack = (error as { stack?: unknown }).stack;
  return typeof stack === 'string' ? stack : undefined;
}

function mentions(stack: string, directory: string): boolean {
  return stack.includes(`${directory}${sep}`) || stack.includes(`${pathToFileURL(directory).href}/`);
}

/**
 * The provider an unhandled error came from: the provider whose code (or whose callbacks) was
 * running when it surfaced, else the provider whose files appear on the error's stack (the deepest
 * package directory wins, for a provider nested in another's node_modules). Undefined when neither
 * says: the error is the kernel's own, or a dependency's that ran outside any provider call.
 */
export function findFaultOwner(error: unknown): FaultOwner | undefined {
  const running = providerScope.getStore();
  if (running !== undefined) return running;
  const stack = stackOf(error);
  if (stack === undefined) return undefined;
  let found: FaultOwner | undefined;
  for (const owner of owners) {
    if (mentions(stack, owner.directory) && (found === undefined || owner.directory.length > found.directory.length)) found = owner;
  }
  return found;
}

/**
 * Blames an error that reached `process.on('uncaughtException' | 'unhandledRejection')` on the
 * provider it came from, which logs it with its id and shows it in its status row. Returns that
 * provider's id, or undefined when the error is not a provider's (the caller should then treat it
 * as fatal, as Node would).
 *
 * @example
 * process.on('uncaughtException', (error, origin) => {
 *   if (containProviderFault(error, origin) === undefined) shutDown(error);
 * });
 */
export function containProviderFault(error: unknown, origin: FaultOrigin): string | undefined {
  const owner = findFaultOwner(error);
  if (owner === undefined) return undefined;
  owner.noteFault(origin, error);
  return owner.id;
}

/**
 * The provider instance seen through a proxy whose every method call runs as the provider's (see
 * `runAsProvider`), so what a send or a hook leaves behind (a socket's late error, a timer) is
 * still attributed to it. Methods are called on the instance itself (`this` is never the proxy,
 * so private fields work) and each wrapper is made once per method.
 */
export function toAttributedInstance<T extends object>(instance: T, owner: FaultOwner): T {
  const wrappers = new Map<PropertyKey, { readonly original: unknown; readonly wrapper: unknown }>();
  return new Proxy(instance, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      const known = wrappers.get(key);
      if (known?.original === value) return known.wrapper;
      const method = value as (...args: unknown[]) => unknown;
      const wrapper = (...args: unknown[]): unknown => providerScope.run(owner, () => Reflect.apply(method, target, args));
      wrappers.set(key, { original: value, wrapper });
      return wrapper;
    },
  });
}
