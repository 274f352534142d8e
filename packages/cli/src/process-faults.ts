import { containProviderFault, type FaultOrigin } from '@xport/core';
import type { CliIO } from './output.js';

type FatalListener = (error: unknown, origin: FaultOrigin) => void;
const fatalListeners = new Set<FatalListener>();

/**
 * Hears errors that reached the process unhandled and came from no provider (a running daemon
 * stops cleanly on them). Returns the function that stops listening.
 */
export function onFatalFault(listener: FatalListener): () => void {
  fatalListeners.add(listener);
  return () => void fatalListeners.delete(listener);
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * The process-wide handlers for errors nothing handled, installed by the `xport` binary before any
 * command (and so before any provider code) runs. An error the kernel traces to a provider is
 * contained: the kernel logs it with the provider's id and the process runs on. Any other is
 * treated as Node treats it by default — fatal — but a running daemon first stops cleanly
 * (`onFatalFault`); without one the process prints the error and exits 1.
 */
export function installFaultHandlers(io: CliIO): void {
  const handle = (error: unknown, origin: FaultOrigin): void => {
    if (containProviderFault(error, origin) !== undefined) return;
    if (fatalListeners.size > 0) {
      for (const listener of fatalListeners) listener(error, origin);
      return;
    }
    io.stderr(`xport: internal error (${origin}): ${describe(error)}\n`);
    io.exit?.(1);
  };
  process.on('uncaughtException', (error) => handle(error, 'uncaughtException'));
  process.on('unhandledRejection', (reason) => handle(reason, 'unhandledRejection'));
}
