/**
 * Polls `check` until it returns a value other than `undefined`, or fails after `timeoutMs` with an
 * error that says what was awaited and what was last seen.
 *
 * @example
 * const entry = await waitUntil(async () => (await store.listInbox('loopback:ada'))[0], { what: 'an inbox entry' });
 */
export async function waitUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  options: { readonly what: string; readonly timeoutMs?: number; readonly intervalMs?: number; readonly describe?: () => Promise<string> | string },
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      const seen = options.describe ? `; last seen: ${await options.describe()}` : '';
      throw new Error(`test kernel: timed out after ${options.timeoutMs ?? 10_000} ms waiting for ${options.what}${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}
