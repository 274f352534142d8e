import { describe, expect, it } from 'vitest';
import { makeMessageInput } from './message-fixtures.js';
import type { TestKernel } from './test-kernel.js';
import { credentialsToSearch, errorText, findSecret } from './secret-search.js';
import type { TransportSuiteContext } from './transport-context.js';

async function everythingVisible(harness: TestKernel): Promise<string> {
  const messages = [...(await harness.store.listQueue()), ...(await harness.store.listSent())];
  return [
    harness.logs.text(),
    JSON.stringify(harness.status()),
    JSON.stringify(harness.stateChanges),
    JSON.stringify(harness.outcomes),
    JSON.stringify(messages.map((m) => m.recipients.map((r) => r.lastError))),
  ].join('\n');
}

/** No credential value (nor its base64 or URL-encoded form) in an error, a status row, an outcome or a log line. */
export function secretCases(ctx: TransportSuiteContext): void {
  describe('secrets', () => {
    it('never shows a credential in errors, status rows, outcomes or log lines', async ({ skip }) => {
      const { credentials = {}, badCredentials = {}, deliver, fail = [], defer = [] } = ctx.options();
      const all = credentialsToSearch(credentials, badCredentials);
      if (Object.values(all).every((v) => v.length < 8)) {
        return skip(Object.keys(ctx.manifest().credentials ?? {}).length === 0 ? 'the manifest declares no credentials' : 'no credential of 8 characters or more given to look for');
      }

      const good = await ctx.open();
      const receipt = await good.submit(makeMessageInput({ from: ctx.options().from ?? deliver[0]!, to: [...deliver, ...fail, ...defer] }));
      await good.waitForOutcomes(receipt.messageId, { timeoutMs: ctx.timeoutMs() });
      expect(findSecret(await everythingVisible(good), all), 'a credential value appeared in the output of a kernel with good credentials').toBeUndefined();

      if (Object.keys(badCredentials).length > 0) {
        const bad = await ctx.open({ credentials: badCredentials });
        expect(bad.kernel.providerState(ctx.id())).toBe('logon-failed');
        expect(findSecret(await everythingVisible(bad), all), 'a credential value appeared in the output of a kernel with bad credentials').toBeUndefined();
        // The provider's own error, before the kernel masks anything.
        const error = await Promise.resolve()
          .then(() => bad.transport(ctx.id())?.logon?.())
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(findSecret(errorText(error), all), 'a credential value appeared in the error logon() rejected with').toBeUndefined();
      }
    });
  });
}
