import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XportError, type MessageInput } from '@xport/provider-sdk';
import { createMemoryStore } from '@xport/store-memory';
import { createKernel, type Kernel } from '../../src/index.js';
import { validateMessage } from '../../src/spooler/validate-message.js';
import { toContentParts } from '../../src/spooler/content-parts.js';
import type { TestApp } from '../helpers/test-app.js';
import { createSecurityApp } from './security-app.js';

// Anything that could end a header line or smuggle a second one, or is otherwise not printable.
// eslint-disable-next-line no-control-regex
const LINE_BREAKING = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const EXPECTED_CODES = new Set(['XPORT_MESSAGE_INVALID', 'XPORT_ADDRESS_INVALID']);

const hostileChar = fc.constantFrom('\r', '\n', '\r\n', '\u0000', '\u000b', '\u001b', '\u007f', '\u0085', '\t', ':', ';', ',', '<', '>', '"', '@', ' ');
/** A printable string with hostile characters spliced in at random places. */
const hostileText = (maxLength: number) =>
  fc
    .tuple(fc.string({ maxLength }), fc.array(fc.tuple(hostileChar, fc.nat()), { maxLength: 3 }))
    .map(([text, inserts]) => inserts.reduce((out, [c, at]) => `${out.slice(0, at % (out.length + 1))}${c}${out.slice(at % (out.length + 1))}`, text));
// Mostly clean, sometimes hostile: a message is refused as soon as one field is, so both outcomes need to be common.
const text = fc.oneof({ weight: 12, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: hostileText(40) });

