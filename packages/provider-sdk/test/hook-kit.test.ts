import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../src/testing/index.js';

// The hook testing recipe of docs/writing-a-hook.md, run as written against a real hook package.
const packageDir = fileURLToPath(new URL('../../core/test/fixtures/providers/hook-subject-policy', import.meta.url));

describe('testing a hook with createTestKernel (docs/writing-a-hook.md)', () => {
  it('judges submits: a blocked subject is refused, other mail is queued unchanged', async () => {
    const t = await createTestKernel({ providers: [packageDir], config: { providers: { 'subject-policy': { config: { blockedWord: '[blocked]' } } } } });
    try {
      expect(t.row('subject-policy').state).toBe('online');
      await expect(t.submit({ to: ['fax:+331'], subject: '[blocked] offer', text: 'x' })).rejects.toMatchObject({
        code: 'XPORT_MESSAGE_REJECTED',
        message: expect.stringContaining("outbound hook 'subject-policy' rejected the message"),
      });
      const { messageId } = await t.submit({ to: ['fax:+331'], subject: 'minutes', text: 'x' });
      expect((await t.store.getMessage(messageId))?.envelope.subject).toBe('minutes');
      // It has no inbound method: received mail does not pass through it.
      await t.receive({ recipients: [{ type: 'loopback', address: 'ada' }], subject: '[blocked] hi' });
      expect((await t.inbox('loopback:ada')).map((e) => e.envelope.subject)).toEqual(['[blocked] hi']);
    } finally {
      await t.close();
    }
  });

  it('fails closed: with a wrong configuration the hook is not online and every message is refused', async () => {
    const t = await createTestKernel({ providers: [packageDir], config: { providers: { 'subject-policy': { config: { blockedWord: 42 } } } } });
    try {
      expect(t.row('subject-policy')).toMatchObject({ state: 'invalid', lastError: { code: 'XPORT_PROVIDER_CONFIG_INVALID' } });
      await expect(t.submit({ to: ['fax:+331'], subject: 'minutes', text: 'x' })).rejects.toMatchObject({ code: 'XPORT_HOOK_UNAVAILABLE' });
      await expect(t.receive({ recipients: [{ type: 'loopback', address: 'ada' }], subject: 'hi' })).rejects.toMatchObject({ code: 'XPORT_HOOK_UNAVAILABLE' });
      expect(await t.inbox('loopback:ada')).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
