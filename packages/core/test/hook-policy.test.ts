import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { XportError, type MessageInput } from '@xport/provider-sdk';
import { createMemoryStore } from '../../store-memory/src/index.js';
import { createKernel, type Kernel } from '../src/index.js';
import { createCaptureLogger, createManualScheduler, createTestApp, resetFixtureGlobals, type TestApp } from './helpers/test-app.js';

let app: TestApp | undefined;
let kernel: Kernel | undefined;
beforeEach(resetFixtureGlobals);
afterEach(async () => {
  await kernel?.stop();
  await app?.cleanup();
  kernel = undefined;
  app = undefined;
});

// alpha:… routes to the alpha fixture transport, so an accepted message stays queued (no spool loop runs).
const blocked: MessageInput = { from: 'alpha:me', to: ['alpha:you'], subject: '[blocked] cheap offer', text: 'x' };
const fine: MessageInput = { from: 'alpha:me', to: ['alpha:you'], subject: 'minutes', text: 'x' };
const inbound = { recipients: [{ type: 'loopback', address: 'you' }], subject: '[blocked] hi', text: 'x' };

async function refusal(promise: Promise<unknown>): Promise<XportError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!XportError.is(error)) throw new Error(`expected an XportError, got ${String(error)}`);
  return error;
}

/** Starts a kernel the way `xport send` does (hooks and store, no transports, no spool loop). */
async function startSubmitOnly(config: unknown, logger = createCaptureLogger()): Promise<Kernel> {
  const store = createMemoryStore({ name: 'hook-policy' });
  kernel = createKernel({ root: app!.root, config: config as never, store, env: {}, logger, scheduler: createManualScheduler() });
  await kernel.start({ spool: false });
  return kernel;
}

async function makeAdvisory(fixture: string): Promise<void> {
  const path = join(app!.dirOf(fixture), 'package.json');
  const pkg = JSON.parse(await readFile(path, 'utf8')) as { xport: Record<string, unknown> };
  pkg.xport.advisory = true;
  await writeFile(path, JSON.stringify(pkg));
}

