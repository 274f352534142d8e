import type { Clock, HookProvider, Logger, MessageStore, TransportProvider } from '@xport/provider-sdk';
import type { ReportOptions } from './report-options.js';
import type { VerpCodec } from './verp-token.js';

/** Retry schedule for deferred recipients (Postfix's minimal/maximal backoff and maximal queue lifetime). */
export interface RetryOptions {
  /** First retry delay; doubles per attempt. Postfix `minimal_backoff_time`: 300 s. */
  readonly minDelayMs: number;
  /** Ceiling of the backoff. Postfix `maximal_backoff_time`: 4000 s. */
  readonly maxDelayMs: number;
  /** After this long a recipient not yet final expires (NDR). Postfix `maximal_queue_lifetime`: 5 days. */
  readonly lifetimeMs: number;
}

export interface SpoolerOptions {
  /** How long a claim is held before another spooler may take it over. */
  readonly leaseMs: number;
  /** Most recipients claimed per store round trip. */
  readonly batchSize: number;
  /** Longest sleep between two looks at the queue when nothing wakes the spooler. */
  readonly pollMs: number;
  /** A `send` that has not settled by then is aborted and counted as a deferral. */
  readonly sendTimeoutMs: number;
  /** How long `stop()` lets in-flight sends finish before aborting them. */
  readonly stopTimeoutMs: number;
  /** Largest accepted message: text + HTML + attachments, in bytes. */
  readonly maxMessageBytes: number;
  readonly retry: RetryOptions;
}

/** Per-provider send limits the spooler enforces. */
export interface ProviderLimits {
  /** Most messages in flight at once for this provider; 0 = unlimited. */
  readonly concurrency: number;
  /** Most messages handed over per second (token bucket); 0 = unlimited. */
  readonly ratePerSecond: number;
  /** Limits of each destination the transport names (`destinationOf`); none beyond the transport's when absent. */
  readonly perDestination?: PerDestinationLimits;
}

/** The limits of one destination of a transport. */
export interface DestinationLimits {
  /** Most messages in flight at once to the destination; 0 = only the transport's limit. */
  readonly concurrency: number;
  /** Most messages handed over per second to the destination; 0 = unlimited. */
  readonly ratePerSecond: number;
  /** Sends in a row that fail for every recipient before the destination is suspended; 0 = never. */
  readonly suspendAfterFailures: number;
}

/** Per-destination limits of a transport: defaults, and overrides for destinations matching a pattern. */
export interface PerDestinationLimits extends DestinationLimits {
  /** First match wins; `*` in `destination` matches any run of characters, case-insensitively. */
  readonly overrides: ReadonlyArray<{ readonly destination: string } & Partial<DestinationLimits>>;
}

export interface ProviderStateChange {
  readonly id: string;
  /** The state the provider moved to (`online`, `offline`, ...). */
  readonly to: string;
}

/** The address-type routing table: which transports take a type, first choice first. */
export interface RoutingView {
  providersFor(addressType: string): readonly string[];
}

/** An enabled hook provider, whatever its state: the spooler refuses what an unavailable one would judge. */
export interface HookEntry {
  /** Named in every rejection and refusal. */
  readonly id: string;
  /** The provider state (`online`, `logon-failed`, `invalid`, ...); only an `online` hook is called. */
  readonly state: string;
  /** The instance once it has loaded, whatever its state now; undefined when it never loaded. */
  readonly hook: HookProvider | undefined;
  /** Manifest `advisory`: while not online it is passed by with a warning instead of refusing messages. */
  readonly advisory: boolean;
  /** Why it is not online, when known (already masked). */
  readonly lastError?: { readonly code: string; readonly message: string };
}

/**
 * What the spooler needs from the kernel. Narrow on purpose: the kernel owns discovery, lifecycle
 * and the routing table; the spooler only reads them.
 */
export interface SpoolerHost {
  readonly store: MessageStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: SpoolerOptions;
  /** Where reports go and how inbound ones are read; the defaults (`toReportOptions()`) when absent. */
  readonly reports?: ReportOptions;
  /**
   * VERP return paths (`reports.verp` with the `reports.verpKey` credential): written for each
   * recipient sent, read from bounces. Absent: none are written, and no token is trusted.
   */
  readonly verp?: VerpCodec;
  routing(): RoutingView;
  /** Ids of every loaded transport provider, whatever its state. */
  transportIds(): readonly string[];
  transport(id: string): TransportProvider | undefined;
  /**
   * True when the provider is online and its `availability()` is not `unavailable` (nor throws). A
   * question only: asking changes nothing.
   */
  isAvailable(id: string): boolean;
  /**
   * The spooler found transport `id` not available. One that is online (so its own `availability()`
   * said `unavailable`, or threw) is taken offline and logged on again with backoff, so it can come
   * back; one that is not online is left as it is. Without it, such a transport stays online and is
   * skipped until `availability()` says otherwise.
   */
  takeOffline?(id: string): void;
  onProviderState(listener: (event: ProviderStateChange) => void): () => void;
  /** Every enabled hook provider, online or not, in judging order (`hookOrder`, then discovery order). */
  hooks(): readonly HookEntry[];
  limits(id: string): ProviderLimits;
  /** Masks known secrets in what a transport reports (a peer may echo a credential); the kernel's redactor. */
  redact?(text: string): string;
}
