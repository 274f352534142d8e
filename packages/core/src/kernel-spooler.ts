import type { Clock, Logger, MessageStore, TransportProvider } from '@xport/provider-sdk';
import type { XportConfig } from './config/config-schema.js';
import type { ProviderRunner } from './lifecycle/provider-runner.js';
import type { ProviderStateChange } from './lifecycle/provider-state.js';
import type { RoutingTable } from './routing/routing-table.js';
import type { HookEntry, SpoolerHost } from './spooler/host.js';
import { toSpoolerOptions } from './spooler/options.js';
import { toReportOptions } from './spooler/report-options.js';
import { createSpooler, type Spooler } from './spooler/spooler.js';
import { createVerpCodec } from './spooler/verp-token.js';

// The same defaults xport.config.json applies to a provider listed without limits.
const DEFAULT_LIMITS = { concurrency: 8, ratePerSecond: 0 } as const;

export interface SpoolerHostParts {
  readonly store: MessageStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config: XportConfig;
  routing(): RoutingTable;
  runners(): readonly ProviderRunner[];
  hooks(): readonly HookEntry[];
  onProviderState(listener: (change: ProviderStateChange) => void): () => void;
  redact(text: string): string;
  /** The `reports.verpKey` credential (the VERP tokens' HMAC key), read when the spooler is made. */
  verpKey?(): string | undefined;
}

/** The VERP codec when `reports.verp` is set; without the key, VERP is off and said so once. */
function toVerpCodec(parts: SpoolerHostParts, reports: ReturnType<typeof toReportOptions>) {
  if (reports.verp === undefined) return undefined;
  const verp = createVerpCodec(reports.verp, parts.verpKey?.());
  if (verp === undefined) {
    parts.logger.warn('reports.verp is set but the reports.verpKey credential is not: no VERP return path is written and no VERP token is trusted', {
      credential: 'reports.verpKey',
    });
  }
  return verp;
}

/** The kernel seen through the spooler's narrow host interface. */
export function createSpoolerHost(parts: SpoolerHostParts): SpoolerHost {
  const transportRunner = (id: string) => parts.runners().find((r) => r.id === id && r.record.kind === 'transport');
  const reports = toReportOptions(parts.config.reports);
  const verp = toVerpCodec(parts, reports);
  return {
    store: parts.store,
    clock: parts.clock,
    logger: parts.logger.child({ component: 'spooler' }),
    options: toSpoolerOptions(parts.config.spooler),
    reports,
    ...(verp === undefined ? {} : { verp }),
    routing: () => parts.routing(),
    transportIds: () => parts.runners().filter((r) => r.record.kind === 'transport' && r.instance !== undefined).map((r) => r.id),
    transport: (id) => transportRunner(id)?.instance as TransportProvider | undefined,
    isAvailable(id) {
      const runner = transportRunner(id);
      if (runner === undefined || runner.state !== 'online') return false;
      try {
        return (runner.instance as TransportProvider | undefined)?.availability?.() !== 'unavailable';
      } catch {
        return false;
      }
    },
    // The runner takes an online one offline and logs on again with backoff, so it can come back.
    takeOffline: (id) => transportRunner(id)?.takeOffline(),
    onProviderState: (listener) => parts.onProviderState((change) => listener({ id: change.id, to: change.to })),
    hooks: () => parts.hooks(),
    limits: (id) => parts.config.providers[id]?.limits ?? DEFAULT_LIMITS,
    redact: (text) => parts.redact(text),
  };
}

/** The spooler over the kernel's parts. The store was checked against the contract before it opened. */
export function createKernelSpooler(parts: SpoolerHostParts): Spooler {
  return createSpooler(createSpoolerHost(parts));
}
