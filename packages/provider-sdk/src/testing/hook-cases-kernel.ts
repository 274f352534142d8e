import { describe, expect, it } from 'vitest';
import { formatRecipient, toMailboxKey } from '../address.js';
import type { InboundMessage } from '../message.js';
import type { InboxEntry, StoredMessage } from '../store.js';
import type { HookSuiteContext } from './hook-context.js';
import { makeOutboundHookInput, sampleName } from './hook-samples.js';
import type { TestKernel } from './test-kernel.js';
import { readText } from './store-fixtures.js';

/** The fields of a submitted or stored message a hook can change, in one comparable form. */
function outboundView(message: { readonly subject?: string | undefined; readonly headers: Readonly<Record<string, string>>; readonly recipients: ReadonlyArray<{ readonly recipient: Parameters<typeof formatRecipient>[0]; readonly role: string }> }): unknown {
  return { subject: message.subject, headers: { ...message.headers }, recipients: message.recipients.map((r) => `${r.role} ${formatRecipient(r.recipient)}`) };
}

function storedOutboundView(stored: StoredMessage): unknown {
  return outboundView({ subject: stored.envelope.subject, headers: stored.envelope.headers, recipients: stored.recipients });
}

async function storedIds(harness: TestKernel): Promise<string[]> {
  return [...(await harness.store.listQueue()), ...(await harness.store.listSent())].map((m) => m.id).sort();
}

/** A received message as the inbox keeps it: envelope fields, mailboxes, bodies and attachments. */
async function inboxView(harness: TestKernel, entries: readonly InboxEntry[]): Promise<unknown> {
  const first = entries[0];
  if (first === undefined) return { mailboxes: [] };
  const body = async (kind: 'text' | 'html'): Promise<string | undefined> => {
    const part = first.parts.find((p) => p.kind === kind);
    return part === undefined ? undefined : readText(harness.store.openPart(part.partId));
  };
  return {
    mailboxes: entries.map((e) => e.mailbox).sort(),
    from: first.envelope.from === undefined ? undefined : toMailboxKey(first.envelope.from),
    subject: first.envelope.subject,
    headers: { ...first.envelope.headers },
    text: await body('text'),
    html: await body('html'),
    attachments: first.parts.filter((p) => p.kind === 'attachment').map((p) => `${p.filename ?? ''} ${p.size}`),
  };
}

function receivedView(message: InboundMessage): unknown {
  const size = (content: unknown): number => (typeof content === 'string' ? Buffer.byteLength(content) : content instanceof Uint8Array ? content.byteLength : -1);
  return {
    mailboxes: [...new Set(message.recipients.map((r) => toMailboxKey(r)))].sort(),
    from: message.from === undefined ? undefined : toMailboxKey(message.from),
    subject: message.subject,
    headers: { ...message.headers },
    text: message.text,
    html: message.html,
    attachments: (message.attachments ?? []).map((a) => `${a.filename} ${size(a.content)}`),
  };
}

/** What each verdict does once a real kernel applies it: the documented effect, and nothing else. */
export function hookKernelCases(ctx: HookSuiteContext): void {
  describe('through the kernel', () => {
    it('outbound: a pass queues the message unchanged, a rewrite changes it, a reject queues nothing and names the hook', async ({ skip }) => {
      const samples = ctx.options().outbound ?? [];
      if (samples.length === 0) return skip('no outbound samples');
      const harness = await ctx.open();
      for (const [i, sample] of samples.entries()) {
        const name = sampleName(sample, i);
        const submitted = outboundView(makeOutboundHookInput(sample.message));
        if (sample.verdict === 'reject') {
          const before = await storedIds(harness);
          const error = await harness.submit(sample.message).then(
            (receipt) => new Error(`${name}: expected a rejection, but message ${receipt.messageId} was queued`),
            (e: unknown) => e,
          );
          expect(error, name).toMatchObject({ code: 'XPORT_MESSAGE_REJECTED', message: expect.stringContaining(`outbound hook '${ctx.id()}' rejected the message: `) });
          expect(await storedIds(harness), `${name}: a rejected message is not stored`).toEqual(before);
          continue;
        }
        const { messageId } = await harness.submit(sample.message);
        const stored = await harness.store.getMessage(messageId);
        expect(stored, `${name}: the accepted message is stored`).toBeDefined();
        if (sample.verdict === 'pass') expect(storedOutboundView(stored!), `${name}: a pass keeps subject, headers and recipients`).toEqual(submitted);
        else expect(storedOutboundView(stored!), `${name}: a rewrite changes the subject, headers or recipients`).not.toEqual(submitted);
      }
    });

    it('inbound: a pass writes the message unchanged, a rewrite writes the new one, a reject writes nothing and names the hook', async ({ skip }) => {
      const samples = ctx.options().inbound ?? [];
      if (samples.length === 0) return skip('no inbound samples');
      const harness = await ctx.open();
      for (const [i, sample] of samples.entries()) {
        const name = sampleName(sample, i);
        const receipt = await harness.receive(sample.message);
        if (sample.verdict === 'reject') {
          expect(receipt.entries, `${name}: a rejected message is written to no inbox`).toEqual([]);
          const mailboxes = [...new Set(sample.message.recipients.map((r) => toMailboxKey(r)))];
          expect(receipt.rejected.map((r) => r.mailbox).sort(), `${name}: every mailbox is refused`).toEqual(mailboxes.sort());
          for (const r of receipt.rejected) expect(r.reason, name).toContain(`inbound hook '${ctx.id()}' rejected the message: `);
          continue;
        }
        expect(receipt.rejected, `${name}: nothing refused`).toEqual([]);
        const entries = (await Promise.all(receipt.entries.map((e) => harness.store.getInboxEntry(e.id)))).filter((e): e is InboxEntry => e !== undefined);
        expect(entries.length, `${name}: the accepted message is in the inbox`).toBeGreaterThan(0);
        const kept = await inboxView(harness, entries);
        if (sample.verdict === 'pass') expect(kept, `${name}: a pass keeps the message as received`).toEqual(receivedView(sample.message));
        else expect(kept, `${name}: a rewrite changes what is written`).not.toEqual(receivedView(sample.message));
      }
    });
  });
}
