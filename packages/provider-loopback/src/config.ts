/** Configuration of the loopback transport (the manifest's configSchema, defaults applied by the kernel). */
export interface LoopbackConfig {
  /** Report `unavailable`: recipients wait in the queue, no attempt burned. */
  readonly offline?: boolean;
  /** Defer every Nth recipient handed over (0 = never). */
  readonly deferEvery?: number;
  /** Addresses (without the `loopback:` prefix) that fail permanently with 5.1.1. */
  readonly failAddresses?: readonly string[];
  /** Addresses that are deferred (4.2.1, "mailbox busy") at every attempt: a retry to test without a network. */
  readonly deferAddresses?: readonly string[];
  /** Addresses this transport answers `not-me` for: the next transport of the address type gets them (`transportOrder`). */
  readonly notMeAddresses?: readonly string[];
  /** Wait this long before each hand-over (aborted with the send's signal). */
  readonly latencyMs?: number;
}
