import { MAX_HEADER_BLOCK_CHARS, MAX_HEADER_FIELDS, XportError, type MessageInput } from '@xport/provider-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, recordingTransport } from './harness.js';

// Submit bounds extra headers with the SDK's limits, the ones a receiving transport (the SMTP
// listener) applies to a message's header block: one definition for both ways in.
type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.spooler.stop();
  h = undefined;
});

async function submit(input: MessageInput): Promise<unknown> {
  h = await createHarness({ options: { maxMessageBytes: 1024 * 1024 } });
  h.addTransport('fx', ['x400'], recordingTransport());
  return h.spooler.submit(input).then(
    () => 'accepted',
    (error: unknown) => error,
  );
}

const headers = (count: number, valueLength = 1): Record<string, string> =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-H${i}`, 'v'.repeat(valueLength)]));

describe('submit header limits (the SDK constants)', () => {
  it('accepts MAX_HEADER_FIELDS extra headers and refuses one more', async () => {
    expect(await submit({ to: ['x400:a'], headers: headers(MAX_HEADER_FIELDS) })).toBe('accepted');
    await h?.spooler.stop();
    const refused = await submit({ to: ['x400:a'], headers: headers(MAX_HEADER_FIELDS + 1) });
    expect(XportError.is(refused, 'XPORT_MESSAGE_INVALID')).toBe(true);
    expect((refused as XportError).message).toContain(`more than the ${MAX_HEADER_FIELDS} allowed`);
  });

  it('refuses extra headers longer than MAX_HEADER_BLOCK_CHARS together', async () => {
    const refused = await submit({ to: ['x400:a'], headers: headers(8, MAX_HEADER_BLOCK_CHARS / 8) });
    expect(XportError.is(refused, 'XPORT_MESSAGE_INVALID')).toBe(true);
    expect((refused as XportError).message).toContain(`more than the ${MAX_HEADER_BLOCK_CHARS} allowed`);
  });
});
