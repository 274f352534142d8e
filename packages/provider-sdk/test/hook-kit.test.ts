import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkHookManifest, createTestKernel, makeOutboundHookInput } from '../src/testing/index.js';

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

describe('hook kit pieces', () => {
  it('checkHookManifest reports a transport kind, address types on a hook and the SDK as a dependency', async () => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'xport-hook-kit-')));
    try {
      await mkdir(join(dir, 'pkg'));
      await writeFile(
        join(dir, 'pkg', 'package.json'),
        JSON.stringify({
          name: 'xport-hook-muddled',
          dependencies: { '@xport/provider-sdk': '^0.1.0' },
          xport: { manifestVersion: 1, id: 'muddled', kind: 'transport', entry: './i.js', kernel: '^1.0.0', addressTypes: ['fax'] },
        }),
      );
      const { problems, manifest } = await checkHookManifest(join(dir, 'pkg'));
      expect(manifest).toBeUndefined();
      expect(problems).toEqual([
        'xport-hook-muddled: manifest field /kind must be "hook" (got "transport")',
        'xport-hook-muddled: manifest field /addressTypes is for transports; a hook judges every message and is routed none, so remove it',
        'xport-hook-muddled: @xport/provider-sdk must be a peerDependency (one copy shared with the kernel), found it in dependencies',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('makeOutboundHookInput gives what outbound(message) receives: parsed recipients with roles, subject, headers', () => {
    expect(makeOutboundHookInput({ from: 'ada@example.org', to: ['Bob <bob@example.net>'], bcc: [{ type: 'fax', address: '+331' }], subject: 's', headers: { 'X-A': '1' }, text: 'x' })).toEqual({
      from: { type: 'smtp', address: 'ada@example.org' },
      recipients: [
        { recipient: { type: 'smtp', address: 'bob@example.net', name: 'Bob' }, role: 'to' },
        { recipient: { type: 'fax', address: '+331' }, role: 'bcc' },
      ],
      subject: 's',
      headers: { 'X-A': '1' },
    });
  });
});
