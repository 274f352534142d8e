import type { Kernel } from '@xport/core';

export interface Readiness {
  readonly status: 'ready' | 'not-ready';
  readonly store: 'open' | 'closed';
  readonly transports: { readonly online: string[]; readonly notOnline: Array<{ id: string; state: string }> };
  /** Why not ready: the xport code and a message naming what is missing. */
  readonly code?: string;
  readonly message?: string;
}

function storeOpen(kernel: Kernel): boolean {
  if (kernel.store() === undefined) return false;
  try {
    kernel.spooler();
    return true;
  } catch {
    return false;
  }
}

/**
 * Ready to take work: the store is open (a submit can be accepted) and at least one enabled
 * transport is online (something can be sent); never while the daemon is `stopping`. What is not
 * online is listed either way.
 */
export function checkReadiness(kernel: Kernel, stopping = false): Readiness {
  const rows = kernel.status().filter((row) => row.kind === 'transport' && row.enabled);
  const online = rows.filter((row) => row.state === 'online').map((row) => row.id);
  const notOnline = rows.filter((row) => row.state !== 'online').map((row) => ({ id: row.id, state: row.state }));
  const store = storeOpen(kernel) ? 'open' : 'closed';
  const transports = { online, notOnline };
  if (stopping) return { status: 'not-ready', store, transports, code: 'XPORT_KERNEL_STOPPED', message: 'the daemon is stopping' };
  if (store === 'closed') {
    return { status: 'not-ready', store, transports, code: 'XPORT_STORE_UNAVAILABLE', message: 'the message store is not open (the daemon is starting or stopping, or the store failed)' };
  }
  if (online.length === 0) {
    const which = notOnline.length === 0 ? 'no transport is enabled' : `no transport is online (${notOnline.map((t) => `${t.id}: ${t.state}`).join(', ')})`;
    return { status: 'not-ready', store, transports, code: 'XPORT_PROVIDER_UNAVAILABLE', message: which };
  }
  return { status: 'ready', store, transports };
}
