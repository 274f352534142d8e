import type { SpoolerHost } from './host.js';

/**
 * The transports the spooler may claim work for now. Each one found not available is handed to the
 * host's `takeOffline`: an online transport that reports itself unavailable goes offline and logs on
 * again, so it can come back; the others are left as they are.
 */
export function availableTransports(host: SpoolerHost): string[] {
  const available: string[] = [];
  for (const id of host.transportIds()) {
    if (host.isAvailable(id)) available.push(id);
    else host.takeOffline?.(id);
  }
  return available;
}
