/** Configuration of the loopback transport (the manifest's configSchema, defaults applied by the kernel). */
export interface LoopbackConfig {
  /** Report `unavailable`: recipients wait in the queue, no attempt burned. */
  readonly offline?: boolean;
  /** Defer every Nth recipient handed over (0 = never). */
  readonly deferEvery?: number;
  /** Addresses (without the `loopback:` prefix) that fail permanently with 5.1.1. */
  readonly failAddresses?: readonly string[];
  /** Wait this long before each hand-over (aborted with the send's signal). */
  readonly latencyMs?: number;
}
