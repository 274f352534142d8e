import { describe, expect, it } from 'vitest';
import type { HookSuiteContext } from './hook-context.js';
import { credentialsToSearch, errorText, findSecret } from './secret-search.js';
import { readText } from './store-fixtures.js';
import type { TestKernel } from './test-kernel.js';

/** Every sample through the kernel; what it answered, and what it wrote, as text. */
async function judgeEverySample(ctx: HookSuiteContext, harness: TestKernel): Promise<string[]> {
  const seen: string[] = [];
  const { outbound = [], inbound = [] } = ctx.options();
  for (const sample of outbound) {
    await harness.submit(sample.message).then(
      (receipt) => seen.push(JSON.stringify(receipt)),
      (error: unknown) => seen.push(errorText(error)),
    );
  }
  for (const sample of inbound) {
    await harness.receive(sample.message).then(
      async (receipt) => {
        seen.push(JSON.stringify(receipt));
        for (const { id } of receipt.entries) {
          const entry = await harness.store.getInboxEntry(id);
          seen.push(JSON.stringify(entry));
          for (const part of entry?.parts ?? []) if (part.kind !== 'attachment') seen.push(await readText(harness.store.openPart(part.partId)));
        }
      },
      (error: unknown) => seen.push(errorText(error)),
    );
  }
  const messages = [...(await harness.store.listQueue()), ...(await harness.store.listSent())];
  seen.push(JSON.stringify(messages.map((m) => ({ envelope: m.envelope, recipients: m.recipients }))));
  return seen;
}

function kernelOutput(harness: TestKernel): string[] {
  return [harness.logs.text(), JSON.stringify(harness.status()), JSON.stringify(harness.stateChanges)];
}

/** No credential value (nor its base64 or URL-encoded form) in a verdict, a message it wrote, an error, a status row or a log line. */
export function hookSecretCases(ctx: HookSuiteContext): void {
  describe('secrets', () => {
    it('never shows a credential in verdicts, rewritten messages, errors, status rows or log lines', async ({ skip }) => {
      const { credentials = {}, badCredentials = {} } = ctx.options();
      const all = credentialsToSearch(credentials, badCredentials);
      if (Object.values(all).every((v) => v.length < 8)) {
        return skip(Object.keys(ctx.manifest().credentials ?? {}).length === 0 ? 'the manifest declares no credentials' : 'no credential of 8 characters or more given to look for');
      }
      const good = await ctx.open();
      const answered = await judgeEverySample(ctx, good);
      expect(findSecret([...answered, ...kernelOutput(good)].join('\n'), all), 'a credential value appeared in what a hook with good credentials answered, wrote or logged').toBeUndefined();

      if (Object.keys(badCredentials).length > 0) {
        const bad = await ctx.open({ credentials: badCredentials });
        expect(findSecret(kernelOutput(bad).join('\n'), all), 'a credential value appeared in the output of a kernel with bad credentials').toBeUndefined();
        // The hook's own error, before the kernel masks anything.
        const error = await Promise.resolve()
          .then(() => ctx.instance(bad).logon?.())
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(findSecret(errorText(error), all), 'a credential value appeared in the error logon() rejected with').toBeUndefined();
      }
    });
  });
}