describe('a policy hook that is not online fails closed', () => {
  it('refuses submits and inbound deliveries while its configuration is invalid, naming the hook and why', async () => {
    app = await createTestApp(['hook-subject-policy', 'xport-transport-alpha']);
    const k = await startSubmitOnly({ providers: { 'subject-policy': { config: { blockedWord: 42 } } } });
    expect(k.providerState('subject-policy')).toBe('invalid');
    for (const message of [blocked, fine]) {
      const error = await refusal(k.submit(message));
      expect(error.code).toBe('XPORT_HOOK_UNAVAILABLE');
      expect(error.message).toContain("outbound hook 'subject-policy' is not online (state invalid: XPORT_PROVIDER_CONFIG_INVALID");
      expect(error.message).toContain('the message was not queued');
      expect(error.details).toMatchObject({ hook: 'subject-policy', state: 'invalid', lastErrorCode: 'XPORT_PROVIDER_CONFIG_INVALID' });
    }
    // It never loaded, so nobody knows it has no inbound method: it judges inbound mail too.
    const inboundError = await refusal(k.spooler().inbound.deliver(inbound));
    expect(inboundError.code).toBe('XPORT_HOOK_UNAVAILABLE');
    expect(inboundError.message).toContain("inbound hook 'subject-policy' is not online");
    expect(await k.store()!.listQueue()).toEqual([]);
    expect(await k.store()!.listInbox('loopback:you')).toEqual([]);
  });

  it('refuses what a loaded hook judges while its logon fails, and lets it judge again once it is online', async () => {
    app = await createTestApp(['hook-subject-policy', 'xport-transport-alpha']);
    const k = await startSubmitOnly({ providers: { 'subject-policy': { config: { wordsFile: 'words.txt' } } } });
    expect(k.providerState('subject-policy')).toBe('logon-failed');
    const error = await refusal(k.submit(fine));
    expect(error.code).toBe('XPORT_HOOK_UNAVAILABLE');
    expect(error.message).toContain("(state logon-failed: XPORT_LOGON_FAILED subject-policy: cannot read words file");
    // Loaded, it is known to judge outbound mail only: inbound deliveries go on.
    await expect(k.spooler().inbound.deliver(inbound)).resolves.toMatchObject({ rejected: [] });

    await writeFile(join(app.root, 'words.txt'), 'lottery\n');
    expect(await k.revalidate('subject-policy')).toBe('online');
    await expect(k.submit(fine)).resolves.toMatchObject({ duplicate: false });
    expect((await refusal(k.submit({ ...fine, subject: 'you won the lottery' }))).code).toBe('XPORT_MESSAGE_REJECTED');
    expect((await refusal(k.submit(blocked))).message).toContain('subject holds the blocked word "[blocked]"');
    expect(await k.store()!.listQueue()).toHaveLength(1);
  });

  it('passes messages by an advisory hook that is down, warning once per state rather than per message', async () => {
    app = await createTestApp(['hook-subject-policy', 'xport-transport-alpha']);
    await makeAdvisory('hook-subject-policy');
    const logger = createCaptureLogger();
    const k = await startSubmitOnly({ providers: { 'subject-policy': { config: { wordsFile: 'words.txt' } } } }, logger);
    await k.submit(blocked);
    await k.submit(blocked);
    await k.spooler().inbound.deliver(inbound);
    const warnings = () => logger.lines.filter((l) => l.level === 'warn' && l.fields.code === 'XPORT_HOOK_UNAVAILABLE');
    expect(warnings().map((l) => l.message)).toEqual([expect.stringMatching(/^advisory hook 'subject-policy' is not online \(state logon-failed: XPORT_LOGON_FAILED .*\); messages pass it unchecked until it is back$/)]);
    expect(await k.store()!.listQueue()).toHaveLength(2);

    // Back online it judges again; down again, it warns again.
    await writeFile(join(app.root, 'words.txt'), 'lottery\n');
    expect(await k.revalidate('subject-policy')).toBe('online');
    expect((await refusal(k.submit(blocked))).code).toBe('XPORT_MESSAGE_REJECTED');
    await rm(join(app.root, 'words.txt'));
    expect(await k.revalidate('subject-policy')).toBe('logon-failed');
    await k.submit(blocked);
    expect(warnings()).toHaveLength(2);
  });

  it('keeps refusing until the broken hook is disabled in the configuration', async () => {
    app = await createTestApp(['hook-subject-policy', 'xport-transport-alpha']);
    const k = await startSubmitOnly({ providers: { 'subject-policy': { config: { blockedWord: '' } } } });
    expect((await refusal(k.submit(fine))).code).toBe('XPORT_HOOK_UNAVAILABLE');
    await k.stop();
    await startSubmitOnly({ providers: { 'subject-policy': { enabled: false, config: { blockedWord: '' } } } });
    await expect(kernel!.submit(blocked)).resolves.toMatchObject({ duplicate: false });
  });

  it('refuses while a hook is stopped: a stopping kernel lets nothing past its policy', async () => {
    app = await createTestApp(['hook-subject-policy', 'xport-transport-alpha']);
    const k = await startSubmitOnly({});
    const spooler = k.spooler();
    await k.stop();
    expect(k.providerState('subject-policy')).toBe('stopped');
    expect((await refusal(spooler.submit(fine))).message).toContain("outbound hook 'subject-policy' is not online (state stopped)");
  });
});

describe('the order hooks judge in', () => {
  const trail = async (config: unknown): Promise<string | undefined> => {
    const k = await startSubmitOnly(config);
    const { messageId } = await k.submit({ ...fine, headers: { 'X-Keep': 'kept' } });
    const stored = await k.store()!.getMessage(messageId);
    expect(stored?.envelope.headers['X-Keep']).toBe('kept');
    await k.stop();
    return stored?.envelope.headers['X-Trail'];
  };

  it('is discovery order unless hookOrder names hooks to run first', async () => {
    app = await createTestApp(['hook-trail-a', 'hook-trail-b']);
    expect(await trail({})).toBe('trail-a,trail-b');
    expect(await trail({ hookOrder: ['trail-b'] })).toBe('trail-b,trail-a');
    expect(await trail({ hookOrder: ['trail-b', 'trail-a'] })).toBe('trail-b,trail-a');
  });
});
