import type { FaultOrigin } from '@xport/core';
import type { Logger } from '@xport/provider-sdk';
import type { CliIO } from './output.js';
import { onFatalFault } from './process-faults.js';

/** Why the daemon stops: a signal, or an error that reached the process from no provider. */
export type ShutdownReason = { readonly kind: 'signal'; readonly signal: NodeJS.Signals } | { readonly kind: 'fault'; readonly origin: FaultOrigin; readonly error: unknown };

export interface ShutdownWatch {
  /** Resolves with the first reason to stop. */
  readonly requested: Promise<ShutdownReason>;
  /** Removes the handlers. */
  dispose(): void;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Takes over SIGINT and SIGTERM (and fatal faults) for the daemon. Installed before any provider
 * code runs, so a stop request is always heard, even while a provider's import or logon hangs. A
 * second signal while the daemon is stopping ends the process at once (exit 1) — the operator's
 * way out of a stop that takes too long; what was claimed is sent again after its lease.
 */
export function watchForShutdown(io: CliIO, logger: Logger): ShutdownWatch {
  let resolveRequest!: (reason: ShutdownReason) => void;
  const requested = new Promise<ShutdownReason>((resolve) => (resolveRequest = resolve));
  let stopping = false;
  const request = (reason: ShutdownReason): void => {
    if (stopping) return;
    stopping = true;
    resolveRequest(reason);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stopping) return request({ kind: 'signal', signal });
    logger.warn(`${signal} again while stopping: exiting now (claimed recipients are sent again once their lease expires)`);
    io.exit?.(1);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  const stopHearingFaults = onFatalFault((error, origin) => {
    if (stopping) logger.error(`${origin} from no provider while stopping: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    request({ kind: 'fault', origin, error });
  });
  return {
    requested,
    dispose() {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      stopHearingFaults();
    },
  };
}
