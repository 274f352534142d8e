import { XportError, type ErrorDetails } from '@xport/provider-sdk';

/** Where the kernel is in its life, as far as the work it refuses is concerned. */
export type KernelPhase = 'never-started' | 'running' | 'stopped';

/**
 * The error for work asked of a kernel that is not running: `XPORT_KERNEL_NOT_STARTED` before
 * `start()` was first called, `XPORT_KERNEL_STOPPED` once it was stopped (or its start failed).
 */
export function toNotRunningError(phase: Exclude<KernelPhase, 'running'>, what: string, details?: ErrorDetails): XportError {
  const options = details === undefined ? {} : { details };
  return phase === 'never-started'
    ? new XportError('XPORT_KERNEL_NOT_STARTED', `${what}: the kernel has not been started; call start() first`, options)
    : new XportError('XPORT_KERNEL_STOPPED', `${what}: the kernel is stopped`, options);
}

/**
 * Why a kernel has no spooler: not running (see {@link toNotRunningError}), or running without an
 * open store — `XPORT_STORE_UNAVAILABLE` while a configured store is still opening,
 * `XPORT_STORE_NOT_CONFIGURED` when none is configured.
 */
export function toNoSpoolerError(phase: KernelPhase, storeConfigured: boolean): XportError {
  if (phase !== 'running') return toNotRunningError(phase, 'the spooler is not available');
  return storeConfigured
    ? new XportError('XPORT_STORE_UNAVAILABLE', 'the spooler is not available: the message store is not open yet')
    : new XportError('XPORT_STORE_NOT_CONFIGURED', 'the spooler is not available: no message store is configured');
}