const localPart = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,10}$/);
const recipient = fc.oneof(
  { weight: 8, arbitrary: localPart.map((l) => `rec:${l}`) },
  { weight: 4, arbitrary: fc.tuple(localPart, fc.constantFrom('example.org', 'mail.test')).map(([l, d]) => `${l}@${d}`) },
  { weight: 4, arbitrary: fc.tuple(fc.string({ maxLength: 12 }), localPart).map(([name, l]) => `${name} <rec:${l}>`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('rec', 'smtp', 'x400', 'REC', 'nowhere', ''), hostileText(20)).map(([type, address]) => `${type}:${address}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('rec', 'smtp', 'Smtp'), hostileText(20), fc.option(text, { nil: undefined }))
      .map(([type, address, name]) => ({ type, address, ...(name === undefined ? {} : { name }) })),
  },
  { weight: 1, arbitrary: hostileText(30) },
);
const headerName = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('X-Ticket', 'Reply-To', 'X-Mailer', 'Keywords') }, { weight: 1, arbitrary: hostileText(12) });
const message = fc.record(
  {
    from: fc.oneof({ weight: 3, arbitrary: fc.constant('rec:sender') }, { weight: 1, arbitrary: recipient }),
    to: fc.array(recipient, { maxLength: 4 }),
    cc: fc.array(recipient, { maxLength: 2 }),
    bcc: fc.array(recipient, { maxLength: 2 }),
    subject: text,
    headers: fc.dictionary(headerName, text, { maxKeys: 4 }),
    messageId: fc.oneof({ weight: 3, arbitrary: fc.constant('<id@example.org>') }, { weight: 1, arbitrary: text }),
    text: fc.string({ maxLength: 30 }),
    attachments: fc.array(fc.record({ filename: text, contentType: fc.oneof(fc.constant('text/plain'), text), content: fc.string({ maxLength: 10 }) }, { requiredKeys: ['filename', 'content'] }), {
      maxLength: 2,
    }),
  },
  { requiredKeys: ['to'] },
);

interface RecordedSend {
  envelope: { from?: { type: string; address: string; name?: string }; subject?: string; headers: Record<string, string>; messageId?: string; kind?: string; reportFor?: string };
  recipients: Array<{ recipient: { type: string; address: string; name?: string } }>;
  assigned: Array<{ recipient: { type: string; address: string; name?: string } }>;
  parts: Array<{ contentType: string; filename?: string; contentId?: string }>;
}
const recorded = (): RecordedSend[] => ((globalThis as Record<string, unknown>).__xportRecordedSends as RecordedSend[] | undefined) ?? [];

/** Every string a transport is handed that ends up in a header line or an SMTP command. */
function wireStrings(send: RecordedSend): Array<{ where: string; value: string; strict: boolean }> {
  const out: Array<{ where: string; value: string; strict: boolean }> = [];
  const addr = (where: string, r: { type: string; address: string; name?: string } | undefined) => {
    if (!r) return;
    out.push({ where: `${where}.type`, value: r.type, strict: true }, { where: `${where}.address`, value: r.address, strict: true });
    if (r.name !== undefined) out.push({ where: `${where}.name`, value: r.name, strict: true });
  };
  addr('from', send.envelope.from);
  if (send.envelope.subject !== undefined) out.push({ where: 'subject', value: send.envelope.subject, strict: false });
  if (send.envelope.messageId !== undefined) out.push({ where: 'messageId', value: send.envelope.messageId, strict: false });
  for (const [name, value] of Object.entries(send.envelope.headers)) out.push({ where: 'header name', value: name, strict: true }, { where: `header ${name}`, value, strict: false });
  send.recipients.forEach((r, i) => addr(`recipients[${i}]`, r.recipient));
  send.assigned.forEach((r, i) => addr(`assigned[${i}]`, r.recipient));
  for (const part of send.parts) {
    out.push({ where: 'part contentType', value: part.contentType, strict: false });
    if (part.filename !== undefined) out.push({ where: 'part filename', value: part.filename, strict: true });
    if (part.contentId !== undefined) out.push({ where: 'part contentId', value: part.contentId, strict: false });
  }
  return out;
}

describe('message validator properties', () => {
  it('validateMessage and toContentParts answer anything at all with a coded error or a result, never a crash', () => {
    const anything = fc.oneof(fc.anything(), fc.record({ to: fc.anything(), headers: fc.anything(), attachments: fc.anything(), subject: fc.anything(), from: fc.anything() }));
    fc.assert(
      fc.property(anything, (input) => {
        for (const check of [() => validateMessage(input as MessageInput), () => toContentParts(input as MessageInput, 1024)]) {
          try {
            check();
          } catch (error) {
            expect(XportError.is(error) && EXPECTED_CODES.has(error.code), `not a coded error: ${String(error)}`).toBe(true);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  describe('through kernel.submit on a memory store, with a recording transport', () => {
    let app: TestApp;
    let kernel: Kernel;
    beforeAll(async () => {
      (globalThis as Record<string, unknown>).__xportRecordedSends = [];
      app = await createSecurityApp([], ['recording-transport']);
      kernel = createKernel({ root: app.root, env: {}, store: createMemoryStore({ name: 'hostile-input' }), config: { spooler: { pollMs: 10 } } });
      await kernel.start();
      expect(kernel.providerState('recorder')).toBe('online');
    });
    afterAll(async () => {
      await kernel?.stop();
      await app?.cleanup();
    });

    it('refuses hostile messages with coded errors only, delivers every accepted recipient, and never hands a transport a line break', async () => {
      let accepted = 0;
      let refused = 0;
      let expectedDeliveries = 0;
      const acceptedIds = new Set<string>();
      await fc.assert(
        fc.asyncProperty(message, async (input) => {
          try {
            const receipt = await kernel.submit(input as MessageInput);
            accepted += 1;
            acceptedIds.add(receipt.messageId);
            expectedDeliveries += receipt.recipients.filter((r) => r.provider === 'recorder').length;
          } catch (error) {
            refused += 1;
            expect(XportError.is(error) && EXPECTED_CODES.has(error.code), `not a coded error: ${String(error)}`).toBe(true);
            expect((error as XportError).message.length).toBeLessThan(1000);
          }
        }),
        { numRuns: 2000 },
      );
      // Both sides of the validator were exercised.
      expect(accepted).toBeGreaterThan(100);
      expect(refused).toBeGreaterThan(100);

      // Nothing accepted is lost: every recipient routed to the recorder reaches its send().
      // The kernel's own reports (a non-delivery report to a sender of a type the recorder serves) come on top.
      const isReport = (s: RecordedSend): boolean => s.envelope.kind?.startsWith('report.') === true;
      const submitted = (): RecordedSend[] => recorded().filter((s) => !isReport(s));
      await expect.poll(() => submitted().reduce((n, s) => n + s.assigned.length, 0), { timeout: 20_000, interval: 50 }).toBe(expectedDeliveries);
      expect(recorded().filter((s) => isReport(s) && !acceptedIds.has(s.envelope.reportFor ?? ''))).toEqual([]);
      const offences: string[] = [];
      for (const send of recorded()) {
        for (const { where, value, strict } of wireStrings(send)) {
          if ((strict ? ANY_CONTROL : LINE_BREAKING).test(value)) offences.push(`${where}: ${JSON.stringify(value)}`);
        }
      }
      expect(offences).toEqual([]);
    });
  });
});
